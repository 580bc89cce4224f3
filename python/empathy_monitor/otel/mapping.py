"""Pure mapping of telemetry records to OpenTelemetry span and metric data.

No IO and no ``opentelemetry`` import: :class:`SpanData` and :class:`MetricSeries` are plain values
that ``otel.otlp`` turns into SDK objects. Trace and span ids are derived from ``call_id`` /
``run_id`` with BLAKE2b, so exporting the same record twice yields the same ids and a backend can
recognise (or de-duplicate) a re-export.

Names follow the OTel GenAI semantic conventions (v1.41, "Development") where a name exists and the
Empathy spec's ``llm.*`` / ``workflow.*`` namespace where none does (cost, tier, fallback, retry,
circuit breaker).
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from ..ingest.format import record_kind
from ..records import (
    MAX_COST_PER_CALL,
    MAX_LATENCY_MS,
    MAX_TOKENS_PER_CALL,
    LLMCallRecord,
    WorkflowRunRecord,
)
from ..timeparse import TimestampParser
from ..validation import describe

AttrValue = str | bool | int | float | Sequence[str]
Attributes = dict[str, AttrValue]
SpanKind = Literal["client", "internal"]

NS = 1_000_000_000
MS_NS = 1_000_000
OTHER_ERROR = "_OTHER"  # the GenAI/semconv fallback value of error.type
SCOPE_NAME = "empathy_monitor.otel"

# Explicit bucket boundaries advised by the GenAI metric conventions.
TOKEN_BOUNDS: tuple[float, ...] = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)  # fmt: skip
DURATION_BOUNDS: tuple[float, ...] = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip

TOKEN_USAGE = "gen_ai.client.token.usage"
OPERATION_DURATION = "gen_ai.client.operation.duration"
COST_COUNTER = "llm.cost"


class MappingError(ValueError):
    """A record that cannot become a span (missing/invalid fields or an unreadable timestamp)."""


@dataclass(frozen=True, slots=True)
class SpanData:
    """One span, ready to hand to an exporter. Times are epoch nanoseconds."""

    name: str
    kind: SpanKind
    trace_id: int
    span_id: int
    parent_span_id: int | None
    start_ns: int
    end_ns: int
    attributes: Attributes
    error: bool = False
    status_message: str | None = None


@dataclass(slots=True)
class HistogramPoint:
    """One histogram data point (delta over the batch)."""

    attributes: Attributes
    bounds: tuple[float, ...]
    bucket_counts: list[int]
    count: int = 0
    sum: float = 0.0
    min: float = math.inf
    max: float = -math.inf

    def add(self, value: float) -> None:
        self.bucket_counts[bisect_left(self.bounds, value)] += 1
        self.count += 1
        self.sum += value
        self.min = min(self.min, value)
        self.max = max(self.max, value)


@dataclass(slots=True)
class SumPoint:
    """One monotonic counter data point (delta over the batch)."""

    attributes: Attributes
    value: float = 0.0


@dataclass(slots=True)
class MetricSeries:
    """One metric with its points; ``kind`` says which point type ``points`` holds."""

    name: str
    description: str
    unit: str
    kind: Literal["histogram", "sum"]
    points: list[HistogramPoint] | list[SumPoint]


# -- ids -----------------------------------------------------------------------------------------
def _hash_int(key: str, size: int) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=size, person=b"empathy-otel").digest()
    return int.from_bytes(digest, "big") or 1  # an all-zero id is invalid in OTLP


def trace_id_for(key: str) -> int:
    """128-bit trace id of a run (``run:<run_id>``) or a stand-alone call (``call:<call_id>``)."""
    return _hash_int(key, 16)


def span_id_for(key: str) -> int:
    """64-bit span id for a key such as ``call:<call_id>`` or ``run:<run_id>``."""
    return _hash_int(key, 8)


def run_trace_id(run_id: str) -> int:
    return trace_id_for(f"run:{run_id}")


def run_span_id(run_id: str) -> int:
    return span_id_for(f"run:{run_id}")


def stage_span_id(run_id: str, index: int) -> int:
    return span_id_for(f"stage:{run_id}:{index}")


def call_span_id(call_id: str) -> int:
    return span_id_for(f"call:{call_id}")


# -- helpers -------------------------------------------------------------------------------------
def _finite(v: float) -> bool:
    return not (math.isnan(v) or math.isinf(v))


def _put(attrs: Attributes, key: str, value: Any) -> None:
    """Set an attribute unless it is ``None``, empty or a non-finite float (OTel has no null)."""
    if value is None:
        return
    if isinstance(value, float) and not _finite(value):
        return
    if isinstance(value, (list, tuple)):
        items = [str(x) for x in value if x is not None]
        if items:
            attrs[key] = items
        return
    if isinstance(value, str) and value == "":
        return
    attrs[key] = value


def _ns(epoch_s: float) -> int:
    # Writers stamp microseconds; a float epoch holds them exactly only after rounding to µs.
    return round(epoch_s * 1_000_000) * 1000


def run_id_of(rec: LLMCallRecord) -> str | None:
    """The workflow run a call belongs to (``metadata.run_id``), if any."""
    rid = rec.metadata.get("run_id")
    return rid if isinstance(rid, str) and rid else None


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
    _put(a, "gen_ai.provider.name", rec.provider)
    _put(a, "gen_ai.request.model", rec.model_id)
    a["gen_ai.usage.input_tokens"] = rec.input_tokens
    a["gen_ai.usage.output_tokens"] = rec.output_tokens
    if not rec.success:
        a["error.type"] = rec.error_type or OTHER_ERROR
    _put(a, "llm.call_id", rec.call_id)
    _put(a, "llm.provider", rec.provider)
    _put(a, "llm.model", rec.model_id)
    a["llm.tokens.input"] = rec.input_tokens
    a["llm.tokens.output"] = rec.output_tokens
    _put(a, "llm.cost", float(rec.estimated_cost) if cost is None else cost.usd)
    if cost is not None:
        if cost.cache_read:
            a["gen_ai.usage.cache_read.input_tokens"] = cost.cache_read
        if cost.cache_write:
            a["gen_ai.usage.cache_creation.input_tokens"] = cost.cache_write
    if rec.actual_cost is not None:
        _put(a, "llm.cost.actual", float(rec.actual_cost))
    a["llm.latency_ms"] = rec.latency_ms
    _put(a, "llm.task.type", rec.task_type)
    _put(a, "llm.tier", rec.tier)
    a["llm.success"] = rec.success
    a["llm.fallback.used"] = rec.fallback_used
    _put(a, "llm.fallback.chain", rec.fallback_chain)
    _put(a, "llm.fallback.original_provider", rec.original_provider)
    _put(a, "llm.fallback.original_model", rec.original_model)
    a["llm.retry_count"] = rec.retry_count
    _put(a, "llm.circuit_breaker.state", rec.circuit_breaker_state)
    _put(a, "llm.error.type", rec.error_type)
    _put(a, "workflow.name", rec.workflow_name)
    _put(a, "workflow.step", rec.step_name)
    _put(a, "workflow.run_id", run_id_of(rec))
    _put(a, "session.id", rec.session_id)
    _put(a, "user.id", rec.user_id)
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
        start = _ns(parser.epoch(rec.timestamp))
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
    _put(a, "gen_ai.workflow.name", rec.workflow_name)
    _put(a, "workflow.name", rec.workflow_name)
    _put(a, "workflow.run_id", rec.run_id)
    a["workflow.success"] = rec.success
    _put(a, "workflow.total_cost", float(rec.total_cost))
    _put(a, "workflow.baseline_cost", float(rec.baseline_cost))
    _put(a, "workflow.savings", float(rec.savings))
    _put(a, "workflow.savings_percent", float(rec.savings_percent))
    a["workflow.total_input_tokens"] = rec.total_input_tokens
    a["workflow.total_output_tokens"] = rec.total_output_tokens
    a["workflow.duration_ms"] = rec.total_duration_ms
    a["workflow.stage_count"] = len(rec.stages)
    a["workflow.stages_skipped"] = sum(1 for s in rec.stages if s.skipped)
    _put(a, "workflow.providers_used", rec.providers_used)
    _put(a, "workflow.tiers_used", rec.tiers_used)
    _put(a, "workflow.trigger", rec.trigger)
    _put(a, "workflow.project", rec.project)
    _put(a, "workflow.error", rec.error)
    if not rec.success:
        a["error.type"] = OTHER_ERROR
    _put(a, "session.id", rec.session_id)
    _put(a, "user.id", rec.user_id)
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
        start = _ns(parser.epoch(rec.started_at))
        end = _ns(parser.epoch(rec.completed_at)) if rec.completed_at else None
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
        _put(a, "workflow.name", rec.workflow_name)
        _put(a, "workflow.run_id", rec.run_id)
        _put(a, "workflow.stage.name", st.stage_name)
        a["workflow.stage.index"] = i
        _put(a, "workflow.stage.tier", st.tier)
        _put(a, "workflow.stage.model", st.model_id)
        a["workflow.stage.skipped"] = st.skipped
        _put(a, "workflow.stage.skip_reason", st.skip_reason)
        a["workflow.stage.success"] = st.success
        a["workflow.stage.input_tokens"] = st.input_tokens
        a["workflow.stage.output_tokens"] = st.output_tokens
        split = st.cache()  # the same cache names as on a call (see records.cache_split)
        if split is not None:
            if split[1]:
                a["gen_ai.usage.cache_read.input_tokens"] = split[1]
            if split[2] + split[3]:
                a["gen_ai.usage.cache_creation.input_tokens"] = split[2] + split[3]
        _put(a, "workflow.stage.cost", float(st.cost))
        a["workflow.stage.latency_ms"] = st.latency_ms
        _put(a, "workflow.stage.error", st.error)
        _put(a, "llm.tier", st.tier)
        _put(a, "llm.model", st.model_id)
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


# -- metrics -------------------------------------------------------------------------------------
@dataclass
class MetricAccumulator:
    """Aggregates calls into delta metric points over one batch (pure)."""

    tokens: dict[tuple[Any, ...], HistogramPoint] = field(default_factory=dict)
    duration: dict[tuple[Any, ...], HistogramPoint] = field(default_factory=dict)
    cost: dict[tuple[Any, ...], SumPoint] = field(default_factory=dict)
    start_ns: int | None = None
    end_ns: int | None = None
    calls: int = 0

    def add(self, rec: LLMCallRecord, span: SpanData, cost_usd: float | None = None) -> None:
        """Add one call; ``span`` supplies the already parsed start/end times."""
        self.calls += 1
        self.start_ns = (
            span.start_ns if self.start_ns is None else min(self.start_ns, span.start_ns)
        )
        self.end_ns = span.end_ns if self.end_ns is None else max(self.end_ns, span.end_ns)
        base = (rec.provider, rec.model_id, rec.tier)
        common: Attributes = {"gen_ai.operation.name": "chat"}
        _put(common, "gen_ai.provider.name", rec.provider)
        _put(common, "gen_ai.request.model", rec.model_id)
        _put(common, "llm.tier", rec.tier)
        for kind, n in (("input", rec.input_tokens), ("output", rec.output_tokens)):
            if 0 <= n <= MAX_TOKENS_PER_CALL:
                key = (*base, kind)
                pt = self.tokens.get(key)
                if pt is None:
                    pt = self.tokens[key] = HistogramPoint(
                        {**common, "gen_ai.token.type": kind},
                        TOKEN_BOUNDS,
                        [0] * (len(TOKEN_BOUNDS) + 1),
                    )
                pt.add(float(n))
        if 0 <= rec.latency_ms <= MAX_LATENCY_MS:
            err = None if rec.success else (rec.error_type or OTHER_ERROR)
            dkey: tuple[Any, ...] = (*base, err)
            pt = self.duration.get(dkey)
            if pt is None:
                attrs = dict(common)
                _put(attrs, "error.type", err)
                pt = self.duration[dkey] = HistogramPoint(
                    attrs, DURATION_BOUNDS, [0] * (len(DURATION_BOUNDS) + 1)
                )
            pt.add(rec.latency_ms / 1000.0)
        cost = rec.estimated_cost if cost_usd is None else cost_usd
        if _finite(cost) and 0.0 <= cost <= MAX_COST_PER_CALL:
            sp = self.cost.get(base)
            if sp is None:
                sp = self.cost[base] = SumPoint(dict(common))
            sp.value += cost

    def series(self) -> list[MetricSeries]:
        """The batch's metrics; empty when no call was added."""
        if not self.calls:
            return []
        out = [
            MetricSeries(
                TOKEN_USAGE, "Number of input and output tokens used", "{token}", "histogram",
                list(self.tokens.values()),
            ),
            MetricSeries(
                OPERATION_DURATION, "GenAI operation duration", "s", "histogram",
                list(self.duration.values()),
            ),
            MetricSeries(
                COST_COUNTER, "Estimated cost of LLM calls", "USD", "sum", list(self.cost.values())
            ),
        ]  # fmt: skip
        return [s for s in out if s.points]


def calls_metrics(
    pairs: Iterable[tuple[LLMCallRecord, SpanData]],
) -> tuple[list[MetricSeries], int, int]:
    """Metrics of some calls with their spans: ``(series, start_ns, end_ns)``."""
    acc = MetricAccumulator()
    for rec, span in pairs:
        acc.add(rec, span)
    return acc.series(), acc.start_ns or 0, acc.end_ns or 0
