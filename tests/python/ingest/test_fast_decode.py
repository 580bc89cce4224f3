"""The typed msgspec fast path agrees with the orjson path and the forgiving path, record by record.

Three decodings of the same bytes: ``Decoder.feed`` (msgspec first, rejects to orjson, then
pydantic), ``Decoder.feed_lines`` (orjson first, then pydantic) and ``Decoder.forgive`` on every
line (pydantic only). Each must give the same rows (every column, the combo, user and session by
value) and the same located problems, on every fixture and on generated lines.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from telemetry_fixtures import call

from empathy_monitor.ingest.formats.empathy_jsonl import Decoder
from empathy_monitor.tables import _CALL_CHUNK_FIELDS, _RUN_CHUNK_FIELDS, Chunk
from empathy_monitor.timeparse import TimestampParser

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _items(data: bytes) -> list[tuple[bytes, int, int]]:
    out, off = [], 0
    for i, raw in enumerate(data.split(b"\n")[:-1]):
        out.append((raw, off, i + 1))
        off += len(raw) + 1
    return out


def _rows(c: Chunk) -> dict[str, Any]:
    def value(attr: str, i: int) -> Any:
        v = getattr(c, attr)[i]
        if attr == "c_combo":
            return c.combos[v]
        if attr == "r_combo":
            return c.run_combos[v]
        if attr in ("c_user", "r_user"):
            return c.users[v - 1] if v else None
        if attr in ("c_session", "r_session"):
            return c.sessions[v - 1] if v else None
        if isinstance(v, float) and math.isnan(v):
            return "nan"
        return v

    calls = [tuple(value(a, i) for a in _CALL_CHUNK_FIELDS.values()) for i in range(len(c.c_ts))]
    runs = [tuple(value(a, i) for a in _RUN_CHUNK_FIELDS.values()) for i in range(len(c.r_ts))]
    problems = [(p.line, p.kind, p.reason) for p in c.problems]
    counts = (c.records, c.malformed, c.salvaged, c.flagged)
    return {"calls": calls, "runs": runs, "problems": problems, "counts": counts}


def _three_ways(data: bytes) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    parser = TimestampParser("UTC")
    fast = Chunk(file_idx=0)
    n = Decoder(parser, fast).feed(data, 0, 0)
    assert n == data.rfind(b"\n") + 1
    via_orjson = Chunk(file_idx=0)
    Decoder(parser, via_orjson).feed_lines(_items(data))
    forgiving = Chunk(file_idx=0)
    dec = Decoder(parser, forgiving)
    for raw, off, line in _items(data):
        if raw.strip():
            dec.forgive(raw, off, line)
    return _rows(fast), _rows(via_orjson), _rows(forgiving)


def _agree(data: bytes) -> dict[str, Any]:
    fast, via_orjson, forgiving = _three_ways(data)
    assert fast == via_orjson
    assert fast == forgiving
    return fast


def test_every_fixture_decodes_the_same_on_all_paths() -> None:
    # Every fixture written in the Empathy format (the agents' logs have formats of their own).
    files = [p for p in sorted(FIXTURES.rglob("*.jsonl")) if "agents" not in p.parts]
    assert files
    for p in files:
        got = _agree(p.read_bytes())
        assert got["calls"] or got["runs"], p


def test_tricky_lines_decode_the_same_and_are_located() -> None:
    ts = "2026-01-01T10:00:00"
    lines = [
        json.dumps(call("a", ts, input_tokens=5, estimated_cost=0.25, user_id="u", session_id="s")),
        json.dumps(call("b", ts, metadata={"source": "claude-code", "run_id": "r1"})),
        json.dumps(call("c", ts, metadata={"run_id": 7})),  # not a string: no run
        json.dumps(call("d", ts, cache_read_input_tokens=10, input_tokens=50)),
        json.dumps(call("e", ts, input_tokens=90, metadata={"cached_tokens": 40})),
        json.dumps(call("f", ts, cache_creation={"ephemeral_1h_input_tokens": 3})),
        json.dumps(call("g", ts, input_tokens=5, metadata={"cached_tokens": 40})),  # > input
        json.dumps(call("h", ts, latency_ms=12.0, retry_count=True)),
        json.dumps(call("i", ts, estimated_cost=-1.0)),
        json.dumps(call("j", ts, provider=None, circuit_breaker_state="half_open")),
        json.dumps(call("k", ts, circuit_breaker_state="weird")),
        json.dumps(call("l", ts, fallback_chain=None, fallback_used=True)),
        json.dumps(call("m", ts, actual_cost=0.5, original_model=3)),
        json.dumps(call("n", "not a time")),
        '{"call_id": "o", "timestamp": "2026-01-01T10:00:00", "estimated_cost": NaN}',
        '{"call_id": "p", "timestamp": "2026-01-01T1{"call_id": "q", "timestamp": "2026-01-01"}',
        json.dumps({"run_id": "r", "workflow_name": "w", "started_at": ts}),
        "",
        "[1]",
        json.dumps(call("s", ts, metadata=None, fallback_chain=["x", "y"])),
    ]
    got = _agree(("\n".join(lines) + "\n").encode())
    assert len(got["calls"]) >= 14 and len(got["runs"]) == 1
    assert any(p[1] == "salvaged" for p in got["problems"])
    assert {p[0] for p in got["problems"] if p[1] == "malformed"} >= {14, 19}


_text = st.sampled_from(["a", "b", "anthropic", "openai", "", "é", "x\\y", 'q"'])
_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.integers(10**8 - 1, 10**8 + 1),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1, max_value=2e4),
    _text,
    st.lists(_text, max_size=2),
)
_KEYS = [
    "workflow_name",
    "step_name",
    "user_id",
    "session_id",
    "task_type",
    "provider",
    "tier",
    "model_id",
    "input_tokens",
    "output_tokens",
    "estimated_cost",
    "actual_cost",
    "latency_ms",
    "fallback_used",
    "fallback_chain",
    "original_provider",
    "original_model",
    "retry_count",
    "circuit_breaker_state",
    "success",
    "error_type",
    "error_message",
    "cache_read_input_tokens",
    "cached_tokens",
]
_meta = st.dictionaries(
    st.sampled_from(["source", "run_id", "cache_read_input_tokens", "cached_tokens", "other"]),
    _value,
    max_size=3,
)
_record = st.fixed_dictionaries(
    {"call_id": st.one_of(_text, st.integers(0, 3))},
    optional={
        "timestamp": st.sampled_from(["2026-01-01T10:00:00", "2026-03-01T23:59:59.5+02:00", "x"]),
        "metadata": st.one_of(st.none(), _meta, st.just([1])),
        **{k: _value for k in _KEYS},
    },
)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.lists(st.tuples(_record, st.integers(0, 9)), min_size=1, max_size=8))
def test_generated_lines_decode_the_same(recs: list[tuple[dict[str, Any], int]]) -> None:
    text = ""
    for rec, cut in recs:
        line = json.dumps(rec)
        if cut == 0:  # torn: a writer stopped mid-line, the next record glued on
            text += line[: len(line) // 2]
        else:
            text += line + "\n"
    _agree((text + "\n").encode())
