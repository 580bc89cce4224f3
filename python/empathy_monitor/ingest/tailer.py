"""Incremental reading of telemetry files: offsets, partial lines, truncation, replacement, rotation.

Each file is tracked by identity (device, inode and a hash of its first bytes), not by path, so a
file that a writer rotates into ``archive/`` (or that "Clear History" moves) keeps its offset under
its new name and is never read twice. A file that shrank below our offset, or whose path now holds
a different file, is dropped and re-read from the start. Only complete lines are consumed: a partial
last line is left on disk until its newline arrives, unless it is whole (complete JSON) and has
waited ``settle_s`` (0 for one-shot reads): then it is counted, and its newline, when it comes, is
skipped rather than read as another line. Which files are read and how their lines
decode is asked of the format registry (:mod:`.format`); nothing here knows a file name. Run scopes
(shared folders read for one project's runs, ``scope.py``) are applied here, where chunks reach the
tables, before duplicate ids are left out. Longer than ~300 lines: identity, incremental reading,
unterminated tails, scoping and dedupe all work on the same FileState.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..tables import Chunk, Problem, Tables
from ..timeparse import TimestampParser
from ..workspace import RunScope
from . import format as formats
from . import heap
from . import scope as scopes
from .bound import Bindings, SourcePath
from .chunk import MAX_REPORTED_PROBLEMS, whole_tail
from .dedupe import Duplicates, IdIndex
from .format import LineDecoder, LogFormat
from .identity import UTF16_BOMS, file_key, head_hash, safe_head_hash, tail_mark
from .lines import count_lines, open_lines, read_line_at, split_at_lines

READ_BLOCK = 8 << 20
PARALLEL_MIN_BYTES = 32 << 20
PARTS_PER_WORKER = 4
# A range's chunk waits in the parent until added: ranges of at most this many bytes keep the
# parent's and each worker's peak memory small (about 3 MB of columns each) whatever the file's size.
PART_BYTES = 24 << 20
AGENT_AHEAD_BYTES = 256 << 20  # whole agent files decoded ahead of the parent (see _read_parallel)
AGENT_AHEAD_FILES = 64


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
    duplicates: int = 0  # records left out: their call_id/run_id was read before
    mark: bytes | None = None  # identity.tail_mark at ``offset``: a rewrite in place shows here
    open_tail: bool = False  # the last line was counted before its newline arrived
    tail_seen: tuple[int, float] | None = None  # (size, when) a whole unterminated tail was seen
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
            "duplicates": self.duplicates,
        }


def _os_error(exc: OSError) -> str:
    return f"{type(exc).__name__}: {exc.strerror or exc}"


def _unreadable(path: Path, st: os.stat_result) -> str | None:
    """Why a claimed path is not read as a file (a FIFO would block, a directory cannot be)."""
    if stat.S_ISREG(st.st_mode):
        return None
    kind = "directory" if stat.S_ISDIR(st.st_mode) else "FIFO" if stat.S_ISFIFO(st.st_mode) else ""
    return f"not a regular file{f' ({kind})' if kind else ''}"


def _gz(path: Path) -> bool:
    return path.name.endswith(".gz")


def _error_health(path: Path, error: str) -> dict[str, object]:
    return FileState(-1, path, 0, 0, b"", read_error=error).health()


@dataclass
class ReadResult:
    """What one ``refresh`` changed."""

    calls: tuple[int, int] = (0, 0)
    runs: tuple[int, int] = (0, 0)
    reset: bool = False  # rows were dropped: every aggregate must be rebuilt
    health_changed: bool = False
    # A whole last line without its newline is waiting out the settle time: read these paths
    # again after ``tail_wait`` seconds to count it.
    tail_wait: float | None = None
    tail_paths: list[Path] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.reset or self.calls[1] > self.calls[0] or self.runs[1] > self.runs[0]


def _decode_span(
    path: str | Path, start: int, end: int, dec: LineDecoder
) -> tuple[int, int, bytes]:
    """Decode every complete line in ``[start, end)`` of a file into ``dec``'s chunk.

    Returns (bytes consumed, lines consumed, the unterminated rest); line numbers are relative
    to ``start``. A partial last line is left for a later read. Each block handed to the
    decoder starts at a line: after a block, a plain file is read again from the first line
    not consumed (a few KB read twice from the page cache, where gluing the rest onto the next
    block copied all of it); a block without a newline is read again twice as long. A ``.gz``
    (seeking back would decompress again from its start) keeps the rest and glues it on.
    The decoder's ``read_block`` (bytes; :data:`READ_BLOCK` if it has none) sizes the blocks.
    """
    block = getattr(dec, "read_block", READ_BLOCK)
    consumed = lines = 0
    path = Path(path)
    with open_lines(path) as f:
        f.seek(start)
        if _gz(path):
            pos = start
            carry = b""
            while pos < end:
                data = f.read(min(block, end - pos))
                if not data:
                    break
                pos += len(data)
                buf = carry + data if carry else data
                n = dec.feed(buf, start + consumed, lines)
                lines += dec.chunk.lines if n else 0
                consumed += n
                carry = buf[n:]
            return consumed, lines, carry
        pos, size = start, block
        while pos < end:
            want = min(size, end - pos)
            data = f.read(want)
            if not data:
                return consumed, lines, b""
            n = dec.feed(data, pos, lines)
            if n:
                lines += dec.chunk.lines
                consumed += n
                size = block
            if len(data) < want or pos + len(data) >= end:
                return consumed, lines, data[n:]  # the unterminated rest (or nothing)
            if n:
                pos += n
            else:
                size *= 2  # one line longer than the block
            f.seek(pos)
    return consumed, lines, b""


_Job = tuple[str, int, int, str, str]  # path, start, end, time zone, format name (picklable)


def _decode_range(args: _Job) -> tuple[Chunk, int]:
    """Worker: decode complete lines in ``[start, end)`` of a file (``end`` is after a newline)."""
    path, start, end, tz, fmt = args
    chunk = Chunk(file_idx=-1)
    dec = formats.get(fmt).decoder(TimestampParser(tz), chunk)
    consumed, chunk.lines, _ = _decode_span(path, start, end, dec)
    return chunk, consumed


def _decoder(fmt: LogFormat, parser: TimestampParser, chunk: Chunk, fs: FileState) -> LineDecoder:
    """A format's decoder; an agent format's continues the file's state (``file_decoder``)."""
    make = getattr(fmt, "file_decoder", None)
    return make(parser, chunk, fs.path, fs.offset) if make else fmt.decoder(parser, chunk)


