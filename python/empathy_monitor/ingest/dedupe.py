"""The same call (or run) counted once, however many lines or files hold it.

A copied archive, a restored backup or a re-run export puts a ``call_id`` on several lines. The
reader keeps the first occurrence in its fixed reading order (files sorted with archives and
rotated files before live ones, then by path, then line order) and drops the rest before they
reach :class:`..tables.Tables`, so every front end (CLI, sidecar, alerts) counts the same.

Memory: ids are the tables' 64-bit ``id_hash`` values, held in one sorted ``int64`` array (8 MB
at a million ids) plus a small Python set for the few ids of recent small appends; membership is
a vectorised ``searchsorted``. No id string is kept. Hash 0 means "no id" and is never a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SMALL = 256  # appends up to this many ids go to the set; it is merged into the array at MERGE
MERGE = 4096


class IdSet:
    """The id hashes kept so far (see the module docstring)."""

    def __init__(self, hashes: npt.NDArray[np.int64] | None = None) -> None:
        base = np.empty(0, np.int64) if hashes is None else hashes[hashes != 0]
        self._main: npt.NDArray[np.int64] = np.unique(base)
        self._recent: set[int] = set()

    def __len__(self) -> int:
        return int(self._main.size) + len(self._recent)

    def first_seen(self, h: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_] | None:
        """Add ``h``'s ids; the mask of those seen for the first time, ``None`` if all were."""
        n = int(h.size)
        if n == 0:
            return None
        if n <= SMALL:
            return self._small(h.tolist())
        self._merge_recent()
        main = self._main
        keep = np.ones(n, dtype=np.bool_)
        if main.size:
            idx = np.searchsorted(main, h)
            idx[idx == main.size] = 0
            keep &= main[idx] != h
        _, first = np.unique(h, return_index=True)
        if first.size < n:  # duplicates within the chunk: the first occurrence wins
            once = np.zeros(n, dtype=np.bool_)
            once[first] = True
            keep &= once
        keep |= h == 0
        new = h[keep & (h != 0)]
        if new.size:
            # A sorted run plus a short one: the stable sort (timsort) merges them in ~O(n),
            # in place, so only one copy of the array is made.
            merged = np.concatenate((main, new))
            del main
            merged.sort(kind="stable")
            self._main = merged
        return None if keep.all() else keep

    def _small(self, ids: list[int]) -> npt.NDArray[np.bool_] | None:
        main, recent = self._main, self._recent
        keep: list[bool] = []
        for x in ids:
            if x == 0:
                keep.append(True)
                continue
            i = int(np.searchsorted(main, x)) if main.size else 0
            dup = x in recent or (i < main.size and int(main[i]) == x)
            if not dup:
                recent.add(x)
            keep.append(not dup)
        if len(recent) >= MERGE:
            self._merge_recent()
        return None if all(keep) else np.array(keep, dtype=np.bool_)

    def _merge_recent(self) -> None:
        if self._recent:
            extra = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
            merged = np.concatenate((self._main, extra))
            merged.sort(kind="stable")
            self._main = merged
            self._recent.clear()


@dataclass
class Duplicates:
    """How many duplicates of one id kind were ignored, and where the first one was."""

    what: str  # "call_id" | "run_id"
    count: int = 0
    first: tuple[str, int] | None = None  # (path, line)

    def note(self) -> str:
        where = f" (first duplicate at {self.first[0]}:{self.first[1]})" if self.first else ""
        return f"{self.count} duplicate {self.what}s ignored{where}"
