"""The vectorised build: fill a view's ``Sums`` from the columnar tables with numpy.

Used for a cold start and for a window or filter change. Calls are summed by
``blocks.accumulate`` (fixed-size row blocks, per combo; on two threads: ``threads.py``) into an
``Acc``; an unfiltered view takes the whole local days of its window from the day cube
(``cube.py``) and only the rest from the rows. ``accfold.finish`` folds the totals into the sums
as ``Sums.fold_call`` would — the entry point the per-row fold uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..prices.columns import Pricing
from ..prices.sources import CostMode
from ..tables import Tables
from ..timeparse import TimestampParser
from . import accfold, cube, threads
from .acc import Acc
from .blocks import Mask, RowsOk, _bins
from .buckets import hourly
from .combos import combo_index
from .sums import RunSums, Sums
from .window import EVERYTHING, Window

BUILD_BLOCK = 1 << 15  # rows per numpy pass: ~10 MB of temporaries a build (1 << 16: ~17 MB)
MAX_BLOCK = 1 << 17


def block_rows(n_combos: int) -> int:
    """Rows per block: every per-combo ``bincount`` of a block costs O(combos) whatever its
    rows, so with tens of thousands of combos (varied real data) bigger blocks amortise it
    (30-day build at 1M rows, 63k combos: 440 ms in 32k-row blocks, 330 ms in 128k)."""
    return max(BUILD_BLOCK, min(MAX_BLOCK, 2 * n_combos))


def build_calls(
    tables: Tables,
    parser: TimestampParser,
    window: Window,
    allowed: Mask | None,
    sums: Sums,
    recent_limit: int,
    overview_only: bool,
    cost_mode: CostMode = "writer",
    pricing: Pricing | None = None,
    rows_ok: RowsOk | None = None,
    dims: bool | None = None,
    cand: npt.NDArray[np.int64] | None = None,
) -> None:
    """Fold every call in ``window`` whose combo is ``allowed`` (None: all) and whose row is
    ``rows_ok`` (per-row filters) into ``sums``; ``cand`` (ascending rows) limits the build to
    those rows (the per-row filters' own rows, ``Filters.call_candidates``).

    Costs are those of ``cost_mode`` (``prices.columns.view_costs`` over the list-price columns).
    An unfiltered view adds the whole local days of the window from the day cube (``cube.py``)
    and sums only the rest from the rows.
    """
    t = tables.calls
    if t.n == 0:
        return
    if allowed is not None and rows_ok is None and cand is None and allowed.all():
        allowed = None  # a filter every combo passes is the unfiltered view: the cube's days
    cidx = combo_index(tables)
    full = not overview_only
    acc = Acc(tables, cidx, full, full if dims is None else dims)
    with_hours = hourly(window)
    block = block_rows(len(tables.call_combos))
    if allowed is None and rows_ok is None and cand is None and recent_limit <= cube.RECENT_KEEP:
        c = cube.for_build(tables, parser, window, cost_mode, pricing, block)
        rest = None if c is None else c.add_window(acc, tables, window, with_hours, recent_limit)
        if rest is not None:
            cand = rest  # the days it spans whole are in acc: sum the other rows
    elif allowed is not None and rows_ok is None and cand is None:
        keep = cidx.aligned(allowed)  # a filter on what fold groups hold (provider, model, ...)
        c = (
            None
            if keep is None
            else cube.for_build(tables, parser, window, cost_mode, pricing, block)
        )
        if c is not None and keep is not None:
            got = c.add_groups(acc, tables, window, keep, allowed)
            if got is not None:  # its groups' whole days are in acc: the light pass, then the rest
                light, cand = got
                threads.sum_rows(
                    acc,
                    tables,
                    parser,
                    EVERYTHING,  # its calls lie in days the window spans whole: no mask
                    None,
                    None,
                    light,
                    block,
                    cost_mode,
                    pricing,
                    recent_limit,
                    with_hours,
                    light=True,
                )
    threads.sum_rows(
        acc,
        tables,
        parser,
        window,
        allowed,
        rows_ok,
        cand,
        block,
        cost_mode,
        pricing,
        recent_limit,
        with_hours,
    )
    accfold.finish(acc, sums, tables, recent_limit, pricing is not None)


def build_runs(
    tables: Tables,
    window: Window,
    allowed: Mask | None,
    sums: Sums,
    rows_ok: Mask | None = None,
) -> None:
    """Fold every run in ``window`` whose combo is ``allowed`` (None: all) and whose row is
    ``rows_ok`` (per-row filters over all runs) into ``sums``."""
    t = tables.runs
    if t.n == 0:
        return
    combo_all = t.col("combo")
    sel = window.mask(t.col("ts"))
    if allowed is not None:
        f = allowed[combo_all]
        sel = f if sel is None else (sel & f)
    if rows_ok is not None:
        sel = rows_ok if sel is None else (sel & rows_ok)
    idx = np.flatnonzero(sel) if sel is not None else None

    def pick(name: str) -> npt.NDArray[Any]:
        c = t.col(name)
        return c if idx is None else c[idx]

    combo = pick("combo")
    if combo.size == 0:
        return
    nc = len(tables.run_combos)
    cols = [
        _bins(combo, nc),
        _bins(combo, nc, pick("cost")),
        _bins(combo, nc, pick("base")),
        _bins(combo, nc, pick("save")),
        _bins(combo, nc, pick("dur")),
        _bins(combo, nc, pick("ok").astype(np.float64)),
    ]
    combos = tables.run_combos.items
    for rid in np.flatnonzero(np.asarray(cols[0])).tolist():
        rc = combos[rid]
        sums.fold_run(rc.workflow, RunSums(*(col[rid] for col in cols)), rc.project)
