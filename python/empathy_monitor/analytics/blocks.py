"""Sum calls from the columnar tables in row blocks with numpy (the build's inner loop).

Rows are taken in fixed-size blocks so numpy temporaries stay at a few MB whatever the table size
(a million rows would otherwise need ~70 MB of full-length intermediates per build). Each block is
summed per combo (``bincount``); ``Acc.add_combos`` groups the totals at the end.
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
from .acc import Acc
from .buckets import apply_offsets, as_int, offsets_plan
from .pricebuild import pick_list, price_block
from .pricesums import ModelCost
from .sessionmap import DERIVED, derive, session_map
from .sums import CallSums, DaySums, HourSums, ProviderDay
from .window import Window

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


def row_blocks(
    t: Any,
    window: Window,
    allowed: Mask | None,
    rows_ok: RowsOk | None,
    cand: Any,
    block: int,
    start: int = 0,
    stop: int | None = None,
) -> Any:
    """(lo, hi, idx) per block of selected calls: rows ``lo + idx`` of ``[lo, hi)`` (idx None:
    all of them) of the rows ``[start, stop)``; from ``cand`` the blocks span the whole table
    and idx holds row ids."""
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
    end = t.n if stop is None else stop
    for lo in range(start, end, block):
        hi = min(end, lo + block)
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


def accumulate(
    acc: Acc,
    tables: Tables,
    parser: TimestampParser,
    blocks: Any,
    cost_mode: CostMode,
    pricing: Pricing | None,
    recent_limit: int,
    with_hours: bool,
    tz: Any = None,
    used: npt.NDArray[np.int64] | None = None,
    light: bool = False,
) -> None:
    """Add the calls of ``blocks`` (``row_blocks``) to ``acc``: per combo with numpy, then
    grouped. ``tz``: the zone's offsets plan over every call (made here when None); ``used``:
    every combo these calls have, ascending (the per-combo sums are then that long, not one slot
    per combo of the tables: one day of varied data has a few thousand of ~60k). ``light``: calls
    whose per-group sums, days and (day, provider) buckets the day cube already added (a filter
    that keeps whole groups): only their price sums, sources, dimensions, latency, hours and
    feed are summed."""
    t = tables.calls
    nc = len(tables.call_combos.items)
    cidx = acc.cidx
    tier_of, prov_of, npv = cidx.tier, cidx.prov, len(cidx.provs)
    if tz is None:
        ts_all = t.col("ts")
        tz = offsets_plan(float(ts_all.min()), float(ts_all.max()), parser)
    local_of = None
    if used is not None:
        local_of = np.full(nc, -1, dtype=np.int64)
        local_of[used] = np.arange(used.size)
        nc = int(used.size)
    per_combo = {f: np.zeros(nc, dtype=np.int64) for f in CallSums.FIELDS}
    per_price = {f: np.zeros(nc, dtype=np.int64) for f in ModelCost.FIELDS if f != "calls"}
    nsrc = len(SOURCE_NAMES)
    dim_cols = _dim_columns(tables) if acc.with_dims else {}
    derived: dict[str, npt.NDArray[np.int64]] = {}
    if dim_cols:
        smap = session_map(tables)
        for name in DERIVED:
            of = smap.derivable(name)
            if of is not None:  # summed from the sessions below: no passes over the rows
                derived[name] = of
                del dim_cols[name]
    # this call's own sums (the session sums it derives from must be only its own)
    mine = {name: np.zeros_like(acc.dims[name]) for name in dim_cols}
    dim_acc = {name: list(arr) for name, arr in mine.items()}
    full = acc.full
    for lo, hi, idx in blocks:

        def pick(name: str, lo: int = lo, hi: int = hi, idx: Any = idx) -> npt.NDArray[Any]:
            c = t.col(name)[lo:hi]
            return c if idx is None else c[idx]

        ts, gcombo, ok = pick("ts"), pick("combo"), pick("ok")
        combo = gcombo if local_of is None else local_of[gcombo]
        writer, tin, tout = pick("cost"), pick("tin"), pick("tout")
        cost, src, same = price_block(
            pick, lo, hi, idx, combo, ok, writer, tin, tout, cost_mode, pricing, nc, per_price
        )
        acc.src_calls += np.bincount(src, minlength=nsrc)
        val = subscription_value(src, writer, pick_list(pick, lo, hi, idx, pricing))
        weights = cost if val is None else cost + val  # subscription: its list-price equivalent
        acc.src_cost += np.rint(np.bincount(src, weights=weights, minlength=nsrc)).astype(np.int64)
        lat = pick("lat")
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
            "fb": None,
            "retry": None,
            "retried": None,
            "lat_n": has_lat.astype(np.float64),
            "unp": (src == UNPRICED).astype(np.float64),
        }
        if not light:  # fallbacks and retries are per-combo sums only: a light pass has them
            fb, retry = pick("fb"), pick("retry")
            fw["fb"], fw["retry"] = fb.astype(np.float64), retry.astype(np.float64)
            fw["retried"] = (retry > 0).astype(np.float64)
        _skip(fw, has_lat)
        if light:  # no per-combo sums; the writer's, if the view's cost is it, from here
            if same:
                per_price["writer"] += np.rint(
                    np.bincount(combo, weights=fw["cost"], minlength=nc)
                ).astype(np.int64)
        else:
            _combo_block(per_combo, per_price, combo, nc, fw, same)
        if dim_cols:
            keys = {
                name: (col[lo:hi] if idx is None else col[lo:hi][idx])
                for name, (col, _n) in dim_cols.items()
            }
            _dim_block(dim_acc, keys, fw)
        tiers = tier_of[gcombo]
        if has_lat.all():
            acc.add_lat(tiers, lat)
        else:
            acc.add_lat(tiers[has_lat], lat[has_lat])
        if not full:
            continue
        _buckets(acc, ts, tz, cost, err, tin, tout, prov_of[gcombo], npv, with_hours, not light)
        # newest calls for the feed: keep each block's top candidates
        k = min(recent_limit, ts.size)
        if k:
            top = np.argpartition(ts, ts.size - k)[ts.size - k :]
            tied = ts >= ts[top].min()  # every call of the k-th newest instant: ties go by file
            if np.count_nonzero(tied) > k:
                top = np.flatnonzero(tied)
            acc.add_recent(ts[top], pick("file")[top], pick("off")[top])
    if light:
        acc.add_prices(per_price, used)
    else:
        acc.add_combos(per_combo, per_price, used)
    for name, of in derived.items():
        mine[name] = np.zeros_like(acc.dims[name])
        derive(mine, name, of)
    for name, arr in mine.items():
        acc.dims[name] += arr


def _combo_block(
    per_combo: dict[str, npt.NDArray[np.int64]],
    per_price: dict[str, npt.NDArray[np.int64]],
    combo: npt.NDArray[Any],
    nc: int,
    fw: dict[str, npt.NDArray[np.float64] | None],
    same: bool,
) -> None:
    """Add one block's ``CallSums`` fields per combo (a None weight: see :func:`_skip`)."""
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


