"""One build block's cost in the view's cost mode, and its per-combo price sums (see ``build``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..prices.columns import NO_PRICE, Pricing, view_costs
from ..prices.sources import UNPRICED, CostMode


def pick_list(
    pick: Any, lo: int, hi: int, idx: Any, pricing: Pricing | None
) -> npt.NDArray[np.int64] | None:
    """The block's list-price column (None without a price book)."""
    if pricing is None:
        return None
    c = pricing.col("list")[lo:hi]
    return c if idx is None else c[idx]


def price_block(
    pick: Any,
    lo: int,
    hi: int,
    idx: Any,
    combo: npt.NDArray[Any],
    ok: npt.NDArray[np.bool_],
    writer: npt.NDArray[np.int64],
    tin: npt.NDArray[Any],
    tout: npt.NDArray[Any],
    mode: CostMode,
    pricing: Pricing | None,
    nc: int,
    per_price: dict[str, npt.NDArray[np.int64]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int8], bool]:
    """The block's cost in ``mode``, its source per call, and whether that cost is the writer's
    (then the caller adds its per-combo cost sums to the writer sums); adds its price sums."""
    cr, cw = pick("cr").astype(np.int64), pick("cw").astype(np.int64) + pick("cw1h")
    tokens = tin.astype(np.int64) + tout + cr + cw
    listed = lstate = save = None
    if pricing is not None:

        def pcol(name: str) -> npt.NDArray[Any]:
            c = pricing.col(name)[lo:hi]
            return c if idx is None else c[idx]

        listed, lstate, save = pcol("list"), pcol("lstate"), pcol("save")
    src, cost = view_costs(mode, pricing, writer, pick("actual"), ok, tokens, listed, lstate)
    same = mode == "writer" or cost is writer  # the caller adds the cost sums as the writer's
    unp = src == UNPRICED
    # Full-length passes only where a column can be non-zero; ``list_n`` counts the calls the
    # book does NOT price (usually few) and is turned around by the caller; ``tokens`` is
    # tin + tout (already summed per combo) plus the cache columns.
    for f, w, where in (
        ("writer", None if same else writer, None),
        ("list", listed, None),
        ("list_n", None, None if lstate is None else lstate == NO_PRICE),
        ("unp", None, unp),
        ("unp_tok", tokens, unp),
        ("cr", cr if cr.any() else None, None),
        ("cw", cw if cw.any() else None, None),
        ("save", save if save is not None and save.any() else None, None),
    ):
        if (w is None and where is None) or (where is not None and not where.any()):
            continue
        c = combo if where is None else combo[where]
        ww = None if w is None else (w if where is None else w[where])
        per_price[f] += np.rint(np.bincount(c, weights=ww, minlength=nc)).astype(np.int64)
    return cost, src, same
