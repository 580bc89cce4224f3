"""In-process backends: JSONL store, OTel, and a MultiBackend that isolates and recovers."""

from __future__ import annotations

import json
from pathlib import Path

from otel_helpers import call, free_port, make_config, run
from otel_receivers import GrpcReceiver

from empathy_monitor.otel.backends import (
    JsonlStoreBackend,
    MultiBackend,
    OpenTelemetryBackend,
    TelemetryBackend,
)
from empathy_monitor.otel.exporter import FileExporter
from empathy_monitor.records import LLMCallRecord, WorkflowRunRecord


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Exploding:
    """A backend whose storage is broken (e.g. a full disk)."""

    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def log_call(self, record: LLMCallRecord) -> None:
        self.calls += 1
        raise OSError(28, "No space left on device")

    def log_workflow(self, record: WorkflowRunRecord) -> None:
        raise OSError(28, "No space left on device")

    def close(self) -> None:
        raise RuntimeError("close failed too")


def test_backends_satisfy_the_protocol(tdir: Path, tmp_path: Path) -> None:
    cfg = make_config("http://127.0.0.1:1", tmp_path)
    assert isinstance(JsonlStoreBackend(tdir), TelemetryBackend)
    assert isinstance(OpenTelemetryBackend(cfg), TelemetryBackend)
    assert isinstance(Exploding(), TelemetryBackend)


def test_otel_backend_sends_spans_immediately(grpc_receiver: GrpcReceiver, tmp_path: Path) -> None:
    be = OpenTelemetryBackend(make_config(grpc_receiver.endpoint, tmp_path))
    be.log_workflow(WorkflowRunRecord.model_validate(run("r9")))
    be.log_call(LLMCallRecord.model_validate(call(1, metadata={"run_id": "r9"})))
    be.close()
    spans = grpc_receiver.rec.spans()
    assert [s["name"] for s in spans] == [
        "invoke_workflow code-review",
        "stage triage",
        "stage deep",
        "stage analyze",
        "chat claude-sonnet-4",
    ]
    assert spans[-1]["parent_span_id"] == spans[0]["span_id"]


def test_one_failing_backend_never_stops_the_others(tdir: Path) -> None:
    clock = Clock()
    bad = Exploding()
    multi = MultiBackend([bad, JsonlStoreBackend(tdir)], base_s=1.0, max_s=4.0, clock=clock)
    for i in range(3):
        multi.log_call(call(i))
    multi.log_workflow(run("r1"))
    lines = (tdir / "llm_calls.jsonl").read_text().splitlines()
    assert [json.loads(x)["call_id"] for x in lines] == [
        "call-000000",
        "call-000001",
        "call-000002",
    ]
    assert (tdir / "workflow_runs.jsonl").exists()
    h_bad, h_ok = multi.health()
    assert not h_bad.healthy and h_bad.failures == 1 and h_bad.skipped == 3
    assert h_bad.last_error is not None and "No space left" in h_bad.last_error
    assert h_ok.healthy and h_ok.failures == 0
    assert bad.calls == 1  # isolated: not hammered on every record
    clock.t += 1.0
    multi.log_call(call(10))  # the pause is over: tried again, fails, pause doubles
    assert bad.calls == 2 and multi.health()[0].failures == 2
    assert multi.health()[0].retry_at == clock.t + 2.0
    multi.close()  # a close error is contained too


def test_otel_backend_recovers_when_the_collector_comes_back(tdir: Path, tmp_path: Path) -> None:
    port = free_port()
    clock = Clock()
    cfg = make_config(f"http://127.0.0.1:{port}", tmp_path, EMPATHY_OTEL_TIMEOUT="0.5")
    otel = OpenTelemetryBackend(cfg)
    multi = MultiBackend([otel, JsonlStoreBackend(tdir)], base_s=5.0, clock=clock)
    multi.log_call(call(1))  # collector down: isolated
    multi.log_call(call(2))  # skipped while isolated
    assert multi.health()[0].failures == 1 and multi.health()[0].skipped == 1
    assert "UNAVAILABLE" in (multi.health()[0].last_error or "")
    r = GrpcReceiver(port=port)
    try:
        clock.t += 5.0
        multi.log_call(call(3))
        assert multi.health()[0].healthy
        assert [s["attributes"]["llm.call_id"] for s in r.rec.spans()] == ["call-000003"]
        # What the in-process path missed is still in the store, and the file exporter sends it.
        exp = FileExporter([tdir], make_config(r.endpoint, tmp_path))
        assert exp.export_once().ok
        ids = sorted(s["attributes"]["llm.call_id"] for s in r.rec.spans())
        assert ids == ["call-000001", "call-000002", "call-000003", "call-000003"]
        # The re-sent call has the same ids, so a backend can recognise it.
        dup = [s for s in r.rec.spans() if s["attributes"]["llm.call_id"] == "call-000003"]
        assert dup[0]["span_id"] == dup[1]["span_id"] and dup[0]["trace_id"] == dup[1]["trace_id"]
    finally:
        multi.close()
        r.stop()
