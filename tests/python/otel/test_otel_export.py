"""File export to real OTLP receivers (gRPC and HTTP/protobuf) in the test process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from otel_helpers import call, make_config, run, write_calls
from otel_receivers import GrpcReceiver, HttpReceiver

from empathy_monitor.otel.exporter import FileExporter
from empathy_monitor.otel.mapping import call_span_id, run_span_id, run_trace_id
from empathy_monitor.store import TelemetryStore

Receiver = GrpcReceiver | HttpReceiver


@pytest.fixture(params=["grpc", "http/protobuf"])
def receiver(request: pytest.FixtureRequest) -> Any:
    r: Receiver = GrpcReceiver() if request.param == "grpc" else HttpReceiver()
    r.protocol = request.param  # type: ignore[union-attr]
    yield r
    r.stop()


def _populate(d: Path) -> None:
    store = TelemetryStore(d)
    store.log_workflow(run("run-A"))
    store.log_call(call(1, metadata={"run_id": "run-A"}, step_name="triage"))
    store.log_call(call(2, metadata={"run_id": "run-A"}))
    store.log_call(
        call(
            3,
            workflow_name=None,
            step_name=None,
            success=False,
            error_type="RateLimitError",
            error_message="429 Too Many Requests",
            fallback_used=True,
            fallback_chain=["openai:capable", "anthropic:capable"],
            original_provider="openai",
            retry_count=3,
            circuit_breaker_state="open",
        )
    )


def test_calls_runs_and_stages_arrive_with_every_attribute(
    receiver: Any, tdir: Path, tmp_path: Path
) -> None:
    _populate(tdir)
    cfg = make_config(
        receiver.endpoint,
        tmp_path,
        receiver.protocol,
        OTEL_EXPORTER_OTLP_HEADERS="X-Api-Key=sekret,signoz-access-token=tok%2C1",
        OTEL_RESOURCE_ATTRIBUTES="deployment.environment=test",
        OTEL_SERVICE_NAME="svc-under-test",
    )
    res = FileExporter([tdir], cfg).export_once()
    assert res.ok, res.error
    assert res.spans == 7  # 1 root + 3 stages + 3 calls
    spans = receiver.rec.spans()
    assert len(spans) == 7
    by_name: dict[str, list[dict[str, Any]]] = {}
    for s in spans:
        by_name.setdefault(s["name"], []).append(s)
    root = by_name["invoke_workflow code-review"][0]
    assert root["kind"] == "internal" and root["parent_span_id"] is None
    assert root["trace_id"] == f"{run_trace_id('run-A'):032x}"
    assert root["span_id"] == f"{run_span_id('run-A'):016x}"
    assert root["end"] - root["start"] == 10 * 10**9
    assert root["attributes"]["workflow.providers_used"] == ["anthropic"]
    assert root["attributes"]["workflow.success"] is True
    assert root["status"] == "unset"
    stages = [s for s in spans if s["name"].startswith("stage ")]
    assert sorted(s["attributes"]["workflow.stage.index"] for s in stages) == [0, 1, 2]
    assert all(s["parent_span_id"] == root["span_id"] for s in stages)
    assert all(s["trace_id"] == root["trace_id"] for s in stages)
    skipped = by_name["stage deep"][0]
    assert skipped["attributes"]["workflow.stage.skipped"] is True
    assert skipped["start"] == skipped["end"]

    chats = sorted(by_name["chat claude-sonnet-4"], key=lambda s: s["attributes"]["llm.call_id"])
    in_run, in_run2, alone = chats
    for s in (in_run, in_run2):
        assert s["kind"] == "client"
        assert s["trace_id"] == root["trace_id"]
        assert s["parent_span_id"] == root["span_id"]
        assert s["attributes"]["workflow.run_id"] == "run-A"
    assert in_run["span_id"] == f"{call_span_id('call-000001'):016x}"
    assert in_run["attributes"] == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4",
        "gen_ai.usage.input_tokens": 1201,
        "gen_ai.usage.output_tokens": 300,
        "llm.call_id": "call-000001",
        "llm.provider": "anthropic",
        "llm.model": "claude-sonnet-4",
        "llm.tokens.input": 1201,
        "llm.tokens.output": 300,
        "llm.cost": 0.0081,
        "llm.latency_ms": 1500,
        "llm.task.type": "review",
        "llm.tier": "capable",
        "llm.success": True,
        "llm.fallback.used": False,
        "llm.retry_count": 0,
        "llm.circuit_breaker.state": "closed",
        "workflow.name": "code-review",
        "workflow.step": "triage",
        "workflow.run_id": "run-A",
        "session.id": "s1",
        "user.id": "u1",
    }
    # 2026-03-01T10:00:01.25 UTC and 1.5 s long, exactly.
    assert in_run["start"] == 1772359201_250000000
    assert in_run["end"] == in_run["start"] + 1_500_000_000

    assert alone["parent_span_id"] is None and alone["trace_id"] != root["trace_id"]
    assert alone["status"] == "error"
    assert alone["status_message"] == "429 Too Many Requests"
    a = alone["attributes"]
    assert a["error.type"] == "RateLimitError"
    assert a["llm.fallback.chain"] == ["openai:capable", "anthropic:capable"]
    assert a["llm.fallback.original_provider"] == "openai"
    assert a["llm.retry_count"] == 3
    assert a["llm.circuit_breaker.state"] == "open"
    assert "workflow.name" not in a

    for s in spans:
        assert s["resource"]["service.name"] == "svc-under-test"
        assert s["resource"]["deployment.environment"] == "test"
        assert s["scope"] == "empathy_monitor.otel"
    # Headers reach the collector on every request (gRPC metadata keys are lowercase).
    assert receiver.rec.headers
    for h in receiver.rec.headers:
        assert h["x-api-key"] == "sekret"
        assert h["signoz-access-token"] == "tok,1"


def test_metrics_arrive_as_delta_histograms_and_cost_counter(
    receiver: Any, tdir: Path, tmp_path: Path
) -> None:
    _populate(tdir)
    res = FileExporter(
        [tdir], make_config(receiver.endpoint, tmp_path, receiver.protocol)
    ).export_once()
    assert res.ok, res.error
    pts = receiver.rec.metrics()
    tokens = [p for p in pts if p["name"] == "gen_ai.client.token.usage"]
    assert {p["unit"] for p in tokens} == {"{token}"}
    assert {p["attributes"]["gen_ai.token.type"] for p in tokens} == {"input", "output"}
    inp = next(p for p in tokens if p["attributes"]["gen_ai.token.type"] == "input")
    assert inp["count"] == 3 and inp["sum"] == 1201 + 1202 + 1203
    assert inp["temporality"] == 1  # DELTA
    assert inp["attributes"]["llm.tier"] == "capable"
    assert inp["attributes"]["gen_ai.request.model"] == "claude-sonnet-4"
    dur = [p for p in pts if p["name"] == "gen_ai.client.operation.duration"]
    assert {p["unit"] for p in dur} == {"s"}
    assert sum(p["count"] for p in dur) == 3
    failed = [p for p in dur if p["attributes"].get("error.type") == "RateLimitError"]
    assert len(failed) == 1 and failed[0]["sum"] == 1.5
    cost = [p for p in pts if p["name"] == "llm.cost"]
    assert len(cost) == 1 and cost[0]["monotonic"] and cost[0]["unit"] == "USD"
    assert cost[0]["value"] == pytest.approx(0.0081 * 3)


def test_ipv6_loopback_endpoint(tdir: Path, tmp_path: Path) -> None:
    try:
        r = GrpcReceiver(host="::1")
    except Exception as exc:  # pragma: no cover - a machine without IPv6 would fail here
        raise AssertionError(f"IPv6 loopback unavailable: {exc}") from exc
    try:
        write_calls(tdir, 3)
        cfg = make_config(f"http://[::1]:{r.port}", tmp_path)
        assert cfg.endpoint == f"http://[::1]:{r.port}"
        res = FileExporter([tdir], cfg).export_once()
        assert res.ok, res.error
        assert len(r.rec.spans()) == 3
    finally:
        r.stop()


def test_batches_respect_batch_size(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    write_calls(tdir, 25)
    cfg = make_config(grpc_receiver.endpoint, tmp_path, EMPATHY_OTEL_BATCH_SIZE="10")
    res = FileExporter([tdir], cfg).export_once()
    assert res.ok and res.spans == 25 and res.batches == 3
    assert [
        len(r.resource_spans[0].scope_spans[0].spans) for r in grpc_receiver.rec.trace_requests
    ] == [
        10,
        10,
        5,
    ]
    assert len({s["span_id"] for s in grpc_receiver.rec.spans()}) == 25


def test_bad_lines_are_skipped_and_counted_not_retried(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    write_calls(tdir, 2)
    with (tdir / "llm_calls.jsonl").open("ab") as f:
        f.write(b"not json\n")
        f.write(b'{"call_id": "x", "timestamp": "not-a-time"}\n')
        f.write(b'{"call_id": "nan", "timestamp": "2026-03-01T10:00:00", "estimated_cost": NaN}\n')
        f.write(
            b'{"call_id": "torn", "timest{"call_id": "glued", "timestamp": "2026-03-01T11:00:00"}\n'
        )
    cfg = make_config(grpc_receiver.endpoint, tmp_path)
    exp = FileExporter([tdir], cfg)
    res = exp.export_once()
    assert res.ok
    assert res.records_skipped == 2
    ids = sorted(s["attributes"]["llm.call_id"] for s in grpc_receiver.rec.spans())
    assert ids == ["call-000000", "call-000001", "glued", "nan"]
    st = exp.status()
    assert st.records_skipped == 2 and st.backlog_bytes == 0
    assert st.last_skip_reason is not None and "ISO 8601" in st.last_skip_reason
    # A second pass sends nothing and skips nothing again.
    again = exp.export_once()
    assert (again.spans, again.records_skipped) == (0, 0)
    assert len(grpc_receiver.rec.spans()) == 4


def test_glued_whole_records_are_all_exported(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    """Issue 11 item 2: ``{A}{B}{C}`` on one line is three spans, not one."""
    glued = b"".join(
        b'{"call_id": "%s", "timestamp": "2026-03-01T10:00:00"}' % x for x in (b"a", b"b", b"c")
    )
    (tdir / "llm_calls.jsonl").write_bytes(glued + b"\n")
    exp = FileExporter([tdir], make_config(grpc_receiver.endpoint, tmp_path))
    assert exp.export_once().ok
    ids = sorted(s["attributes"]["llm.call_id"] for s in grpc_receiver.rec.spans())
    assert ids == ["a", "b", "c"]


def test_whole_last_record_without_newline_is_exported_once(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    """Issue 11 item 3: the last record is sent without its newline, and not again after it."""
    p = tdir / "llm_calls.jsonl"
    p.write_bytes(b'{"call_id": "a", "timestamp": "2026-03-01T10:00:00"}')
    exp = FileExporter([tdir], make_config(grpc_receiver.endpoint, tmp_path))
    assert exp.export_once().ok  # as `empathy otel export --once`
    assert [s["attributes"]["llm.call_id"] for s in grpc_receiver.rec.spans()] == ["a"]
    with p.open("ab") as f:
        f.write(b'\n{"call_id": "b", "timestamp": "2026-03-01T10:00:01"}\n')
    res = exp.export_once()
    assert res.ok and res.records_skipped == 0
    ids = sorted(s["attributes"]["llm.call_id"] for s in grpc_receiver.rec.spans())
    assert ids == ["a", "b"]
