"""One dashboard view (a window + filters) as running sums that a new record updates in O(1).

``View.build`` fills the sums from the columnar tables with numpy (``build.py``: cold start, window
or filter change); ``View.add_calls`` / ``add_runs`` fold in appended rows one by one and
``View.slide`` moves the window forward (``fold.py``); ``View.render`` renders every section of
``sections.REGISTRY`` from the sums. Both paths feed the same sums, so the live panel and a fresh
``empathy telemetry --json`` agree to the nanodollar. The view reads nothing from disk: the activity
feed is ``recent_refs`` (file, offset), turned into rows by the facade.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..prices.columns import Pricing
from ..prices.sources import CostMode
from ..tables import Tables
from ..timeparse import TimestampParser
from . import build, fold
from .buckets import Clock, hourly
from .latency import LatencyHist
from .rowcache import Mode, RowCache
from .sections import BY_NAME, REGISTRY, Context, usd
from .sums import CallSums, DaySums, Sums
from .window import Filters, Window

# The keys of ``empathy telemetry --json``, in order.
SECTIONS = (
    *(d.name for d in REGISTRY if d.dashboard),
    "circuit_breakers",
    "recent_calls",
    "health",
)

__all__ = ["SECTIONS", "View", "usd"]


class View:
    """Sums for one window and filter set."""

    def __init__(
        self,
        tables: Tables,
        parser: TimestampParser,
        window: Window,
        filters: Filters,
        recent_limit: int = 20,
        top: int = 10,
        overview_only: bool = False,
        cost_mode: CostMode = "writer",
        pricing: Pricing | None = None,
        dim_top: int | None = None,
        dims: bool | None = None,
    ) -> None:
        # overview_only: keep just the totals, the per-provider/tier/model/workflow sums and the
        # overall latency histogram (overview, filter options): a previous-period or options
        # view costs half as much.
        self.overview_only = overview_only
        # per-row dimension sums (user, session, project): the detailed views, and an overview
        # view that serves the filter options (``dims=True``)
        self.dims = (not overview_only) if dims is None else dims
        self.tables = tables
        self.parser = parser
        self.window = window
        self.filters = filters
        self.recent_limit = recent_limit
        self.clock = Clock(parser)
        self.rows = RowCache()
        # cost_mode: which cost every section sums (``prices.sources``); ``pricing`` holds the
        # list-price columns it is computed from (None: the writer's numbers only).
        self.cost_mode: CostMode = cost_mode
        self.pricing = pricing
        self.ctx = Context(
            parser,
            self.clock,
            self.rows,
            top,
            cost_mode,
            pricing,
            tables=tables,
            dim_top=dim_top,
            filters=filters,
        )
        self._combo_ok: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        self._run_combo_ok: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        self.sums = Sums()
        self._calls_n = 0  # call rows this view has seen (folded or passed over)
        self._runs_n = 0  # run rows likewise
        self._relabel_seq = 0  # Tables.relabel_seq when those rows' projects were last applied

    def _call_rows(self, rows: slice | npt.NDArray[Any]) -> npt.NDArray[np.bool_] | None:
        return self.filters.call_rows(self.tables, rows) if self.filters.per_row else None

    def _run_rows(self, rows: slice | npt.NDArray[Any]) -> npt.NDArray[np.bool_] | None:
        return self.filters.run_rows(self.tables, rows) if self.filters.per_row else None

    def _catch_up(self) -> None:
        """Move calls whose run arrived since (their project changed) to their new project:
        fold them out with the old project and back in with the new one."""
        t = self.tables
        if self._relabel_seq == t.relabel_seq:
            return
        if self._relabel_seq < t.relabel_base:  # too far behind: the log was trimmed
            self.build()
            return
        allowed = self._combo_allowed() if self.filters.active else None
        for rl in t.relabels[self._relabel_seq - t.relabel_base :]:
            keep = rl.rows < self._calls_n  # later rows are folded with their current project
            rows, old = rl.rows[keep], rl.old[keep]
            if not rows.size:
                continue
            per_row = self.filters.per_row
            before = self.filters.call_rows(t, rows, old) if per_row else None
            old_keep = fold.Keep(self.window, allowed, before)
            new_keep = fold.Keep(self.window, allowed, self._call_rows(rows))
            fold.fold_calls(t, self._target(), rows, -1, old_keep, old)
            fold.fold_calls(t, self._target(), rows, 1, new_keep)
        self._relabel_seq = t.relabel_seq

    def _target(self) -> fold.Target:
        return fold.Target(
            self.sums,
            self.clock,
            self.rows,
            not self.overview_only,
            hourly(self.window),
            self.recent_limit,
            self.cost_mode,
            self.pricing,
            self.dims,
        )

    def _combo_allowed(self) -> npt.NDArray[np.bool_]:
        if len(self._combo_ok) != len(self.tables.call_combos):
            self._combo_ok = self.filters.combo_mask(self.tables)
        return self._combo_ok

    def _run_allowed(self) -> npt.NDArray[np.bool_]:
        if len(self._run_combo_ok) != len(self.tables.run_combos):
            self._run_combo_ok = self.tables.run_combo_mask(self.filters.match_run)
        return self._run_combo_ok

    # -- building ---------------------------------------------------------------------------
    def build(self) -> View:
        """Compute every sum from the tables (vectorised)."""
        self.sums = Sums()
        self.rows.clear()
        active = self.filters.active
        t = self.tables
        self._calls_n, self._relabel_seq = t.calls.n, t.relabel_seq
        self._runs_n = t.runs.n
        build.build_calls(
            t,
            self.parser,
            self.window,
            self._combo_allowed() if active else None,
            self.sums,
            self.recent_limit,
            self.overview_only,
            self.cost_mode,
            self.pricing,
            None,
            self.dims,
            self.filters.call_candidates(t),
        )
        build.build_runs(
            t,
            self.window,
            self._run_allowed() if active else None,
            self.sums,
            self._run_rows(slice(None)),
        )
        return self

    # -- incremental ------------------------------------------------------------------------
    def add_calls(self, start: int, end: int) -> int:
        """Fold appended call rows ``[start, end)``; returns how many fell in this view.

        Rows this view has already seen are skipped: a view shared by several publisher keys
        (the unfiltered options of a window) is brought up to date by whichever asks first.
        """
        if end <= max(start, self._calls_n):
            return 0
        self._catch_up()  # may rebuild, which then covers these rows
        start = max(start, self._calls_n)
        if end <= start:
            return 0
        allowed = self._combo_allowed() if self.filters.active else None
        rows = slice(start, end)
        keep = fold.Keep(self.window, allowed, self._call_rows(rows))
        n = fold.fold_calls(self.tables, self._target(), rows, 1, keep)
        self._calls_n = max(self._calls_n, end)
        return n

    def add_runs(self, start: int, end: int) -> int:
        """Fold appended run rows ``[start, end)``; returns how many fell in this view (rows
        already seen are skipped, as in ``add_calls``)."""
        if end <= max(start, self._runs_n):
            return 0
        self._catch_up()
        start = max(start, self._runs_n)
        if end <= start:
            return 0
        allowed = self._run_allowed() if self.filters.active else None
        rows = slice(start, end)
        keep = fold.Keep(self.window, allowed, self._run_rows(rows))
        self._runs_n = end
        return fold.fold_runs(self.tables, self._target(), rows, 1, keep)

    def follow(self) -> None:
        """Fold every row appended to the tables since this view last saw them."""
        self.add_calls(self._calls_n, self.tables.calls.n)
        self.add_runs(self._runs_n, self.tables.runs.n)

    def slide(self, since: float | None, until: float | None, now: float) -> None:
        """Move the window forward to ``[since, until)``: subtract the rows that left it and add
        the rows that entered it, instead of rebuilding.

        Raises:
            ValueError: if a bound would move backwards or an open bound would close.
        """
        self._catch_up()
        active = self.filters.active
        per_row = self.filters.per_row
        fold.slide(
            self.tables,
            self._target(),
            self.window,
            since,
            until,
            self._combo_allowed if active else None,
            self._run_allowed if active else None,
            self._call_rows if per_row else None,
            self._run_rows if per_row else None,
        )
        self.window = Window(self.window.range, since, until, now)

    # -- rendering --------------------------------------------------------------------------
    def section(self, name: str, sums: Sums | None = None) -> Any:
        """One section as its model; ``sums`` from another view (the unfiltered options)."""
        return BY_NAME[name].render(sums or self.sums, self.window, self.ctx)

    def dump(self, name: str, mode: Mode = "python", sums: Sums | None = None) -> Any:
        """One section as plain data (see ``SectionDef.to_wire`` for the modes)."""
        d = BY_NAME[name]
        return d.to_wire(d.render(sums or self.sums, self.window, self.ctx), mode, self.ctx)

    def render(self, mode: Mode = "python", dashboard_only: bool = True) -> dict[str, Any]:
        """Every windowed section (``circuit_breakers``, ``recent_calls`` and ``health`` are the
        facade's); with ``dashboard_only``, only the keys of ``empathy telemetry --json``."""
        s, w, ctx = self.sums, self.window, self.ctx
        return {
            d.name: d.to_wire(d.render(s, w, ctx), mode, ctx)
            for d in REGISTRY
            if d.dashboard or not dashboard_only
        }

    def render_overview(self) -> dict[str, Any]:
        out: dict[str, Any] = self.dump("overview")
        return out

    def render_by_provider(self) -> dict[str, Any]:
        out: dict[str, Any] = self.dump("by_provider")
        return out

    def render_fallback(self) -> dict[str, Any]:
        out: dict[str, Any] = self.dump("fallback")
        return out

    # A few sums read directly: per-workflow calls (alert metrics), and what an overview-only
    # view leaves empty.
    @property
    def wf_calls(self) -> dict[str, CallSums]:
        return self.sums.wf_calls

    @property
    def days(self) -> dict[int, DaySums]:
        return self.sums.days

    @property
    def tier_hist(self) -> dict[str, LatencyHist]:
        return self.sums.tier_hist

    @property
    def recent(self) -> list[tuple[float, int, int]]:
        return self.sums.recent

    def recent_refs(self) -> list[tuple[int, int]]:
        """(file, offset) of the newest calls, newest first; the facade reads them as rows."""
        return [(f, o) for _ts, f, o in self.sums.recent]
