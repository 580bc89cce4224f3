"""The local OTLP receiver, fed by the real OpenTelemetry SDK's OTLP/HTTP exporters."""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import _logs as logs_api
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode

from empathy_monitor.receiver.server import MAX_BODY, Receiver, loopback_only

SECRET_PROMPT = "PLANTED-PROMPT-TEXT-do-not-store"


@pytest.fixture
def rx(tmp_path: Path) -> Any:
    r = Receiver(tmp_path / ".empathy", port=0).start()
    yield r
    r.stop()


def url(rx: Receiver, path: str) -> str:
    host, port = rx.address
    return f"http://{host}:{port}{path}"


def lines(d: Path, name: str) -> list[dict[str, Any]]:
    p = d / name
    return [json.loads(x) for x in p.read_text().splitlines()] if p.exists() else []


def test_genai_spans_from_the_sdk_become_calls(rx: Receiver, tmp_path: Path) -> None:
    tp = TracerProvider(resource=Resource.create({"service.name": "my-app"}))
    exp = OTLPSpanExporter(endpoint=url(rx, "/v1/traces"))
    tp.add_span_processor(SimpleSpanProcessor(exp))
    tracer = tp.get_tracer("t")
    with tracer.start_as_current_span("chat gpt-4o") as sp:
        sp.set_attribute("gen_ai.operation.name", "chat")
        sp.set_attribute("gen_ai.provider.name", "openai")
        sp.set_attribute("gen_ai.request.model", "gpt-4o")
        sp.set_attribute("gen_ai.usage.input_tokens", 1200)
        sp.set_attribute("gen_ai.usage.output_tokens", 300)
        sp.set_attribute("gen_ai.usage.cache_read.input_tokens", 1000)
        sp.set_attribute("gen_ai.prompt", SECRET_PROMPT)
    with tracer.start_as_current_span("chat claude") as sp:
        sp.set_attribute("gen_ai.operation.name", "chat")
        sp.set_attribute("gen_ai.provider.name", "anthropic")
        sp.set_attribute("gen_ai.request.model", "claude-sonnet-4-0")
        sp.set_attribute("gen_ai.usage.input_tokens", 10)
        sp.set_attribute("gen_ai.usage.output_tokens", 0)
        sp.set_attribute("error.type", "rate_limit")
        sp.set_status(Status(StatusCode.ERROR))
    with tracer.start_as_current_span("plain http span"):
        pass  # not GenAI: ignored
    tp.shutdown()
    calls = lines(tmp_path / ".empathy", "llm_calls-otlp.jsonl")
    assert [
        (c["provider"], c["model_id"], c["input_tokens"], c["output_tokens"], c["success"])
        for c in calls
    ] == [
        # GenAI convention: the 1200 input include the 1000 cache reads (ingest/formats/tokens.py)
        ("openai", "gpt-4o", 200, 300, True),
        ("anthropic", "claude-sonnet-4-0", 10, 0, False),
    ]
    assert calls[0]["metadata"]["cache_read_input_tokens"] == 1000
    assert calls[1]["error_type"] == "rate_limit"
    assert all(c["call_id"].startswith("otlp:") for c in calls)
    assert rx.stats.as_dict()["calls_written"] == 2
    assert SECRET_PROMPT not in (tmp_path / ".empathy" / "llm_calls-otlp.jsonl").read_text()


def test_agent_usage_events_from_the_sdk_logs_exporter(rx: Receiver, tmp_path: Path) -> None:
    lp = LoggerProvider(resource=Resource.create({"service.name": "claude-code"}))
    lp.add_log_record_processor(
        SimpleLogRecordProcessor(OTLPLogExporter(endpoint=url(rx, "/v1/logs")))
    )
    logger = lp.get_logger("claude_code")
    for rid in ("req_1", "req_2", "req_1"):  # a resend of req_1 keeps the same call_id
        logger.emit(
            logs_api.LogRecord(
                body="claude_code.api_request",
                attributes={
                    "event.name": "claude_code.api_request",
                    "event.timestamp": "2026-11-30T10:00:00.000Z",
                    "model": "claude-sonnet-4-20250514",
                    "cost_usd": 0.0123,
                    "input_tokens": 12,
                    "output_tokens": 340,
                    "cache_read_tokens": 5000,
                    "cache_creation_tokens": 700,
                    "duration_ms": 2100,
                    "request_id": rid,
                    "session.id": "sess-9",
                    "prompt": SECRET_PROMPT,
                },
            )
        )
    logger.emit(
        logs_api.LogRecord(
            body="claude_code.user_prompt",
            attributes={"event.name": "claude_code.user_prompt", "prompt": SECRET_PROMPT},
        )
    )
    lp.shutdown()
    calls = lines(tmp_path / ".empathy", "llm_calls-claude-code.jsonl")
    assert [c["call_id"] for c in calls] == [
        "claude-code:req_1",
        "claude-code:req_2",
        "claude-code:req_1",
    ]
    c = calls[0]
    assert (c["provider"], c["model_id"], c["input_tokens"], c["output_tokens"]) == (
        "anthropic", "claude-sonnet-4-20250514", 12, 340,
    )  # fmt: skip
    assert c["estimated_cost"] == 0.0123 and c["latency_ms"] == 2100 and c["session_id"] == "sess-9"
    assert c["metadata"]["cache_read_input_tokens"] == 5000
    assert c["metadata"]["cache_creation_input_tokens"] == 700
    assert c["timestamp"].startswith("2026-11-30T10:00:00")
    assert SECRET_PROMPT not in (tmp_path / ".empathy" / "llm_calls-claude-code.jsonl").read_text()


