"""The spike metrics' baseline: the trailing ``baseline`` cut into window-sized buckets, judged by
``budgets.anomaly`` — the one definition of "unusual" the cost chart's markers also use.

A rule ``token_spike`` with ``window: 1h, baseline: 24h`` compares the last hour's token rate with
the *median* of the 24 hourly rates before it (buckets without calls are no data, as a day without
spend is for the chart), and its detail gives the robust score (distance from that median in scaled
MADs). The value stays the ratio to the usual rate, so a rule's threshold is still a multiple; a
median instead of the old mean means one earlier spike no longer lifts "usual".

Bucket sums are folded in as rows are appended (the baseline's end moves once a minute; late rows
landing in the baseline count), and rebuilt when rows were dropped or the prices or cost mode
changed. Pure numpy over the tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..analytics import Filters
from ..budgets.anomaly import baseline_of, robust_score
from ..telemetry import Telemetry
from .tablesig import _appended, _sig

BASELINE_GRAIN = 60.0  # baselines end on a minute (where the window starts, rounded down)
AHEAD, AHEAD_MIN = 8, 1440  # buckets past the baseline's end that appended rows may land in


@dataclass(frozen=True)
class Usual:
    """A baseline's buckets with data: how many, their median and raw MAD (per second)."""

    buckets: int
    median: float
    mad: float

    def judge(self, rate: float) -> tuple[float, float]:
        """(ratio to the median, robust score) of ``rate``."""
        score, ratio = robust_score(rate, self.median, self.mad)
        return ratio, score


def usual(sums: NDArray[np.float64], bucket_s: float) -> Usual | None:
    """The usual rate of one group's bucket sums (None: no bucket had data)."""
    got = baseline_of(np.asarray(sums, dtype=np.float64) / bucket_s)
    return None if got is None else Usual(*got)


def median_of(values: NDArray[np.float64]) -> Usual | None:
    """The usual value of single samples (a workflow's earlier runs): median and MAD of those
    above 0."""
    got = baseline_of(np.asarray(values, dtype=np.float64))
    return None if got is None else Usual(*got)


def span(since: float, now: float, baseline_s: float) -> tuple[int, int, float]:
    """(first bucket, bucket count, bucket length) of the baseline of a window ``[since, now)``:
    the ``k`` whole buckets, about as long as the window, that end where the window starts.

    Buckets sit on a fixed grid (multiples of their length since the epoch), so the same sums
    serve every later evaluation: the baseline moves forward a bucket at a time, not a rebuild.
    """
    w = max(now - since, 1.0)
    k = max(1, min(round(baseline_s / w), 10_000))
    blen = baseline_s / k
    end = math.floor(math.floor(since / BASELINE_GRAIN) * BASELINE_GRAIN / blen)
    return end - k, k, blen


class _Entry:
    def __init__(self, groups: int, first: int) -> None:
        self.rows = 0
        self.sig: Any = None
        self.first = first  # the grid index of sums[:, 0]
        self.sums = np.zeros((groups, 0))


class BucketCache:
    """Bucket sums per (what, filters, bucket length) on the fixed grid, kept across evaluations."""

    def __init__(self) -> None:
        self._entries: dict[Any, _Entry] = {}
        self._used: set[Any] = set()

    def sums(
        self,
        tel: Telemetry,
        what: str,
        filters: Filters,
        bounds: tuple[int, int, float],
        group_of: Callable[[], tuple[NDArray[np.int64], int]],
    ) -> NDArray[np.float64]:
        """(groups, k) sums of ``what`` ("tokens" | "cost") over the baseline's buckets;
        ``group_of`` gives (group per call combo, group count)."""
        calls = tel.tables.calls
        gid, ngroups = group_of()
        first, k, blen = bounds
        key = (what, filters, blen, ngroups, tel.cost_mode, id(tel.pricing.book))
        self._used.add(key)
        e = self._entries.get(key)
        if e is None or e.first > first or not _appended(e.sig, calls) or calls.n < e.rows:
            # new, or asked for buckets before its first one (the clock went back): from scratch
            e = self._entries[key] = _Entry(ngroups, first)
        if calls.n > e.rows:
            # Rows dated far ahead of the baseline (a bad clock) would only stretch the array.
            limit = first - e.first + AHEAD * k + AHEAD_MIN
            self._fold(tel, e, what, filters, gid, blen, limit)
        out = np.zeros((ngroups, k))
        a, b = first - e.first, first - e.first + k
        have = e.sums[:, a : min(b, e.sums.shape[1])]
        out[:, : have.shape[1]] = have
        return out

    def _fold(
        self,
        tel: Telemetry,
        e: _Entry,
        what: str,
        filters: Filters,
        gid: NDArray[np.int64],
        blen: float,
        limit: int,
    ) -> None:
        t = tel.tables
        calls = t.calls
        a, b = e.rows, calls.n
        e.rows, e.sig = b, _sig(calls)
        ts = calls.col("ts")[a:b]
        bucket = np.floor(ts / blen).astype(np.int64) - e.first
        keep = (bucket >= 0) & (bucket < limit)  # rows before the first bucket: never asked for
        combo = calls.col("combo")[a:b]
        if filters.active:
            keep &= filters.combo_mask(t)[combo]
            rows = filters.call_rows(t, slice(a, b))
            if rows is not None:
                keep &= rows
        g = gid[combo]
        keep &= g >= 0
        idx = np.flatnonzero(keep)
        if idx.size == 0:
            return
        if what == "tokens":
            w = calls.col("tin")[a:b][idx].astype(np.float64) + calls.col("tout")[a:b][idx]
        else:  # money in the workspace's cost mode (the views' own rule), USD
            w = tel.costs_of(idx + a)[1].astype(np.float64) / 1e9
        bk = bucket[idx]
        width = max(int(bk.max()) + 1, e.sums.shape[1])
        if width > e.sums.shape[1]:
            grown = np.zeros((e.sums.shape[0], width))
            grown[:, : e.sums.shape[1]] = e.sums
            e.sums = grown
        flat = g[idx] * width + bk
        e.sums += np.bincount(flat, weights=w, minlength=e.sums.size).reshape(e.sums.shape)

    def sweep(self) -> None:
        """Forget the bucket sets no rule asked for since the last sweep."""
        for key in list(self._entries):
            if key not in self._used:
                del self._entries[key]
        self._used.clear()
