"""The durable copy of an agent's usage: ``.empathy/llm_calls-<agent>.jsonl``.

Once an agent's logs are enabled, every usage record read from them is appended here (metadata
only, as an Empathy call record with ``metadata.mirror_of`` = the transcript it came from), so the
history survives the agent deleting its transcripts (Claude Code keeps 30 days). The OTLP
receiver writes the same file names (records without ``mirror_of``).

The rule that keeps a request from being counted twice, correct without any cross-file dedupe:
**a mirrored record is counted only while the transcript it was copied from is gone.** While the
transcript exists it is read and counted from there; once it is deleted, the reader re-reads this
file (see ``TelemetryReader``) and the mirror's copies count instead. Receiver records (no
``mirror_of``) are always counted. Lines are decoded by the Empathy format; this wrapper only
leaves out the shadowed ones, with their byte offsets intact.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import orjson

from ...tables import Chunk
from ...timeparse import TimestampParser
from ..chunk import RecordKind
from .empathy_jsonl import EMPATHY_JSONL, Decoder

AGENT_SOURCES = ("claude-code", "codex", "gemini-cli", "copilot")
MIRROR_FILES = {f"llm_calls-{s}.jsonl": s for s in AGENT_SOURCES}
MIRROR_KEY = "mirror_of"
_MIRROR_OF = re.compile(rb'"mirror_of":\s*"((?:[^"\\]|\\.)*)"')


def mirror_file(source: str) -> str:
    return f"llm_calls-{source}.jsonl"


class MirrorDecoder:
    """The Empathy decoder, fed only the lines whose transcript no longer exists."""

    def __init__(self, parser: TimestampParser, chunk: Chunk) -> None:
        self.chunk = chunk
        self.inner = Decoder(parser, chunk)
        self._exists: dict[bytes, bool] = {}

    def _shadowed(self, raw: bytes) -> bool:
        m = _MIRROR_OF.search(raw) if b'"mirror_of"' in raw else None
        if m is None:
            return False
        key = m.group(1)
        hit = self._exists.get(key)
        if hit is None:
            try:
                path = orjson.loads(b'"' + key + b'"')
                hit = isinstance(path, str) and os.path.exists(path)
            except orjson.JSONDecodeError:
                hit = False
            self._exists[key] = hit
        return hit

    def feed(self, data: bytes, base_off: int, base_line: int) -> int:
        end = data.rfind(b"\n") + 1
        if end == 0:
            return 0
        lines = 0
        start = pos = 0  # a run of counted lines [start, pos) is fed in one go
        run_lines = 0
        for raw in data[:end].split(b"\n")[:-1]:
            nxt = pos + len(raw) + 1
            if self._shadowed(raw):
                if pos > start:
                    self.inner.feed(data[start:pos], base_off + start, base_line + lines)
                    lines += run_lines
                lines += 1
                start, run_lines = nxt, 0
            else:
                run_lines += 1
            pos = nxt
        if pos > start:
            self.inner.feed(data[start:pos], base_off + start, base_line + lines)
            lines += run_lines
        self.chunk.lines = lines
        return end

    def forgive(self, raw: bytes, off: int, line_no: int) -> None:
        if not self._shadowed(raw):
            self.inner.forgive(raw, off, line_no)


class SourceMirror:
    """The mirror files' format (satisfies :class:`..format.LogFormat`)."""

    name = "source-mirror"
    source = "empathy"  # each record names its own source in metadata.source

    def claims(self, path: Path) -> bool:
        return path.name in MIRROR_FILES

    def discover(self, directory: Path) -> list[Path]:
        return [p for n in MIRROR_FILES if (p := directory / n).is_file()]

    def file_kinds(self, path: Path) -> frozenset[RecordKind]:
        return EMPATHY_JSONL.file_kinds(path)

    def record_kind(self, obj: Any) -> RecordKind | None:
        return None  # the Empathy format answers for these records

    def decoder(self, parser: TimestampParser, chunk: Chunk) -> MirrorDecoder:
        return MirrorDecoder(parser, chunk)

    def parse(self, raw: bytes) -> dict[str, Any] | None:
        return EMPATHY_JSONL.parse(raw)


SOURCE_MIRROR = SourceMirror()
