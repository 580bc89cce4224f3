"""What a build adds up before it folds into a view's sums, keyed by small stable ids.

The block build (``build.py``) sums calls per combo; :meth:`Acc.add_combos` then groups those
totals by the ids of ``ComboIndex`` (fold group, (provider, model), (workflow, step)), so an
``Acc`` is the same size whatever the number of combos. The day cube (``cube.py``) keeps one
sparse ``Acc`` per local day and adds whole days back with :meth:`Acc.add_part`; edge and
appended rows come in through the block build. ``accfold.finish`` folds the result into a
``Sums`` exactly as a combo-by-combo fold would: groups in the order of their newest combo,
price pairs and steps in the order of their oldest (the order the per-row fold meets them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ..prices.sources import SOURCE_NAMES
from ..tables import Tables
from .combos import ComboIndex
from .latency import CAP
from .pricesums import ModelCost
from .sums import CallSums, DaySums, DimSums, HourSums, ProviderDay

I64 = npt.NDArray[np.int64]
BIG = np.iinfo(np.int64).max
NSRC = len(SOURCE_NAMES)
DIMS = ("project", "user", "session")
Recent = tuple[npt.NDArray[np.float64], npt.NDArray[Any], npt.NDArray[Any]]  # ts, file, offset


def dim_sizes(tables: Tables) -> dict[str, int]:
    return {
        "project": len(tables.projects),
        "user": len(tables.users),
        "session": len(tables.sessions),
    }


def _isum(keys: I64, vals: I64, n: int) -> I64:
    """Exact integer sums of ``vals`` per key in ``[0, n)``."""
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, keys, vals)
    return out


def _newest(p: Part) -> I64:
    newest = p.grp[2]
    assert newest is not None  # a part's groups keep their newest combo
    return newest


def _fill(n: int, v: int) -> I64:
    return np.full(n, v, dtype=np.int64)


class Part:
    """One local day's :class:`Acc`, sparse: ids with their sums (``cube.py``)."""

    __slots__ = (
        "day",
        "day_prov",
        "days",
        "dims",
        "grp",
        "grp_old",
        "hist",
        "hours",
        "pair",
        "recent",
        "rows",
        "src",
        "step",
        "stepg",
        "ts_hi",
        "ts_lo",
    )

    def __init__(self, acc: Acc, rows: int, ts_lo: float, ts_hi: float, keep: int) -> None:
        self.rows, self.ts_lo, self.ts_hi = rows, ts_lo, ts_hi
        self.grp = _sparse(acc.grp, acc.grp_new, acc.grp_new >= 0)
        self.grp_old = acc.grp_old[self.grp[0]]  # each group's oldest combo (its price pair's)
        self.stepg = acc.steps_by_group()  # (step, group) sums: a filter keeps whole groups
        self.day = next(iter(acc.days)) if len(acc.days) == 1 else None
        self.pair = _sparse(acc.pair, acc.pair_old, acc.pair_old < BIG)
        self.step = _sparse(acc.step, acc.step_old, acc.step_old < BIG)
        self.src = (acc.src_calls.copy(), acc.src_cost.copy())
        self.dims = {
            k: _pack(v, np.flatnonzero(v[0]), v.shape[0] * v.itemsize) for k, v in acc.dims.items()
        }
        self.hist: list[tuple[int, Packed, list[int], int, int]] = []
        for ti, fine in acc.fine.items():
            nz = np.flatnonzero(fine)
            small = _count_type(int(fine[nz].max(initial=0)))
            lo, run, ids, got = _pack(fine, nz, np.dtype(small).itemsize)
            h = (
                ti,
                (lo, run.astype(small), ids, got.astype(small)),
                acc.over.get(ti, []),
                acc.lat_n[ti],
                acc.lat_sum[ti],
            )
            self.hist.append(h)
        self.days, self.day_prov, self.hours = acc.days, acc.day_prov, acc.hours
        ts, f, o = acc.recent_arrays()
        self.recent = (ts[:keep].copy(), f[:keep].copy(), o[:keep].copy())


# Sums of some ids of a day, in two pieces (``_pack``): a run of every id from ``lo`` on, then the
# ids above it with their sums.
Packed = tuple[int, npt.NDArray[Any], npt.NDArray[np.int32], npt.NDArray[Any]]


