"""Vectorised local-time offsets: day and hour buckets are the user's wall-clock days."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..timeparse import TimestampParser

_STEP = 6 * 3600.0


def offsets(ts: npt.NDArray[np.float64], parser: TimestampParser) -> npt.NDArray[np.float64]:
    """UTC offset (seconds) of the display zone at each instant in ``ts``.

    Offsets are piecewise constant; we find the DST transitions between the min and max instant
    (probing every 6 h, then bisecting to the second) instead of converting a million datetimes.
    """
    out = np.empty(ts.size, dtype=np.float64)
    if ts.size == 0:
        return out
    lo, hi = float(ts.min()), float(ts.max())
    cur = parser.offset_at(lo)
    out.fill(cur)
    changes: list[tuple[float, float]] = []
    t = lo
    while t < hi:
        nxt = min(t + _STEP, hi)
        off = parser.offset_at(nxt)
        if off != cur:
            a, b = t, nxt
            while b - a > 1.0:
                mid = (a + b) / 2
                if parser.offset_at(mid) == cur:
                    a = mid
                else:
                    b = mid
            changes.append((b, off))
            cur = off
        t = nxt
    for start, off in changes:
        out[ts >= start] = off
    return out


def day_index(ts: float, off: float) -> int:
    return int((ts + off) // 86400)


def hour_index(ts: float, off: float) -> int:
    return int((ts + off) // 3600)


def as_int(a: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    out: npt.NDArray[np.int64] = np.floor(a).astype(np.int64)
    return out
