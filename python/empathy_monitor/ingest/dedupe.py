"""The same call (or run) counted once, however many lines or files hold it.

A copied archive, a restored backup or a re-run export puts a ``call_id`` on several lines. The
reader keeps the first occurrence in its fixed reading order (files sorted with archives and
rotated files before live ones, then by path, then line order) and drops the rest before they
reach :class:`..tables.Tables`, so every front end (CLI, sidecar, alerts) counts the same.

Memory: the tables already hold every kept row's 64-bit ``id_hash`` (column ``idh``), and the
rows held are exactly the first occurrences, so the table's own column *is* the set of ids seen.
:class:`IdIndex` adds only a sort order of those rows (``int32`` row numbers, 4 MB at a million)
and looks ids up by binary search through it; no id string, no second copy of the
hashes and no Python set is kept. Rows appended since the order was last merged (a few live
appends) are checked by a linear scan of the column's tail. Hash 0 means "no id" and is never a
duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import ColumnTable

FENCE = 64
FEW = 16  # ids looked up one by one (a live append of a few lines); more: as a batch
MERGE = 4096  # rows appended past the order before they are merged into it (a linear scan below)
BLOCK = 1 << 17  # rows merged at a time: bounds the temporaries of a bulk load's merges
SEG = 1 << 16  # ids of the order gathered at a time to look a sorted batch up in
SPARSE = 1 << 10  # fewer ids than the order's size / this: bisected, not gathered by segments


class IdIndex:
    """The ids one table holds, looked up through a sort order of its id column."""

    def __init__(self, table: ColumnTable, column: str = "idh") -> None:
        self._table = table
        self._column = column
        self._order: npt.NDArray[np.int32] = np.empty(0, np.int32)  # rows [0, _upto) by id
        self._upto = 0
        self._drops = table.drops
        # (rows held when ``first_seen`` ran, kept rows sorted by id, where they go in the order)
        self._pending: tuple[int, npt.NDArray[np.int32], npt.NDArray[np.int32] | None] | None = None
        # every FENCE-th id of the order (1/64 of its size): one id found with two searchsorted
        self._fence: npt.NDArray[np.int64] | None = None

    def __len__(self) -> int:
        """Rows held (ids and "no id" rows alike)."""
        return self._table.n

    def first_seen(self, h: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_] | None:
        """The mask of ``h``'s ids not held yet (the first of repeats within ``h`` counts),
        ``None`` if all are new. The caller appends the kept rows, then calls :meth:`sync`."""
        n = int(h.size)
        if n == 0:
            return None
        self.sync()
        self._pending = None
        keys = self._table.col(self._column)
        upto = self._upto
        tail = keys[upto:]
        if n <= FEW:  # a live append: one id at a time, no temporaries
            out: list[bool] = []
            mine: set[int] = set()  # this append's own ids (a handful; dropped on return)
            for x in h.tolist():
                if x and x not in mine:
                    i = self._locate(keys, x)
                    held = (i < upto and int(keys[self._order[i]]) == x) or bool((tail == x).any())
                    mine.add(x)
                    out.append(not held)
                else:
                    out.append(not x)
            return None if all(out) else np.array(out, dtype=np.bool_)
        # repeats within ``h``: the earliest one wins (a stable sort); int32 halves what is kept
        order = np.argsort(h, kind="stable").astype(np.int32)
        hs = h[order]
        drop = np.zeros(n, dtype=np.bool_)
        drop[1:] = hs[1:] == hs[:-1]
        pos = np.empty(n, dtype=self._order.dtype) if upto else None
        for a in range(0, n if pos is not None else 0, BLOCK):  # blocks: small temporaries
            v = hs[a : a + BLOCK]
            if v.size * FENCE * 2 <= self._order.size:  # a small file's chunk: by the fence
                if self._fence is None:
                    self._fence = keys[self._order[::FENCE]]
                p = _fenced(keys, self._order, self._fence, v)
            else:
                p = _positions(keys, self._order, v)
            pos[a : a + v.size] = p  # type: ignore[index]
            drop[a : a + v.size] |= keys[self._order[np.minimum(p, upto - 1)]] == v
        if tail.size:  # (``np.isin`` hashes both sides: ~15x the cost for a small file's ids)
            ts = np.sort(tail)
            drop |= ts[np.minimum(np.searchsorted(ts, hs), ts.size - 1)] == hs
        drop &= hs != 0
        del hs
        keep = None
        if drop.any():
            keep = np.ones(n, dtype=np.bool_)
            keep[order[drop]] = False
        if not tail.size and keys.size + n < 1 << 31:  # (past that: int64 rows, the slow path)
            # What :meth:`sync` needs once the kept rows are appended: their row numbers sorted
            # by id, and where they go in the order (nothing when the order is empty).
            n0 = np.int32(keys.size)
            if keep is None:
                order += n0
                rows, at = order, pos
            else:
                kept = ~drop
                rows = (np.cumsum(keep, dtype=np.int32) - 1)[order[kept]] + n0
                at = None if pos is None else pos[kept]
            self._pending = (int(n0), rows, at)
        return keep

    def _locate(self, keys: npt.NDArray[np.int64], x: int) -> int:
        """Where ``x`` goes in ``keys[order]``: the fence narrows it to FENCE ids, a gather of
        those finds it."""
        order = self._order
        if self._fence is None:
            self._fence = keys[order[::FENCE]]
        j = int(np.searchsorted(self._fence, x))
        lo = (j - 1) * FENCE + 1 if j else 0
        hi = min(j * FENCE + 1, int(order.size))
        return lo + int(np.searchsorted(keys[order[lo:hi]], x))

    def sync(self) -> None:
        """Merge the rows appended since the last merge into the order, once there are
        ``MERGE`` of them (fewer are scanned linearly)."""
        t = self._table
        if t.drops != self._drops or t.n < self._upto:  # rows were dropped: row numbers moved
            self._order, self._upto, self._drops = np.empty(0, np.int32), 0, t.drops
            self._fence = None
            self._pending = None
        keys = t.col(self._column)
        n = int(keys.size)
        if n - self._upto < MERGE:
            return
        if n >= 1 << 31 and self._order.dtype != np.int64:
            self._order = self._order.astype(np.int64)
            self._fence = None
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == self._upto and n == self._upto + pending[1].size:
            # Just the rows ``first_seen`` looked up were appended: merge them as it found them.
            at = pending[2]
            self._order = pending[1] if at is None else _merge(self._order, at, pending[1])
            self._fence = None
            self._upto = n
            return
        for a in range(self._upto, n, BLOCK):
            blk = keys[a : min(a + BLOCK, n)]
            rows = np.argsort(blk, kind="stable")
            where = _positions(keys, self._order, blk[rows])
            self._order = _merge(self._order, where, rows + a)
            self._fence = None
            self._upto = a + int(blk.size)


def _positions(
    keys: npt.NDArray[np.int64], order: npt.NDArray[np.int32], vals: npt.NDArray[np.int64]
) -> npt.NDArray[np.int32]:
    """Where each of the sorted ``vals`` would go in ``keys[order]``: like ``searchsorted``
    over the gathered ids, a segment at a time, so no sorted copy of the ids is ever made
    (``searchsorted``'s own ``sorter`` copies the order to ``intp`` on every call)."""
    if vals.size * SPARSE <= order.size:  # a few ids (a live append): no segment gathers
        return _bisect_many(keys, order, vals)
    out = np.empty(vals.size, dtype=order.dtype)  # int32 while the order is (half of intp)
    j = 0
    for p in range(0, int(order.size), SEG):
        seg = keys[order[p : p + SEG]]
        k = int(np.searchsorted(vals, seg[-1], side="right")) if p + SEG < order.size else vals.size
        out[j:k] = np.searchsorted(seg, vals[j:k]) + p
        j = k
    if j < vals.size:  # no order yet
        out[j:] = 0
    return out


def _fenced(
    keys: npt.NDArray[np.int64],
    order: npt.NDArray[np.int32],
    fence: npt.NDArray[np.int64],
    vals: npt.NDArray[np.int64],
) -> npt.NDArray[np.int32]:
    """:func:`_positions` as :meth:`IdIndex._locate` finds one, for all ``vals`` at once: the
    fence narrows each to FENCE ids, one gather of those windows places them (a few dozen
    values: ~``vals.size * FENCE`` ids gathered, not the whole order)."""
    size = int(order.size)
    j = np.searchsorted(fence, vals)
    lo = np.where(j > 0, (j - 1) * FENCE + 1, 0)
    hi = np.minimum(j * FENCE + 1, size)
    idx = lo[:, None] + np.arange(FENCE)[None, :]
    win = keys[order[np.minimum(idx, size - 1)]]
    below = (win < vals[:, None]) & (idx < hi[:, None])
    out: npt.NDArray[np.int32] = (lo + below.sum(axis=1)).astype(order.dtype)
    return out


def _merge(
    order: npt.NDArray[np.int32], at: npt.NDArray[Any], rows: npt.NDArray[Any]
) -> npt.NDArray[np.int32]:
    """``np.insert(order, at, rows)`` for a sorted ``at``, in one copy: ``np.insert`` argsorts
    ``at`` and builds int64 temporaries (~30 bytes a row) that this does not need."""
    m = int(at.size)
    dest = at.astype(order.dtype) + np.arange(m, dtype=order.dtype)
    new = np.empty(order.size + m, dtype=order.dtype)
    old = np.ones(new.size, dtype=np.bool_)
    old[dest] = False
    new[dest] = rows
    new[old] = order
    return new


def _bisect_many(
    keys: npt.NDArray[np.int64], order: npt.NDArray[np.int32], vals: npt.NDArray[np.int64]
) -> npt.NDArray[np.int32]:
    """:func:`_positions` by a binary search of every value at once (~log2(n) small gathers)."""
    size = int(order.size)
    lo = np.zeros(vals.size, dtype=np.intp)
    hi = np.full(vals.size, size, dtype=np.intp)
    while True:
        active = lo < hi
        if not active.any():
            return lo.astype(order.dtype)
        mid = (lo + hi) >> 1
        less = keys[order[np.minimum(mid, size - 1)]] < vals
        lo = np.where(active & less, mid + 1, lo)
        hi = np.where(active & ~less, mid, hi)


@dataclass
class Duplicates:
    """How many duplicates of one id kind were ignored, and where the first one was."""

    what: str  # "call_id" | "run_id"
    count: int = 0
    first: tuple[str, int] | None = None  # (path, line)

    def note(self) -> str:
        where = f" (first duplicate at {self.first[0]}:{self.first[1]})" if self.first else ""
        return f"{self.count} duplicate {self.what}s ignored{where}"