def _pack(vals: npt.NDArray[Any], nz: I64, per: int) -> Packed:
    """The sums of the ids ``nz`` (ascending; the last axis of ``vals``): those up to a cut as
    one run from the first id, the rest as ids with their sums, the cut where the two take the
    least room. On a busy day nearly every session, and every latency value below the tail,
    has calls: a run is added back with one contiguous add instead of a gather and a scatter
    (adding a month of days on the varied bench file: 12 ms → 8). ``per``: bytes kept per id."""
    if nz.size == 0:
        return 0, vals[..., :0].copy(), np.zeros(0, dtype=np.int32), vals[..., :0].copy()
    lo = int(nz[0])
    # room with the run ending at nz[i]: (nz[i] - lo + 1) per id, then (per + 4) per id above
    room = (nz - lo + 1) * per + (nz.size - 1 - np.arange(nz.size)) * (per + 4)
    i = int(np.argmin(room))
    if room[i] > nz.size * (per + 4):  # ids alone are smaller
        i = -1
    hi = int(nz[i]) + 1 if i >= 0 else lo
    rest = nz[i + 1 :]
    return lo, vals[..., lo:hi].copy(), rest.astype(np.int32), vals[..., rest]


def _add_packed(dst: npt.NDArray[Any], p: Packed) -> None:
    lo, run, ids, vals = p
    if run.shape[-1]:
        dst[..., lo : lo + run.shape[-1]] += run
    if ids.size:
        dst[..., ids] += vals  # ids are distinct within a day


def _count_type(most: int) -> type[np.unsignedinteger[Any]]:
    """The smallest unsigned type holding ``most``: most days have a few calls per ms value."""
    return np.uint8 if most < 1 << 8 else np.uint16 if most < 1 << 16 else np.uint32


Bucket = TypeVar("Bucket", DaySums, ProviderDay, HourSums)


def _merge(dst: dict[Any, Bucket], src: dict[Any, Bucket], new: type[Bucket], adopt: bool) -> None:
    """Add bucket sums ``src`` into ``dst``; ``adopt``: a bucket ``dst`` lacks is taken over
    (``src`` is dropped after), else a new one is made."""
    for k, v in src.items():
        a = dst.get(k)
        if a is None:
            if adopt:
                dst[k] = v
                continue
            a = dst[k] = new()
        a.add(v)


def _sparse(
    vals: I64, order: I64 | None, keep: npt.NDArray[np.bool_]
) -> tuple[I64, I64, I64 | None]:
    ids = np.flatnonzero(keep)
    return ids, vals[:, ids], None if order is None else order[ids]


