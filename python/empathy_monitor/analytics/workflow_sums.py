"""Every workflow's (and step's) numbers for one window and its previous period, kept current.

``WorkflowSums`` is ``workflow_numbers.compute`` as running sums: per (workflow, period) and per
(workflow, step, period) it keeps calls, errors, cost (integer nanodollars) and the latencies
as a sorted array, so a p95 is one index. It is filled once from the tables (``build``); rows
appended later are folded in (``add``: O(new rows) plus one ``memmove`` per touched group), and a
relative window that moved on (``slide``) moves only the rows that crossed a boundary: the rows of
the span (previous start .. open end) are kept ordered by time for that. The same selection
rules as ``compute`` (workflow combos, flagged latency -1 out of the percentile, nearest rank), so
the numbers equal a fresh computation, and with it ``empathy telemetry --workflow W``.
A table whose rows were dropped, a reprice or another cost mode make the owner build a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import Tables
from .sortedrows import I64, TimeSpan, merge_sorted, p95, remove_sorted
from .window import Window
from .workflow_numbers import Numbers, WindowNumbers

Costs = Callable[[I64], I64]  # nanodollars of call rows in the cost mode shown
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_L = np.zeros(0, dtype=np.int32)


def _by_latency(lat: npt.NDArray[np.int32]) -> I64:
    """A stable order by latency (-1, none, first): one 16-bit radix pass when all are under
    65.5 s, else a comparison sort (~5x slower at a million rows)."""
    key = lat.astype(np.int64) + 1
    if key.size and int(key.max()) < (1 << 16):
        return np.argsort(key.astype(np.uint16), kind="stable").astype(np.int64)
    return np.argsort(key, kind="stable").astype(np.int64)


class _Level:
    """Calls, errors, cost and sorted latencies of groups ``2·id + period`` (0 current, 1 previous)."""

    def __init__(self) -> None:
        self.calls, self.errors, self.cost = _EMPTY_I, _EMPTY_I, _EMPTY_I
        self.lat: list[npt.NDArray[np.int32]] = []

    def grow(self, n_ids: int) -> None:
        extra = 2 * n_ids - self.calls.size
        if extra > 0:
            pad = np.zeros(extra, dtype=np.int64)
            self.calls, self.errors = (
                np.concatenate((self.calls, pad)),
                np.concatenate((self.errors, pad)),
            )
            self.cost = np.concatenate((self.cost, pad))
            self.lat += [_EMPTY_L] * extra

    def fold(self, g: I64, ok: npt.NDArray[np.bool_], cost: I64, lat: Any, sign: int) -> None:
        """Add (``sign`` 1) or take out (-1) rows given in latency order (``_by_latency``)."""
        if not g.size:
            return
        # by group, keeping the latency order inside each (a radix sort while ids fit in 16 bits)
        order = np.argsort(g.astype(np.int16) if g.max() < (1 << 15) else g, kind="stable")
        g, ok, cost, lat = g[order], ok[order], cost[order], lat[order]
        cut = np.flatnonzero(np.diff(g)) + 1
        starts = np.concatenate(([0], cut))
        ids = g[starts]
        self.calls[ids] += sign * np.diff(np.concatenate((starts, [g.size])))
        self.errors[ids] += sign * np.add.reduceat((~ok).astype(np.int64), starts)
        self.cost[ids] += sign * np.add.reduceat(cost, starts)  # exact: integer nanodollars
        for gid, seg in zip(ids.tolist(), np.split(lat, cut)):
            vals = seg[seg >= 0]
            if vals.size:
                old = self.lat[gid]
                self.lat[gid] = merge_sorted(old, vals) if sign > 0 else remove_sorted(old, vals)

    def numbers(self, gid: int) -> Numbers:
        return Numbers(
            int(self.calls[gid]), int(self.errors[gid]), int(self.cost[gid]), p95(self.lat[gid])
        )


class WorkflowSums:
    """The numbers of ``compute(tables, window)``, folded incrementally (see the module doc)."""

    def __init__(self, tables: Tables, window: Window, costs: Costs) -> None:
        self.tables, self.costs = tables, costs
        self.window = window
        self.calls_n = self.runs_n = 0
        self.drops = (tables.calls.drops, tables.runs.drops)
        self._wf_names: list[str] = []  # workflow id -> name
        self._wf_id: dict[str, int] = {}
        self._pairs: list[tuple[str, str]] = []  # step id -> (workflow, step)
        self._pair_id: dict[tuple[str, str], int] = {}
        self._combo_wf, self._combo_step = _EMPTY_I, _EMPTY_I  # call combo -> ids (-1 none)
        self._run_wf = _EMPTY_I  # run combo -> workflow id
        self._wf, self._step = _Level(), _Level()
        self._runs = _EMPTY_I  # 2·workflow id + period
        self._calls_span, self._runs_span = TimeSpan(), TimeSpan()
        self._out: WindowNumbers | None = None
        self.add()

    # -- bounds -------------------------------------------------------------------------------
    @staticmethod
    def _lo(w: Window) -> float | None:
        p = w.previous()
        return p.since if p is not None else w.since

    def _period(self, ts: npt.NDArray[np.float64], w: Window) -> I64:
        if w.since is None or w.previous() is None:
            return np.zeros(ts.size, dtype=np.int64)
        return (ts < w.since).astype(np.int64)

    def usable(self) -> bool:
        """False when rows were dropped (their numbers changed meaning): build a new one."""
        t = self.tables
        return (t.calls.drops, t.runs.drops) == self.drops and (
            t.calls.n >= self.calls_n and t.runs.n >= self.runs_n
        )

    # -- folding ------------------------------------------------------------------------------
    def _ids(self) -> None:
        """Ids of combos that appeared since the last fold."""
        combos = self.tables.call_combos.items
        if len(combos) > self._combo_wf.size:
            new = combos[self._combo_wf.size :]
            wf = np.fromiter((self._wf_of(c.workflow) for c in new), np.int64, len(new))
            st = np.fromiter((self._step_of(c.workflow, c.step) for c in new), np.int64, len(new))
            self._combo_wf = np.concatenate((self._combo_wf, wf))
            self._combo_step = np.concatenate((self._combo_step, st))
        rc = self.tables.run_combos.items
        if len(rc) > self._run_wf.size:
            new_r = rc[self._run_wf.size :]
            rw = np.fromiter((self._wf_of(r[0]) for r in new_r), np.int64, len(new_r))
            self._run_wf = np.concatenate((self._run_wf, rw))
        self._wf.grow(len(self._wf_names))
        self._step.grow(len(self._pairs))
        if self._runs.size < 2 * len(self._wf_names):
            pad = np.zeros(2 * len(self._wf_names) - self._runs.size, dtype=np.int64)
            self._runs = np.concatenate((self._runs, pad))

    def _wf_of(self, name: str | None) -> int:
        if name is None:
            return -1
        i = self._wf_id.get(name)
        if i is None:
            i = self._wf_id[name] = len(self._wf_names)
            self._wf_names.append(name)
        return i

    def _step_of(self, wf: str | None, step: str | None) -> int:
        if wf is None or not step:
            return -1
        i = self._pair_id.get((wf, step))
        if i is None:
            i = self._pair_id[(wf, step)] = len(self._pairs)
            self._pairs.append((wf, step))
        return i

    def _fold_calls(self, rows: I64, period: I64, sign: int) -> None:
        t = self.tables.calls
        combo = t.col("combo")[rows]
        wf = self._combo_wf[combo]
        keep = wf >= 0
        if not keep.all():
            rows, combo, wf, period = rows[keep], combo[keep], wf[keep], period[keep]
        if not rows.size:
            return
        lat = t.col("lat")[rows]
        o = _by_latency(lat)
        rows, combo, wf, period, lat = rows[o], combo[o], wf[o], period[o], lat[o]
        ok, cost = t.col("ok")[rows], self.costs(rows)
        self._wf.fold(2 * wf + period, ok, cost, lat, sign)
        st = self._combo_step[combo]
        s = st >= 0
        self._step.fold((2 * st + period)[s], ok[s], cost[s], lat[s], sign)

    def _fold_runs(self, rows: I64, period: I64, sign: int) -> None:
        g = 2 * self._run_wf[self.tables.runs.col("combo")[rows]] + period
        if g.size:
            self._runs += sign * np.bincount(g, minlength=self._runs.size)

    def _select(self, ts_col: npt.NDArray[np.float64], a: int, b: int, lo: float | None) -> I64:
        ts = ts_col[a:b]
        rows = np.arange(a, b, dtype=np.int64)
        return rows if lo is None else rows[ts >= lo]

    def add(self) -> None:
        """Fold in the rows appended to the tables since the last call (all of them at first)."""
        t = self.tables
        if t.calls.n == self.calls_n and t.runs.n == self.runs_n:
            return
        self._out = None  # first: a reader on another thread must not pair it with the new n
        self._ids()
        w, lo = self.window, self._lo(self.window)
        for table, span, fold, start in (
            (t.calls, self._calls_span, self._fold_calls, self.calls_n),
            (t.runs, self._runs_span, self._fold_runs, self.runs_n),
        ):
            if table.n > start:
                ts_col = table.col("ts")
                rows = self._select(ts_col, start, table.n, lo)
                ts = ts_col[rows]
                fold(rows, self._period(ts, w), 1)
                span.add(ts, rows)
        self.calls_n, self.runs_n = t.calls.n, t.runs.n

    def slide(self, new: Window) -> None:
        """Move to ``new`` (the same range, a later or earlier "now"): only boundary rows move."""
        old = self.window
        lo, lo2, s, s2 = self._lo(old), self._lo(new), old.since, new.since
        if lo is None or lo2 is None or s is None or s2 is None or new.until != old.until:
            raise ValueError("only a window with a start slides")
        self.add()
        self._out = None
        t = self.tables
        for table, span, fold, n in (
            (t.calls, self._calls_span, self._fold_calls, self.calls_n),
            (t.runs, self._runs_span, self._fold_runs, self.runs_n),
        ):
            if lo2 > lo:  # rows left the span: out with their old period
                gone = span.cut_below(lo2)
                fold(gone, self._period(table.col("ts")[gone], old), -1)
            a, b = min(s, s2), max(s, s2)
            moved = span.between(a, b)  # crossed the current/previous boundary
            if moved.size:
                ts = table.col("ts")[moved]
                fold(moved, self._period(ts, old), -1)
                fold(moved, self._period(ts, new), 1)
            if lo2 < lo:  # the span grew back in time ("today": a longer previous period)
                ts_col = table.col("ts")[:n]
                rows = np.flatnonzero((ts_col >= lo2) & (ts_col < lo)).astype(np.int64)
                ts = ts_col[rows]
                fold(rows, self._period(ts, new), 1)
                span.add(ts, rows)
        self.window = new
        self._out = None

    # -- reading ------------------------------------------------------------------------------
    def current(self) -> WindowNumbers | None:
        """The numbers last built if no row is left to fold, else None; only reads (another
        thread may call it while the owner folds: it then sees the state before or after)."""
        t, out = self.tables, self._out
        if out is None or t.calls.n != self.calls_n or t.runs.n != self.runs_n:
            return None
        return out

    def numbers(self) -> WindowNumbers:
        """The same value as ``compute(tables, window)`` (built once per change)."""
        if self._out is not None:
            return self._out
        w = self.window
        out = WindowNumbers(w, w.previous())
        runs = self._runs.tolist()
        calls, srun = self._wf.calls.tolist(), self._step.calls.tolist()
        for i in sorted(range(len(self._wf_names)), key=self._wf_names.__getitem__):
            a, b = 2 * i, 2 * i + 1
            if not (calls[a] or calls[b] or runs[a] or runs[b]):
                continue
            cur, prv = self._wf.numbers(a), self._wf.numbers(b)
            out.workflows[self._wf_names[i]] = (
                Numbers(cur.calls, cur.errors, cur.cost, cur.p95_ms, runs[a]),
                Numbers(prv.calls, prv.errors, prv.cost, prv.p95_ms, runs[b]),
            )
        for j in sorted(range(len(self._pairs)), key=self._pairs.__getitem__):
            if srun[2 * j] or srun[2 * j + 1]:
                out.steps[self._pairs[j]] = (
                    self._step.numbers(2 * j),
                    self._step.numbers(2 * j + 1),
                )
        self._out = out
        return out
