"""The vectorised build: fill a view's ``Sums`` from the columnar tables with numpy.

Used for a cold start and for a window or filter change. Rows are taken in fixed-size blocks so
numpy temporaries stay at a few MB whatever the table size (a million rows would otherwise need
~70 MB of full-length intermediates per build). Per-combo totals are then folded into the sums
through ``Sums.fold_call`` — the same entry point the per-row fold uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ..prices.columns import Pricing, subscription_value
from ..prices.sources import SOURCE_NAMES, UNPRICED, CostMode
from ..tables import Tables
from ..timeparse import TimestampParser
from .buckets import apply_offsets, as_int, hourly, offsets_plan
from .combos import combo_index, fold_groups, fold_prices
from .latency import LatencyHist
from .pricebuild import pick_list, price_block
from .pricesums import ModelCost
from .sums import CallSums, DaySums, DimSums, HourSums, ProviderDay, RunSums, Sums
from .window import Window

BUILD_BLOCK = 1 << 15  # rows per numpy pass: ~10 MB of temporaries a build (1 << 16: ~17 MB)
MAX_BLOCK = 1 << 17

Mask = npt.NDArray[np.bool_]
RowsOk = Callable[[int, int], Mask | None]  # per-row filters of calls [lo, hi)
# per-row dimension -> (its ids column, number of ids)
_DIMS = ("project", "user", "session")


def _dim_columns(tables: Tables) -> dict[str, tuple[npt.NDArray[np.int32], int]]:
    return {
        "project": (tables.call_proj(), len(tables.projects)),
        "user": (tables.calls.col("user"), len(tables.users)),
        "session": (tables.calls.col("session"), len(tables.sessions)),
    }


def _dim_block(
    acc: dict[str, list[npt.NDArray[np.int64]]],
    keys: dict[str, npt.NDArray[Any]],
    fw: dict[str, npt.NDArray[np.float64] | None],
) -> None:
    """Add one block's calls to the per-dimension sums (``DimSums.FIELDS`` order), reusing the
    block's float weights (a None weight: see :func:`_skip`)."""
    tin, tout = fw["tin"], fw["tout"]
    assert tin is not None and tout is not None
    weights = (fw["errors"], fw["cost"], tin + tout, fw["lat"], fw["lat_n"], fw["unp"])
    for name, k in keys.items():
        cols = acc[name]
        n = cols[0].size
        cnt = np.bincount(k, minlength=n)
        cols[0] += cnt
        for i, w in enumerate(weights, 1):
            if w is _SAME:
                cols[i] += cnt
            elif w is not None:
                cols[i] += np.rint(np.bincount(k, weights=w, minlength=n)).astype(np.int64)


# A weight equal to 1 for every row of the block (the count itself serves): ``_skip``'s marker.
_SAME: Any = np.ones(0)


def _skip(fw: dict[str, Any], has_lat: npt.NDArray[np.bool_]) -> None:
    """Drop the weights a block does not need a pass for: all zero (None: nothing to add; most
    blocks have no fallback, retry or error) or, for ``lat_n``, every row timed (``_SAME``)."""
    for f in ("errors", "fb", "retry", "retried", "unp"):
        w = fw[f]
        if w is not None and not w.any():
            fw[f] = None
    if has_lat.all():
        fw["lat_n"] = _SAME


def block_rows(n_combos: int) -> int:
    """Rows per block: every per-combo ``bincount`` of a block costs O(combos) whatever its
    rows, so with tens of thousands of combos (varied real data) bigger blocks amortise it
    (30-day build at 1M rows, 63k combos: 440 ms in 32k-row blocks, 330 ms in 128k)."""
    return max(BUILD_BLOCK, min(MAX_BLOCK, 2 * n_combos))


