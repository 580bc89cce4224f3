"""The cost chart's anomaly markers: daily cost per workflow and per provider, scored by ``anomaly``.

Day totals per key (in the workspace's cost mode, as the budgets) are folded in as rows are appended (a rebuild only when rows were dropped); only
the keys an append touched are re-scored, so a live panel pays for what changed. The scoring is
``anomaly.score_days``: the same baseline the spike alert metrics use.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from ..telemetry import Telemetry
from .anomaly import DEFAULT_ANOMALY, DayScore, score_days
from .spend import _Days, cost_of, only_appended, pricing_sig

MIN_MARKER_USD = 0.01  # a day under a cent is never a marker (noise of tiny test workloads)


class AnomalyIndex:
    def __init__(self, tz: ZoneInfo) -> None:
        self.days = _Days(tz)
        self.rows = 0
        self._sig: Any = None
        self._money: tuple[str, int, frozenset[str]] | None = None
        self.sums: dict[tuple[str, str], NDArray[np.int64]] = {}
        self._scores: dict[tuple[str, str], dict[int, DayScore]] = {}
        # key -> the first day index an append changed: only days from there on are re-scored
        self._dirty: dict[tuple[str, str], int] = {}

    def update(self, tel: Telemetry) -> None:
        from ..alerts.tablesig import _sig

        tables = tel.tables
        calls = tables.calls
        money = pricing_sig(tel)
        if not only_appended(tel, self._sig, self.rows, self._money):
            self.rows, self.sums, self._scores, self._dirty = 0, {}, {}, {}
            self.days.edges = np.zeros(0, dtype=np.int64)
        a, b = self.rows, calls.n
        self._sig, self.rows, self._money = _sig(calls), b, money
        if b <= a:
            return
        ts = calls.col("ts")[a:b]
        before = self.days.cover(float(ts.min()), float(ts.max()))
        n = self.days.edges.size - 1
        if before:  # days were prepended: indexes moved, score everything again
            self._scores = {}
            self._dirty = {k: 0 for k in self.sums}
        for k, arr in self.sums.items():
            self.sums[k] = np.concatenate(
                [np.zeros(before, np.int64), arr, np.zeros(n - arr.size - before, np.int64)]
            )
        cost, priced = cost_of(tel, a, b)
        di = self.days.index(ts)
        combo = calls.col("combo")[a:b]
        items = tables.call_combos.items
        paid = priced & (di >= 0)
        for kind in ("workflow", "provider"):
            names = [getattr(c, kind) for c in items]
            keys = sorted({str(x) for x in names if x is not None})
            ids = {k: i for i, k in enumerate(keys)}
            key_of = np.array([ids[str(x)] if x is not None else -1 for x in names], np.int64)
            kk = key_of[combo]
            sel = paid & (kk >= 0)
            if not sel.any():
                continue
            flat = kk[sel] * n + di[sel]
            grid = np.bincount(flat, weights=cost[sel], minlength=len(keys) * n)
            grid = grid.astype(np.int64).reshape(len(keys), n)
            first = int(di[sel].min())
            for i in np.flatnonzero(grid.any(axis=1)).tolist():
                k = (kind, keys[i])
                cur = self.sums.get(k)
                self.sums[k] = grid[i].copy() if cur is None else cur + grid[i]
                self._dirty[k] = min(self._dirty.get(k, first), 0 if cur is None else first)

    def markers(self) -> list[tuple[str, str, DayScore]]:
        """(kind, local date, score) of every unusual day, oldest first."""
        starts = self.days.edges[:-1]
        w = DEFAULT_ANOMALY.baseline_days
        for k, lo in self._dirty.items():
            # A day's score reads only the baseline_days before it: re-score from ``lo`` on.
            arr = self.sums[k]
            a = max(lo - w, 0)
            has = arr[a:] > 0
            got = score_days(k[1], starts[a:][has], arr[a:][has].astype(np.float64))
            keep = {d: v for d, v in self._scores.get(k, {}).items() if d < starts[lo]}
            keep.update((x.day_start, x) for x in got if x.day_start >= starts[lo])
            self._scores[k] = keep
        self._dirty.clear()
        out = []
        for (kind, _key), scores in self._scores.items():
            for s in scores.values():
                if s.anomaly and s.value >= MIN_MARKER_USD * 1e9:
                    out.append((kind, _date(s.day_start, self.days.tz), s))
        out.sort(key=lambda x: (x[2].day_start, x[0], x[2].key))
        return out


def _date(epoch: int, tz: ZoneInfo) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(epoch, tz).date().isoformat()