def test_metrics_are_accepted_but_add_no_calls(rx: Receiver, tmp_path: Path) -> None:
    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=url(rx, "/v1/metrics")), export_interval_millis=60_000
    )
    mp = MeterProvider(
        resource=Resource.create({"service.name": "claude-code"}), metric_readers=[reader]
    )
    mp.get_meter("m").create_counter("claude_code.token.usage").add(100, {"type": "input"})
    mp.shutdown()
    st = rx.stats.as_dict()
    assert st["requests"] == 1 and st["accepted_items"] == 1 and st["calls_written"] == 0
    assert not (tmp_path / ".empathy").exists() or not list((tmp_path / ".empathy").glob("*.jsonl"))


def test_our_own_exporter_is_dropped(rx: Receiver, tmp_path: Path) -> None:
    tp = TracerProvider(resource=Resource.create({"service.name": "empathy-telemetry"}))
    tp.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=url(rx, "/v1/traces"))))
    with tp.get_tracer("t").start_as_current_span("chat x") as sp:
        sp.set_attribute("gen_ai.request.model", "gpt-4o")
        sp.set_attribute("gen_ai.usage.input_tokens", 1)
    tp.shutdown()
    assert rx.stats.as_dict()["dropped_own"] == 1
    assert (
        not list((tmp_path / ".empathy").glob("*.jsonl"))
        if (tmp_path / ".empathy").exists()
        else True
    )


def post(rx: Receiver, path: str, body: bytes, ctype: str, **headers: str) -> tuple[int, str]:
    req = urllib.request.Request(
        url(rx, path), data=body, method="POST", headers={"Content-Type": ctype, **headers}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_otlp_json_with_hex_ids_and_gzip(rx: Receiver, tmp_path: Path) -> None:
    payload = {
        "resourceLogs": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "gemini-cli"}}]},
            "scopeLogs": [{"logRecords": [{
                "timeUnixNano": "1764496800000000000",
                "traceId": "5b8efff798038103d269b633813fc60c",
                "spanId": "eee19b7ec3c1b174",
                "attributes": [
                    {"key": "event.name", "value": {"stringValue": "gemini_cli.api_response"}},
                    {"key": "model", "value": {"stringValue": "gemini-2.5-pro"}},
                    {"key": "input_token_count", "value": {"intValue": "1500"}},
                    {"key": "output_token_count", "value": {"intValue": "200"}},
                    {"key": "cached_content_token_count", "value": {"intValue": "1000"}},
                    {"key": "thoughts_token_count", "value": {"intValue": "50"}},
                    {"key": "duration_ms", "value": {"intValue": "900"}},
                    {"key": "prompt_id", "value": {"stringValue": "p-1"}},
                ],
            }]}],
        }]
    }  # fmt: skip
    body = gzip.compress(json.dumps(payload).encode())
    assert post(rx, "/v1/logs", body, "application/json", **{"Content-Encoding": "gzip"}) == (
        200,
        "{}",
    )
    (c,) = lines(tmp_path / ".empathy", "llm_calls-gemini-cli.jsonl")
    # Gemini counts cached tokens inside the prompt; thoughts are billed as output.
    assert (c["input_tokens"], c["output_tokens"], c["metadata"]["cache_read_input_tokens"]) == (
        500,
        250,
        1000,
    )
    # No response_id: session + time + model (prompt_id alone would merge a prompt's calls).
    assert c["call_id"] == "gemini-cli::2025-11-30T10:00:00+00:00:gemini-2.5-pro"
    assert c["provider"] == "google"


def test_bad_and_oversized_payloads_get_400_413_with_a_reason(rx: Receiver) -> None:
    code, body = post(rx, "/v1/traces", b"\xff\x00garbage", "application/x-protobuf")
    assert code == 400 and "ExportTraceServiceRequest" in body
    code, body = post(rx, "/v1/traces", b"{not json", "application/json")
    assert code == 400 and "not valid JSON" in body
    code, body = post(
        rx,
        "/v1/traces",
        b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"spanId": "zz"}]}]}]}',
        "application/json",
    )
    assert code == 400 and "spanId" in body
    code, body = post(rx, "/v1/traces", b"x", "text/plain")
    assert code == 400 and "Content-Type" in body
    code, body = post(rx, "/v1/nope", b"{}", "application/json")
    assert code == 404
    code, body = post(
        rx, "/v1/logs", b"notgzip", "application/json", **{"Content-Encoding": "gzip"}
    )
    assert code == 400 and "gzip" in body
    code, body = post(rx, "/v1/logs", b"\0" * (MAX_BODY + 1), "application/x-protobuf")
    assert code == 413
    st = rx.stats.as_dict()
    assert st["bad_payloads"] == 7 and st["last_error"]


def test_binds_loopback_only() -> None:
    assert loopback_only("127.0.0.1") == "127.0.0.1"
    assert loopback_only("::1") == "::1"
    assert loopback_only("localhost") == "127.0.0.1"
    for bad in ("0.0.0.0", "192.168.1.5", "::", "example.com"):
        with pytest.raises(ValueError, match=r"loopback|127\.0\.0\.1"):
            loopback_only(bad)
