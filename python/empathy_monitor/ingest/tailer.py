"""Incremental reading of telemetry files: offsets, partial lines, truncation, replacement, rotation.

Each file is tracked by identity (device, inode and a hash of its first bytes), not by path, so a
file that a writer rotates into ``archive/`` (or that "Clear History" moves) keeps its offset under
its new name and is never read twice. A file that shrank below our offset, or whose path now holds
a different file, is dropped and re-read from the start. Only complete lines are consumed: a partial
last line is left on disk until its newline arrives.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..tables import Tables
from ..timeparse import TimestampParser
from .decode import MAX_REPORTED_PROBLEMS, Chunk, Decoder, Problem

FILE_PREFIXES = ("llm_calls", "workflow_runs")
HEAD_BYTES = 64
READ_BLOCK = 8 << 20
PARALLEL_MIN_BYTES = 32 << 20


def is_telemetry_file(path: Path) -> bool:
    """``llm_calls*.jsonl`` / ``workflow_runs*.jsonl`` (rotated names included)."""
    return path.suffix == ".jsonl" and path.name.startswith(FILE_PREFIXES)


def discover(dirs: Iterable[Path]) -> list[Path]:
    """Telemetry files in ``dirs`` and, recursively, in their ``archive/`` folders; sorted, stable."""
    out: list[Path] = []
    for d in dirs:
        if not d.is_dir():
            continue
        out.extend(p for p in d.glob("*.jsonl") if is_telemetry_file(p) and p.is_file())
        arch = d / "archive"
        if arch.is_dir():
            out.extend(
                p
                for p in arch.rglob("*.jsonl")
                if is_telemetry_file(p) and p.is_file() and not _is_cleared(p, arch)
            )
    return sorted(set(out))


CLEARED_PREFIX = "cleared-"


def _is_cleared(path: Path, archive: Path) -> bool:
    """Files the user set aside with "Clear History" (``archive/cleared-<ts>/``) are not read."""
    rel = path.relative_to(archive).parts
    return len(rel) > 1 and rel[0].startswith(CLEARED_PREFIX)


@dataclass
class FileState:
    """What we know of one file identity."""

    id: int
    path: Path
    dev: int
    ino: int
    head: bytes
    offset: int = 0
    lines: int = 0
    records: int = 0
    malformed: int = 0
    salvaged: int = 0
    flagged: int = 0
    problems: list[Problem] = field(default_factory=list)
    read_error: str | None = None

    def absorb(self, chunk: Chunk, consumed: int, lines: int, base_line: int) -> None:
        self.offset += consumed
        self.lines += lines
        self.records += chunk.records
        self.malformed += chunk.malformed
        self.salvaged += chunk.salvaged
        self.flagged += chunk.flagged
        for p in chunk.problems:
            if len(self.problems) >= MAX_REPORTED_PROBLEMS:
                break
            self.problems.append(Problem(p.line + base_line, p.kind, p.reason))

    def health(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "records": self.records,
            "malformed": self.malformed,
            "salvaged": self.salvaged,
            "flagged": self.flagged,
            "problems": [
                {"line": p.line, "kind": p.kind, "reason": p.reason} for p in self.problems
            ],
            "read_error": self.read_error,
        }


@dataclass
class ReadResult:
    """What one ``refresh`` changed."""

    calls: tuple[int, int] = (0, 0)
    runs: tuple[int, int] = (0, 0)
    reset: bool = False  # rows were dropped: every aggregate must be rebuilt
    health_changed: bool = False

    @property
    def changed(self) -> bool:
        return self.reset or self.calls[1] > self.calls[0] or self.runs[1] > self.runs[0]


def _head_hash(path: Path) -> bytes:
    with path.open("rb") as f:
        return hashlib.blake2b(f.read(HEAD_BYTES), digest_size=8).digest()


def _decode_span(path: str | Path, start: int, end: int, dec: Decoder) -> tuple[int, int]:
    """Decode every complete line in ``[start, end)`` of a file into ``dec``'s chunk.

    Returns (bytes consumed, lines consumed); line numbers are relative to ``start``. A partial
    last line is left for a later read.
    """
    consumed = lines = 0
    with open(path, "rb") as f:
        f.seek(start)
        pos = start
        carry = b""
        while pos < end:
            data = f.read(min(READ_BLOCK, end - pos))
            if not data:
                break
            pos += len(data)
            buf = carry + data if carry else data
            n = dec.feed(buf, start + consumed, lines)
            lines += dec.chunk.lines if n else 0
            consumed += n
            carry = buf[n:]
    return consumed, lines


def _decode_range(args: tuple[str, int, int, str]) -> tuple[Chunk, int]:
    """Worker: decode complete lines in ``[start, end)`` of a file (``end`` is after a newline)."""
    path, start, end, tz = args
    chunk = Chunk(file_idx=-1)
    consumed, chunk.lines = _decode_span(path, start, end, Decoder(TimestampParser(tz), chunk))
    return chunk, consumed


class TelemetryReader:
    """Reads every telemetry file in some directories into :class:`Tables`, incrementally."""

    def __init__(
        self,
        dirs: Iterable[Path],
        parser: TimestampParser,
        tables: Tables | None = None,
        workers: int | None = None,
    ) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.parser = parser
        self.tables = tables or Tables()
        self.files: dict[int, FileState] = {}  # by file id
        self._by_path: dict[Path, int] = {}
        self._next_id = 0
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)

    # -- public ---------------------------------------------------------------------------
    def refresh(self, only: Iterable[Path] | None = None) -> ReadResult:
        """Read whatever is new. ``only`` limits the read to some paths (a watch event)."""
        res = ReadResult(calls=(self.tables.calls.n,) * 2, runs=(self.tables.runs.n,) * 2)
        paths = discover(self.dirs) if only is None else [p for p in only if is_telemetry_file(p)]
        seen: dict[Path, os.stat_result] = {}
        for p in paths:
            try:
                seen[p] = p.stat()
            except OSError:
                continue
        if only is None:
            self._forget_vanished(seen, res)
        pending: list[tuple[FileState, int]] = []
        for p, st in seen.items():
            fs = self._identify(p, st, res)
            if fs is None:
                continue
            if st.st_size > fs.offset:
                pending.append((fs, st.st_size))
        total = sum(size - fs.offset for fs, size in pending)
        if self.workers > 1 and total >= PARALLEL_MIN_BYTES:
            self._read_parallel(pending)
        else:
            for fs, size in pending:
                self._read_serial(fs, size)
        if pending:
            res.health_changed = res.health_changed or any(
                fs.malformed or fs.flagged or fs.salvaged for fs, _ in pending
            )
        res.calls = (res.calls[0] if not res.reset else 0, self.tables.calls.n)
        res.runs = (res.runs[0] if not res.reset else 0, self.tables.runs.n)
        return res

    def health(self) -> list[dict[str, object]]:
        return [fs.health() for fs in sorted(self.files.values(), key=lambda f: str(f.path))]

    def path_of(self, file_id: int) -> Path | None:
        fs = self.files.get(file_id)
        return fs.path if fs else None

    def read_line_at(self, file_id: int, offset: int) -> bytes | None:
        """The raw line starting at ``offset`` in a tracked file (for feed rows and exports)."""
        path = self.path_of(file_id)
        if path is None:
            return None
        try:
            with path.open("rb") as f:
                f.seek(offset)
                return f.readline().rstrip(b"\r\n")
        except OSError:
            return None

    # -- identity -------------------------------------------------------------------------
    def _forget_vanished(self, seen: dict[Path, os.stat_result], res: ReadResult) -> None:
        idents = {(st.st_dev, st.st_ino) for st in seen.values()}
        for fs in list(self.files.values()):
            if fs.path not in seen and (fs.dev, fs.ino) not in idents:
                # Gone for good (deleted by the user): its records go with it.
                self._drop(fs, res)

    def _identify(self, path: Path, st: os.stat_result, res: ReadResult) -> FileState | None:
        fid = self._by_path.get(path)
        fs = self.files.get(fid) if fid is not None else None
        if fs is not None and (fs.dev, fs.ino) == (st.st_dev, st.st_ino):
            if st.st_size < fs.offset or (fs.offset and _safe_head(path) != fs.head):
                self._drop(fs, res)  # truncated or rewritten in place
                return self._new_state(path, st)
            return fs
        # Same identity seen under another path: a rotation or a move. Keep its offset.
        for other in self.files.values():
            if (other.dev, other.ino) == (st.st_dev, st.st_ino) and other.path != path:
                if other.offset <= st.st_size and _safe_head(path) == other.head:
                    if self._by_path.get(other.path) == other.id:
                        del self._by_path[other.path]
                    other.path = path
                    self._by_path[path] = other.id
                    if fs is not None and fs is not other:
                        self._drop(fs, res)  # the file that used to live here was replaced
                    return other
        if fs is not None:
            self._drop(fs, res)  # replaced by a new file at the same path
        return self._new_state(path, st)

    def _new_state(self, path: Path, st: os.stat_result) -> FileState | None:
        try:
            head = _head_hash(path)
        except OSError:
            return None
        fs = FileState(self._next_id, path, st.st_dev, st.st_ino, head)
        self._next_id += 1
        self.files[fs.id] = fs
        self._by_path[path] = fs.id
        return fs

    def _drop(self, fs: FileState, res: ReadResult) -> None:
        self.tables.drop_file(fs.id)
        self.files.pop(fs.id, None)
        if self._by_path.get(fs.path) == fs.id:
            del self._by_path[fs.path]
        res.reset = True
        res.health_changed = True

    # -- reading --------------------------------------------------------------------------
    def _read_serial(self, fs: FileState, size: int) -> None:
        chunk = Chunk(file_idx=fs.id)
        base_line = fs.lines
        consumed = lines = 0
        try:
            consumed, lines = _decode_span(fs.path, fs.offset, size, Decoder(self.parser, chunk))
            if not fs.head or fs.offset == 0:
                fs.head = _head_hash(fs.path)
            fs.read_error = None
        except OSError as exc:
            fs.read_error = f"{type(exc).__name__}: {exc.strerror or exc}"
        self.tables.add_chunk(chunk, fs.id)
        fs.absorb(chunk, consumed, lines, base_line)

    def _read_parallel(self, pending: list[tuple[FileState, int]]) -> None:
        jobs: list[tuple[FileState, list[tuple[str, int, int, str]]]] = []
        n_parts = self.workers * 2
        for fs, size in pending:
            jobs.append((fs, _split(fs.path, fs.offset, size, n_parts, self.parser.name)))
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(self.workers, mp_context=ctx) as pool:
            futures = [(fs, [pool.submit(_decode_range, a) for a in args]) for fs, args in jobs]
            for fs, futs in futures:
                for i, fut in enumerate(futs):
                    chunk, consumed = fut.result()
                    futs[i] = None  # type: ignore[call-overload]  # let the chunk's memory go now
                    base_line = fs.lines
                    self.tables.add_chunk(chunk, fs.id)
                    fs.absorb(chunk, consumed, chunk.lines, base_line)
                    del chunk
                if fs.offset and not fs.head:
                    fs.head = _head_hash(fs.path)


def _safe_head(path: Path) -> bytes | None:
    try:
        return _head_hash(path)
    except OSError:
        return None


def _split(
    path: Path, start: int, size: int, parts: int, tz: str
) -> list[tuple[str, int, int, str]]:
    """Byte ranges covering complete lines in ``[start, size)``, cut just after newlines."""
    with path.open("rb") as f:
        # The last complete line ends at the last newline before ``size``.
        tail_from = max(start, size - (1 << 20))
        f.seek(tail_from)
        tail = f.read(size - tail_from)
        last_nl = tail.rfind(b"\n")
        end = tail_from + last_nl + 1 if last_nl >= 0 else start
        if end <= start:
            return []
        bounds = [start]
        step = (end - start) // parts
        for i in range(1, parts):
            f.seek(start + i * step)
            f.readline()
            b = f.tell()
            if bounds[-1] < b < end:
                bounds.append(b)
        bounds.append(end)
    return [(str(path), a, b, tz) for a, b in zip(bounds, bounds[1:]) if b > a]
