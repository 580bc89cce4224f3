"""``tailer._decode_span`` hands a decoder blocks that start at a line, whatever their size.

A plain file is read again from the first line not consumed; a line longer than the block is
read again with a block twice as long; the unterminated rest comes back. Tiny blocks must make
the same chunk as one block holding the whole file.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from empathy_monitor.ingest.formats.claude_code import CLAUDE_CODE, ClaudeDecoder
from empathy_monitor.ingest.tailer import _decode_span
from empathy_monitor.tables import Chunk
from empathy_monitor.timeparse import TimestampParser


def _line(i: int, text_len: int) -> bytes:
    d = {
        "type": "assistant",
        "sessionId": "s1",
        "timestamp": f"2026-11-20T10:00:{i % 60:02d}.000Z",
        "requestId": f"req_{i}",
        "message": {
            "id": f"msg_{i}",
            "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": "é" * text_len}],
            "usage": {"input_tokens": i, "output_tokens": 2 * i},
        },
    }
    return json.dumps(d, ensure_ascii=False).encode() + b"\n"


def _decode(path: Path, block: int, end: int | None = None) -> tuple[Chunk, int, int, bytes]:
    class Sized(ClaudeDecoder):
        read_block = block

    chunk = Chunk(-1)
    dec = CLAUDE_CODE.decoder(TimestampParser("UTC"), chunk)
    dec.__class__ = Sized
    consumed, lines, rest = _decode_span(path, 0, end or path.stat().st_size, dec)
    chunk.lines = 0  # the last block's count; the reader keeps the returned one
    return chunk, consumed, lines, rest


@pytest.mark.parametrize("gz", [False, True])
def test_tiny_blocks_make_the_chunk_one_block_makes(tmp_path: Path, gz: bool) -> None:
    lines_ = [_line(i, (i * 37) % 300 + (2000 if i == 5 else 0)) for i in range(1, 30)]
    body = b"".join(lines_)
    starts = [sum(len(x) for x in lines_[:k]) for k in range(len(lines_))]
    torn = _line(99, 10)[:-40]  # a writer mid-line
    path = tmp_path / ("t.jsonl.gz" if gz else "t.jsonl")
    if gz:
        path.write_bytes(gzip.compress(body + torn))
    else:
        path.write_bytes(body + torn)
    end = 1 << 62 if gz else None  # as the reader reads a .gz: to its end
    whole = _decode(path, 1 << 20, end)
    for block in (64, 100, 1000, 4096):
        chunk, consumed, lines, rest = _decode(path, block, end)
        assert (consumed, lines, rest) == (len(body), 29, torn), block
        assert chunk.records == 29 and list(chunk.c_in) == list(range(1, 30))
        assert list(chunk.c_off) == starts
        assert chunk == whole[0]


def test_a_file_cut_short_while_read_ends_the_read(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(_line(1, 500))
    chunk = Chunk(-1)
    dec = CLAUDE_CODE.decoder(TimestampParser("UTC"), chunk)
    # ``end`` past the file's size (it shrank after the stat): what is there is read, no loop.
    consumed, lines, rest = _decode_span(path, 0, path.stat().st_size + 10_000, dec)
    assert (consumed, lines, rest, chunk.records) == (path.stat().st_size, 1, b"", 1)
