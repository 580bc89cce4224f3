"""Log formats: what a telemetry file is, where such files live, and how a line is decoded.

A :class:`LogFormat` owns everything that depends on a writer's file layout and record shape, so
that a new source (another agent's usage log) is one module in ``ingest/formats/`` registered
here, and nothing else in the package tests a file name or a record's keys:

* ``name`` (the format) and ``source`` (the dimension a record carries: ``empathy``, ...);
* ``claims(path)``: whether a file, by its name (rotated names included), is this format's;
* ``discover(dir)``: the format's files under one telemetry directory;
* ``file_kinds(path)``: which record kinds a claimed file holds (calls, runs);
* ``record_kind(obj)``: whether one decoded object is a call, a run, or neither;
* ``decoder(parser, chunk)``: a :class:`LineDecoder` that fills a chunk's columns, with a fast
  path for the common line and a forgiving path that locates and explains every bad one;
* ``parse(raw)``: one line as a record dict for display and export (tolerant of torn lines).

Deduplication within a file belongs to the format (the agents' streamed duplicates); across
files and paths a record's ``call_id`` is the key. Agent formats are ``home_only`` (never
discovered or claimed in a workspace folder) and not ``splittable`` (see ``formats/agent.py``). A format module does not import this one (it satisfies the
protocol structurally), so the registry below can list the built-in formats without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from ..tables import Chunk
from ..timeparse import TimestampParser
from .chunk import RecordKind
from .formats.claude_code import CLAUDE_CODE
from .formats.codex import CODEX
from .formats.copilot import COPILOT
from .formats.empathy_jsonl import EMPATHY_JSONL
from .formats.gemini_cli import GEMINI_CLI
from .formats.mirror import SOURCE_MIRROR

__all__ = ["LineDecoder", "LogFormat", "RecordKind", "claims", "discover", "format_for"]


class LineDecoder(Protocol):
    """Decodes lines of one file into ``chunk``; one instance per chunk being built."""

    chunk: Chunk

    def feed(self, data: bytes, base_off: int, base_line: int) -> int:
        """Decode every complete line of ``data`` (the fast path, falling back line by line).

        ``base_off`` is the file offset of ``data[0]``, ``base_line`` the number of lines before
        it. Returns the bytes consumed (through the last newline) and sets ``chunk.lines``.
        """
        ...

    def forgive(self, raw: bytes, off: int, line_no: int) -> None:
        """The forgiving path for one line: use what is valid, report precisely what is not."""
        ...


class LogFormat(Protocol):
    """One writer's file layout and record shape (see the module docstring)."""

    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...

    def claims(self, path: Path) -> bool: ...

    def discover(self, directory: Path) -> list[Path]: ...

    def file_kinds(self, path: Path) -> frozenset[RecordKind]: ...

    def record_kind(self, obj: Any) -> RecordKind | None: ...

    def decoder(self, parser: TimestampParser, chunk: Chunk) -> LineDecoder: ...

    def parse(self, raw: bytes) -> dict[str, Any] | None: ...


_FORMATS: dict[str, LogFormat] = {}


def register(fmt: LogFormat) -> LogFormat:
    """Add a format (by name; registering a name again replaces it). Returns ``fmt``."""
    _FORMATS[fmt.name] = fmt
    return fmt


def formats() -> list[LogFormat]:
    """Every registered format, in registration order."""
    return list(_FORMATS.values())


def get(name: str) -> LogFormat:
    """A registered format by name (``KeyError`` if unknown)."""
    return _FORMATS[name]


def home_only(fmt: LogFormat) -> bool:
    """A coding agent's format: read only from folders the user enabled, never found by name."""
    return bool(getattr(fmt, "home_only", False))


def format_for(path: Path) -> LogFormat | None:
    """The format that claims ``path``, if any (agent formats claim nothing by name)."""
    for fmt in _FORMATS.values():
        if not home_only(fmt) and fmt.claims(path):
            return fmt
    return None


def claims(path: Path) -> bool:
    """Whether any format reads ``path``."""
    return format_for(path) is not None


def holds(path: Path, kind: RecordKind) -> bool:
    """Whether ``path`` is a file whose records are of ``kind`` (e.g. calls, for metrics)."""
    fmt = format_for(path)
    return fmt is not None and kind in fmt.file_kinds(path)


def discover(dirs: Iterable[Path]) -> list[Path]:
    """Every format's files in ``dirs``; sorted, stable, each once."""
    out: set[Path] = set()
    for d in dirs:
        if d.is_dir():
            for fmt in _FORMATS.values():
                if not home_only(fmt):
                    out.update(fmt.discover(d))
    return sorted(out)


def record_kind(obj: Any) -> RecordKind | None:
    """What a decoded object is, asked of each format in turn (``None``: not a record)."""
    for fmt in _FORMATS.values():
        kind = fmt.record_kind(obj)
        if kind is not None:
            return kind
    return None


# The built-in formats. A new one is a module in ``formats/`` and one line here.
register(SOURCE_MIRROR)  # first: it claims llm_calls-<agent>.jsonl before the Empathy format
register(EMPATHY_JSONL)
# The coding agents (home_only: read only from the folders ``sources/`` binds once enabled).
register(CLAUDE_CODE)
register(CODEX)
register(GEMINI_CLI)
register(COPILOT)