def _blocks(
    t: Any, window: Window, allowed: Mask | None, rows_ok: RowsOk | None, cand: Any, block: int
) -> Any:
    """(lo, hi, idx) per block of selected calls: rows ``lo + idx`` of ``[lo, hi)`` (idx None:
    all of them); from ``cand`` the blocks span the whole table and idx holds row ids."""
    ts_all, combo_all = t.col("ts"), t.col("combo")
    if cand is not None:
        for j in range(0, cand.size, block):
            idx = cand[j : j + block]
            m = window.mask(ts_all[idx])
            if allowed is not None:
                f = allowed[combo_all[idx]]
                m = f if m is None else (m & f)
            if m is not None:
                idx = idx[m]
            if idx.size:
                yield 0, t.n, idx
        return
    for lo in range(0, t.n, block):
        hi = min(t.n, lo + block)
        m = window.mask(ts_all[lo:hi])
        if allowed is not None:
            f = allowed[combo_all[lo:hi]]
            m = f if m is None else (m & f)
        r = rows_ok(lo, hi) if rows_ok is not None else None
        if r is not None:
            m = r if m is None else (m & r)
        idx = None if m is None or m.all() else np.flatnonzero(m)
        if idx is None or idx.size:
            yield lo, hi, idx


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
    rows_ok: RowsOk | None = None,
    dims: bool | None = None,
    cand: npt.NDArray[np.int64] | None = None,
) -> None:
    """Fold every call in ``window`` whose combo is ``allowed`` (None: all) and whose row is
    ``rows_ok`` (per-row filters) into ``sums``; ``cand`` (ascending rows) limits the build to
    those rows (the per-row filters' own rows, ``Filters.call_candidates``).

    Costs are those of ``cost_mode`` (``prices.columns.view_costs`` over the list-price columns).
    """
    t = tables.calls
    if t.n == 0:
        return
    combos = tables.call_combos.items
    nc = len(combos)
    cidx = combo_index(tables)
    tier_names, tier_of = cidx.sorted_ids("tier")
    prov_names, prov_of = cidx.sorted_ids("provider")
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
    dim_cols = _dim_columns(tables) if (not overview_only if dims is None else dims) else {}
    dim_acc = {
        name: [np.zeros(n, dtype=np.int64) for _ in DimSums.FIELDS]
        for name, (_c, n) in dim_cols.items()
    }
    for lo, hi, idx in _blocks(t, window, allowed, rows_ok, cand, block_rows(nc)):

        def pick(name: str, lo: int = lo, hi: int = hi, idx: Any = idx) -> npt.NDArray[Any]:
            c = t.col(name)[lo:hi]
            return c if idx is None else c[idx]

        ts, combo, ok = pick("ts"), pick("combo"), pick("ok")
        writer, tin, tout = pick("cost"), pick("tin"), pick("tout")
        cost, src, same = price_block(
            pick, lo, hi, idx, combo, ok, writer, tin, tout, cost_mode, pricing, nc, per_price
        )
        src_calls += np.bincount(src, minlength=nsrc)
        val = subscription_value(src, writer, pick_list(pick, lo, hi, idx, pricing))
        weights = cost if val is None else cost + val  # subscription: its list-price equivalent
        src_cost += np.rint(np.bincount(src, weights=weights, minlength=nsrc)).astype(np.int64)
        lat, fb, retry = pick("lat"), pick("fb"), pick("retry")
        err = ~ok
        has_lat = lat >= 0
        # Every sum as a float64-weighted count: numpy converts integer weights on each call
        # (7x the count itself) and a boolean selection copies; integer sums of a block stay
        # exact in float64 and are rounded back to int64.
        fw: dict[str, npt.NDArray[np.float64] | None] = {
            "calls": None,
            "errors": err.astype(np.float64),
            "cost": cost.astype(np.float64),
            "tin": tin.astype(np.float64),
            "tout": tout.astype(np.float64),
            "lat": np.where(has_lat, lat, 0).astype(np.float64),
            "fb": fb.astype(np.float64),
            "retry": retry.astype(np.float64),
            "retried": (retry > 0).astype(np.float64),
            "lat_n": has_lat.astype(np.float64),
            "unp": (src == UNPRICED).astype(np.float64),
        }
        _skip(fw, has_lat)
        cnt = np.bincount(combo, minlength=nc)
        for field in CallSums.FIELDS:
            w = fw[field]
            if w is None and field != "calls":
                continue  # all zero in this block
            if w is None or w is _SAME:
                add = cnt
            else:
                add = np.rint(np.bincount(combo, weights=w, minlength=nc)).astype(np.int64)
            per_combo[field] += add
            if field == "cost" and same:  # the view's cost is the writer's: one pass serves both
                per_price["writer"] += add
        if dim_cols:
            keys = {
                name: (col[lo:hi] if idx is None else col[lo:hi][idx])
                for name, (col, _n) in dim_cols.items()
            }
            _dim_block(dim_acc, keys, fw)
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
    fold_groups(sums, combos, per_combo, cidx)
    fold_prices(sums, combos, per_combo["calls"], per_price, cidx)
    for i in np.flatnonzero(src_calls).tolist():
        sums.price.fold_source(i, int(src_calls[i]), int(src_cost[i]))
    for name, acc in dim_acc.items():
        nz = np.flatnonzero(acc[0])  # thousands of sessions: one C-level map, no genexpr each
        sums.dims[name].update(zip(nz.tolist(), map(DimSums, *(a[nz].tolist() for a in acc))))
    hist.seal()
    sums.hist = hist
    for ti, h in tier_hists.items():
        h.seal()
        sums.tier_hist[tier_names[ti]] = h
    candidates.sort(key=lambda r: -r[0])
    sums.recent = candidates[:recent_limit]


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
