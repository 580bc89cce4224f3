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
from .sums import fold_key

KEY_FIELDS = 8  # provider, tier, model, workflow, error type, original provider, chain, source


class ComboIndex:
    """Small ids per call combo: tier, provider, fold group, (provider, model), (workflow, step)
    (-1: no step). Ids are stable: combos are only appended, and so are their ids."""

    def __init__(self) -> None:
        self.n = 0
        self.tiers: dict[str, int] = {}
        self.provs: dict[str, int] = {}
        self.groups: dict[tuple[Any, ...], int] = {}
        self.pairs: dict[tuple[str, str], int] = {}
        self.steps: dict[tuple[str | None, str], int] = {}
        self._cols: list[list[int]] = [[], [], [], [], []]  # tier, provider, group, pair, step
        self._arrays: list[npt.NDArray[np.int64]] = []
        # per fold group, an id for each field of its key (``fold_key`` order): the build sums
        # groups into the per-provider/tier/model/... tables with numpy (``acc.py``)
        self.key_values: list[dict[Any, int]] = [{} for _ in range(KEY_FIELDS)]
        self._gcols: list[list[int]] = [[] for _ in range(KEY_FIELDS)]
        self.group_cols: list[npt.NDArray[np.int64]] = []
        self._gpair: list[int] = []  # each group's (provider, model) and provider: one per group
        self._gprov: list[int] = []
        self.group_pair: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.group_prov: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)

    def update(self, combos: list[CallCombo]) -> None:
        if len(combos) == self.n:
            return
        tier, prov, group, pair, step = self._cols
        for c in combos[self.n :]:
            tier.append(self.tiers.setdefault(c.tier, len(self.tiers)))
            prov.append(self.provs.setdefault(c.provider, len(self.provs)))
            k = fold_key(c)
            g = self.groups.setdefault(k, len(self.groups))
            pid = self.pairs.setdefault((c.provider, c.model), len(self.pairs))
            if g == len(self._gcols[0]):  # a new group
                for vals, col, v in zip(self.key_values, self._gcols, k, strict=True):
                    col.append(vals.setdefault(v, len(vals)))
                self._gpair.append(pid)
                self._gprov.append(prov[-1])
            group.append(g)
            pair.append(pid)
            st = c.step
            step.append(
                -1 if st is None else self.steps.setdefault((c.workflow, st), len(self.steps))
            )
        self.n = len(combos)
        self._arrays = [np.array(col, dtype=np.int64) for col in self._cols]
        self.group_cols = [np.array(col, dtype=np.int64) for col in self._gcols]
        self.group_pair = np.array(self._gpair, dtype=np.int64)
        self.group_prov = np.array(self._gprov, dtype=np.int64)

    def aligned(self, allowed: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_] | None:
        """The groups ``allowed`` (a combo mask) keeps, when it keeps or drops whole groups
        (filters on what the group key holds: workflow, provider, tier, model); else None."""
        ng = len(self.groups)
        some = np.zeros(ng, dtype=np.bool_)
        every = np.ones(ng, dtype=np.bool_)
        np.logical_or.at(some, self.group, allowed)
        np.logical_and.at(every, self.group, allowed)
        return some if bool(np.array_equal(some, every)) else None

    @property
    def tier(self) -> npt.NDArray[np.int64]:
        return self._arrays[0]

    @property
    def prov(self) -> npt.NDArray[np.int64]:
        return self._arrays[1]

    @property
    def step(self) -> npt.NDArray[np.int64]:
        return self._arrays[4]

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
