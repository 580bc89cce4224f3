"""The ids the collector already acknowledged, so a call (or run) is exported once.

The cursor tracks bytes per file identity, which cannot see the same ``call_id`` on another line:
a line copied into another file, repeated in the same file, a rotated file copied rather than
moved, a restored backup. Every exported record's id hash (``tables.id_hash``, 0 = no id) is
kept here and checked before a record is sent.

On disk: ``<cursor>.<kind>.ids``, little-endian int64 hashes in the order they were acknowledged,
appended (and fsynced) after each acknowledged batch, before the cursor that counts them is
saved. The cursor's count is the truth: hashes past it (a crash between the two writes) belong to
a batch that will be sent again and are cut off on load. Bounded: past ``LIMIT`` hashes the
oldest half is dropped (the file is rewritten atomically; a cursor still counting the old file
is longer than the new one, and then the whole new file counts). In memory: one sorted int64
array plus a small sorted one for the latest batches; no id strings, no Python set.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..records import LLMCallRecord, WorkflowRunRecord
from ..tables import id_hash

log = logging.getLogger(__name__)

LIMIT = 1 << 21  # hashes kept per kind (16 MB on disk and in memory at most)
RECENT = 1 << 14  # hashes in the small array before it is merged into the big one


def record_key(rec: object) -> int:
    """The id hash a record is exported under (0: it has no id and is never a duplicate)."""
    if isinstance(rec, LLMCallRecord):
        return id_hash(rec.call_id) if rec.call_id else 0
    if isinstance(rec, WorkflowRunRecord):
        # "run:" keeps a run's id apart from a call that happens to share the text
        return id_hash(f"run:{rec.run_id}") if rec.run_id else 0
    return 0


class SentIds:
    """Id hashes exported so far (see the module docstring)."""

    def __init__(self, path: Path, count: int, limit: int = LIMIT) -> None:
        self.path = path
        self.limit = limit
        held = self._load(count)
        self.count = int(held.size)
        self._main: npt.NDArray[np.int64] = np.sort(held)
        self._recent: npt.NDArray[np.int64] = np.empty(0, np.int64)

    def _load(self, count: int) -> npt.NDArray[np.int64]:
        try:
            size = self.path.stat().st_size
        except OSError:
            return np.empty(0, np.int64)
        n = min(count, size // 8)
        if size > n * 8:  # hashes of a batch never acknowledged (or a torn append)
            with contextlib.suppress(OSError):
                os.truncate(self.path, n * 8)
        if n == 0:
            return np.empty(0, np.int64)
        try:
            return np.fromfile(self.path, dtype="<i8", count=n).astype(np.int64)
        except (OSError, ValueError) as exc:
            log.warning("OTel export: ignoring %s (%s)", self.path, exc)
            return np.empty(0, np.int64)

    def __contains__(self, h: int) -> bool:
        if h == 0:
            return False
        for arr in (self._main, self._recent):
            i = int(np.searchsorted(arr, h))
            if i < arr.size and int(arr[i]) == h:
                return True
        return False

    def add(self, hashes: Iterable[int]) -> None:
        """Keep an acknowledged batch's hashes (distinct, not held yet), durably."""
        new = np.fromiter((h for h in hashes if h), dtype=np.int64)
        if not new.size:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as f:
            f.write(new.astype("<i8").tobytes())
            f.flush()
            os.fsync(f.fileno())
        self.count += int(new.size)
        self._recent = np.sort(np.concatenate((self._recent, new)))
        if self._recent.size >= RECENT:
            self._main = np.sort(np.concatenate((self._main, self._recent)))
            self._recent = np.empty(0, np.int64)
        if self.count > self.limit:
            self._compact()

    def _compact(self) -> None:
        """Keep the newest half of ``limit`` hashes (rewritten atomically)."""
        keep = self.limit // 2
        held = np.fromfile(self.path, dtype="<i8", count=self.count)[-keep:].astype(np.int64)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            f.write(held.astype("<i8").tobytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        self.count = int(held.size)
        self._main, self._recent = np.sort(held), np.empty(0, np.int64)


class SentStore:
    """An exporter's :class:`SentIds` per kind ("spans", "metrics"), kept between passes and
    read again only when another exporter (the CLI beside the sidecar) changed them."""

    def __init__(self, cursor_path: Path) -> None:
        self.cursor_path = cursor_path
        self._held: dict[str, tuple[tuple[int, int, int], SentIds]] = {}

    def get(self, kind: str, count: int) -> SentIds:
        path = self.cursor_path.with_name(f"{self.cursor_path.name}.{kind}.ids")
        held = self._held.get(kind)
        if held is not None and held[0] == _disk_key(path, count):
            return held[1]
        ids = SentIds(path, count)
        self._held[kind] = (_disk_key(path, ids.count), ids)
        return ids

    def add(self, kind: str, ids: SentIds, new: set[int]) -> None:
        """An acknowledged batch's ids, durably (before the cursor that counts them is saved)."""
        if new:
            ids.add(new)
            self._held[kind] = (_disk_key(ids.path, ids.count), ids)


def _disk_key(path: Path, count: int) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (count, -1, -1)
    return (count, st.st_size, st.st_mtime_ns)
