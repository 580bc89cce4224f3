"""Pure mapping of telemetry records to OpenTelemetry span and metric data.

No IO and no ``opentelemetry`` import: the spans and points are plain values (``values.py``, with
the deterministic ids) that ``otel.otlp`` turns into SDK objects; calls become metric points in
``metrics.py``.

Names follow the OTel GenAI semantic conventions (v1.41, "Development") where a name exists and the
Empathy spec's ``llm.*`` / ``workflow.*`` namespace where none does (cost, tier, fallback, retry,
circuit breaker).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..ingest.format import record_kind
from ..records import MAX_LATENCY_MS, LLMCallRecord, WorkflowRunRecord
from ..timeparse import TimestampParser
from ..validation import describe
from .metrics import MetricAccumulator, calls_metrics
from .values import (
    DURATION_BOUNDS,
    MS_NS,
    OTHER_ERROR,
    SCOPE_NAME,
    TOKEN_BOUNDS,
    Attributes,
    HistogramPoint,
    MappingError,
    MetricSeries,
    SpanData,
    SumPoint,
    call_span_id,
    put,
    run_id_of,
    run_span_id,
    run_trace_id,
    stage_span_id,
    to_ns,
    trace_id_for,
)

# The names callers (and tests) import from here; the values and metrics live beside.
__all__ = [
    "DURATION_BOUNDS",
    "SCOPE_NAME",
    "TOKEN_BOUNDS",
    "CallCost",
    "HistogramPoint",
    "MappingError",
    "MetricAccumulator",
    "MetricSeries",
    "SpanData",
    "SumPoint",
    "call_attributes",
    "call_span_id",
    "call_to_span",
    "calls_metrics",
    "parse_record",
    "record_to_spans",
    "run_attributes",
    "run_span_id",
    "run_to_spans",
    "run_trace_id",
    "trace_id_for",
]


# -- calls ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallCost:
    """A call's cost in the workspace's cost mode and its prompt-cache tokens (the exporter
    computes them with the price book; without one, the writer's figure and no cache tokens)."""

    usd: float
    source: str
    cache_read: int = 0
    cache_write: int = 0


def call_attributes(rec: LLMCallRecord, cost: CallCost | None = None) -> Attributes:
    """Every attribute of a call span: GenAI names, ``llm.*``, workflow, session and user."""
    a: Attributes = {"gen_ai.operation.name": "chat"}
    put(a, "gen_ai.provider.name", rec.provider)
    put(a, "gen_ai.request.model", rec.model_id)
    a["gen_ai.usage.input_tokens"] = rec.input_tokens
    a["gen_ai.usage.output_tokens"] = rec.output_tokens
    if not rec.success:
        a["error.type"] = rec.error_type or OTHER_ERROR
    put(a, "llm.call_id", rec.call_id)
    put(a, "llm.provider", rec.provider)
    put(a, "llm.model", rec.model_id)
    a["llm.tokens.input"] = rec.input_tokens
    a["llm.tokens.output"] = rec.output_tokens
    put(a, "llm.cost", float(rec.estimated_cost) if cost is None else cost.usd)
    if cost is not None:
        if cost.cache_read:
            a["gen_ai.usage.cache_read.input_tokens"] = cost.cache_read
        if cost.cache_write:
            a["gen_ai.usage.cache_creation.input_tokens"] = cost.cache_write
    if rec.actual_cost is not None:
        put(a, "llm.cost.actual", float(rec.actual_cost))
    a["llm.latency_ms"] = rec.latency_ms
    put(a, "llm.task.type", rec.task_type)
    put(a, "llm.tier", rec.tier)
    a["llm.success"] = rec.success
    a["llm.fallback.used"] = rec.fallback_used
    put(a, "llm.fallback.chain", rec.fallback_chain)
    put(a, "llm.fallback.original_provider", rec.original_provider)
    put(a, "llm.fallback.original_model", rec.original_model)
    a["llm.retry_count"] = rec.retry_count
    put(a, "llm.circuit_breaker.state", rec.circuit_breaker_state)
    put(a, "llm.error.type", rec.error_type)
    put(a, "workflow.name", rec.workflow_name)
    put(a, "workflow.step", rec.step_name)
    put(a, "workflow.run_id", run_id_of(rec))
    put(a, "session.id", rec.session_id)
    put(a, "user.id", rec.user_id)
    return a


def call_to_span(
    rec: LLMCallRecord, parser: TimestampParser, cost: CallCost | None = None
) -> SpanData:
    """A CLIENT span ``chat {model}`` from ``timestamp`` lasting ``latency_ms``.

    A call whose ``metadata.run_id`` names a run joins that run's trace as a child of its root.

    Raises:
        MappingError: when the timestamp is not ISO 8601.
    """
    try:
        start = to_ns(parser.epoch(rec.timestamp))
    except (ValueError, IndexError, OverflowError) as exc:
        raise MappingError(f"timestamp {rec.timestamp!r} is not ISO 8601") from exc
    latency = min(max(rec.latency_ms, 0), MAX_LATENCY_MS)
    run_id = run_id_of(rec)
    if run_id is not None:
        trace_id, parent = run_trace_id(run_id), run_span_id(run_id)
    else:
        trace_id, parent = trace_id_for(f"call:{rec.call_id}"), None
    message = None
    if not rec.success:
        message = rec.error_message or rec.error_type or "call failed"
    return SpanData(
        name=f"chat {rec.model_id}" if rec.model_id else "chat",
        kind="client",
        trace_id=trace_id,
        span_id=call_span_id(rec.call_id),
        parent_span_id=parent,
        start_ns=start,
        end_ns=start + latency * MS_NS,
        attributes=call_attributes(rec, cost),
        error=not rec.success,
        status_message=message,
    )


# -- runs ----------------------------------------------------------------------------------------
def run_attributes(rec: WorkflowRunRecord) -> Attributes:
    """Attributes of the ``invoke_workflow`` root span."""
    a: Attributes = {"gen_ai.operation.name": "invoke_workflow"}
    put(a, "gen_ai.workflow.name", rec.workflow_name)
    put(a, "workflow.name", rec.workflow_name)
    put(a, "workflow.run_id", rec.run_id)
    a["workflow.success"] = rec.success
    put(a, "workflow.total_cost", float(rec.total_cost))
    put(a, "workflow.baseline_cost", float(rec.baseline_cost))
    put(a, "workflow.savings", float(rec.savings))
    put(a, "workflow.savings_percent", float(rec.savings_percent))
    a["workflow.total_input_tokens"] = rec.total_input_tokens
    a["workflow.total_output_tokens"] = rec.total_output_tokens
    a["workflow.duration_ms"] = rec.total_duration_ms
    a["workflow.stage_count"] = len(rec.stages)
    a["workflow.stages_skipped"] = sum(1 for s in rec.stages if s.skipped)
    put(a, "workflow.providers_used", rec.providers_used)
    put(a, "workflow.tiers_used", rec.tiers_used)
    put(a, "workflow.trigger", rec.trigger)
    put(a, "workflow.project", rec.project)
    put(a, "workflow.error", rec.error)
    if not rec.success:
        a["error.type"] = OTHER_ERROR
    put(a, "session.id", rec.session_id)
    put(a, "user.id", rec.user_id)
    return a


def run_to_spans(rec: WorkflowRunRecord, parser: TimestampParser) -> list[SpanData]:
    """The run's INTERNAL root span ``invoke_workflow {name}`` and one child per stage.

    The root spans ``started_at``..``completed_at`` (or ``total_duration_ms`` when there is no
    ``completed_at``). Stages are laid out one after another from ``started_at``, each lasting its
    ``latency_ms``; a skipped stage has zero length and ``workflow.stage.skipped = true``.

    Raises:
        MappingError: when a timestamp is not ISO 8601.
    """
    try:
        start = to_ns(parser.epoch(rec.started_at))
        end = to_ns(parser.epoch(rec.completed_at)) if rec.completed_at else None
    except (ValueError, IndexError, OverflowError) as exc:
        raise MappingError("started_at/completed_at is not ISO 8601") from exc
    if end is None:
        end = start + min(max(rec.total_duration_ms, 0), MAX_LATENCY_MS * 7) * MS_NS
    end = max(end, start)
    trace_id = run_trace_id(rec.run_id)
    root_id = run_span_id(rec.run_id)
    spans = [
        SpanData(
            name=f"invoke_workflow {rec.workflow_name}",
            kind="internal",
            trace_id=trace_id,
            span_id=root_id,
            parent_span_id=None,
            start_ns=start,
            end_ns=end,
            attributes=run_attributes(rec),
            error=not rec.success,
            status_message=(rec.error or "workflow failed") if not rec.success else None,
        )
    ]
    t = start
    for i, st in enumerate(rec.stages):
        dur = 0 if st.skipped else min(max(st.latency_ms, 0), MAX_LATENCY_MS) * MS_NS
        a: Attributes = {}
        put(a, "workflow.name", rec.workflow_name)
        put(a, "workflow.run_id", rec.run_id)
        put(a, "workflow.stage.name", st.stage_name)
        a["workflow.stage.index"] = i
        put(a, "workflow.stage.tier", st.tier)
        put(a, "workflow.stage.model", st.model_id)
        a["workflow.stage.skipped"] = st.skipped
        put(a, "workflow.stage.skip_reason", st.skip_reason)
        a["workflow.stage.success"] = st.success
        a["workflow.stage.input_tokens"] = st.input_tokens
        a["workflow.stage.output_tokens"] = st.output_tokens
        split = st.cache()  # the same cache names as on a call (see records.cache_split)
        if split is not None:
            if split[1]:
                a["gen_ai.usage.cache_read.input_tokens"] = split[1]
            if split[2] + split[3]:
                a["gen_ai.usage.cache_creation.input_tokens"] = split[2] + split[3]
        put(a, "workflow.stage.cost", float(st.cost))
        a["workflow.stage.latency_ms"] = st.latency_ms
        put(a, "workflow.stage.error", st.error)
        put(a, "llm.tier", st.tier)
        put(a, "llm.model", st.model_id)
        failed = not st.success and not st.skipped
        if failed:
            a["error.type"] = OTHER_ERROR
        spans.append(
            SpanData(
                name=f"stage {st.stage_name}",
                kind="internal",
                trace_id=trace_id,
                span_id=stage_span_id(rec.run_id, i),
                parent_span_id=root_id,
                start_ns=t,
                end_ns=t + dur,
                attributes=a,
                error=failed,
                status_message=(st.error or "stage failed") if failed else None,
            )
        )
        t += dur
    return spans


# -- raw dicts -----------------------------------------------------------------------------------
def parse_record(d: Mapping[str, Any]) -> LLMCallRecord | WorkflowRunRecord:
    """Validate a decoded line as a call or a run (as its log format tells them apart).

    Raises:
        MappingError: when it is neither, or fails validation.
    """
    kind = record_kind(d)
    try:
        if kind == "call":
            return LLMCallRecord.model_validate(d)
        if kind == "run":
            return WorkflowRunRecord.model_validate(d)
    except ValidationError as exc:
        raise MappingError(describe(exc, limit=1, count_rest=False, lower=True)) from exc
    raise MappingError("not a telemetry record (no call_id or run_id)")


def record_to_spans(
    rec: LLMCallRecord | WorkflowRunRecord,
    parser: TimestampParser,
    cost: CallCost | None = None,
) -> list[SpanData]:
    """Spans of one record (one for a call, 1 + stages for a run).

    Raises:
        MappingError: when a timestamp is unreadable.
    """
    if isinstance(rec, LLMCallRecord):
        return [call_to_span(rec, parser, cost)]
    return run_to_spans(rec, parser)