def _buckets(
    acc: Acc,
    ts: npt.NDArray[np.float64],
    tz: Any,
    cost: npt.NDArray[np.int64],
    err: Mask,
    tin: npt.NDArray[Any],
    tout: npt.NDArray[Any],
    prov: npt.NDArray[np.int64],
    npv: int,
    with_hours: bool,
    with_days: bool = True,
) -> None:
    """One block's day, (day, provider) and hour buckets in local time."""
    if not with_days and not with_hours:
        return  # a light pass over days only: the cube has them
    local = ts + apply_offsets(ts, tz)
    if not with_days:
        _hours(acc, local, err, with_hours)
        return
    days = as_int(local / 86400)
    d0 = int(days.min())
    dd = days - d0
    nd = int(dd.max()) + 1
    cnt = np.bincount(dd, minlength=nd)
    dcost, derr = _bins(dd, nd, cost), _bins(dd[err], nd)
    din, dout = _bins(dd, nd, tin), _bins(dd, nd, tout)
    for i in np.flatnonzero(cnt).tolist():
        day = acc.days.get(d0 + i)
        if day is None:
            day = acc.days[d0 + i] = DaySums()
        day.cost += dcost[i]
        day.calls += int(cnt[i])
        day.errors += derr[i]
        day.tin += din[i]
        day.tout += dout[i]
    key = dd * npv + prov
    kc, kn = _bins(key, nd * npv, cost), _bins(key, nd * npv)
    for k in np.flatnonzero(kn).tolist():
        d, pi = divmod(k, npv)
        dk = (d0 + d, pi)
        dp = acc.day_prov.get(dk)
        if dp is None:
            dp = acc.day_prov[dk] = ProviderDay()
        dp.cost += kc[k]
        dp.calls += kn[k]
    _hours(acc, local, err, with_hours)


def _hours(acc: Acc, local: npt.NDArray[np.float64], err: Mask, with_hours: bool) -> None:
    if not with_hours:
        return
    hours = as_int(local / 3600)
    h0 = int(hours.min())
    hh = hours - h0
    hn = np.bincount(hh)
    he = np.bincount(hh[err], minlength=hn.size)
    for i in np.flatnonzero(hn).tolist():
        hr = acc.hours.get(h0 + i)
        if hr is None:
            hr = acc.hours[h0 + i] = HourSums()
        hr.calls += int(hn[i])
        hr.errors += int(he[i])
