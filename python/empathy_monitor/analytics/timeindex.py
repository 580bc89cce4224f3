"""The calls in time order, kept up to date, so a history page never sorts the whole history.

``TimeIndex`` holds every call row ordered newest first (ties: the earlier row first, exactly what
a stable sort of the selection gives) with its timestamps in that order: 12 bytes a row (``int32``
row ids below 2**31 rows; the combos in that order are gathered only for a new filter set). Appended rows
are merged in when a page is next asked for (rows arrive nearly sorted, and a merge is a few
``memmove``s); dropped rows rebuild it. A window is a contiguous slice of that order
(``searchsorted``), and the positions matching a filter set are computed once per filter set and
index state, so a page costs O(page) plus, for a new filter set, one O(n) gather.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import Tables
from .window import Filters, Window

_I64 = npt.NDArray[np.int64]


class TimeIndex:
    """Call rows newest first (see the module docstring)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._n = 0
        self._drops = -1
        self._order: npt.NDArray[Any] = np.zeros(0, dtype=np.int32)  # row ids, newest first
        self._neg: npt.NDArray[np.float64] = np.zeros(0)  # -ts in that order (ascending)
        self._state = 0  # bumps whenever the order changes
        self._matches: dict[tuple[Any, ...], _I64] = {}  # positions matching a filter set

    def _sync(self) -> None:
        t = self.tables.calls
        if t.drops != self._drops or t.n < self._n:
            self._drops = t.drops
            ts = t.col("ts")
            order = np.argsort(-ts, kind="stable")
            self._neg = -ts[order]
            self._order = order.astype(_rows_dtype(t.n))
            del order
        elif t.n > self._n:
            new_ts = t.col("ts")[self._n : t.n]
            sub = np.argsort(-new_ts, kind="stable")
            new_rows = sub + self._n
            new_neg = -new_ts[sub]
            # after every existing row of an equal time: new rows have the larger row ids
            at = np.searchsorted(self._neg, new_neg, side="right")
            self._order = np.insert(self._order.astype(_rows_dtype(t.n), copy=False), at, new_rows)
            self._neg = np.insert(self._neg, at, new_neg)
        else:
            return
        self._n = t.n
        self._state += 1
        self._matches.clear()

    def page(
        self, offset: int, limit: int, window: Window | None, filters: Filters | None
    ) -> tuple[npt.NDArray[np.int64], int]:
        """Row ids of selected calls ``[offset, offset+limit)`` newest first, and how many."""
        self._sync()
        lo, hi = 0, len(self._order)
        if window is not None:
            if window.until is not None:
                lo = int(np.searchsorted(self._neg, -window.until, side="right"))
            if window.since is not None:
                hi = int(np.searchsorted(self._neg, -window.since, side="right"))
            hi = max(lo, hi)
        if filters is None or not filters.active:
            total = hi - lo
            a = lo + min(offset, total)
            return self._order[a : min(hi, a + max(limit, 0))].astype(np.int64), total
        combos = self.tables.call_combos
        key = (filters, len(combos), self.tables.relabel_seq)
        pos = self._matches.get(key)
        if pos is None:
            allowed = filters.combo_mask(self.tables)
            m = allowed[self.tables.calls.col("combo")[self._order]]
            # per-row dimensions (user, session, project) are not in the combo: rows in this order
            rows = filters.call_rows(self.tables, self._order)
            if rows is not None:
                m &= rows
            pos = self._matches[key] = np.flatnonzero(m)
        a, b = np.searchsorted(pos, (lo, hi)).tolist()
        total = b - a
        start = a + min(offset, total)
        return self._order[pos[start : min(b, start + max(limit, 0))]].astype(np.int64), total


def _rows_dtype(n: int) -> type[np.signedinteger[Any]]:
    """Row ids as ``int32`` while they fit (half the memory of ``intp``)."""
    return np.int32 if n < 1 << 31 else np.int64
