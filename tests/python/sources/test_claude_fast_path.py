"""Claude Code's fused fast path (ClaudeDecoder) makes exactly the rows of the general path.

Both decoders read the same bytes: every Claude Code fixture, and lines built from one assistant
line with each field the fast path checks bent out of shape (and pairs of them), each line also
repeated so the early duplicate exit is exercised; the chunks (every column, combo, session and
problem) and the per-file state (ids seen, duplicates) must be equal.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor.ingest.formats.agent import AgentDecoder, FileState
from empathy_monitor.ingest.formats.claude_code import CLAUDE_CODE, ClaudeDecoder
from empathy_monitor.tables import Chunk
from empathy_monitor.timeparse import TimestampParser

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "agents" / "claude"

BASE: dict[str, Any] = {
    "type": "assistant",
    "sessionId": "s1",
    "timestamp": "2026-11-20T10:00:01.000Z",
    "requestId": "req_1",
    "cwd": "/w",
    "message": {
        "id": "msg_1",
        "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "hi"}],
        "usage": {
            "input_tokens": 5,
            "output_tokens": 50,
            "cache_read_input_tokens": 1000,
            "cache_creation_input_tokens": 300,
            "cache_creation": {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 100},
        },
    },
}

MISSING = object()
# (path, value): path into BASE; MISSING deletes the key.
BENDS: list[tuple[tuple[str, ...], Any]] = [
    (("type",), MISSING),
    (("type",), "user"),
    (("message",), "text"),
    (("message", "usage"), MISSING),
    (("message", "usage"), [1]),
    (("message", "id"), MISSING),
    (("message", "id"), ""),
    (("message", "id"), 7),
    (("requestId",), MISSING),
    (("requestId",), {"x": 1}),
    (("timestamp",), MISSING),
    (("timestamp",), 1764496801),
    (("timestamp",), "yesterday"),
    (("message", "model"), MISSING),
    (("message", "model"), "<synthetic>"),
    (("message", "model"), "claude-haiku-4-5"),
    (("sessionId",), MISSING),
    (("sessionId",), ""),
    (("costUSD",), 0.25),
    (("costUSD",), "0.25"),
    (("costUSD",), 0.0),
    (("costUSD",), -0.5),
    (("costUSD",), 2e6),
    (("costUSD",), 1e-9),
    (("costUSD",), None),
    (("costUSD",), 3),
    (("costUSD",), True),
    (("isSidechain",), "yes"),
    (("isApiErrorMessage",), True),
    (("isSidechain",), True),
    (("message", "usage", "input_tokens"), 5.0),
    (("message", "usage", "input_tokens"), -3),
    (("message", "usage", "input_tokens"), 10**12),
    (("message", "usage", "output_tokens"), MISSING),
    (("message", "usage", "output_tokens"), True),
    (("message", "usage", "cache_read_input_tokens"), MISSING),
    (("message", "usage", "cache_read_input_tokens"), "9"),
    (("message", "usage", "cache_creation"), MISSING),
    (("message", "usage", "cache_creation"), {"ephemeral_1h_input_tokens": None}),
    (("message", "usage", "cache_creation_input_tokens"), 50),
]


def bent(*bends: tuple[tuple[str, ...], Any]) -> dict[str, Any]:
    d: dict[str, Any] = json.loads(json.dumps(BASE))
    for path, value in bends:
        node: Any = d
        for k in path[:-1]:
            if not isinstance(node, dict) or not isinstance(node.get(k), dict):
                break
            node = node[k]
        else:
            if value is MISSING:
                node.pop(path[-1], None)
            else:
                node[path[-1]] = value
    return d


def decode(cls: type[AgentDecoder], data: bytes) -> tuple[Chunk, FileState]:
    st = FileState()
    chunk = Chunk(-1)
    dec = cls(
        "claude-code", CLAUDE_CODE.markers, CLAUDE_CODE.extract, TimestampParser("UTC"), chunk, st
    )
    dec.feed(data, 0, 0)
    return chunk, st


def same(data: bytes) -> Chunk:
    slow, slow_st = decode(AgentDecoder, data)
    fast, fast_st = decode(ClaudeDecoder, data)
    assert fast == slow
    assert (fast_st.seen, fast_st.duplicates) == (slow_st.seen, slow_st.duplicates)
    return fast


def lines(objs: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objs)


@pytest.mark.parametrize("path", sorted(FIX.rglob("*.jsonl")), ids=lambda p: p.name)
def test_fixtures_decode_the_same(path: Path) -> None:
    chunk = same(path.read_bytes())
    assert chunk.records > 0


def test_every_bend_decodes_the_same() -> None:
    objs = []
    for i, b in enumerate(BENDS):
        d = bent(b)
        # Distinct ids per case (unless the case is about the id), then the line again.
        if "requestId" in d and isinstance(d["requestId"], str) and d["requestId"]:
            d["requestId"] = f"req_{i}"
        objs += [d, d]
    chunk = same(lines(objs))
    assert chunk.records >= 10 and chunk.problems


def test_pairs_of_bends_and_a_duplicate_with_other_fields() -> None:
    objs = []
    for i, (a, b) in enumerate(itertools.combinations(BENDS, 2)):
        d = bent(a, b)
        if isinstance(d.get("requestId"), str) and d["requestId"]:
            d["requestId"] = f"req_p{i}"
        objs.append(d)
    # A duplicate whose other fields differ (cost, error, sidechain) is still one call.
    objs += [BASE, bent((("costUSD",), 1.0)), bent((("isApiErrorMessage",), True))]
    chunk, st = decode(ClaudeDecoder, lines(objs))
    assert same(lines(objs)) == chunk and chunk.records > 100 and st.duplicates >= 2


def test_odd_lines_decode_the_same() -> None:
    """Lines the typed decoder refuses or skips: each must end as the general path ends it."""
    user_task = {  # a subagent's result: usage in the tool result, not an API call of this file
        "type": "user",
        "message": {"role": "user", "content": [{"type": "tool_result", "content": "ok"}]},
        "toolUseResult": {"usage": {"input_tokens": 9, "output_tokens": 9}},
        "timestamp": "2026-11-20T10:00:03.000Z",
    }
    no_type = {k: v for k, v in BASE.items() if k != "type"}
    data = b"".join(
        [
            lines([BASE, user_task, no_type, bent((("message", "usage", "input_tokens"), None))]),
            b'{"type": "assistant", "message": {"usage": {"input_tokens": 1}}, "torn\n',  # torn
            b'{"type": "assistant", "usage": "\xff\xfe"}\n',  # not UTF-8
            b'["usage", 1]\n',  # not an object
            b'  "usage": {"input_tokens": 3}\n',  # a fragment of a pretty-printed object
            b'{"type":"assistant","requestId":"r9","timestamp":"2026-11-20T10:00:09Z",'
            b'"message":{"id":"m9","model":"claude-haiku-4-5","usage":{"input_tokens":'
            b'123456789012345678901234567890,"output_tokens":1}}}\n',  # an int past 64 bits
            lines(
                [bent((("message", "usage", "cache_creation"), {"ephemeral_5m_input_tokens": 7}))]
            ),
        ]
    )
    chunk = same(data)
    assert chunk.records >= 2 and len(chunk.problems) == 2 and chunk.lines == 10


@pytest.mark.parametrize(
    "ts",
    [
        "2026-11-20T10:00:59.999Z",
        "2026-11-20T23:59:00.001Z",
        "2026-11-20T10:00:60.000Z",  # no 60th second
        "2026-13-20T10:00:00.000Z",  # no 13th month
        "2026-11-20T10:00:0a.000Z",
        "2026-11-20 10:00:01.000Z",  # another separator
        "2199-12-31T00:00:01.000Z",  # past the last representable day
        "2026-11-20T10:00:01.123456Z",
        "2026-11-20T10:00:01Z",
        "2026-11-20T24:00:00.000Z",  # no 24th hour
        "2026-11-20T10:60:00.000Z",  # no 60th minute
        "2026-11-20T1a:00:00.000Z",
        "2026-02-30T10:00:00.000Z",  # no 30th of February
        "2024-02-29T23:59:59.999Z",
        "2026-11-20T00:00:00.000Z",
    ],
)
def test_timestamps_decode_the_same(ts: str) -> None:
    # each twice: a new request (the per-minute cache is filled, then read)
    objs = [dict(BASE, timestamp=ts, requestId=f"r{i}") for i in range(2)]
    same(lines(objs))


class _Counting(ClaudeDecoder):
    general = 0

    def _general(self, raw: bytes, off: int, line_no: int) -> None:
        type(self).general += 1
        super()._general(raw, off, line_no)


def test_sidechain_and_float_cost_lines_take_the_fast_path() -> None:
    """Subagent transcripts are all sidechain lines, and old versions wrote ``costUSD`` on every
    line: both make rows without the general path's second parse (and the same rows)."""
    objs = []
    for i, b in enumerate([(("isSidechain",), True), (("costUSD",), 0.25), (("costUSD",), None)]):
        d = bent(b)
        d["requestId"] = f"req_fast_{i}"
        objs += [d, d]
    _Counting.general = 0
    chunk, _ = decode(_Counting, lines(objs))
    assert _Counting.general == 0 and chunk.records == 3
    assert same(lines(objs)) == chunk
    assert list(chunk.c_cost) == [0, 250_000_000, 0]


def test_minutes_of_one_day_and_the_next_decode_the_same() -> None:
    """The per-day cache under the per-minute one: many minutes of a day, then other days."""
    stamps = [f"2026-11-{d:02d}T{h:02d}:{m:02d}:07.250Z" for d in (20, 21) for h in (0, 9, 23)
              for m in (0, 1, 59)]  # fmt: skip
    objs = [dict(BASE, timestamp=ts, requestId=f"r{i}") for i, ts in enumerate(stamps)]
    chunk = same(lines(objs))
    assert chunk.records == len(stamps)
    assert list(chunk.c_ts)[:2] == [1795132807.25, 1795132867.25]
