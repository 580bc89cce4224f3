"""Growable numpy columns and the interner of distinct values: what :mod:`.tables` is made of.

The schemas say each column's dtype (~92 bytes a call row) and which :class:`.chunks.Chunk`
array fills it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

CALL_COLUMNS: dict[str, type[Any]] = {
    "ts": np.float64,
    "cost": np.int64,  # nanodollars: integer sums are exact and order-independent
    "tin": np.int32,  # ≤ 100M per call (larger values are flagged and zeroed)
    "tout": np.int32,
    "lat": np.int32,  # ≤ 24 h in ms
    "retry": np.int16,
    "ok": np.bool_,
    "fb": np.bool_,
    "combo": np.int32,
    "file": np.int32,
    "off": np.int64,
    "actual": np.int64,  # nanodollars, NO_ACTUAL when the record has none
    "cr": np.int32,  # cache read input tokens
    "cw": np.int32,  # cache write (5-minute) input tokens
    "cw1h": np.int32,  # cache write (1-hour) input tokens
    "user": np.int32,  # Tables.users id (0: none)
    "session": np.int32,  # Tables.sessions id (0: none)
    "idh": np.int64,  # id_hash(call_id)
    "runh": np.int64,  # id_hash(metadata.run_id), 0: none
}
RUN_COLUMNS: dict[str, type[Any]] = {
    "ts": np.float64,
    "end": np.float64,
    "cost": np.int64,
    "base": np.int64,
    "save": np.int64,
    "dur": np.int64,
    "ok": np.bool_,
    "combo": np.int32,
    "file": np.int32,
    "off": np.int64,
    "user": np.int32,
    "session": np.int32,
    "idh": np.int64,  # id_hash(run_id)
}
_CALL_CHUNK_FIELDS = {
    "ts": "c_ts",
    "cost": "c_cost",
    "tin": "c_in",
    "tout": "c_out",
    "lat": "c_lat",
    "retry": "c_retry",
    "ok": "c_ok",
    "fb": "c_fb",
    "combo": "c_combo",
    "off": "c_off",
    "actual": "c_actual",
    "cr": "c_cr",
    "cw": "c_cw",
    "cw1h": "c_cw1h",
    "user": "c_user",
    "session": "c_session",
    "idh": "c_idh",
    "runh": "c_runh",
}
_RUN_CHUNK_FIELDS = {
    "ts": "r_ts",
    "end": "r_end",
    "cost": "r_cost",
    "base": "r_base",
    "save": "r_save",
    "dur": "r_dur",
    "ok": "r_ok",
    "combo": "r_combo",
    "off": "r_off",
    "user": "r_user",
    "session": "r_session",
    "idh": "r_idh",
}
FEW_ROWS = 16  # a chunk this small is appended with scalar stores (see ColumnTable.append_few)
_NP_FROM_ARRAY = {"d": np.float64, "q": np.int64, "b": np.int8}


class ColumnTable:
    """Growable numpy columns (capacity doubling, so appends are amortised O(1))."""

    def __init__(self, schema: dict[str, type[Any]]) -> None:
        self.schema = schema
        self.n = 0
        self._cap = 0
        self._cols: dict[str, npt.NDArray[Any]] = {
            k: np.empty(0, dtype=t) for k, t in schema.items()
        }
        self.version = 0  # bumps on every structural change (append, drop)
        self.drops = 0  # bumps when rows are dropped (row numbers then change meaning)

    def col(self, name: str) -> npt.NDArray[Any]:
        """A view of the live rows of one column."""
        return self._cols[name][: self.n]

    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        self._resize(max(need, self._cap * 2, 1024))

    def _resize(self, cap: int) -> None:
        for k, arr in self._cols.items():
            new = np.empty(cap, dtype=arr.dtype)
            new[: self.n] = arr[: self.n]
            self._cols[k] = new
            del arr  # one column at a time: the old and new tables are never all held
        self._cap = cap

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` rows at once (a bulk read that knows about how many are
        coming): growing by doubling would hold the old and the new columns together."""
        if rows > self._cap:
            self._resize(rows)

    def append(self, values: dict[str, npt.NDArray[Any]], count: int) -> tuple[int, int]:
        """Append ``count`` rows; returns the new rows' index range."""
        start = self.n
        if count == 0:
            return start, start
        self._grow(start + count)
        for k, arr in values.items():
            self._cols[k][start : start + count] = arr
        self.n = start + count
        self.version += 1
        return start, self.n

    def append_few(
        self, values: dict[str, Sequence[Any]], count: int, file_id: int
    ) -> tuple[int, int]:
        """:meth:`append` for a handful of rows (a live append): scalar stores, no numpy arrays.

        Building one array per column costs ~2 µs each; a scalar store ~0.3 µs.
        """
        start = self.n
        self._grow(start + count)
        cols = self._cols
        for k, vals in values.items():
            dst = cols[k]
            for i in range(count):
                dst[start + i] = vals[i]
        cols["file"][start : start + count] = file_id
        self.n = start + count
        self.version += 1
        return start, self.n

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Drop the rows where ``mask`` is False (used when a file is truncated or replaced)."""
        n = int(mask.sum())
        for k in self._cols:
            self._cols[k][:n] = self._cols[k][: self.n][mask]
        self.n = n
        self.version += 1
        self.drops += 1


class SharedStrings:
    """One object per distinct string: ``share`` gives a value (a string, or a tuple of them,
    nested) built from the kept objects, so many combos naming the same few things hold them
    once, and pickling sends each once."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}

    def share(self, x: Any) -> Any:
        strs = self._strings
        if type(x) is str:
            return strs.setdefault(x, x)
        if isinstance(x, tuple):
            # strings inline, recursion only for a nested tuple (a combo's chain): 63k new
            # combos on varied data made ~800k calls of this
            parts = [
                strs.setdefault(v, v)
                if type(v) is str
                else self.share(v)
                if isinstance(v, tuple)
                else v
                for v in x
            ]
            return type(x)(*parts) if hasattr(x, "_fields") else tuple(parts)
        return x

    def share_combo(self, key: tuple[Any, ...], chain_at: int) -> list[Any]:
        """``share`` of each value of a combo whose only tuple, at ``chain_at``, holds strings:
        C-level ``setdefault`` maps (11 ``share`` calls per new combo showed on varied data;
        None and int values are their own keys, harmlessly)."""
        put = self._strings.setdefault
        out: list[Any] = list(map(put, key, key))
        chain = key[chain_at]
        out[chain_at] = tuple(map(put, chain, chain)) if chain else ()
        return out


