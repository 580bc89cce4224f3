"""Local-time buckets: the day and hour keys of an instant in the display zone, their labels, and
the span of buckets a window covers.

A day key is ``floor((ts + offset) / 86400)`` — the user's wall-clock day, not the UTC one — so the
offset of the display zone at each instant matters: ``offsets_plan``/``apply_offsets`` give it for
arrays (the block build), ``Clock`` for single instants (the per-row fold, cached per UTC hour).
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from ..timeparse import TimestampParser
from .window import Window

_STEP = 6 * 3600.0
# Windows up to this long also get an errors-by-hour series.
MAX_HOURLY_DAYS = 31

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


@functools.lru_cache(maxsize=65536)
def day_label(d: int) -> str:
    return datetime.fromtimestamp(d * 86400, timezone.utc).date().isoformat()


@functools.lru_cache(maxsize=65536)
def hour_label(h: int) -> str:
    return datetime.fromtimestamp(h * 3600, timezone.utc).strftime("%Y-%m-%dT%H:00")


def hourly(w: Window) -> bool:
    """Whether a window is short enough for an hourly series (it needs a start)."""
    if w.since is None:
        return False
    end = w.until if w.until is not None else w.now
    return end - w.since <= MAX_HOURLY_DAYS * 86400


class Clock:
    """Day/hour keys of single instants; the zone offset is looked up once per UTC hour."""

    def __init__(self, parser: TimestampParser) -> None:
        self.parser = parser
        self._hour_off: dict[int, float] = {}

    def offset(self, ts: float) -> float:
        h = int(ts // 3600)
        off = self._hour_off.get(h)
        if off is None:
            off = self._hour_off[h] = self.parser.offset_at(h * 3600 + 1800)
        return off

    def day(self, ts: float) -> int:
        return day_index(ts, self.offset(ts))

    def hour(self, ts: float) -> int:
        return hour_index(ts, self.offset(ts))

    def last_instant(self, w: Window) -> float:
        """The latest instant a window shows: just before ``until``, else ``now``."""
        return w.until - 1e-6 if w.until is not None else w.now