class Acc:
    """Group, price-pair, step, source, dimension, latency, bucket and feed sums of one build."""

    def __init__(self, tables: Tables, cidx: ComboIndex, full: bool, dims: bool) -> None:
        self.cidx = cidx
        self.full, self.with_dims = full, dims
        self.grp = np.zeros((len(CallSums.FIELDS), len(cidx.groups)), dtype=np.int64)
        self.grp_new = _fill(len(cidx.groups), -1)  # newest combo of each group
        self.grp_old = _fill(len(cidx.groups), BIG)  # and oldest
        self._stepg: list[tuple[I64, I64, I64, I64, I64]] = []  # step, group, calls, cost, combo
        self.pair = np.zeros((len(ModelCost.FIELDS), len(cidx.pairs)), dtype=np.int64)
        self.pair_old = _fill(len(cidx.pairs), BIG)  # oldest combo of each (provider, model)
        self.step = np.zeros((2, len(cidx.steps)), dtype=np.int64)  # calls, cost
        self.step_old = _fill(len(cidx.steps), BIG)
        self.src_calls = np.zeros(NSRC, dtype=np.int64)
        self.src_cost = np.zeros(NSRC, dtype=np.int64)
        self.dims: dict[str, I64] = (
            {
                k: np.zeros((len(DimSums.FIELDS), n), dtype=np.int64)
                for k, n in dim_sizes(tables).items()
            }
            if dims
            else {}
        )
        # latency per tier id: counts per ms below CAP, the rest exactly, count and sum
        self.fine: dict[int, I64] = {}
        self.over: dict[int, list[int]] = {}
        self.lat_n: dict[int, int] = {}
        self.lat_sum: dict[int, int] = {}
        self.days: dict[int, DaySums] = {}
        self.day_prov: dict[tuple[int, int], ProviderDay] = {}  # (day, provider id)
        self.hours: dict[int, HourSums] = {}
        self.recent: list[Recent] = []

    # -- adding -------------------------------------------------------------------------------
    def add_combos(
        self, per_combo: dict[str, I64], per_price: dict[str, I64], used: I64 | None = None
    ) -> None:
        """Group one build's per-combo totals (``CallSums`` and ``ModelCost`` fields but calls
        and tokens) by their ids; ``used``: the combo of each slot (None: slot = combo)."""
        calls = per_combo["calls"]
        slots = np.flatnonzero(calls)
        if slots.size == 0:
            return
        active = slots if used is None else used[slots]
        cx = self.cidx
        g = cx.group[active]
        for i, f in enumerate(CallSums.FIELDS):
            np.add.at(self.grp[i], g, per_combo[f][slots])
        np.maximum.at(self.grp_new, g, active)
        np.minimum.at(self.grp_old, g, active)
        p = cx.pair[active]
        tokens = per_combo["tin"] + per_combo["tout"] + per_price["cr"] + per_price["cw"]
        for i, f in enumerate(ModelCost.FIELDS):
            col = calls if f == "calls" else tokens if f == "tokens" else per_price[f]
            np.add.at(self.pair[i], p, col[slots])
        np.minimum.at(self.pair_old, p, active)
        s = cx.step[active]
        has = s >= 0
        if has.any():
            s, a, sl = s[has], active[has], slots[has]
            np.add.at(self.step[0], s, calls[sl])
            np.add.at(self.step[1], s, per_combo["cost"][sl])
            np.minimum.at(self.step_old, s, a)
            self._stepg.append((s, g[has], calls[sl], per_combo["cost"][sl], a))

    def steps_by_group(self) -> tuple[I64, I64, I64, I64, I64]:
        """(step, group, calls, cost, oldest combo) per (step, group) this build met."""
        if not self._stepg:
            e = np.zeros(0, dtype=np.int64)
            return e, e, e, e, e
        s, g, n, c, a = (np.concatenate([x[i] for x in self._stepg]) for i in range(5))
        ng = max(int(g.max()) + 1, 1)
        key, inv = np.unique(s * ng + g, return_inverse=True)
        calls = np.zeros(key.size, dtype=np.int64)
        cost = np.zeros(key.size, dtype=np.int64)
        old = _fill(key.size, BIG)
        np.add.at(calls, inv, n)
        np.add.at(cost, inv, c)
        np.minimum.at(old, inv, a)
        return key // ng, key % ng, calls, cost, old

    def add_prices(self, per_price: dict[str, I64], used: I64 | None) -> None:
        """A light pass's price sums per combo slot (all but calls and tokens, which the cube's
        groups give) into the (provider, model) sums: tokens get the cache tokens."""
        active = np.flatnonzero(
            np.logical_or.reduce([per_price[f] != 0 for f in ModelCost.FIELDS if f in per_price])
        )
        if not active.size:
            return
        combo = active if used is None else used[active]
        pid = self.cidx.pair[combo]
        for i, f in enumerate(ModelCost.FIELDS):
            if f == "calls":
                continue
            col = per_price["cr"] + per_price["cw"] if f == "tokens" else per_price[f]
            np.add.at(self.pair[i], pid, col[active])

    def add_part_groups(self, parts: Sequence[Part], keep: npt.NDArray[np.bool_]) -> None:
        """Add the groups ``keep`` (a filter that keeps whole groups) of some days of the cube:
        their sums, price pairs' calls and tokens, steps, day and (day, provider) buckets; the
        rest (dimensions, latency, hours, feed, price sums) comes from a light pass over rows.
        All days at once: a day at a time cost ~0.3 ms of small numpy calls each."""
        chosen = [(p, keep[p.grp[0]]) for p in parts]
        chosen = [(p, sel) for p, sel in chosen if sel.any()]
        if not chosen:
            return
        ids = np.concatenate([p.grp[0][sel] for p, sel in chosen])
        vals = np.concatenate([p.grp[1][:, sel] for p, sel in chosen], axis=1)
        newest = np.concatenate([_newest(p)[sel] for p, sel in chosen])
        old = np.concatenate([p.grp_old[sel] for p, sel in chosen])
        ng = self.grp.shape[1]
        for i in range(self.grp.shape[0]):
            self.grp[i] += _isum(ids, vals[i], ng)
        np.maximum.at(self.grp_new, ids, newest)
        np.minimum.at(self.grp_old, ids, old)
        f = CallSums.FIELDS
        pid = self.cidx.group_pair[ids]
        npair = self.pair.shape[1]
        self.pair[0] += _isum(pid, vals[f.index("calls")], npair)
        tokens = ModelCost.FIELDS.index("tokens")
        self.pair[tokens] += _isum(pid, vals[f.index("tin")] + vals[f.index("tout")], npair)
        np.minimum.at(self.pair_old, pid, old)
        steps = [p.stepg for p, _sel in chosen]
        s, g, n, c, a = (np.concatenate([x[i] for x in steps]) for i in range(5))
        m = keep[g]
        if m.any():
            np.add.at(self.step[0], s[m], n[m])
            np.add.at(self.step[1], s[m], c[m])
            np.minimum.at(self.step_old, s[m], a[m])
        if not self.full:
            return
        # each day's totals and its (day, provider) buckets: one count over (day, provider)
        sizes = [int(np.count_nonzero(sel)) for _p, sel in chosen]
        day_of = np.repeat(np.arange(len(chosen)), sizes)
        npv = len(self.cidx.provs)
        key = day_of * npv + self.cidx.group_prov[ids]
        nk = len(chosen) * npv
        pc = _isum(key, vals[f.index("cost")], nk).reshape(len(chosen), npv)
        pn = _isum(key, vals[f.index("calls")], nk).reshape(len(chosen), npv)
        fields = ("cost", "calls", "errors", "tin", "tout")
        tot = {k: _isum(day_of, vals[f.index(k)], len(chosen)).tolist() for k in fields}
        for j, (p, _sel) in enumerate(chosen):
            if p.day is None:
                continue
            day = self.days.get(p.day)
            if day is None:
                day = self.days[p.day] = DaySums()
            day.cost += tot["cost"][j]
            day.calls += tot["calls"][j]
            day.errors += tot["errors"][j]
            day.tin += tot["tin"][j]
            day.tout += tot["tout"][j]
            for pi in np.flatnonzero(pn[j]).tolist():
                dk = (p.day, pi)
                b = self.day_prov.get(dk)
                if b is None:
                    b = self.day_prov[dk] = ProviderDay()
                b.cost += int(pc[j, pi])
                b.calls += int(pn[j, pi])

    def add_lat(self, tier: I64, lat: npt.NDArray[Any]) -> None:
        """Latencies (ms, all usable) of calls of the given tier ids."""
        if lat.size == 0:
            return
        nt = len(self.cidx.tiers)
        n_per = np.bincount(tier, minlength=nt)
        s_per = np.rint(np.bincount(tier, weights=lat, minlength=nt)).astype(np.int64)
        present = np.flatnonzero(n_per).tolist()
        small = lat < CAP
        if not small.all():
            for ti, v in zip(tier[~small].tolist(), lat[~small].tolist(), strict=True):
                self.over.setdefault(ti, []).append(int(v))
            tier, lat = tier[small], lat[small]
        width = int(lat.max()) + 1 if lat.size else 0
        size = (present[-1] + 1) * width
        if len(present) > 1 and size <= 4 * lat.size + (1 << 16):
            # one count over (tier, ms) keys: a mask and a copy per tier cost 3x this pass
            flat = np.bincount(tier * width + lat, minlength=size)
            counts = {ti: flat[ti * width : (ti + 1) * width] for ti in present}
        else:
            # per tier, only as long as its largest latency (rarely near CAP): a full-length
            # count per tier and block would be a fresh 1 MB to fault in and add
            counts = {
                ti: np.bincount(lat if len(present) == 1 else lat[tier == ti]) for ti in present
            }
        for ti in present:
            b = counts[ti]
            self._fine(ti)[: b.size] += b
            self.lat_n[ti] += int(n_per[ti])
            self.lat_sum[ti] += int(s_per[ti])

    def _fine(self, ti: int) -> I64:
        """Tier ``ti``'s counts per ms (made, with its count and sum, when first met)."""
        fine = self.fine.get(ti)
        if fine is None:
            fine = self.fine[ti] = np.zeros(CAP, dtype=np.int64)
            self.lat_n[ti] = self.lat_sum[ti] = 0
        return fine

    def add_recent(
        self, ts: npt.NDArray[np.float64], file: npt.NDArray[Any], off: npt.NDArray[Any]
    ) -> None:
        self.recent.append((ts, file, off))

    def recent_arrays(self) -> Recent:
        """Every feed candidate, newest first; calls of the same instant in file order (the
        order the per-row fold would list them in)."""
        if not self.recent:
            return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        ts = np.concatenate([r[0] for r in self.recent])
        f = np.concatenate([r[1] for r in self.recent])
        o = np.concatenate([r[2] for r in self.recent])
        order = np.lexsort((o, f, -ts))
        return ts[order], f[order], o[order]

    def add_part(self, p: Part, hours: bool, recent: int) -> None:
        """Add one day of the cube (``hours``: its hourly buckets too; ``recent``: how many of
        its newest calls the feed may still need)."""
        for (ids, vals, order), dst, dord, newest in (
            (p.grp, self.grp, self.grp_new, True),
            (p.pair, self.pair, self.pair_old, False),
            (p.step, self.step, self.step_old, False),
        ):
            if ids.size:
                dst[:, ids] += vals  # ids are distinct within a part
                assert order is not None
                pick = np.maximum if newest else np.minimum
                dord[ids] = pick(dord[ids], order)
        if p.grp[0].size:
            self.grp_old[p.grp[0]] = np.minimum(self.grp_old[p.grp[0]], p.grp_old)
        self.src_calls += p.src[0]
        self.src_cost += p.src[1]
        for name, packed in p.dims.items():
            dim = self.dims.get(name)
            if dim is not None:
                _add_packed(dim, packed)
        for ti, counts, over, n, total in p.hist:
            _add_packed(self._fine(ti), counts)
            if over:
                self.over.setdefault(ti, []).extend(over)
            self.lat_n[ti] += n
            self.lat_sum[ti] += total
        if not self.full:
            return
        _merge(self.days, p.days, DaySums, adopt=False)  # the cube's own: never taken over
        _merge(self.day_prov, p.day_prov, ProviderDay, adopt=False)
        if hours:
            _merge(self.hours, p.hours, HourSums, adopt=False)
        if recent > 0:
            ts, f, o = p.recent
            self.recent.append((ts[:recent], f[:recent], o[:recent]))

    def add_acc(self, o: Acc) -> None:
        """Add another build's sums (made with the same ids: another thread's share of rows)."""
        self.grp += o.grp
        np.maximum(self.grp_new, o.grp_new, out=self.grp_new)
        np.minimum(self.grp_old, o.grp_old, out=self.grp_old)
        self._stepg += o._stepg
        self.pair += o.pair
        np.minimum(self.pair_old, o.pair_old, out=self.pair_old)
        self.step += o.step
        np.minimum(self.step_old, o.step_old, out=self.step_old)
        self.src_calls += o.src_calls
        self.src_cost += o.src_cost
        for name, dim in o.dims.items():
            self.dims[name] += dim
        for ti, fine in o.fine.items():
            self._fine(ti)[:] += fine
            self.lat_n[ti] += o.lat_n[ti]
            self.lat_sum[ti] += o.lat_sum[ti]
        for ti, over in o.over.items():
            self.over.setdefault(ti, []).extend(over)
        _merge(self.days, o.days, DaySums, adopt=True)  # ``o`` is dropped after
        _merge(self.day_prov, o.day_prov, ProviderDay, adopt=True)
        _merge(self.hours, o.hours, HourSums, adopt=True)
        self.recent += o.recent
