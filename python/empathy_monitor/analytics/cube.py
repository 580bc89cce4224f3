"""The day cube: every local day's sums, kept so a window or range change adds whole days back
instead of summing each of their rows again.

A build of an unfiltered view (``build.build_calls``) over a million calls spends ~250 ms in
~40 numpy passes over the rows. Most of a window is whole local days, and a day's sums do not
change once its rows are read, so the cube keeps one sparse ``acc.Part`` per day (per fold group,
price pair, step, dimension value, tier latency, bucket, newest calls: ~1/20 of the rows' size on
varied data) and a build adds the days its window spans whole, then sums only the rows of the
partial days at its ends and the rows appended since the cube was made.

One cube per (tables, cost mode); it is made on the first build that spans a good share of the
calls and remade when it no longer matches the tables: rows dropped, many rows appended, the
prices repriced, or a run moving calls the cube has already summed to another project.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import numpy.typing as npt

from ..prices.columns import Pricing
from ..prices.sources import CostMode
from ..tables import Tables
from ..timeparse import TimestampParser
from . import threads
from .acc import Acc, Part
from .blocks import accumulate, row_blocks
from .buckets import apply_offsets, as_int, offsets_plan
from .combos import combo_index
from .window import EVERYTHING, Window

CUBE_MIN_ROWS = 50_000  # below this a row build takes a few ms: no cube
MIN_SHARE = 0.25  # the first cube is made by a build spanning at least this share of the calls
TAIL_MIN = 1 << 16  # rows appended since the cube was made that a build sums from the rows
RECENT_KEEP = 200  # newest calls kept per day (a longer activity feed is built from the rows)
MAX_CUBES = 2  # cost modes kept per tables (the panel's and one toggled to)
DAY_BLOCK = 1 << 16
SCAN_BUDGET = 100_000_000  # day keys compared to find each day's rows (1M calls, 100 days)

I64 = npt.NDArray[np.int64]


class DayCube:
    """Each local day's ``Part`` of the first ``n`` calls, in one cost mode."""

    def __init__(
        self,
        tables: Tables,
        parser: TimestampParser,
        cost_mode: CostMode,
        pricing: Pricing | None,
        block: int,
    ) -> None:
        t = tables.calls
        self.n, self.drops, self.seq = t.n, t.drops, tables.relabel_seq
        self.parser, self.mode = parser, cost_mode
        self.cols = pricing.cols if pricing is not None else None
        ts = t.col("ts")
        tz = offsets_plan(float(ts.min()), float(ts.max()), parser)
        dd = _day_keys(ts, tz)
        cidx = combo_index(tables)
        combo = t.col("combo")
        nc = len(tables.call_combos.items)
        days = _days(dd)
        del dd

        def part(spans: list[Span]) -> Part:
            acc = Acc(tables, cidx, True, True)
            used = np.zeros(nc, dtype=np.int64)
            for lo, hi, idx in spans:
                used += np.bincount(combo[lo:hi] if idx is None else combo[idx], minlength=nc)
            blocks = _in_blocks(t, spans, block)
            accumulate(
                acc,
                tables,
                parser,
                blocks,
                cost_mode,
                pricing,
                RECENT_KEEP,
                True,
                tz,
                np.flatnonzero(used),
            )
            day_ts = [ts[lo:hi] if idx is None else ts[idx] for lo, hi, idx in spans]
            lo_ts = min(float(x.min()) for x in day_ts)
            hi_ts = max(float(x.max()) for x in day_ts)
            rows = sum(x.size for x in day_ts)
            return Part(acc, rows, lo_ts, hi_ts, RECENT_KEEP)

        # two threads, each making every other day (numpy releases the GIL: threads.py)
        halves = threads.both(lambda h: [part(d) for d in days[h::2]], [0, 1])
        parts: list[Part] = [*halves[0], *halves[1]]  # placed back in day order below
        parts[0::2], parts[1::2] = halves
        self.parts = parts
        self.lo = np.array([p.ts_lo for p in parts])
        self.hi = np.array([p.ts_hi for p in parts])
        # A day's calls all lie between the previous day's and the next day's, except where the
        # zone's clock goes back across a midnight: then windows are not unions of days.
        self.ok = bool(np.all(self.hi[:-1] < self.lo[1:]))

    def fits(self, tables: Tables, parser: TimestampParser, pricing: Pricing | None) -> bool:
        """Whether this cube still describes the tables' first ``n`` calls."""
        t = tables.calls
        if t.drops != self.drops or t.n < self.n or parser is not self.parser:
            return False
        if (pricing.cols if pricing is not None else None) is not self.cols:
            return False  # repriced (prices.yaml changed) or a price book came or went
        if t.n - self.n > max(TAIL_MIN, self.n // 8):
            return False
        if tables.relabel_seq != self.seq:
            if self.seq < tables.relabel_base:
                return False  # the log of those relabels was trimmed
            for rl in tables.relabels[self.seq - tables.relabel_base :]:
                if rl.rows.size and int(rl.rows.min()) < self.n:
                    return False  # calls already summed moved to another project
            self.seq = tables.relabel_seq  # only appended calls moved: summed from the rows
        return True

    def span(self, window: Window) -> tuple[int, int]:
        """The days ``[i0, i1)`` of ``parts`` that ``window`` spans whole."""
        i0 = 0 if window.since is None else int(np.searchsorted(self.lo, window.since, "left"))
        i1 = (
            len(self.parts)
            if window.until is None
            else int(np.searchsorted(self.hi, window.until, "left"))
        )
        return i0, i1

    def add_window(
        self, acc: Acc, tables: Tables, window: Window, hours: bool, recent: int
    ) -> I64 | None:
        """Add the days ``window`` spans whole to ``acc``; returns the rows left to sum (those
        of the partial days at its ends and every call after the cube's), ascending, or None when
        the window spans no whole day (then a plain row build is as fast)."""
        i0, i1 = self.span(window)
        if i0 >= i1:
            return None
        need = recent
        for p in reversed(self.parts[i0:i1]):  # newest first: the feed needs only the newest
            acc.add_part(p, hours, need)
            need -= min(need, p.recent[0].size)
        return self._rest(tables, np.flatnonzero(~self._inside(tables, i0, i1)))

    def add_groups(
        self,
        acc: Acc,
        tables: Tables,
        window: Window,
        keep: npt.NDArray[np.bool_],
        allowed: npt.NDArray[np.bool_],
    ) -> tuple[I64, I64] | None:
        """A filtered view's share of the cube: add the groups ``keep`` of the days ``window``
        spans whole to ``acc``; returns (their calls, for a light pass: ``blocks.accumulate``'s
        ``light``; the allowed calls of partial days and every call after the cube's, for a full
        one), or None when the window spans no whole day."""
        i0, i1 = self.span(window)
        if i0 >= i1:
            return None
        acc.add_part_groups(self.parts[i0:i1], keep)
        inside = self._inside(tables, i0, i1)
        ok = allowed[tables.calls.col("combo")[: self.n]]
        return np.flatnonzero(inside & ok), self._rest(tables, np.flatnonzero(~inside & ok))

    def _inside(self, tables: Tables, i0: int, i1: int) -> npt.NDArray[np.bool_]:
        """Which of the cube's calls lie within the days ``[i0, i1)`` (monotonic days: ``ok``)."""
        ts = tables.calls.col("ts")[: self.n]
        out: npt.NDArray[np.bool_] = (ts >= self.parts[i0].ts_lo) & (ts <= self.parts[i1 - 1].ts_hi)
        return out

    def _rest(self, tables: Tables, edge: I64) -> I64:
        """``edge`` followed by every call appended after the cube was made."""
        tail = np.arange(self.n, tables.calls.n, dtype=np.int64)
        return np.concatenate((edge, tail)) if tail.size else edge


Span = tuple[int, int, "I64 | None"]  # rows [lo, hi), or the rows ``idx`` (then lo, hi = 0, 0)


def _day_keys(ts: npt.NDArray[np.float64], tz: Any) -> npt.NDArray[Any]:
    """Each call's local day, counted from the day before the first (int32 — int16 where the
    calls span less than 89 years; computed in blocks: a million float temporaries at once
    would add ~40 MB to the peak)."""
    d0 = int(float(ts.min()) // 86400) - 1  # no zone is a day ahead
    span = (float(ts.max()) - float(ts.min())) / 86400 + 3
    out = np.empty(ts.size, dtype=np.int16 if span < 32_000 else np.int32)
    for a in range(0, ts.size, DAY_BLOCK):
        x = ts[a : a + DAY_BLOCK]
        out[a : a + DAY_BLOCK] = as_int((x + apply_offsets(x, tz)) / 86400) - d0
    return out


def _days(dd: npt.NDArray[Any]) -> list[list[Span]]:
    """The rows of each local day, in day order: as runs of consecutive rows where the calls
    come day after day (as writers append them; a few files each in order), else (a shuffled
    history) as row ids."""
    cut = (np.flatnonzero(dd[1:] != dd[:-1]) + 1).tolist()
    starts, ends = [0, *cut], [*cut, dd.size]
    keys = dd[np.array(starts, dtype=np.int64)].tolist()
    if len(starts) <= 8 * len(set(keys)) + 64:
        by_day: dict[int, list[Span]] = {}
        for k, a, b in zip(keys, starts, ends, strict=True):
            by_day.setdefault(k, []).append((a, b, None))
        return [by_day[k] for k in sorted(by_day)]
    days = sorted(set(keys))
    if len(days) * dd.size <= SCAN_BUDGET:  # one pass per day: no million-row order array
        return [[(0, 0, np.flatnonzero(dd == k))] for k in days]
    order = np.argsort(dd, kind="stable")  # each day's rows ascending
    bounds = np.cumsum(np.bincount(dd)).tolist()
    out: list[list[Span]] = []
    a = 0
    for b in bounds:
        if b > a:
            out.append([(0, 0, order[a:b])])
        a = b
    return out


def _in_blocks(t: Any, spans: list[Span], block: int) -> Any:
    for lo, hi, idx in spans:
        if idx is not None:
            yield from row_blocks(t, EVERYTHING, None, None, idx, block)
            continue
        for a in range(lo, hi, block):
            yield a, min(hi, a + block), None


_CUBES: weakref.WeakKeyDictionary[Tables, dict[CostMode, DayCube]] = weakref.WeakKeyDictionary()


def for_build(
    tables: Tables,
    parser: TimestampParser,
    window: Window,
    cost_mode: CostMode,
    pricing: Pricing | None,
    block: int,
) -> DayCube | None:
    """The tables' cube in ``cost_mode`` for a build of ``window`` (made or remade here), or
    None where a row build is the better way: few calls, or a first window over few of them."""
    t = tables.calls
    if t.n < CUBE_MIN_ROWS:
        return None
    store = _CUBES.get(tables)
    if store is None:
        store = _CUBES[tables] = {}
    c = store.pop(cost_mode, None)
    if c is not None and not c.fits(tables, parser, pricing):
        c = None
    if c is None:
        if cost_mode not in _made.get(tables, ()):
            m = window.mask(t.col("ts"))
            if m is not None and int(np.count_nonzero(m)) < MIN_SHARE * t.n:
                return None
        c = DayCube(tables, parser, cost_mode, pricing, block)
        _made.setdefault(tables, set()).add(cost_mode)
    store[cost_mode] = c  # the newest last: the oldest goes first
    while len(store) > MAX_CUBES:
        del store[next(iter(store))]
    return c if c.ok else None


# cost modes a cube was made in for these tables: a cube once made is remade whatever the window
_made: weakref.WeakKeyDictionary[Tables, set[CostMode]] = weakref.WeakKeyDictionary()
