"""Incremental reading of telemetry files: offsets, partial lines, truncation, replacement, rotation.

Each file is tracked by identity (device, inode and a hash of its first bytes), not by path, so a
file that a writer rotates into ``archive/`` (or that "Clear History" moves) keeps its offset under
its new name and is never read twice. A file that shrank below our offset, or whose path now holds
a different file, is dropped and re-read from the start. Only complete lines are consumed: a partial
last line is left on disk until its newline arrives. Which files are read and how their lines
decode is asked of the format registry (:mod:`.format`); nothing here knows a file name. Run scopes
(shared folders read for one project's runs, ``scope.py``) are applied here, where chunks reach the
tables; the module is a little over 300 lines because identity, reading and scoping share FileState.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..tables import Chunk, Problem, Tables
from ..timeparse import TimestampParser
from ..workspace import RunScope
from . import format as formats
from . import scope as scopes
from .chunk import MAX_REPORTED_PROBLEMS
from .format import LineDecoder, LogFormat
from .identity import file_key, head_hash, safe_head_hash
from .lines import read_line_at, split_at_lines

READ_BLOCK = 8 << 20
PARALLEL_MIN_BYTES = 32 << 20


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
    hidden: Counter[str] = field(default_factory=Counter)  # runs of other projects (scoped dirs)

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


def _decode_span(path: str | Path, start: int, end: int, dec: LineDecoder) -> tuple[int, int]:
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


_Job = tuple[str, int, int, str, str]  # path, start, end, time zone, format name (picklable)


def _decode_range(args: _Job) -> tuple[Chunk, int]:
    """Worker: decode complete lines in ``[start, end)`` of a file (``end`` is after a newline)."""
    path, start, end, tz, fmt = args
    chunk = Chunk(file_idx=-1)
    dec = formats.get(fmt).decoder(TimestampParser(tz), chunk)
    consumed, chunk.lines = _decode_span(path, start, end, dec)
    return chunk, consumed


def _format(path: Path) -> LogFormat:
    fmt = formats.format_for(path)
    if fmt is None:  # only claimed paths are ever tracked
        raise ValueError(f"{path}: no log format claims this file")
    return fmt


class TelemetryReader:
    """Reads every telemetry file in some directories into :class:`Tables`, incrementally."""

    def __init__(
        self,
        dirs: Iterable[Path],
        parser: TimestampParser,
        tables: Tables | None = None,
        workers: int | None = None,
        scopes: Mapping[Path, RunScope] | None = None,
    ) -> None:
        self.dirs = [Path(d) for d in dirs]
        # shared folders read for one project's runs only (see ``scope.py``)
        self.scopes = {Path(d): s for d, s in (scopes or {}).items()}
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
        paths = (
            formats.discover(self.dirs) if only is None else [p for p in only if formats.claims(p)]
        )
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

    def scope_of(self, path: Path) -> RunScope | None:
        for d, sc in self.scopes.items():
            if d == path or d in path.parents:
                return sc
        return None

    def scope_health(self) -> list[dict[str, object]]:
        """Per scoped folder: the project shown, how it was matched, runs shown and left out."""
        out: list[dict[str, object]] = []
        for d, sc in self.scopes.items():
            mine = [fs for fs in self.files.values() if d == fs.path or d in fs.path.parents]
            hidden: Counter[str] = Counter()
            for fs in mine:
                hidden.update(fs.hidden)
            out.append(
                {
                    "path": str(d),
                    "project": sc.project,
                    "matched_by": sc.matched_by,
                    "shown_runs": sum(fs.records for fs in mine),
                    "hidden_runs": sum(hidden.values()),
                    "hidden_projects": len(hidden),
                }
            )
        return out

    def _add(self, fs: FileState, chunk: Chunk) -> None:
        """Append a decoded chunk of ``fs``, after its folder's run scope (if any)."""
        sc = self.scope_of(fs.path)
        if sc is not None:
            fs.hidden.update(scopes.apply(chunk, sc))
        self.tables.add_chunk(chunk, fs.id)

    def path_of(self, file_id: int) -> Path | None:
        fs = self.files.get(file_id)
        return fs.path if fs else None

    def read_line_at(self, file_id: int, offset: int) -> bytes | None:
        """The raw line starting at ``offset`` in a tracked file (for feed rows and exports)."""
        path = self.path_of(file_id)
        return None if path is None else read_line_at(path, offset)

    def record_at(self, file_id: int, offset: int) -> dict[str, Any] | None:
        """The record at ``offset`` of a tracked file, parsed by the file's format."""
        src = self.parser_of(file_id)
        raw = None if src is None else read_line_at(src[0], offset)
        return None if src is None or raw is None else src[1](raw)

    def parser_of(
        self, file_id: int
    ) -> tuple[Path, Callable[[bytes], dict[str, Any] | None]] | None:
        """A tracked file's path and its format's line parser (for reading many of its lines)."""
        path = self.path_of(file_id)
        fmt = formats.format_for(path) if path is not None else None
        return None if path is None or fmt is None else (path, fmt.parse)

    # -- identity -------------------------------------------------------------------------
    def _forget_vanished(self, seen: dict[Path, os.stat_result], res: ReadResult) -> None:
        idents = {file_key(st) for st in seen.values()}
        for fs in list(self.files.values()):
            if fs.path not in seen and (fs.dev, fs.ino) not in idents:
                # Gone for good (deleted by the user): its records go with it.
                self._drop(fs, res)

    def _identify(self, path: Path, st: os.stat_result, res: ReadResult) -> FileState | None:
        fid = self._by_path.get(path)
        fs = self.files.get(fid) if fid is not None else None
        if fs is not None and (fs.dev, fs.ino) == file_key(st):
            if st.st_size < fs.offset or (fs.offset and safe_head_hash(path) != fs.head):
                self._drop(fs, res)  # truncated or rewritten in place
                return self._new_state(path, st)
            return fs
        # Same identity seen under another path: a rotation or a move. Keep its offset.
        for other in self.files.values():
            if (other.dev, other.ino) == file_key(st) and other.path != path:
                if other.offset <= st.st_size and safe_head_hash(path) == other.head:
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
            head = head_hash(path)
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
            dec = _format(fs.path).decoder(self.parser, chunk)
            consumed, lines = _decode_span(fs.path, fs.offset, size, dec)
            if not fs.head or fs.offset == 0:
                fs.head = head_hash(fs.path)
            fs.read_error = None
        except OSError as exc:
            fs.read_error = f"{type(exc).__name__}: {exc.strerror or exc}"
        self._add(fs, chunk)
        fs.absorb(chunk, consumed, lines, base_line)

    def _read_parallel(self, pending: list[tuple[FileState, int]]) -> None:
        jobs: list[tuple[FileState, list[_Job]]] = []
        n_parts = self.workers * 2
        tz = self.parser.name
        for fs, size in pending:
            fmt = _format(fs.path).name
            ranges = split_at_lines(fs.path, fs.offset, size, n_parts)
            jobs.append((fs, [(str(fs.path), a, b, tz, fmt) for a, b in ranges]))
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(self.workers, mp_context=ctx) as pool:
            futures = [(fs, [pool.submit(_decode_range, a) for a in args]) for fs, args in jobs]
            for fs, futs in futures:
                for i, fut in enumerate(futs):
                    chunk, consumed = fut.result()
                    futs[i] = None  # type: ignore[call-overload]  # let the chunk's memory go now
                    base_line = fs.lines
                    self._add(fs, chunk)
                    fs.absorb(chunk, consumed, chunk.lines, base_line)
                    del chunk
                if fs.offset and not fs.head:
                    fs.head = head_hash(fs.path)
