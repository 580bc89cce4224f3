"""Time windows and filters for every analytics question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..tables import CallCombo, RunCombo, Tables
from ..timeparse import TimestampParser
from .dimensions import DIMENSIONS, Dimension, combo_value_matches

RangeName = Literal["today", "7d", "30d", "all", "custom"]
RANGES: tuple[str, ...] = ("today", "7d", "30d", "all")
DAY = 86400.0


@dataclass(frozen=True)
class WindowSpec:
    """What the user asked for: a named range and/or explicit bounds (ISO strings or epoch)."""

    range: str = "7d"
    since: str | float | None = None
    until: str | float | None = None
    now: str | float | None = None


@dataclass(frozen=True)
class Window:
    """A resolved window: ``since <= ts < until`` (either bound may be open)."""

    range: str
    since: float | None
    until: float | None
    now: float

    def contains(self, ts: float) -> bool:
        return (self.since is None or ts >= self.since) and (self.until is None or ts < self.until)

    def mask(self, ts: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_] | None:
        """``contains`` for an array of instants; None when the window is unbounded (all rows)."""
        m: npt.NDArray[np.bool_] | None = None
        if self.since is not None:
            m = ts >= self.since
        if self.until is not None:
            u = ts < self.until
            m = u if m is None else (m & u)
        return m

    def previous(self) -> Window | None:
        """The period of equal length just before this one (for deltas); None when unbounded."""
        if self.since is None:
            return None
        end = self.until if self.until is not None else self.now
        return Window("previous", self.since - (end - self.since), self.since, self.now)


# Every instant: a row pass over calls already known to be wanted (no mask per block).
EVERYTHING = Window("all", None, None, 0.0)


def _to_epoch(v: str | float, parser: TimestampParser, what: str) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return parser.epoch(v)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"--{what}: {v!r} is not an ISO 8601 date or date-time") from exc


def resolve(spec: WindowSpec, parser: TimestampParser, wall_now: float | None = None) -> Window:
    """Resolve a spec to epoch bounds. Named ranges are relative to ``now``.

    ``today`` starts at local midnight; ``7d``/``30d`` are the last 7×24h / 30×24h.

    Raises:
        ValueError: unknown range or unparsable date.
    """
    now = (
        _to_epoch(spec.now, parser, "now")
        if spec.now is not None
        else (wall_now if wall_now is not None else datetime.now().timestamp())
    )
    if spec.since is not None or spec.until is not None:
        since = _to_epoch(spec.since, parser, "since") if spec.since is not None else None
        until = _to_epoch(spec.until, parser, "until") if spec.until is not None else None
        if since is not None and until is not None and until <= since:
            raise ValueError("--until must be after --since")
        return Window("custom", since, until, now)
    if spec.range == "today":
        return Window("today", parser.local_midnight(now), None, now)
    if spec.range == "7d":
        return Window("7d", now - 7 * DAY, None, now)
    if spec.range == "30d":
        return Window("30d", now - 30 * DAY, None, now)
    if spec.range == "all":
        return Window("all", None, None, now)
    raise ValueError(f"unknown range {spec.range!r} (use today, 7d, 30d or all)")


Rows = slice | npt.NDArray[np.int64]


@dataclass(frozen=True)
class Filters:
    """Optional exact-match filters, one per dimension (``dimensions.DIMENSIONS``); ``None``
    means any and ``"(none)"`` matches records without the field."""

    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None
    step: str | None = None  # a call's step_name (runs carry none: see dimensions.DIMENSIONS)
    project: str | None = None
    user: str | None = None
    session: str | None = None
    source: str | None = None

    def items(self) -> list[tuple[Dimension, str]]:
        return [(d, v) for d in DIMENSIONS if (v := getattr(self, d.name)) is not None]

    @property
    def active(self) -> bool:
        return any(getattr(self, d.name) is not None for d in DIMENSIONS)

    @property
    def per_row(self) -> bool:
        """Whether a per-row dimension (user, session, project of calls) is filtered."""
        return any(d.call_col is not None or d.run_col is not None for d, _v in self.items())

    def without(self, name: str) -> Filters:
        return Filters(**{d.name: getattr(self, d.name) for d in DIMENSIONS if d.name != name})

    def match_call(self, c: CallCombo) -> bool:
        """The combo part of the filter (per-row dimensions: ``call_rows``)."""
        return all(combo_value_matches(d.call(c), v) for d, v in self.items() if d.call is not None)

    def combo_mask(self, tables: Tables) -> npt.NDArray[np.bool_]:
        """``tables.call_combo_mask(self.match_call)``, testing each distinct value once."""
        m = np.ones(len(tables.call_combos), dtype=np.bool_)
        for d, v in self.items():
            if d.call is not None:
                values, ids = tables.call_combo_values(d.call)
                ok = np.fromiter((combo_value_matches(x, v) for x in values), np.bool_, len(values))
                m &= ok[ids]
        return m

    def match_run(self, r: RunCombo) -> bool:
        for d, v in self.items():
            if d.run is not None:
                if not combo_value_matches(d.run(r), v):
                    return False
            elif d.run_col is None:  # no run carries it (model): only calls answer
                return False
        return True

    def call_rows(
        self, tables: Tables, rows: Rows, proj: npt.NDArray[np.int32] | None = None
    ) -> npt.NDArray[np.bool_] | None:
        """Which call ``rows`` pass the per-row filters (None: no such filter). ``proj``
        overrides the rows' project ids (a view undoing a relabel)."""
        m: npt.NDArray[np.bool_] | None = None
        for d, v in self.items():
            if d.call_col is None:
                continue
            ids = proj if (proj is not None and d.call_col == "proj") else d.call_ids(tables)[rows]
            x = ids == d.id_of(tables, v)
            m = x if m is None else (m & x)
        return m

    def call_candidates(self, tables: Tables) -> npt.NDArray[np.int64] | None:
        """The call rows (ascending) passing every per-row filter, from the per-value row
        index (``Dimension.rows_of``); None when no per-row dimension is filtered."""
        out: npt.NDArray[np.int64] | None = None
        for d, v in self.items():
            if d.call_col is None:
                continue
            rows = d.rows_of(tables, d.id_of(tables, v))
            out = rows if out is None else np.intersect1d(out, rows, assume_unique=True)
        return out

    def run_rows(self, tables: Tables, rows: Rows) -> npt.NDArray[np.bool_] | None:
        m: npt.NDArray[np.bool_] | None = None
        for d, v in self.items():
            if d.run_col is None:
                continue
            x = tables.runs.col(d.run_col)[rows] == d.id_of(tables, v)
            m = x if m is None else (m & x)
        return m
