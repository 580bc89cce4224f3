"""Sorted arrays kept current: rows ordered by time (``TimeSpan``) and sorted multisets of
latencies with a nearest-rank p95, for running sums that must slide and fold out (``workflow_sums``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from .workflow_numbers import P95

I64 = npt.NDArray[np.int64]
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


class TimeSpan:
    """Row ids ordered by time; appended rows wait in a tail until the order is needed."""

    def __init__(self) -> None:
        self.ts, self.rows = _EMPTY_F, _EMPTY_I
        self._tail: list[tuple[npt.NDArray[np.float64], I64]] = []

    def add(self, ts: npt.NDArray[np.float64], rows: I64) -> None:
        if rows.size:
            self._tail.append((ts, rows))

    def _merge(self) -> None:
        if not self._tail:
            return
        ts = np.concatenate([t for t, _ in self._tail])
        rows = np.concatenate([r for _, r in self._tail])
        self._tail.clear()
        o = np.argsort(ts, kind="stable")
        ts, rows = ts[o], rows[o]
        at = np.searchsorted(self.ts, ts, side="right")
        self.ts, self.rows = np.insert(self.ts, at, ts), np.insert(self.rows, at, rows)

    def between(self, a: float, b: float) -> I64:
        """Rows with ``a <= ts < b``."""
        self._merge()
        i, j = np.searchsorted(self.ts, (a, b)).tolist()
        return self.rows[i:j]

    def cut_below(self, lo: float) -> I64:
        """Remove and return the rows with ``ts < lo``."""
        self._merge()
        i = int(np.searchsorted(self.ts, lo))
        gone = self.rows[:i]
        self.ts, self.rows = self.ts[i:], self.rows[i:]
        return gone


def merge_sorted(arr: npt.NDArray[Any], vals: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``arr`` (sorted) with the sorted ``vals`` added."""
    if not arr.size:
        return vals
    return np.insert(arr, np.searchsorted(arr, vals), vals)


def remove_sorted(arr: npt.NDArray[Any], vals: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``arr`` (sorted) without one copy of each of the sorted ``vals`` (all present)."""
    first = np.searchsorted(vals, vals)  # k-th copy of a value -> the k-th slot of its run
    pos = np.searchsorted(arr, vals) + (np.arange(vals.size) - first)
    return np.delete(arr, pos)


def p95(lat: npt.NDArray[Any]) -> int | None:
    """Nearest-rank p95 of a sorted array (as ``LatencyHist.percentile``)."""
    n = int(lat.size)
    if n == 0:
        return None
    return int(lat[max(1, math.ceil(P95 * n - 1e-9)) - 1])