class TelemetryReader:
    """Reads every telemetry file in some directories into :class:`Tables`, incrementally."""

    def __init__(
        self,
        dirs: Iterable[Path],
        parser: TimestampParser,
        tables: Tables | None = None,
        workers: int | None = None,
        sources: Iterable[SourcePath] = (),
        settle_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        scopes: Mapping[Path, RunScope] | None = None,
    ) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.bound = Bindings(sources)  # agents' folders, each read only by its own format
        # shared folders read for one project's runs only (see ``scope.py``)
        self.scopes = {Path(d): s for d, s in (scopes or {}).items()}
        self.parser = parser
        self.settle_s = settle_s
        self.clock = clock
        self.tables = tables or Tables()
        self.files: dict[int, FileState] = {}  # by file id
        self._by_path: dict[Path, int] = {}
        self._next_id = 0
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self.errors: dict[Path, str] = {}  # claimed paths that could not be opened at all
        self.call_ids, self.run_ids = IdIndex(self.tables.calls), IdIndex(self.tables.runs)
        self.dup_calls, self.dup_runs = Duplicates("call_id"), Duplicates("run_id")
        self._reread = False  # a file that held first occurrences was dropped: read all again

    # -- public ---------------------------------------------------------------------------
    def refresh(self, only: Iterable[Path] | None = None) -> ReadResult:
        """Read whatever is new. ``only`` limits the read to some paths (a watch event)."""
        res = ReadResult(calls=(self.tables.calls.n,) * 2, runs=(self.tables.runs.n,) * 2)
        pending = self._plan(only, res)
        if self._reread:
            for fs in list(self.files.values()):
                self._drop(fs, res)
            self._reset_ids()
            pending = self._plan(None, res)
        plain = [w for w in pending if not _gz(w[0].path)]
        total = sum(size - fs.offset for fs, size in plain)
        if self.workers > 1 and total >= PARALLEL_MIN_BYTES:
            with heap.bulk_read():  # set before the fork: the workers' chunks are mapped too
                self._read_parallel(plain)
        for fs, size in pending:  # after a parallel read: only an unterminated tail is left
            if fs.offset < size:
                self._read_serial(fs, size, res)
            if not _gz(fs.path):
                fs.mark = tail_mark(fs.path, fs.offset)
        if pending:
            res.health_changed = res.health_changed or any(
                fs.malformed or fs.flagged or fs.salvaged for fs, _ in pending
            )
        res.calls = (res.calls[0] if not res.reset else 0, self.tables.calls.n)
        res.runs = (res.runs[0] if not res.reset else 0, self.tables.runs.n)
        return res

    def health(self) -> list[dict[str, object]]:
        """Per file: counts, located problems (duplicates included) and read errors."""
        out = [fs.health() for fs in self.files.values()]
        out += [_error_health(p, e) for p, e in self.errors.items() if p not in self._by_path]
        out.sort(key=lambda h: str(h["path"]))
        for dup in (self.dup_calls, self.dup_runs):
            for h in out:
                if dup.first is not None and h["path"] == dup.first[0]:
                    p = {"line": dup.first[1], "kind": "duplicate", "reason": dup.note()}
                    h["problems"] = [*h["problems"], p]  # type: ignore[misc]
        return out

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
        fmt = self._format_or_none(path) if path is not None else None
        if path is None or fmt is None:
            return None
        make = getattr(fmt, "parser_for", None)  # agent formats: with the file's state
        return path, (make(path) if make else fmt.parse)

    def _format_or_none(self, path: Path) -> LogFormat | None:
        """A bound path's own format first, else whichever format claims the name."""
        fmt = self.bound.format_for(path) if self.bound else None
        return fmt if fmt is not None else formats.format_for(path)

    def _format(self, path: Path) -> LogFormat:
        fmt = self._format_or_none(path)
        if fmt is None:  # only claimed paths are ever tracked
            raise ValueError(f"{path}: no log format claims this file")
        return fmt

    # -- identity -------------------------------------------------------------------------
    def _plan(self, only: Iterable[Path] | None, res: ReadResult) -> list[tuple[FileState, int]]:
        """Identify the files to look at; the ones with new bytes, in the fixed reading order."""
        if only is None:
            paths = formats.discover(self.dirs) + (self.bound.discover() if self.bound else [])
        else:
            paths = [p for p in only if self._format_or_none(p) is not None]
        errors_before = dict(self.errors)
        seen: dict[Path, os.stat_result] = {}
        for p in paths:
            try:
                st = p.stat()
            except OSError as exc:
                if only is None or p.is_symlink():  # a dangling link; a deleted file just goes
                    self.errors[p] = _os_error(exc)
                continue
            why = _unreadable(p, st)
            if why is not None:
                self.errors[p] = why
                continue
            self.errors.pop(p, None)
            seen[p] = st
        if only is None:
            for p in [p for p in self.errors if p not in paths]:
                del self.errors[p]
            self._forget_vanished(seen, res)
        pending: list[tuple[FileState, int]] = []
        res.health_changed = res.health_changed or errors_before != self.errors
        for p, st in seen.items():
            fs = self._identify(p, st, res)
            if fs is None:
                continue
            if st.st_size > fs.offset:
                pending.append((fs, st.st_size))
        pending.sort(key=lambda w: self._order(w[0].path))
        return pending

    def _order(self, path: Path) -> tuple[bool, str]:
        """The fixed reading order: archived and rotated files first, then live ones; by path.

        The first occurrence of a duplicated id in this order is the one counted.
        """
        fmt = formats.format_for(path)
        archived = getattr(fmt, "archived", None)
        old = archived(path) if archived is not None else path.parent not in self.dirs
        return (not old, str(path))

    def _forget_vanished(self, seen: dict[Path, os.stat_result], res: ReadResult) -> None:
        idents = {file_key(st) for st in seen.values()}
        gone: set[str] = set()
        for fs in list(self.files.values()):
            if fs.path not in seen and (fs.dev, fs.ino) not in idents:
                # Gone for good (deleted by the user): its records go with it.
                fmt = self._format_or_none(fs.path)
                if fmt is not None and formats.home_only(fmt):
                    gone.add(fmt.source)
                self._drop(fs, res)
        # An agent deleted a transcript: its mirrored copies count now, so re-read the mirror.
        for fs in list(self.files.values()):
            if gone and fs.path.name in {f"llm_calls-{s}.jsonl" for s in gone}:
                self._drop(fs, res)

    def _identify(self, path: Path, st: os.stat_result, res: ReadResult) -> FileState | None:
        fid = self._by_path.get(path)
        fs = self.files.get(fid) if fid is not None else None
        if fs is not None and (fs.dev, fs.ino) == file_key(st):
            if (
                st.st_size < fs.offset
                or (fs.offset and safe_head_hash(path) != fs.head)
                or (fs.mark is not None and tail_mark(path, fs.offset) != fs.mark)
            ):
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
            with path.open("rb") as f:
                bom = f.read(2)
        except OSError as exc:
            self.errors[path] = _os_error(exc)
            return None
        if bom in UTF16_BOMS and not _gz(path):
            # Read as bytes its lines would be garbage: refused whole, never 1 record of 5.
            self.errors[path] = "UTF-16 file: re-save as UTF-8"
            return None
        fs = FileState(self._next_id, path, st.st_dev, st.st_ino, head)
        self._next_id += 1
        self.files[fs.id] = fs
        self._by_path[path] = fs.id
        return fs

    def _drop(self, fs: FileState, res: ReadResult) -> None:
        self.tables.drop_file(fs.id)
        self.files.pop(fs.id, None)
        if self.dup_calls.count or self.dup_runs.count:
            # Some ids were left out as duplicates of rows that may be among those dropped:
            # only a read of everything, in order, says which occurrence now comes first.
            self._reread = True
        if self._by_path.get(fs.path) == fs.id:
            del self._by_path[fs.path]
        res.reset = True
        res.health_changed = True

    # -- reading --------------------------------------------------------------------------
    def _read_serial(self, fs: FileState, size: int, res: ReadResult) -> None:
        chunk = Chunk(file_idx=fs.id)
        consumed = lines = 0
        gz = _gz(fs.path)
        try:
            if fs.open_tail:
                self._close_tail(fs)
            dec = _decoder(self._format(fs.path), self.parser, chunk, fs)
            # A rotated .gz is complete: read once, to the end of its decompressed stream.
            end = 1 << 62 if gz else size
            consumed, lines, tail = _decode_span(fs.path, fs.offset, end, dec)
            if tail and (gz or self._take_tail(fs, size, tail, res)):
                dec.feed(tail + b"\n", fs.offset + consumed, lines)
                lines += chunk.lines
                consumed += len(tail)
                fs.open_tail = True
            if not fs.head or fs.offset == 0:
                fs.head = head_hash(fs.path)
            if gz:
                consumed = size - fs.offset  # the offset of a .gz is its compressed size
            fs.read_error = None
        except (OSError, EOFError) as exc:  # EOFError: a .gz still being written
            why = _os_error(exc) if isinstance(exc, OSError) else f"EOFError: {exc}"
            fs.read_error = why
            res.health_changed = True
            chunk, consumed, lines = Chunk(file_idx=fs.id), 0, 0  # nothing half-read is kept
        self._add(fs, chunk, res)
        fs.absorb(chunk, consumed, lines, fs.lines)

    # -- duplicates -------------------------------------------------------------------------
    def _reset_ids(self) -> None:
        self.call_ids, self.run_ids = IdIndex(self.tables.calls), IdIndex(self.tables.runs)
        self.dup_calls, self.dup_runs = Duplicates("call_id"), Duplicates("run_id")
        self._reread = False

    def _add(self, fs: FileState, chunk: Chunk, res: ReadResult | None) -> None:
        """Append a chunk read at ``fs``'s offset: its folder's run scope (if any) first, then
        leaving out ids already held."""
        sc = self.scope_of(fs.path)
        if sc is not None:
            fs.hidden.update(scopes.apply(chunk, sc))
        keep_c = self.call_ids.first_seen(np.frombuffer(chunk.c_idh, dtype=np.int64))
        keep_r = self.run_ids.first_seen(np.frombuffer(chunk.r_idh, dtype=np.int64))
        for keep, offs, dup in (
            (keep_c, chunk.c_off, self.dup_calls),
            (keep_r, chunk.r_off, self.dup_runs),
        ):
            if keep is None:
                continue
            n = int(keep.size - keep.sum())
            dup.count += n
            fs.duplicates += n
            chunk.records -= n
            if dup.first is None:
                off = int(offs[int(np.argmin(keep))])
                dup.first = (str(fs.path), fs.lines + count_lines(fs.path, fs.offset, off) + 1)
            if res is not None:
                res.health_changed = True
        self.tables.add_chunk(chunk, fs.id, keep_c, keep_r)
        self.call_ids.sync()  # the kept rows are the ids held now (the index re-sorts at drops)
        self.run_ids.sync()

    def _close_tail(self, fs: FileState) -> None:
        """The bytes after a line counted without its newline: the newline, or a glued record."""
        with open(fs.path, "rb") as f:
            f.seek(fs.offset)
            nxt = f.read(2)
        if nxt[:1] == b"\n" or nxt == b"\r\n":
            fs.offset += len(nxt) if nxt == b"\r\n" else 1
        elif nxt == b"\r":
            fs.offset += 1
            return  # its "\n" is still to come
        elif nxt:
            fs.lines -= 1  # a record glued onto that line: it is read as part of the same line
        if nxt:
            fs.open_tail = False

    def _take_tail(self, fs: FileState, size: int, tail: bytes, res: ReadResult) -> bool:
        """Whether to count a whole unterminated last line now (else note when to look again)."""
        if not whole_tail(tail):
            fs.tail_seen = None
            return False
        if self.settle_s <= 0:
            return True
        now = self.clock()
        if fs.tail_seen is None or fs.tail_seen[0] != size:
            fs.tail_seen = (size, now)
        left = fs.tail_seen[1] + self.settle_s - now
        if left <= 0:
            fs.tail_seen = None
            return True
        res.tail_wait = left if res.tail_wait is None else min(res.tail_wait, left)
        res.tail_paths.append(fs.path)
        return False

    def _read_parallel(self, pending: list[tuple[FileState, int]]) -> None:
        jobs: list[tuple[FileState, list[_Job]]] = []
        # At least four ranges per worker, and none over PART_BYTES: a finished range waits as a
        # chunk until the parent takes it, so smaller ones keep both sides' peak memory down.
        n_parts = self.workers * PARTS_PER_WORKER
        whole: dict[Path, int] = {}  # files of a format that is not splittable: their bytes
        tz = self.parser.name
        for fs, size in pending:
            f = self._format(fs.path)
            fmt = f.name
            # Agent formats keep per-file state (model, seen ids): one range per file.
            splittable = getattr(f, "splittable", True)
            parts = max(n_parts, (size - fs.offset) // PART_BYTES + 1)
            ranges = split_at_lines(fs.path, fs.offset, size, parts if splittable else 1)
            if not splittable and ranges:
                whole[fs.path] = ranges[0][1] - ranges[0][0]
            jobs.append((fs, [(str(fs.path), a, b, tz, fmt) for a, b in ranges]))
        ctx = multiprocessing.get_context("fork")
        left = sum(size - fs.offset for fs, size in pending)
        sized = False
        todo = deque((fs, job) for fs, args in jobs for job in args)
        # Only a few ranges are decoded ahead of the parent, which adds them in reading order:
        # a finished range waits as a chunk, so more ahead would only hold more memory. Whole
        # agent files are the exception: a transcript's chunk is tiny for its bytes (a row per
        # ~10 KB), and with only a few ahead one large file (a worker busy on it) left the
        # other worker idle behind it; up to AGENT_AHEAD_BYTES of them are in flight.
        ahead = self.workers + 1
        running: deque[tuple[FileState, Future[tuple[Chunk, int]]]] = deque()
        flying = 0  # bytes of whole agent files submitted and not yet added
        with ProcessPoolExecutor(self.workers, mp_context=ctx) as pool:
            while todo or running:
                while todo and (
                    len(running) < ahead
                    or (
                        todo[0][0].path in whole
                        and flying < AGENT_AHEAD_BYTES
                        and len(running) < AGENT_AHEAD_FILES
                    )
                ):
                    fs, job = todo.popleft()
                    if fs.path in whole:
                        flying += job[2] - job[1]
                    running.append((fs, pool.submit(_decode_range, job)))
                fs, fut = running.popleft()
                if fs.path in whole:
                    flying -= whole[fs.path]
                chunk, consumed = fut.result()
                del fut  # let the chunk's memory go once it is added
                if not sized and len(chunk.c_ts) and consumed:
                    # Room for about every call to come, once (the first chunk's rows per
                    # byte over all the bytes left, a little over).
                    sized = True
                    more = len(chunk.c_ts) * left / consumed
                    self.tables.calls.reserve(self.tables.calls.n + int(more * 1.03) + 1024)
                left -= consumed
                base_line = fs.lines
                self._add(fs, chunk, None)
                fs.absorb(chunk, consumed, chunk.lines, base_line)
                del chunk
                if fs.offset and not fs.head:
                    fs.head = head_hash(fs.path)
