"""Per-combo totals folded into a view's sums with numpy, through ids kept per combo.

Real data has tens of thousands of call combos (steps x task types x error types x chains ...),
while the sums split by far fewer keys. A Python pass over every combo on each build (its
tier, provider, fold key, price key) costs more than the numpy passes over a million rows, so
those ids are computed once per combo in a :class:`ComboIndex` kept beside the tables (combos
are only ever appended) and each build groups its per-combo totals with ``np.add.at``.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import CallCombo, Tables
from .pricesums import ModelCost
from .sums import CallSums, Sums, fold_key


class ComboIndex:
    """Small ids per call combo: tier, provider, fold group, (provider, model)."""

    def __init__(self) -> None:
        self.n = 0
        self.tiers: dict[str, int] = {}
        self.provs: dict[str, int] = {}
        self.groups: dict[tuple[Any, ...], int] = {}
        self.pairs: dict[tuple[str, str], int] = {}
        self._cols: list[list[int]] = [[], [], [], []]  # tier, provider, group, pair
        self._arrays: list[npt.NDArray[np.int64]] = []

    def update(self, combos: list[CallCombo]) -> None:
        if len(combos) == self.n:
            return
        tier, prov, group, pair = self._cols
        for c in combos[self.n :]:
            tier.append(self.tiers.setdefault(c.tier, len(self.tiers)))
            prov.append(self.provs.setdefault(c.provider, len(self.provs)))
            k = fold_key(c)
            group.append(self.groups.setdefault(k, len(self.groups)))
            pair.append(self.pairs.setdefault((c.provider, c.model), len(self.pairs)))
        self.n = len(combos)
        self._arrays = [np.array(col, dtype=np.int64) for col in self._cols]

    def sorted_ids(self, which: str) -> tuple[list[str], npt.NDArray[np.int64]]:
        """``which`` ("tier" or "provider"): the names sorted, and each combo's position in them."""
        names = self.tiers if which == "tier" else self.provs
        arr = self._arrays[0 if which == "tier" else 1]
        order = sorted(names, key=lambda s: s)
        rank = np.empty(len(names), dtype=np.int64)
        for pos, name in enumerate(order):
            rank[names[name]] = pos
        return order, rank[arr] if arr.size else arr

    @property
    def group(self) -> npt.NDArray[np.int64]:
        return self._arrays[2]

    @property
    def pair(self) -> npt.NDArray[np.int64]:
        return self._arrays[3]


_INDEXES: weakref.WeakKeyDictionary[Tables, ComboIndex] = weakref.WeakKeyDictionary()


def combo_index(tables: Tables) -> ComboIndex:
    """The tables' combo index, brought up to date."""
    idx = _INDEXES.get(tables)
    if idx is None:
        idx = _INDEXES[tables] = ComboIndex()
    idx.update(tables.call_combos.items)
    return idx


def _grouped(
    active: npt.NDArray[np.int64], ids: npt.NDArray[np.int64], n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For the ``active`` combos' ids (of ``n``): each used id and its newest / oldest member."""
    g = ids[active]
    newest = np.full(n, -1, dtype=np.int64)
    np.maximum.at(newest, g, active)
    oldest = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(oldest, g, active)
    return newest, oldest


def _sums(vals: npt.NDArray[np.int64], g: npt.NDArray[np.int64], n: int) -> list[int]:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, g, vals)  # exact int64 sums (bincount would go through float64)
    res: list[int] = out.tolist()
    return res


def fold_groups(
    sums: Sums, combos: list[CallCombo], per_combo: dict[str, npt.NDArray[Any]], idx: ComboIndex
) -> None:
    """Fold per-combo totals into ``sums``, one ``fold_call`` per distinct folded key.

    Combos that differ only in dimensions the sums do not split by (step, task type, breaker)
    are added up first. Groups are folded in the order of their newest member combo, so
    ``model_meta`` (last write wins) is the same as folding combo by combo.
    """
    active = np.flatnonzero(per_combo["calls"])
    if active.size == 0:
        return
    ng = len(idx.groups)
    g = idx.group[active]
    newest, _ = _grouped(active, idx.group, ng)
    cols = [_sums(per_combo[f][active], g, ng) for f in CallSums.FIELDS]
    used = np.flatnonzero(newest >= 0)
    for k in used[np.argsort(newest[used], kind="stable")].tolist():
        sums.fold_call(combos[int(newest[k])], CallSums(*(col[k] for col in cols)), step=False)
    calls, cost = per_combo["calls"][active].tolist(), per_combo["cost"][active].tolist()
    # the group key leaves steps out: they are summed per combo
    for cid, n, c in zip(active.tolist(), calls, cost, strict=True):
        step = combos[cid].step
        if step is not None:
            sums.fold_step(combos[cid].workflow, step, n, c)


def fold_prices(
    sums: Sums,
    combos: list[CallCombo],
    calls: npt.NDArray[np.int64],
    per_price: dict[str, npt.NDArray[np.int64]],
    idx: ComboIndex,
) -> None:
    """Fold per-combo price sums into ``sums.price`` per (provider, model), in the order of each
    pair's oldest combo (the order a combo-by-combo fold would first meet them)."""
    active = np.flatnonzero(calls)
    if active.size == 0:
        return
    npairs = len(idx.pairs)
    g = idx.pair[active]
    _, oldest = _grouped(active, idx.pair, npairs)
    cols = [_sums(calls[active], g, npairs)] + [
        _sums(per_price[f][active], g, npairs) for f in ModelCost.FIELDS[1:]
    ]
    used = np.flatnonzero(oldest < np.iinfo(np.int64).max)
    for k in used[np.argsort(oldest[used], kind="stable")].tolist():
        c = combos[int(oldest[k])]
        sums.price.fold(c.provider, c.model, ModelCost(*(col[k] for col in cols)))
