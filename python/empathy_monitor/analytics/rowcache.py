"""Rendered rows of day/hour buckets, kept until a fold touches their bucket.

A day's cost point or error row only changes when a call of that day is folded in or out, so an
append re-renders a handful of rows instead of ~750 (a year of days). Each row is kept with its
dumps (python and JSON mode). A section's whole list of rows (a :meth:`RowCache.series`) is kept
too, with its dumps: while the buckets it spans stay the same, a render copies the last list and
replaces only the rows of touched buckets, so an append costs O(touched rows), not O(window) —
and because a touched bucket gets a new list and a new dict, the publisher's diff against the
last sent sections still sees the change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

Dump = dict[str, Any]
Mode = Literal["python", "json"]


class _Series:
    """One section's rows for a fixed sequence of buckets, and their dumps per mode."""

    __slots__ = ("dumps", "keys", "models", "pos")

    def __init__(self, keys: Sequence[int], models: list[Any]) -> None:
        self.keys = keys
        self.models = models
        self.dumps: dict[str, list[Dump]] = {}
        self.pos: dict[int, int] | None = None  # bucket -> index (built on first patch)

    def index(self, bucket: int) -> int | None:
        keys = self.keys
        if type(keys) is range:
            return bucket - keys.start if bucket in keys else None
        if self.pos is None:
            self.pos = {b: i for i, b in enumerate(keys)}
        return self.pos.get(bucket)


class RowCache:
    """Per (bucket kind, section) a dict of rows by bucket; dumps by ``id(row)`` per mode.

    Plain int keys and list comprehensions: a 30-day window renders ~750 hourly rows per update.
    """

    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], dict[int, Any]] = {}
        self._dumps: dict[str, dict[int, Dump]] = {"python": {}, "json": {}}
        self._series: dict[tuple[str, str], _Series] = {}
        self._by_list: dict[int, _Series] = {}  # id(series.models) -> series
        self._dirty: dict[tuple[str, str], set[int]] = {}  # buckets touched since the last render

    def table(self, kind: str, section: str) -> dict[int, Any]:
        """The rows of one section by bucket (the section fills in the ones missing)."""
        t = self._tables.get((kind, section))
        if t is None:
            t = self._tables[kind, section] = {}
        return t

    def touch(self, kind: str, idx: int) -> None:
        """Forget the rows of one bucket (a row of it was folded in or out)."""
        for key, t in self._tables.items():
            if key[0] == kind:
                row = t.pop(idx, None)
                if row is not None:
                    for d in self._dumps.values():
                        d.pop(id(row), None)
                if key in self._series:
                    dirty = self._dirty.get(key)
                    if dirty is None:
                        self._dirty[key] = {idx}
                    else:
                        dirty.add(idx)

    def clear(self) -> None:
        self._tables.clear()
        for d in self._dumps.values():
            d.clear()
        self._series.clear()
        self._by_list.clear()
        self._dirty.clear()

    def series(
        self, kind: str, section: str, keys: Sequence[int], make: Callable[[int], Any]
    ) -> list[Any]:
        """The rows of ``keys`` (in order), each from the table or ``make(bucket)`` (then kept).

        The list is kept: the next call with equal ``keys`` returns it unchanged when no bucket
        was touched, else a copy with only the touched rows replaced.
        """
        key = (kind, section)
        t = self.table(kind, section)
        last = self._series.get(key)
        dirty = self._dirty.pop(key, None)
        if last is not None and last.keys == keys:
            if not dirty:
                return last.models
            models = last.models.copy()
            dumps = {m: d.copy() for m, d in last.dumps.items()}
            for b in dirty:
                i = last.index(b)
                if i is None:
                    continue
                row = t.get(b)
                if row is None:
                    row = t[b] = make(b)
                models[i] = row
                for mode, d in dumps.items():
                    d[i] = self._dump_row(row, mode)  # type: ignore[arg-type]
            new = _Series(keys, models)
            new.dumps = dumps
            new.pos = last.pos
        else:
            get = t.get
            models = list(map(get, keys))
            if None in models:
                for i, row in enumerate(models):
                    if row is None:
                        b = keys[i]
                        models[i] = t[b] = make(b)
            new = _Series(keys, models)
        if last is not None:
            self._by_list.pop(id(last.models), None)
        self._series[key] = new
        self._by_list[id(models)] = new
        return models

    def _dump_row(self, row: Any, mode: Mode) -> Dump:
        cache = self._dumps[mode]
        d = cache.get(id(row))
        if d is None:
            d = cache[id(row)] = row.model_dump(mode=mode)
        return d

    def dump_all(self, rows: list[Any], mode: Mode) -> list[Dump]:
        """``row.model_dump(mode=mode)`` of each row, computed once per cached row.

        Keyed by ``id(row)``: safe because a row is held in its table for as long as its dumps
        are kept, so no other object can take its id meanwhile. Every row given here must be in
        a table (the sections keep each row they render). A list that :meth:`series` returned
        reuses its dumps list as a whole.
        """
        s = self._by_list.get(id(rows))
        if s is not None and s.models is rows:
            got = s.dumps.get(mode)
            if got is None:
                got = s.dumps[mode] = self._dump_list(rows, mode)
            return got
        return self._dump_list(rows, mode)

    def _dump_list(self, rows: list[Any], mode: Mode) -> list[Dump]:
        cache = self._dumps[mode]
        get = cache.get
        out: list[Any] = list(map(get, map(id, rows)))  # C loops: no per-row bytecode
        if None in out:
            for i, d in enumerate(out):
                if d is None:
                    r = rows[i]
                    out[i] = cache[id(r)] = r.model_dump(mode=mode)
        return out
