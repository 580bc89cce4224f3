"""Vectorised local-time offsets: day and hour buckets are the user's wall-clock days."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..timeparse import TimestampParser

_STEP = 6 * 3600.0


OffsetPlan = tuple[float, list[tuple[float, float]]]


def offsets_plan(lo: float, hi: float, parser: TimestampParser) -> OffsetPlan:
    """The display zone's offset at ``lo`` and every (instant, new offset) change up to ``hi``."""
    cur = parser.offset_at(lo)
    base = cur
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
    return base, changes


def apply_offsets(ts: npt.NDArray[np.float64], plan: OffsetPlan) -> npt.NDArray[np.float64]:
    """Offsets (seconds) for each instant in ``ts`` from a plan covering them."""
    base, changes = plan
    out = np.full(ts.size, base, dtype=np.float64)
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
