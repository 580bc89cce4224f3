"""Our plain spans and metric points as OpenTelemetry SDK objects (``ReadableSpan`` with our own
ids and historic times, delta ``MetricsData``), ready for the SDK's OTLP exporters.

Import this module only after :func:`empathy_monitor.otel.otel_available` said yes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

from .. import __version__
from .config import OtelConfig
from .values import HistogramPoint, MetricSeries, SpanData, SumPoint


def make_resource(cfg: OtelConfig) -> Resource:
    attrs: dict[str, Any] = {
        "telemetry.sdk.language": "python",
        "telemetry.sdk.name": "opentelemetry",
        "service.version": __version__,
    }
    attrs.update(cfg.resource())
    return Resource(attrs)


_KINDS = {"client": SpanKind.CLIENT, "internal": SpanKind.INTERNAL}
_SAMPLED = TraceFlags(TraceFlags.SAMPLED)


def to_readable_span(s: SpanData, resource: Resource, scope: InstrumentationScope) -> ReadableSpan:
    """A finished SDK span carrying exactly our ids and times."""
    ctx = SpanContext(s.trace_id, s.span_id, is_remote=False, trace_flags=_SAMPLED)
    parent = (
        SpanContext(s.trace_id, s.parent_span_id, is_remote=False, trace_flags=_SAMPLED)
        if s.parent_span_id is not None
        else None
    )
    status = Status(StatusCode.ERROR, s.status_message) if s.error else Status(StatusCode.UNSET)
    return ReadableSpan(
        name=s.name,
        context=ctx,
        parent=parent,
        resource=resource,
        attributes=s.attributes,
        kind=_KINDS[s.kind],
        status=status,
        start_time=s.start_ns,
        end_time=s.end_ns,
        instrumentation_scope=scope,
    )


def to_metrics_data(
    series: Sequence[MetricSeries],
    start_ns: int,
    end_ns: int,
    resource: Resource,
    scope: InstrumentationScope,
) -> MetricsData:
    """Delta-temporality OTLP metrics for one batch of calls."""
    metrics: list[Metric] = []
    for m in series:
        data: Histogram | Sum
        if m.kind == "histogram":
            data = Histogram(
                data_points=[
                    _hist(p, start_ns, end_ns) for p in m.points if isinstance(p, HistogramPoint)
                ],
                aggregation_temporality=AggregationTemporality.DELTA,
            )
        else:
            data = Sum(
                data_points=[
                    NumberDataPoint(
                        attributes=p.attributes,
                        start_time_unix_nano=start_ns,
                        time_unix_nano=end_ns,
                        value=p.value,
                    )
                    for p in m.points
                    if isinstance(p, SumPoint)
                ],
                aggregation_temporality=AggregationTemporality.DELTA,
                is_monotonic=True,
            )
        metrics.append(Metric(name=m.name, description=m.description, unit=m.unit, data=data))
    return MetricsData(
        resource_metrics=[
            ResourceMetrics(
                resource=resource,
                scope_metrics=[ScopeMetrics(scope=scope, metrics=metrics, schema_url="")],
                schema_url="",
            )
        ]
    )


def _hist(p: HistogramPoint, start_ns: int, end_ns: int) -> HistogramDataPoint:
    return HistogramDataPoint(
        attributes=p.attributes,
        start_time_unix_nano=start_ns,
        time_unix_nano=end_ns,
        count=p.count,
        sum=p.sum,
        bucket_counts=list(p.bucket_counts),
        explicit_bounds=list(p.bounds),
        min=p.min,
        max=p.max,
    )
