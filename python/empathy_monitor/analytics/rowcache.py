"""Rendered rows of day/hour buckets, kept until a fold touches their bucket.

A day's cost point or error row only changes when a call of that day is folded in or out, so an
append re-renders a handful of rows instead of ~750 (a year of days). Each row is kept with its
dumps (python and JSON mode): a render reuses them, and because a touched bucket gets a new dict,
the publisher's diff against the last sent sections still sees the change.
"""

from __future__ import annotations

from typing import Any, Literal

Dump = dict[str, Any]
Mode = Literal["python", "json"]


class RowCache:
    """Per (bucket kind, section) a dict of rows by bucket; dumps by ``id(row)`` per mode.

    Plain int keys and list comprehensions: a 30-day window renders ~750 hourly rows per update.
    """

    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], dict[int, Any]] = {}
        self._dumps: dict[str, dict[int, Dump]] = {"python": {}, "json": {}}

    def table(self, kind: str, section: str) -> dict[int, Any]:
        """The rows of one section by bucket (the section fills in the ones missing)."""
        t = self._tables.get((kind, section))
        if t is None:
            t = self._tables[kind, section] = {}
        return t

    def touch(self, kind: str, idx: int) -> None:
        """Forget the rows of one bucket (a row of it was folded in or out)."""
        for (k, _sec), t in self._tables.items():
            if k == kind:
                row = t.pop(idx, None)
                if row is not None:
                    for d in self._dumps.values():
                        d.pop(id(row), None)

    def clear(self) -> None:
        self._tables.clear()
        for d in self._dumps.values():
            d.clear()

    def dump_all(self, rows: list[Any], mode: Mode) -> list[Dump]:
        """``row.model_dump(mode=mode)`` of each row, computed once per cached row.

        Keyed by ``id(row)``: safe because a row is held in its table for as long as its dumps
        are kept, so no other object can take its id meanwhile. Every row given here must be in
        a table (the sections keep each row they render).
        """
        cache = self._dumps[mode]
        get = cache.get
        out: list[Any] = list(map(get, map(id, rows)))  # C loops: no per-row bytecode
        if None in out:
            for i, d in enumerate(out):
                if d is None:
                    r = rows[i]
                    out[i] = cache[id(r)] = r.model_dump(mode=mode)
        return out
