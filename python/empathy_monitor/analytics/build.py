"""The vectorised build: fill a view's ``Sums`` from the columnar tables with numpy.

Used for a cold start and for a window or filter change. Rows are taken in fixed-size blocks so
numpy temporaries stay at a few MB whatever the table size (a million rows would otherwise need
~70 MB of full-length intermediates per build). Per-combo totals are then folded into the sums
through ``Sums.fold_call`` — the same entry point the per-row fold uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..prices.columns import NO_PRICE, Pricing, view_costs
from ..prices.sources import SOURCE_NAMES, UNPRICED, CostMode
from ..tables import Tables
from ..timeparse import TimestampParser
from .buckets import apply_offsets, as_int, hourly, offsets_plan
from .latency import LatencyHist
from .pricesums import ModelCost
from .sums import CallSums, DaySums, HourSums, ProviderDay, RunSums, Sums
from .window import Window

BUILD_BLOCK = 1 << 17  # rows per numpy pass

Mask = npt.NDArray[np.bool_]


def _bins(keys: npt.NDArray[Any], n: int, w: npt.NDArray[Any] | None = None) -> list[int]:
    out: list[int] = np.rint(np.bincount(keys, weights=w, minlength=n)).astype(np.int64).tolist()
    return out


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
) -> None:
    """Fold every call in ``window`` whose combo is ``allowed`` (None: all) into ``sums``.

    Costs are those of ``cost_mode`` (``prices.columns.view_costs`` over the list-price columns).
    """
    t = tables.calls
    if t.n == 0:
        return
    combos = tables.call_combos.items
    nc = len(combos)
    tier_names = sorted({c.tier for c in combos})
    tier_pos = {n: i for i, n in enumerate(tier_names)}
    tier_of = np.fromiter((tier_pos[c.tier] for c in combos), dtype=np.int32, count=nc)
    prov_names = sorted({c.provider for c in combos})
    prov_pos = {p: i for i, p in enumerate(prov_names)}
    prov_of = np.fromiter((prov_pos[c.provider] for c in combos), dtype=np.int64, count=nc)
    ts_all = t.col("ts")
    tz = offsets_plan(float(ts_all.min()), float(ts_all.max()), parser)
    per_combo = {f: np.zeros(nc, dtype=np.int64) for f in CallSums.FIELDS}
    per_price = {f: np.zeros(nc, dtype=np.int64) for f in ModelCost.FIELDS if f != "calls"}
    nsrc = len(SOURCE_NAMES)
    src_calls = np.zeros(nsrc, dtype=np.int64)
    src_cost = np.zeros(nsrc, dtype=np.int64)
    hist = LatencyHist()
    tier_hists: dict[int, LatencyHist] = {}
    with_hours = hourly(window)
    candidates: list[tuple[float, int, int]] = []
    for lo in range(0, t.n, BUILD_BLOCK):
        hi = min(t.n, lo + BUILD_BLOCK)
        m = window.mask(ts_all[lo:hi])
        if allowed is not None:
            f = allowed[t.col("combo")[lo:hi]]
            m = f if m is None else (m & f)
        idx = None if m is None or m.all() else np.flatnonzero(m)
        if idx is not None and idx.size == 0:
            continue

        def pick(name: str, lo: int = lo, hi: int = hi, idx: Any = idx) -> npt.NDArray[Any]:
            c = t.col(name)[lo:hi]
            return c if idx is None else c[idx]

        ts, combo, ok = pick("ts"), pick("combo"), pick("ok")
        writer, tin, tout = pick("cost"), pick("tin"), pick("tout")
        cost, src, same = _price_block(
            pick, lo, hi, idx, combo, ok, writer, tin, tout, cost_mode, pricing, nc, per_price
        )
        src_calls += np.bincount(src, minlength=nsrc)
        src_cost += np.rint(np.bincount(src, weights=cost, minlength=nsrc)).astype(np.int64)
        lat, fb, retry = pick("lat"), pick("fb"), pick("retry")
        err = ~ok
        has_lat = lat >= 0
        for field, weights, where in (
            ("calls", None, None),
            ("errors", None, err),
            ("tin", tin, None),
            ("tout", tout, None),
            ("lat", lat, has_lat),
            ("fb", None, fb),
            ("retry", retry, None),
            ("retried", None, retry > 0),
            ("lat_n", None, has_lat),
        ):
            c = combo if where is None else combo[where]
            w = None if weights is None else (weights if where is None else weights[where])
            per_combo[field] += np.rint(np.bincount(c, weights=w, minlength=nc)).astype(np.int64)
        block_cost = np.rint(np.bincount(combo, weights=cost, minlength=nc)).astype(np.int64)
        per_combo["cost"] += block_cost
        if same:
            per_price["writer"] += block_cost
        # latency histograms, overall and per tier
        tiers = tier_of[combo]
        if not has_lat.all():
            lat, tiers = lat[has_lat], tiers[has_lat]
        hist.add_array(lat)
        if overview_only:
            continue
        for ti in np.unique(tiers).tolist():
            th = tier_hists.get(ti)
            if th is None:
                th = tier_hists[ti] = LatencyHist()
            th.add_array(lat[tiers == ti])
        # day and hour buckets in local time
        local = ts + apply_offsets(ts, tz)
        days = as_int(local / 86400)
        d0 = int(days.min())
        dd = days - d0
        nd = int(dd.max()) + 1
        cnt = np.bincount(dd, minlength=nd)
        dcost, derr = _bins(dd, nd, cost), _bins(dd[err], nd)
        din, dout = _bins(dd, nd, tin), _bins(dd, nd, tout)
        for i in np.flatnonzero(cnt).tolist():
            day = sums.days.get(d0 + i)
            if day is None:
                day = sums.days[d0 + i] = DaySums()
            day.cost += dcost[i]
            day.calls += int(cnt[i])
            day.errors += derr[i]
            day.tin += din[i]
            day.tout += dout[i]
        npv = len(prov_names)
        key = dd * npv + prov_of[combo]
        kc, kn = _bins(key, nd * npv, cost), _bins(key, nd * npv)
        for k in np.flatnonzero(kn).tolist():
            d, pi = divmod(k, npv)
            dk = (d0 + d, prov_names[pi])
            dp = sums.day_prov.get(dk)
            if dp is None:
                dp = sums.day_prov[dk] = ProviderDay()
            dp.cost += kc[k]
            dp.calls += kn[k]
        if with_hours:
            hours = as_int(local / 3600)
            h0 = int(hours.min())
            hh = hours - h0
            hn = np.bincount(hh)
            he = np.bincount(hh[err], minlength=hn.size)
            for i in np.flatnonzero(hn).tolist():
                hr = sums.hours.get(h0 + i)
                if hr is None:
                    hr = sums.hours[h0 + i] = HourSums()
                hr.calls += int(hn[i])
                hr.errors += int(he[i])
        # newest calls for the feed: keep each block's top candidates
        k = min(recent_limit, ts.size)
        if k:
            top = np.argpartition(ts, ts.size - k)[ts.size - k :]
            files, offs = pick("file")[top], pick("off")[top]
            candidates += zip(ts[top].tolist(), files.tolist(), offs.tolist(), strict=True)
    per_price["tokens"] += per_combo["tin"] + per_combo["tout"] + per_price["cr"] + per_price["cw"]
    if pricing is not None:  # calls the book prices (or finds free) = all - those it does not
        per_price["list_n"] = per_combo["calls"] - per_price["list_n"]
    cols = [per_combo[f].tolist() for f in CallSums.FIELDS]
    pcols = [per_combo["calls"].tolist()] + [per_price[f].tolist() for f in ModelCost.FIELDS[1:]]
    for cid in np.flatnonzero(per_combo["calls"]).tolist():
        c = combos[cid]
        sums.fold_call(c, CallSums(*(col[cid] for col in cols)))
        sums.price.fold(c.provider, c.model, ModelCost(*(col[cid] for col in pcols)))
    for i in np.flatnonzero(src_calls).tolist():
        sums.price.fold_source(i, int(src_calls[i]), int(src_cost[i]))
    hist.seal()
    sums.hist = hist
    for ti, h in tier_hists.items():
        h.seal()
        sums.tier_hist[tier_names[ti]] = h
    candidates.sort(key=lambda r: -r[0])
    sums.recent = candidates[:recent_limit]


def _price_block(
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


def build_runs(tables: Tables, window: Window, allowed: Mask | None, sums: Sums) -> None:
    """Fold every run in ``window`` whose combo is ``allowed`` (None: all) into ``sums``."""
    t = tables.runs
    if t.n == 0:
        return
    combo_all = t.col("combo")
    sel = window.mask(t.col("ts"))
    if allowed is not None:
        f = allowed[combo_all]
        sel = f if sel is None else (sel & f)
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
        sums.fold_run(combos[rid][0], RunSums(*(col[rid] for col in cols)))
