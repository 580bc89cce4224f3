"""Rendered rows of day/hour buckets, kept until a fold touches their bucket.

A day's cost point or error row only changes when a call of that day is folded in or out, so an
append re-renders a handful of rows instead of ~750 (a year of days). Each row is kept with its
dumps (python and JSON mode): a render reuses them, and because a touched bucket gets a new dict,
the publisher's diff against the last sent sections still sees the change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

Dump = dict[str, Any]
Mode = Literal["python", "json"]


class RowCache:
    def __init__(self) -> None:
        self._rows: dict[tuple[str, int], dict[str, BaseModel]] = {}
        self._dumps: dict[tuple[int, Mode], Dump] = {}  # (id(row), mode) of rows held in _rows

    def get(self, kind: str, idx: int, section: str) -> BaseModel | None:
        got = self._rows.get((kind, idx))
        return None if got is None else got.get(section)

    def put(self, kind: str, idx: int, section: str, row: BaseModel) -> None:
        self._rows.setdefault((kind, idx), {})[section] = row

    def touch(self, kind: str, idx: int) -> None:
        """Forget the rows of one bucket (a row of it was folded in or out)."""
        got = self._rows.pop((kind, idx), None)
        if got:
            for row in got.values():
                self._dumps.pop((id(row), "python"), None)
                self._dumps.pop((id(row), "json"), None)

    def clear(self) -> None:
        self._rows.clear()
        self._dumps.clear()

    def dump(self, row: BaseModel, mode: Mode) -> Dump:
        """``row.model_dump(mode=mode)``, computed once per cached row.

        Keyed by ``id(row)``: safe because a row is held in ``_rows`` for as long as its dumps
        are kept, so no other object can take its id meanwhile.
        """
        key = (id(row), mode)
        d = self._dumps.get(key)
        if d is None:
            d = row.model_dump(mode=mode)
            self._dumps[key] = d
        return d
