"""Exact latency percentiles from integer-millisecond histograms, updatable in O(1).

A flat count array (one slot per ms up to ``CAP``) plus per-block totals: a percentile walks the
~256 block totals, then one 512-slot block, so it costs microseconds whatever the record count.
Latencies at or above ``CAP`` (over two minutes) are kept exactly in a sorted overflow list.
"""

from __future__ import annotations

import bisect
import itertools
import math
from typing import Any

import numpy as np
import numpy.typing as npt

CAP = 1 << 17  # 131,072 ms
BLOCK_BITS = 9
BLOCK = 1 << BLOCK_BITS
N_BLOCKS = CAP >> BLOCK_BITS


class LatencyHist:
    """Histogram of latencies (ms) with exact nearest-rank percentiles."""

    __slots__ = ("_pct", "_stale", "blocks", "fine", "n", "overflow", "total")

    def __init__(self) -> None:
        self.fine: npt.NDArray[np.int64] = np.zeros(CAP, dtype=np.int64)
        self.blocks: list[int] = [0] * N_BLOCKS
        self.overflow: list[int] = []
        self.n = 0
        self.total = 0
        self._stale = False
        # percentiles asked since the last change: a render asks the same few of hists that an
        # append mostly left alone (two of three tiers)
        self._pct: dict[float, int | None] = {}

    @classmethod
    def from_array(cls, lat: npt.NDArray[Any]) -> LatencyHist:
        h = cls()
        if lat.size == 0:
            return h
        small = lat[lat < CAP]
        h.fine = np.bincount(small, minlength=CAP).astype(np.int64)
        h.blocks = h.fine.reshape(N_BLOCKS, BLOCK).sum(axis=1).tolist()
        h.overflow = sorted(int(x) for x in lat[lat >= CAP])
        h.n = int(lat.size)
        h.total = int(lat.sum(dtype=np.int64))
        return h

    @classmethod
    def of(
        cls, fine: npt.NDArray[np.int64], overflow: list[int], n: int, total: int
    ) -> LatencyHist:
        """A sealed histogram from its parts (``fine`` is kept, not copied)."""
        h = cls()
        h.fine = fine
        h.blocks = fine.reshape(N_BLOCKS, BLOCK).sum(axis=1).tolist()
        h.overflow = sorted(overflow)
        h.n = n
        h.total = total
        return h

    def add_array(self, lat: npt.NDArray[Any]) -> None:
        """Add many latencies at once; call :meth:`seal` before reading percentiles."""
        if lat.size == 0:
            return
        small = lat[lat < CAP]
        self.fine += np.bincount(small, minlength=CAP)
        big = lat[lat >= CAP]
        if big.size:
            self.overflow.extend(int(x) for x in big)
        self.n += int(lat.size)
        self.total += int(lat.sum(dtype=np.int64))
        self._stale = True
        self._pct.clear()

    def seal(self) -> None:
        """Recompute block totals after :meth:`add_array` calls."""
        self.blocks = self.fine.reshape(N_BLOCKS, BLOCK).sum(axis=1).tolist()
        self.overflow.sort()
        self._stale = False

    def add(self, ms: int) -> None:
        if ms < CAP:
            self.fine[ms] += 1
            self.blocks[ms >> BLOCK_BITS] += 1
        else:
            bisect.insort(self.overflow, ms)
        self.n += 1
        self.total += ms
        if self._pct:
            self._pct.clear()

    def remove(self, ms: int) -> None:
        """Take one value back out (a row left a sliding window)."""
        if ms < CAP:
            self.fine[ms] -= 1
            self.blocks[ms >> BLOCK_BITS] -= 1
        else:
            self.overflow.remove(ms)
        self.n -= 1
        self.total -= ms
        if self._pct:
            self._pct.clear()

    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    def percentile(self, q: float) -> int | None:
        """Nearest-rank percentile: the smallest value with at least ``ceil(q·n)`` values ≤ it."""
        if self.n == 0:
            return None
        got = self._pct.get(q, -1)
        if got != -1:
            return got
        got = self._pct[q] = self._percentile(q)
        return got

    def _percentile(self, q: float) -> int | None:
        if self._stale:
            self.seal()
        rank = max(1, math.ceil(q * self.n - 1e-9))
        # running block totals in C (accumulate) and a bisect, not a Python loop over 256 blocks
        cum = list(itertools.accumulate(self.blocks))
        b = bisect.bisect_left(cum, rank)
        if b == N_BLOCKS:
            return self.overflow[rank - cum[-1] - 1]
        seen = cum[b - 1] if b else 0
        fine = np.cumsum(self.fine[b * BLOCK : (b + 1) * BLOCK])
        return int(b * BLOCK + int(np.searchsorted(fine, rank - seen)))
