"""What a section's ``render`` gets besides the sums and the window, and the number formats.

Renders build their models with ``model_construct``: every value comes from our own sums with the
declared type, so validating it again would only cost time on the live path (the protocol tests
validate rendered sections against the models).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...tables import NANOS, Tables
from ...timeparse import TimestampParser
from ..buckets import Clock
from ..rowcache import RowCache


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
    # rendered per-value stats by id(sums), with the sums' fields they were made from: an
    # append changes one user and one session, so the other shipped values are not made again
    stats: dict[int, tuple[tuple[int, ...], Any]] = field(default_factory=dict)
    picks: dict[str, Any] = field(default_factory=dict)  # the last top values per dimension
    price_rows: dict[int, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)  # prices.py

    def iso(self, epoch: float | None) -> str | None:
        return None if epoch is None else self.parser.to_local(epoch).isoformat()


def usd(nanos: int | float) -> float:
    """Nanodollars to dollars, rounded to the nanodollar (removes float noise, keeps cents exact)."""
    return round(nanos / NANOS, 9)


def pct(part: int | float, whole: int | float) -> float:
    return round(part / whole * 100, 4) if whole else 0.0


def avg(total: int | float, n: int) -> float | None:
    return round(total / n, 3) if n else None
