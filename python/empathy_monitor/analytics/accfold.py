"""Fold an ``Acc`` into a view's ``Sums``, exactly as a combo-by-combo fold would: groups in the
order of their newest combo (table by table with numpy), price pairs and steps in the order of
their oldest, the counters in first-met order, latency per tier and overall."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import Tables
from .acc import BIG, I64, Acc
from .latency import CAP, LatencyHist
from .pricesums import ModelCost
from .sums import CallSums, DimSums, Sums, bump

# positions in ``sums.fold_key``
_PROV, _TIER, _MODEL, _WF, _ETYPE, _OPROV, _CHAIN, _SOURCE = range(8)


def _first_met(ids: I64) -> I64:
    """The distinct ids in the order of their first occurrence."""
    uniq, first = np.unique(ids, return_index=True)
    out: I64 = uniq[np.argsort(first, kind="stable")]
    return out


def _per_key(ids: I64, vals: I64, sel: npt.NDArray[np.bool_] | None) -> list[tuple[int, list[int]]]:
    """(id, column sums of ``vals``) per distinct id (of the ``sel`` columns), first met first."""
    if sel is not None:
        ids, vals = ids[sel], vals[:, sel]
    if not ids.size:
        return []
    keys = _first_met(ids)
    tot = np.zeros((vals.shape[0], int(ids.max()) + 1), dtype=np.int64)
    for i in range(vals.shape[0]):
        np.add.at(tot[i], ids, vals[i])
    return list(zip(keys.tolist(), tot[:, keys].T.tolist(), strict=True))


def finish(acc: Acc, sums: Sums, tables: Tables, recent_limit: int, priced: bool) -> None:
    """Fold everything into ``sums`` (a fresh ``Sums``); ``priced``: a price book is in use
    (then ``list_n`` holds the calls it does not price and is turned around)."""
    combos = tables.call_combos.items
    _fold_groups(acc, sums)
    _fold_steps(acc, sums)
    _fold_prices(acc, sums, combos, priced)
    for i in np.flatnonzero(acc.src_calls).tolist():
        sums.price.fold_source(i, int(acc.src_calls[i]), int(acc.src_cost[i]))
    for name, arr in acc.dims.items():
        nz = np.flatnonzero(arr[0])  # thousands of sessions: one C-level map, no genexpr each
        sums.dims[name].update(zip(nz.tolist(), map(DimSums, *arr[:, nz].tolist())))
    _fold_hists(acc, sums)
    if not acc.full:
        return
    sums.days = acc.days
    provs = list(acc.cidx.provs)
    sums.day_prov = {(d, provs[p]): v for (d, p), v in acc.day_prov.items()}
    sums.hours = acc.hours
    ts, f, o = acc.recent_arrays()
    k = min(recent_limit, ts.size)
    sums.recent = list(zip(ts[:k].tolist(), f[:k].tolist(), o[:k].tolist(), strict=True))


def _fold_groups(acc: Acc, sums: Sums) -> None:
    """What ``Sums.fold_call(step=False)`` of every group in the order of its newest combo
    makes, table by table with numpy (thousands of groups on varied data: ~18 µs each in
    Python): each table's keys in the order that fold would first meet them, ``model_meta``
    from each model's last group, the counters in first-met order."""
    used = np.flatnonzero(acc.grp_new >= 0)
    if not used.size:
        return
    order = used[np.argsort(acc.grp_new[used], kind="stable")]
    vals = acc.grp[:, order]
    cx = acc.cidx
    key = [col[order] for col in cx.group_cols]
    names = [list(d) for d in cx.key_values]
    sums.tot.add(CallSums(*vals.sum(axis=1).tolist()))
    wf_none = cx.key_values[_WF].get(None)
    for f, table in (
        (_PROV, sums.prov),
        (_TIER, sums.tier),
        (_MODEL, sums.model),
        (_SOURCE, sums.source),
        (_WF, sums.wf_calls),
    ):
        ids = key[f]
        sel = ids != wf_none if f == _WF and wf_none is not None else None
        for k, col in _per_key(ids, vals, sel):
            table[names[f][k]] = CallSums(*col)
    models = key[_MODEL]
    rev = models.size - 1 - np.unique(models[::-1], return_index=True)[1]  # each one's last
    last = dict(zip(models[rev].tolist(), rev.tolist(), strict=True))
    for m in _first_met(models).tolist():
        j = last[m]
        sums.model_meta[names[_MODEL][m]] = (
            names[_PROV][int(key[_PROV][j])],
            names[_TIER][int(key[_TIER][j])],
        )
    errors, fb = vals[CallSums.FIELDS.index("errors")], vals[CallSums.FIELDS.index("fb")]
    for f, n, counter in (
        (_ETYPE, errors, sums.etype),
        (_OPROV, fb, sums.oprov),
        (_CHAIN, fb, sums.chains),
    ):
        for k, (c,) in _per_key(key[f], n[None, :], n > 0):
            v = names[f][k]
            if f == _ETYPE:
                bump(counter, v or "unknown", c)
            elif v:  # no original provider / chain: not counted
                bump(counter, v, c)


def _fold_steps(acc: Acc, sums: Sums) -> None:
    used = np.flatnonzero(acc.step_old < BIG)
    if not used.size:
        return
    keys = list(acc.cidx.steps)
    calls, cost = acc.step[0].tolist(), acc.step[1].tolist()
    for k in used[np.argsort(acc.step_old[used], kind="stable")].tolist():
        wf, step = keys[k]
        sums.fold_step(wf, step, calls[k], cost[k])


def _fold_prices(acc: Acc, sums: Sums, combos: list[Any], priced: bool) -> None:
    used = np.flatnonzero(acc.pair_old < BIG)
    if not used.size:
        return
    vals = acc.pair[:, used]
    if priced:  # calls the book prices (or finds free) = all - those it does not
        li = ModelCost.FIELDS.index("list_n")
        vals[li] = vals[0] - vals[li]
    cols = vals.tolist()
    oldest = acc.pair_old[used]
    for j in np.argsort(oldest, kind="stable").tolist():
        c = combos[int(oldest[j])]
        sums.price.fold(c.provider, c.model, ModelCost(*(col[j] for col in cols)))


def _fold_hists(acc: Acc, sums: Sums) -> None:
    if not acc.fine:
        return
    tiers = list(acc.cidx.tiers)
    total = np.zeros(CAP, dtype=np.int64)
    over: list[int] = []
    for ti in sorted(acc.fine, key=lambda i: tiers[i]):
        fine, o = acc.fine[ti], acc.over.get(ti, [])
        total += fine
        over += o
        if acc.full:
            sums.tier_hist[tiers[ti]] = LatencyHist.of(fine, o, acc.lat_n[ti], acc.lat_sum[ti])
    sums.hist = LatencyHist.of(total, over, sum(acc.lat_n.values()), sum(acc.lat_sum.values()))
