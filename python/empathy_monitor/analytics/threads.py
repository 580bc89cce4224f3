"""A build's row pass on both cores.

numpy's ``bincount``, ufuncs and gathers release the GIL, so two threads summing two halves of
the rows into their own ``Acc`` take about half the time on a 2-core machine (measured here:
10 weighted bincounts over 2M rows, 77 ms on one thread, 42 ms on two); the halves are then
added (``Acc.add_acc``). Every sum is an integer and the feed is sorted by time and file
position, so the result does not depend on the split (``test_threads.py``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ..prices.columns import Pricing
from ..prices.sources import CostMode
from ..tables import Tables
from ..timeparse import TimestampParser
from .acc import Acc
from .blocks import Mask, RowsOk, accumulate, row_blocks
from .buckets import offsets_plan
from .window import Window

THREADS = min(2, os.cpu_count() or 1)
PARALLEL_MIN_ROWS = 1 << 16  # fewer rows: one thread (a hand-off costs ~0.1 ms)

_T = TypeVar("_T")
_R = TypeVar("_R")
_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(THREADS - 1, thread_name_prefix="empathy-build")
        return _pool


def both(fn: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
    """``[fn(x) for x in items]`` with the first item on another thread (two items at most)."""
    if len(items) < 2 or THREADS < 2:
        return [fn(x) for x in items]
    assert len(items) == 2
    other = _executor().submit(fn, items[0])
    mine = fn(items[1])
    return [other.result(), mine]


def sum_rows(
    acc: Acc,
    tables: Tables,
    parser: TimestampParser,
    window: Window,
    allowed: Mask | None,
    rows_ok: RowsOk | None,
    cand: npt.NDArray[np.int64] | None,
    block: int,
    cost_mode: CostMode,
    pricing: Pricing | None,
    recent_limit: int,
    with_hours: bool,
    light: bool = False,
) -> None:
    """Add the calls of ``window`` that ``allowed`` / ``rows_ok`` / ``cand`` select (as
    ``row_blocks``) to ``acc``, on two threads when there are many (``light``: see
    ``blocks.accumulate``)."""
    t = tables.calls
    rows = t.n if cand is None else int(cand.size)
    if THREADS < 2 or rows < PARALLEL_MIN_ROWS:
        blocks = row_blocks(t, window, allowed, rows_ok, cand, block)
        accumulate(
            acc, tables, parser, blocks, cost_mode, pricing, recent_limit, with_hours, light=light
        )
        return
    ts = t.col("ts")
    tz = offsets_plan(float(ts.min()), float(ts.max()), parser)
    mid = rows // 2

    def half(i: int) -> Acc:
        a = acc if i == 1 else Acc(tables, acc.cidx, acc.full, acc.with_dims)
        if cand is not None:
            part = cand[:mid] if i == 0 else cand[mid:]
            blocks: Any = row_blocks(t, window, allowed, rows_ok, part, block)
        else:
            lo, hi = (0, mid) if i == 0 else (mid, t.n)
            blocks = row_blocks(t, window, allowed, rows_ok, None, block, lo, hi)
        accumulate(
            a, tables, parser, blocks, cost_mode, pricing, recent_limit, with_hours, tz, light=light
        )
        return a

    first, _mine = both(half, [0, 1])
    acc.add_acc(first)
