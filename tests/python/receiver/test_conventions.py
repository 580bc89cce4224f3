"""The receiver and the agents' log decoders agree on tokens and ids (ingest/formats/tokens.py).

Each case sends an event through the real receiver (OTLP/JSON over HTTP) and reads the same event
from the agent's own log format; both must give the same columns, and for Gemini the same id.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor import sources
from empathy_monitor.ingest.bound import SourcePath
from empathy_monitor.ingest.formats.tokens import (
    gemini_request_id,
    gemini_usage,
    genai_usage,
    openai_usage,
)
from empathy_monitor.receiver.server import Receiver
from empathy_monitor.telemetry import Telemetry

assert sources  # the formats register through the package


@pytest.fixture
def rx(tmp_path: Path) -> Any:
    r = Receiver(tmp_path / ".empathy", port=0).start()
    yield r
    r.stop()


def _kv(a: dict[str, Any]) -> list[dict[str, Any]]:
    def val(v: Any) -> dict[str, Any]:
        if isinstance(v, bool):
            return {"boolValue": v}
        if isinstance(v, int):
            return {"intValue": str(v)}
        return {"stringValue": str(v)}

    return [{"key": k, "value": val(v)} for k, v in a.items()]


def _post(rx: Receiver, path: str, payload: dict[str, Any]) -> None:
    host, port = rx.address
    req = urllib.request.Request(
        f"http://{host}:{port}{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


def _logs(service: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    res = {"attributes": _kv({"service.name": service})}
    return {"resourceLogs": [{"resource": res, "scopeLogs": [{"logRecords": records}]}]}


def _calls(d: Path, name: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (d / name).read_text().splitlines()]


def _columns(c: dict[str, Any]) -> tuple[int, int, int, int]:
    """(uncached input, output, cache read, cache write) of a record the receiver wrote."""
    m = c["metadata"]
    return (
        c["input_tokens"],
        c["output_tokens"],
        m.get("cache_read_input_tokens", 0),
        m.get("cache_creation_input_tokens", 0),
    )


def _read(path: Path, fmt: str) -> Telemetry:
    tel = Telemetry([], naive_tz="UTC", workers=1, sources=[SourcePath(path, fmt)])
    tel.refresh()
    return tel


def _row_columns(tel: Telemetry) -> list[tuple[int, int, int, int]]:
    c = tel.tables.calls
    return [
        (int(c.col("tin")[i]), int(c.col("tout")[i]), int(c.col("cr")[i]), int(c.col("cw")[i]))
        for i in range(c.n)
    ]


def test_rules() -> None:
    # OpenAI: cached inside input; reasoning inside output (never added).
    assert openai_usage(1500, 500, 300) == (1000, 500, 300)
    assert openai_usage(10, 50, 1) == (0, 10, 1)  # more cached than input: clamped
    # Gemini: cached inside the prompt; thoughts added to output.
    assert gemini_usage(1500, 1000, 200, 50) == (500, 1000, 250)
    # GenAI spans: reads and writes inside input.
    assert genai_usage(1200, 1000, 150) == (50, 1000, 150)
    assert genai_usage(100, 80, 50) == (0, 80, 20)
    assert gemini_request_id("r-1", "s", "t", "m") == "r-1"
    assert gemini_request_id(None, "s", "2026-01-01T00:00:00Z", "m") == "s:2026-01-01T00:00:00Z:m"


def test_codex_reasoning_is_not_added_to_output(rx: Receiver, tmp_path: Path) -> None:
    ev = {
        "event.name": "codex.sse_event",
        "event.kind": "response.completed",
        "event.timestamp": "2026-11-30T10:00:00.000Z",
        "model": "gpt-5-codex",
        "input_token_count": 1500,
        "cached_token_count": 500,
        "output_token_count": 300,
        "reasoning_token_count": 200,  # part of the 300
        "response_id": "resp_1",
        "conversation.id": "conv-1",
    }
    _post(rx, "/v1/logs", _logs("codex_cli_rs", [{"attributes": _kv(ev)}]))
    (c,) = _calls(tmp_path / ".empathy", "llm_calls-codex.jsonl")
    assert c["call_id"] == "codex:resp_1"
    assert _columns(c) == (1000, 300, 500, 0)
    # The transcript decoder, for the same turn's token_count, gives the same columns.
    log = tmp_path / "rollout.jsonl"
    usage = {
        "input_tokens": 1500,
        "cached_input_tokens": 500,
        "output_tokens": 300,
        "reasoning_output_tokens": 200,
        "total_tokens": 1800,
    }
    lines = [
        {"timestamp": "2026-11-30T09:59:59Z", "type": "session_meta", "payload": {"id": "conv-1"}},
        {
            "timestamp": "2026-11-30T10:00:00.000Z",
            "type": "event_msg",
            "payload": {
                "type": "token_count",
                "info": {"total_token_usage": usage, "last_token_usage": usage},
            },
        },
    ]
    log.write_text("".join(json.dumps(x) + "\n" for x in lines))
    assert _row_columns(_read(log, "codex")) == [(1000, 300, 500, 0)]


def test_gemini_outfile_and_receiver_give_one_id_and_columns(rx: Receiver, tmp_path: Path) -> None:
    # Two API calls of one prompt (a tool turn): same prompt_id, no response_id.
    events = [
        {
            "event.name": "gemini_cli.api_response",
            "event.timestamp": ts,
            "session.id": "sess-g",
            "prompt_id": "p-1",
            "model": "gemini-2.5-pro",
            "input_token_count": 1500,
            "output_token_count": 200,
            "cached_content_token_count": 1000,
            "thoughts_token_count": 50,
        }
        for ts in ("2026-11-30T10:00:00.000Z", "2026-11-30T10:00:05.000Z")
    ]
    _post(rx, "/v1/logs", _logs("gemini-cli", [{"attributes": _kv(e)} for e in events]))
    got = _calls(tmp_path / ".empathy", "llm_calls-gemini-cli.jsonl")
    assert [c["call_id"] for c in got] == [
        "gemini-cli:sess-g:2026-11-30T10:00:00.000Z:gemini-2.5-pro",
        "gemini-cli:sess-g:2026-11-30T10:00:05.000Z:gemini-2.5-pro",
    ]
    assert [_columns(c) for c in got] == [(500, 250, 1000, 0)] * 2
    # The same events in Gemini CLI's own outfile: the same ids and columns.
    out = tmp_path / "gemini" / "telemetry.log"
    out.parent.mkdir()
    out.write_text("".join(json.dumps({"attributes": e}) + "\n" for e in events))
    tel = _read(out, "gemini-cli")
    assert _row_columns(tel) == [(500, 250, 1000, 0)] * 2
    ids = sorted(r["call_id"] for r in tel.iter_calls(None))
    assert ids == [c["call_id"] for c in got]


def test_copilot_span_file_and_receiver_agree(rx: Receiver, tmp_path: Path) -> None:
    a = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4.1",
        "gen_ai.response.id": "chatcmpl-1",
        "gen_ai.usage.input_tokens": 1200,
        "gen_ai.usage.cache_read.input_tokens": 1000,
        "gen_ai.usage.cache_creation.input_tokens": 150,
        "gen_ai.usage.output_tokens": 60,
    }
    span = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": "chat gpt-4.1",
        "startTimeUnixNano": "1764496800000000000",
        "endTimeUnixNano": "1764496801000000000",
        "attributes": _kv(a),
    }
    res = {"attributes": _kv({"service.name": "github-copilot"})}
    _post(
        rx,
        "/v1/traces",
        {"resourceSpans": [{"resource": res, "scopeSpans": [{"spans": [span]}]}]},
    )
    (c,) = _calls(tmp_path / ".empathy", "llm_calls-copilot.jsonl")
    assert c["call_id"] == "copilot:chatcmpl-1"
    assert _columns(c) == (50, 60, 1000, 150)
    f = tmp_path / "copilot-otel.jsonl"
    f.write_text(
        json.dumps(
            {
                "name": "chat gpt-4.1",
                "spanContext": {"spanId": "eee19b7ec3c1b174"},
                "startTime": [1764496800, 0],
                "endTime": [1764496801, 0],
                "attributes": a,
            }
        )
        + "\n"
    )
    tel = _read(f, "copilot")
    assert _row_columns(tel) == [(50, 60, 1000, 150)]
    assert [r["call_id"] for r in tel.iter_calls(None)] == ["copilot:chatcmpl-1"]


def test_codex_turns_from_its_log_and_its_otel_events_count_once(
    rx: Receiver, tmp_path: Path
) -> None:
    # Two responses of one session; Codex writes no response id on either path, and the OTel
    # event's time is the SSE completion, a moment before the log's token_count line.
    turns = [(1000, 200, 50, "09:00:04"), (2600, 900, 70, "09:01:05")]
    events = [
        {
            "event.name": "codex.sse_event",
            "event.kind": "response.completed",
            "event.timestamp": f"2026-11-30T{t}.{ms}Z",
            "conversation.id": "conv-9",
            "model": "gpt-5-codex",
            "input_token_count": i,
            "cached_token_count": c,
            "output_token_count": o,
            "reasoning_token_count": 10,
        }
        for (i, c, o, t), ms in zip(turns, ("310", "020"))
    ]
    _post(rx, "/v1/logs", _logs("codex_cli_rs", [{"attributes": _kv(e)} for e in events]))
    home = tmp_path / "home"
    log = home / ".codex" / "sessions" / "2026" / "11" / "30" / "rollout-conv-9.jsonl"
    log.parent.mkdir(parents=True)
    ws = tmp_path / "ws"
    lines: list[dict[str, Any]] = [
        {
            "timestamp": "2026-11-30T09:00:00Z",
            "type": "session_meta",
            "payload": {"id": "conv-9", "cwd": str(ws)},
        },
        {
            "timestamp": "2026-11-30T09:00:01Z",
            "type": "turn_context",
            "payload": {"model": "gpt-5-codex"},
        },
    ]
    total = [0, 0, 0]
    for i, c, o, t in turns:
        last = {"input_tokens": i, "cached_input_tokens": c, "output_tokens": o}
        total = [total[0] + i, total[1] + c, total[2] + o]
        cum = dict(zip(("input_tokens", "cached_input_tokens", "output_tokens"), total))
        info = {"total_token_usage": cum, "last_token_usage": last}
        lines.append(
            {
                "timestamp": f"2026-11-30T{t}.500Z",
                "type": "event_msg",
                "payload": {"type": "token_count", "info": info},
            }
        )
    log.write_text("".join(json.dumps(x) + "\n" for x in lines))
    d = tmp_path / ".empathy"
    env = {"HOME": str(home)}
    for bound in ([], sources.bindings(["codex"], ws, env)):  # the receiver alone, then both
        tel = Telemetry([d], naive_tz="UTC", workers=1, sources=bound)
        tel.refresh()
        assert _row_columns(tel) == [(800, 50, 200, 0), (1700, 70, 900, 0)]
        ids = sorted(r["call_id"] for r in tel.iter_calls(None))
        assert ids == ["codex:conv-9:1000:200:50", "codex:conv-9:2600:900:70"]
    assert sum(f["duplicates"] for f in tel.reader.health()) == 2  # the second path's copies
    alone = _read(log, "codex")  # the log alone: the same two calls
    assert _row_columns(alone) == [(800, 50, 200, 0), (1700, 70, 900, 0)]
