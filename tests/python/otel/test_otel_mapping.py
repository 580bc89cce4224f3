"""Pure mapping: records -> span data and metric points."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest
from otel_helpers import call, run

from empathy_monitor.otel.mapping import (
    DURATION_BOUNDS,
    TOKEN_BOUNDS,
    MappingError,
    MetricAccumulator,
    call_span_id,
    call_to_span,
    parse_record,
    record_to_spans,
    run_span_id,
    run_to_spans,
    run_trace_id,
    trace_id_for,
)
from empathy_monitor.records import LLMCallRecord, WorkflowRunRecord
from empathy_monitor.timeparse import TimestampParser

UTC = TimestampParser("UTC")


def _ns(iso: str) -> int:
    return int(datetime.fromisoformat(iso).replace(tzinfo=timezone.utc).timestamp()) * 10**9


def test_call_span_has_every_attribute() -> None:
    rec = LLMCallRecord.model_validate(
        call(
            1,
            timestamp="2026-03-01T10:00:00",
            fallback_used=True,
            fallback_chain=["openai:capable", "anthropic:capable"],
            original_provider="openai",
            original_model="gpt-4o",
            retry_count=2,
            actual_cost=0.009,
            circuit_breaker_state="half-open",
        )
    )
    s = call_to_span(rec, UTC)
    assert s.name == "chat claude-sonnet-4"
    assert s.kind == "client"
    assert s.start_ns == _ns("2026-03-01T10:00:00")
    assert s.end_ns - s.start_ns == 1500 * 10**6
    assert s.parent_span_id is None
    assert not s.error
    assert s.attributes == {
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
        "llm.cost.actual": 0.009,
        "llm.latency_ms": 1500,
        "llm.task.type": "review",
        "llm.tier": "capable",
        "llm.success": True,
        "llm.fallback.used": True,
        "llm.fallback.chain": ["openai:capable", "anthropic:capable"],
        "llm.fallback.original_provider": "openai",
        "llm.fallback.original_model": "gpt-4o",
        "llm.retry_count": 2,
        "llm.circuit_breaker.state": "half-open",
        "workflow.name": "code-review",
        "workflow.step": "analyze",
        "session.id": "s1",
        "user.id": "u1",
    }


def test_failed_call_is_an_error_with_message_and_type() -> None:
    rec = LLMCallRecord.model_validate(
        call(2, success=False, error_type="RateLimitError", error_message="429 slow down")
    )
    s = call_to_span(rec, UTC)
    assert s.error
    assert s.status_message == "429 slow down"
    assert s.attributes["error.type"] == "RateLimitError"
    assert s.attributes["llm.success"] is False
    bare = call_to_span(LLMCallRecord.model_validate(call(3, success=False)), UTC)
    assert bare.attributes["error.type"] == "_OTHER"
    assert bare.status_message == "call failed"


def test_missing_values_are_left_out_not_null() -> None:
    rec = LLMCallRecord.model_validate(
        {"call_id": "c", "timestamp": "2026-03-01T10:00:00+02:00", "estimated_cost": math.nan}
    )
    s = call_to_span(rec, UTC)
    assert s.name == "chat"
    assert s.start_ns == _ns("2026-03-01T08:00:00")
    for key in ("llm.cost", "gen_ai.request.model", "workflow.name", "session.id", "user.id"):
        assert key not in s.attributes
    assert all(v is not None for v in s.attributes.values())


def test_ids_are_deterministic_and_distinct() -> None:
    a = call_to_span(LLMCallRecord.model_validate(call(1)), UTC)
    b = call_to_span(LLMCallRecord.model_validate(call(1)), UTC)
    c = call_to_span(LLMCallRecord.model_validate(call(2)), UTC)
    assert (a.trace_id, a.span_id) == (b.trace_id, b.span_id)
    assert a.trace_id != c.trace_id and a.span_id != c.span_id
    assert a.span_id == call_span_id("call-000001")
    assert a.trace_id == trace_id_for("call:call-000001")
    assert 0 < a.trace_id < 2**128 and 0 < a.span_id < 2**64


def test_run_becomes_root_plus_stages_in_sequence() -> None:
    rec = WorkflowRunRecord.model_validate(run("r1"))
    spans = run_to_spans(rec, UTC)
    root, triage, deep, analyze = spans
    assert root.name == "invoke_workflow code-review"
    assert root.kind == "internal" and root.parent_span_id is None
    assert (root.start_ns, root.end_ns) == (
        _ns("2026-03-01T10:00:00"),
        _ns("2026-03-01T10:00:10"),
    )
    assert root.attributes["gen_ai.operation.name"] == "invoke_workflow"
    assert root.attributes["workflow.run_id"] == "r1"
    assert root.attributes["workflow.total_cost"] == 0.011
    assert root.attributes["workflow.savings_percent"] == 78.0
    assert root.attributes["workflow.stage_count"] == 3
    assert root.attributes["workflow.stages_skipped"] == 1
    assert root.attributes["workflow.tiers_used"] == ["cheap", "capable"]
    for st in (triage, deep, analyze):
        assert st.trace_id == root.trace_id == run_trace_id("r1")
        assert st.parent_span_id == root.span_id == run_span_id("r1")
    assert [s.name for s in spans[1:]] == ["stage triage", "stage deep", "stage analyze"]
    assert triage.start_ns == root.start_ns
    assert triage.end_ns == root.start_ns + 2 * 10**9
    assert deep.start_ns == deep.end_ns == triage.end_ns
    assert deep.attributes["workflow.stage.skipped"] is True
    assert deep.attributes["workflow.stage.skip_reason"] == "small diff"
    assert not deep.error
    assert analyze.start_ns == triage.end_ns
    assert analyze.end_ns == analyze.start_ns + 5 * 10**9
    assert analyze.attributes["workflow.stage.index"] == 2
    assert analyze.attributes["workflow.stage.model"] == "claude-sonnet-4"


def test_failed_run_and_stage_and_missing_completed_at() -> None:
    d = run("r2", success=False, error="boom", completed_at=None, total_duration_ms=4000)
    d["stages"][2]["success"] = False
    d["stages"][2]["error"] = "stage exploded"
    root, _, _, analyze = run_to_spans(WorkflowRunRecord.model_validate(d), UTC)
    assert root.error and root.status_message == "boom"
    assert root.attributes["error.type"] == "_OTHER"
    assert root.end_ns - root.start_ns == 4 * 10**9
    assert analyze.error and analyze.status_message == "stage exploded"


def test_call_with_run_id_is_parented_under_the_run() -> None:
    rec = LLMCallRecord.model_validate(call(5, metadata={"run_id": "r1"}))
    s = call_to_span(rec, UTC)
    assert s.trace_id == run_trace_id("r1")
    assert s.parent_span_id == run_span_id("r1")
    assert s.attributes["workflow.run_id"] == "r1"


def test_parse_record_and_errors() -> None:
    assert isinstance(parse_record(call(1)), LLMCallRecord)
    assert isinstance(parse_record(run("r")), WorkflowRunRecord)
    with pytest.raises(MappingError, match="no call_id or run_id"):
        parse_record({"foo": 1})
    with pytest.raises(MappingError, match="input_tokens"):
        parse_record(call(1, input_tokens="lots"))
    bad = LLMCallRecord.model_validate(call(1, timestamp="yesterday"))
    with pytest.raises(MappingError, match="ISO 8601"):
        record_to_spans(bad, UTC)


def test_metric_accumulator_buckets_and_attributes() -> None:
    acc = MetricAccumulator()
    for rec in (
        call(1, input_tokens=1000, output_tokens=4, latency_ms=10),
        call(2, input_tokens=1, output_tokens=5, latency_ms=2000),
        call(3, provider="openai", model_id="gpt-4o", tier="premium", estimated_cost=0.5),
        call(4, success=False, error_type="Timeout", latency_ms=30000),
        call(5, estimated_cost=math.nan),
    ):
        r = LLMCallRecord.model_validate(rec)
        acc.add(r, call_to_span(r, UTC))
    by_name = {s.name: s for s in acc.series()}
    assert set(by_name) == {
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.duration",
        "llm.cost",
    }
    tokens = {
        (p.attributes["gen_ai.provider.name"], p.attributes["gen_ai.token.type"]): p
        for p in by_name["gen_ai.client.token.usage"].points
    }
    inp = tokens[("anthropic", "input")]
    assert inp.count == 4 and inp.min == 1 and inp.max == 1205  # type: ignore[union-attr]
    assert inp.bucket_counts[0] == 1  # type: ignore[union-attr]  # value 1 is in (-inf, 1]
    assert sum(inp.bucket_counts) == 4  # type: ignore[union-attr]
    assert len(inp.bucket_counts) == len(TOKEN_BOUNDS) + 1  # type: ignore[union-attr]
    out = tokens[("anthropic", "output")]
    assert out.bucket_counts[1] == 1 and out.bucket_counts[2] == 1  # type: ignore[union-attr]
    dur = by_name["gen_ai.client.operation.duration"]
    err = [p for p in dur.points if p.attributes.get("error.type") == "Timeout"]
    assert len(err) == 1 and err[0].sum == 30.0  # type: ignore[union-attr]
    ok = next(
        p
        for p in dur.points
        if "error.type" not in p.attributes and p.attributes["gen_ai.provider.name"] == "anthropic"
    )
    assert ok.count == 3 and ok.bucket_counts[0] == 1  # type: ignore[union-attr]
    assert len(ok.bucket_counts) == len(DURATION_BOUNDS) + 1  # type: ignore[union-attr]
    cost = {p.attributes["llm.tier"]: p.value for p in by_name["llm.cost"].points}  # type: ignore[union-attr]
    assert cost["premium"] == 0.5
    assert cost["capable"] == pytest.approx(0.0081 * 3)  # the NaN cost is left out
    assert acc.start_ns == _ns("2026-03-01T10:00:01") + 250_000_000
    assert MetricAccumulator().series() == []
