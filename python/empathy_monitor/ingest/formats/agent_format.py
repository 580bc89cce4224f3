"""What every agent format shares as a :class:`..format.LogFormat` (the decoding is in ``agent.py``).

Agent formats are ``home_only``: the registry never discovers them in a workspace's telemetry
folders; the reader reads them only from the folders a user enabled (see ``sources/``). They are
not ``splittable``: their per-file state (current model, seen ids) needs the lines in order, so a
file's :class:`.agent.FileState` is kept between reads, and rebuilt from the file's head and tail
when another process read the start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from ...tables import Chunk
from ...timeparse import TimestampParser
from ..chunk import ChunkWriter, RecordKind
from .agent import CALL_KINDS, AgentDecoder, FileState, Usage, call_dict

MAX_STATES = 4096  # per-file decoder states kept in memory (oldest dropped first)
REBUILD_HEAD = 64 << 10
REBUILD_TAIL = 2 << 20


class AgentFormat:
    """The parts of :class:`..format.LogFormat` every agent format shares."""

    name = ""
    source = ""
    home_only = True  # read only from folders the user enabled, never found in .empathy
    splittable = False  # per-file state: one reader per file, lines in order
    markers: tuple[bytes, ...] = ()
    decoder_class: type[AgentDecoder] = AgentDecoder  # a format's own may add a fast path

    def __init__(self) -> None:
        self._states: dict[str, FileState] = {}

    def extract(self, d: dict[str, Any], st: FileState) -> Usage | None:
        raise NotImplementedError

    def claims(self, path: Path) -> bool:
        return False  # never by name: only through the folders bound to this format

    def discover(self, directory: Path) -> list[Path]:
        return sorted(p for p in directory.rglob("*.jsonl") if p.is_file())

    def file_kinds(self, path: Path) -> frozenset[RecordKind]:
        return CALL_KINDS

    def record_kind(self, obj: Any) -> RecordKind | None:
        return None  # an agent line is never mistaken for an Empathy record

    def decoder(self, parser: TimestampParser, chunk: Chunk) -> AgentDecoder:
        cls = self.decoder_class
        return cls(self.source, self.markers, self.extract, parser, chunk, FileState())

    def file_decoder(
        self, parser: TimestampParser, chunk: Chunk, path: Path, offset: int
    ) -> AgentDecoder:
        """A decoder that continues the file's state (seen ids, current model) from last time."""
        key = str(path)
        st = self._states.get(key)
        if st is None or offset == 0:
            st = FileState()
            if offset > 0:  # read before by another process (a worker, a previous run)
                self.rebuild(path, offset, st, parser)
            if len(self._states) >= MAX_STATES:
                self._states.pop(next(iter(self._states)))
            self._states[key] = st
        return self.decoder_class(self.source, self.markers, self.extract, parser, chunk, st)

    def rebuild(self, path: Path, offset: int, st: FileState, parser: TimestampParser) -> None:
        """Recover ``st`` for a file read up to ``offset`` elsewhere (a worker, a previous run).

        Only the head (session id) and the last :data:`REBUILD_TAIL` bytes (current model, the
        ids of recent, possibly still streaming, messages) are replayed, so the first append
        after a cold read stays cheap; rows are discarded.
        """
        dec = self.decoder_class(self.source, self.markers, self.extract, parser, Chunk(-1), st)
        try:
            with open(path, "rb") as f:
                head = f.read(min(offset, REBUILD_HEAD))
                tail_from = max(len(head), offset - REBUILD_TAIL)
                f.seek(tail_from)
                tail = f.read(offset - tail_from)
        except OSError:
            return
        if tail_from > len(head):  # the tail starts mid-line: from the next line on
            tail = tail[tail.find(b"\n") + 1 :]
        for data in (head, tail):
            dec.chunk = Chunk(-1)
            dec.out = ChunkWriter(dec.chunk)
            dec.feed(data, 0, 0)

    def parser_for(self, path: Path) -> Callable[[bytes], dict[str, Any] | None]:
        """``parse`` with what the file's reads know (Codex: the model of its latest turn)."""
        st = self._states.get(str(path))
        return lambda raw: self.parse(raw, st)

    def parse(self, raw: bytes, st: FileState | None = None) -> dict[str, Any] | None:
        """One line as a metadata-only call record (feed rows, exports); ``None`` if not usage."""
        try:
            d = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        if type(d) is not dict:
            return None
        try:
            fresh = FileState()
            if st is not None:
                fresh.model, fresh.session, fresh.cwd = st.model, st.session, st.cwd
            u = self.extract(d, fresh)
        except (TypeError, ValueError, AttributeError, KeyError):
            return None
        return None if u is None else call_dict(self.source, u)
