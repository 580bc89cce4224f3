"""What a section's ``render`` gets besides the sums and the window, and the number formats.

Renders build their models with ``model_construct``: every value comes from our own sums with the
declared type, so validating it again would only cost time on the live path (the protocol tests
validate rendered sections against the models).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ...tables import NANOS, Tables
from ...timeparse import TimestampParser
from ..buckets import Clock
from ..rowcache import RowCache

_M = TypeVar("_M")


class Kept:
    """Rendered rows by ``id`` of the sums they were made from, with the inputs (``state``) they
    were made from: a row is made again when its inputs changed, and an id reused by other sums
    cannot serve their numbers (equal inputs make an equal row). Cleared past ``limit`` (ids of
    sums dropped since: a slide, a rebuild)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._rows: dict[int, tuple[tuple[Any, ...], Any]] = {}

    def get(self, sums: object, state: tuple[Any, ...], make: Callable[[], _M]) -> _M:
        """The row of ``sums`` made from ``state`` (``make()`` when none)."""
        got = self._rows.get(id(sums))
        if got is not None and got[0] == state:
            row: _M = got[1]
            return row
        row = make()
        if len(self._rows) >= self.limit:
            self._rows.clear()
        self._rows[id(sums)] = (state, row)
        return row


@dataclass
class Context:
    parser: TimestampParser
    clock: Clock
    rows: RowCache
    top: int
    # The view's cost mode and the workspace's price set-up (``prices.columns.Pricing``); None
    # for a view built without prices (the writer's numbers only).
    cost_mode: str = "writer"
    pricing: Any = None
    # renders that only change with the window (the ``window`` section), keyed by section
    memo: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    tables: Tables | None = None  # for the labels of per-row dimensions (user, session, project)
    dim_top: int | None = None  # values of a high-cardinality dimension shipped (None: all)
    filters: Any = None  # the view's ``window.Filters`` (a filtered value stays in its options)
    # rendered rows kept between renders (an append changes one user, one session, one model,
    # so the other shipped rows are not made again): per-value stats, per-model price rows
    stats: Kept = field(default_factory=lambda: Kept(4000))
    price_rows: Kept = field(default_factory=lambda: Kept(1000))
    picks: dict[str, Any] = field(default_factory=dict)  # the last top values per dimension

    def iso(self, epoch: float | None) -> str | None:
        return None if epoch is None else self.parser.to_local(epoch).isoformat()


def usd(nanos: int | float) -> float:
    """Nanodollars to dollars, rounded to the nanodollar (removes float noise, keeps cents exact)."""
    return round(nanos / NANOS, 9)


def pct(part: int | float, whole: int | float) -> float:
    return round(part / whole * 100, 4) if whole else 0.0


def avg(total: int | float, n: int) -> float | None:
    return round(total / n, 3) if n else None