class Interner:
    """Distinct tuples with stable integer ids.

    A new item is kept with its strings shared: chunks arrive unpickled from the read workers
    with one string object per field per combo, and tens of thousands of combos on varied data
    would otherwise keep ~500k copies of a few thousand names (~28 MB at a million calls).
    """

    def __init__(
        self, make: Callable[[Iterable[Any]], Any] | None = None, chain_at: int | None = None
    ) -> None:
        self.items: list[Any] = []
        self._ids: dict[Any, int] = {}
        self._strings = SharedStrings()
        self._make = make  # what a new plain tuple is kept as (a chunk's combos arrive as such)
        # items are tuples of strings, None and ints but for one tuple of strings here (a call
        # combo's chain): shared by ``share_combo``'s maps, not ``share``'s per-value walk
        self._chain_at = chain_at

    def id(self, item: Any) -> int:
        i = self._ids.get(item)  # a plain tuple finds its NamedTuple: same hash, equal
        if i is None:
            if self._chain_at is not None and isinstance(item, tuple):
                # a worker's plain tuple or an in-process CallCombo: the same maps either way
                item = self._strings.share_combo(item, self._chain_at)
                item = tuple(item) if self._make is None else self._make(item)
            else:
                item = self._strings.share(item)
                if self._make is not None and type(item) is tuple:
                    item = self._make(item)
            i = len(self.items)
            self.items.append(item)
            self._ids[item] = i
        return i

    def ids(self, items: Sequence[Any]) -> npt.NDArray[np.int32]:
        """``[id(x) for x in items]`` as int32: the known ones by one C-level map of lookups (a
        chunk's ~10k combos on varied data, nearly all known after the first chunks)."""
        got: list[int | None] = list(map(self._ids.get, items))
        if None in got:
            for j, i in enumerate(got):
                if i is None:
                    got[j] = self.id(items[j])
        return np.array(got, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.items)
