"""The exporter's cursor: per file identity, how far spans and metrics were acknowledged.

``otel_cursor.json`` is replaced atomically (temp file, fsync, rename) after every batch; an
advisory lock (:func:`exclusive`) keeps two exporters (CLI and sidecar) from sending the same
batch. The ids already exported live next to it (``sent.py``), their count here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..ingest.identity import head_hash

log = logging.getLogger(__name__)

CURSOR_VERSION = 1


@dataclass
class FileCursor:
    """How far one file identity has been acknowledged."""

    dev: int
    ino: int
    path: str
    offset: int = 0  # spans acknowledged through this byte
    metrics_offset: int = 0  # metrics acknowledged through this byte
    head_len: int = 0
    head: str = ""
    missing_since: float | None = None


@dataclass
class CursorState:
    """The content of ``otel_cursor.json``."""

    files: list[FileCursor] = field(default_factory=list)
    last_error: str | None = None
    last_error_at: float | None = None
    last_success_at: float | None = None
    spans_exported: int = 0
    metric_batches: int = 0
    records_skipped: int = 0
    last_skip_reason: str | None = None
    # how many hashes of the ``.ids`` files (``sent.py``) belong to acknowledged batches
    span_ids: int = 0
    metric_ids: int = 0
    duplicates_skipped: int = 0  # records whose call_id / run_id was exported already

    @classmethod
    def load(cls, path: Path) -> CursorState:
        """Read the cursor; a missing file is an empty cursor.

        An unreadable cursor is moved aside (``.corrupt``) and export starts over: re-sent spans
        keep their deterministic ids, so a backend can recognise them.
        """
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls()
        try:
            d = json.loads(raw)
            files = [FileCursor(**f) for f in d.get("files", [])]
            d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__ and k != "files"}
            return cls(files=files, **d)
        except (ValueError, TypeError, AttributeError) as exc:
            bad = path.with_name(path.name + ".corrupt")
            log.warning("OTel cursor %s unreadable (%s); moved to %s", path, exc, bad)
            with contextlib.suppress(OSError):
                os.replace(path, bad)
            return cls()

    def identify(self, path: Path, dev: int, ino: int, size: int) -> FileCursor:
        """The cursor of a file identity (new if unknown); reset when the file was truncated
        or rewritten (smaller than an offset, or its head changed)."""
        for cur in self.files:
            if (cur.dev, cur.ino) != (dev, ino):
                continue
            cur.path = str(path)
            try:
                same = head_text(path, cur.head_len) == cur.head
            except OSError:
                same = False
            if size < max(cur.offset, cur.metrics_offset) or not same:
                log.info(
                    "OTel export: %s was truncated or replaced; exporting it from the start", path
                )
                cur.offset = cur.metrics_offset = cur.head_len = 0
                cur.head = ""
            return cur
        cur = FileCursor(dev=dev, ino=ino, path=str(path))
        self.files.append(cur)
        return cur

    def forget_missing(self, seen: set[tuple[int, int]], now: float, after_s: float) -> None:
        """Drop the cursors of identities missing for longer than ``after_s`` (they may reappear
        before: a file moved away and back keeps its offsets)."""
        for cur in list(self.files):
            if (cur.dev, cur.ino) in seen:
                cur.missing_since = None
            elif cur.missing_since is None:
                cur.missing_since = now
            elif now - cur.missing_since > after_s:
                self.files.remove(cur)

    def save(self, path: Path) -> None:
        """Replace the cursor file atomically (temp file in the same folder, fsync, rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        d = asdict(self)
        d["version"] = CURSOR_VERSION
        data = json.dumps(d, indent=1, sort_keys=True).encode()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)


def head_text(path: Path, n: int) -> str:
    return head_hash(path, n).hex()  # the cursor keeps it as text


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[bool]:
    """An advisory lock so two exporters (CLI and sidecar) never send the same batch."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock; run one exporter at a time
        yield True
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
