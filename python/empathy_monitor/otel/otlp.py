"""The only module that imports ``opentelemetry``: SDK objects and OTLP exporters.

Spans are built as ``ReadableSpan`` objects with our own ids and historic start/end times and sent
with the SDK's ``OTLPSpanExporter`` (gRPC or HTTP/protobuf) directly, not through a tracer or a
batch processor: the processor's queue would drop spans when full and could not tell us which
batch the collector acknowledged. ``export`` returns only when the collector answered; a failure
raises :class:`ExportFailed` with the reason the SDK logged.

Import this module only after :func:`empathy_monitor.otel.otel_available` said yes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricExportResult,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

from .. import __version__
from .config import OtelConfig
from .sink import ExportFailed, SpanSink
from .values import SCOPE_NAME, HistogramPoint, MetricSeries, SpanData, SumPoint

_SDK_LOGGER = "opentelemetry.exporter"


class _LastError(logging.Filter):
    """Keeps the last WARNING+ message the SDK exporters logged in this thread.

    The SDK returns a bare FAILURE and logs the reason; we want the reason in ``status``. It is a
    filter placed first on the exporter loggers, because the SDK's own ``DuplicateFilter`` drops
    a repeated message (every retry against a down collector) before any handler sees it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            try:
                self.local.message = record.getMessage()
            except Exception:  # a bad log format must never break export
                self.local.message = str(record.msg)
        return True

    @contextmanager
    def capture(self) -> Iterator[list[str]]:
        self.local.message = None
        box: list[str] = []
        try:
            yield box
        finally:
            if self.local.message:
                box.append(self.local.message)


_capture = _LastError()


def _watch_sdk_loggers() -> None:
    from opentelemetry.exporter.otlp.proto.grpc import exporter as grpc_exporter
    from opentelemetry.exporter.otlp.proto.http import metric_exporter, trace_exporter

    names = {
        grpc_exporter.__name__,
        trace_exporter.__name__,
        metric_exporter.__name__,
        "opentelemetry.exporter.otlp.proto.http._common",
        "opentelemetry.exporter.otlp.proto.http._common._http",
        _SDK_LOGGER,
    }
    for name in names:
        lg = logging.getLogger(name)
        if _capture not in lg.filters:
            lg.filters.insert(0, _capture)
    # We report failures ourselves (status, last_error); the SDK would log every retry to stderr.
    logging.getLogger(_SDK_LOGGER).propagate = False


_watch_sdk_loggers()


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


class OtlpSink:
    """Sends spans and metrics to the configured collector; raises :class:`ExportFailed`."""

    def __init__(self, cfg: OtelConfig) -> None:
        if cfg.endpoint is None:
            raise ValueError("OtlpSink needs an endpoint")
        self.cfg = cfg
        self.resource = make_resource(cfg)
        self.scope = InstrumentationScope(SCOPE_NAME, __version__)
        self._spans: Any = None
        self._metrics: Any = None
        self._last_reason: str | None = None

    def _span_exporter(self) -> Any:
        if self._spans is None:
            self._spans = self._make("traces")
        return self._spans

    def _metric_exporter(self) -> Any:
        if self._metrics is None:
            self._metrics = self._make("metrics")
        return self._metrics

    def _make(self, signal: str) -> Any:
        cfg = self.cfg
        url = cfg.signal_url("traces" if signal == "traces" else "metrics")
        if cfg.protocol == "grpc":
            # gRPC metadata keys must be lowercase.
            headers = {k.lower(): v for k, v in cfg.headers.items()}
            if signal == "traces":
                from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
                    OTLPSpanExporter as GrpcSpans,
                )

                return GrpcSpans(
                    endpoint=url, insecure=cfg.insecure, headers=headers, timeout=cfg.timeout_s
                )
            from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
                OTLPMetricExporter as GrpcMetrics,
            )

            return GrpcMetrics(
                endpoint=url, insecure=cfg.insecure, headers=headers, timeout=cfg.timeout_s
            )
        if signal == "traces":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
                OTLPSpanExporter as HttpSpans,
            )

            return HttpSpans(endpoint=url, headers=dict(cfg.headers), timeout=cfg.timeout_s)
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
            OTLPMetricExporter as HttpMetrics,
        )

        return HttpMetrics(endpoint=url, headers=dict(cfg.headers), timeout=cfg.timeout_s)

    def export_spans(self, spans: Sequence[SpanData]) -> None:
        if not spans:
            return
        readable = [to_readable_span(s, self.resource, self.scope) for s in spans]
        with _capture.capture() as why:
            try:
                result = self._span_exporter().export(readable)
            except Exception as exc:  # the SDK should not raise, but a plugin never takes us down
                raise ExportFailed(f"{type(exc).__name__}: {exc}") from exc
        if result is not SpanExportResult.SUCCESS:
            raise ExportFailed(self._reason(why, "spans"))

    def export_metrics(self, series: Sequence[MetricSeries], start_ns: int, end_ns: int) -> None:
        if not series:
            return
        data = to_metrics_data(series, start_ns, end_ns, self.resource, self.scope)
        with _capture.capture() as why:
            try:
                result = self._metric_exporter().export(data)
            except Exception as exc:
                raise ExportFailed(f"{type(exc).__name__}: {exc}") from exc
        if result is not MetricExportResult.SUCCESS:
            raise ExportFailed(self._reason(why, "metrics"))

    def _reason(self, why: list[str], what: str) -> str:
        if why:
            self._last_reason = why[0]
            return why[0]
        if self._last_reason:  # the SDK logs a repeated failure only once per 20 s
            return self._last_reason
        return f"collector did not acknowledge the {what}"

    def close(self) -> None:
        for exp in (self._spans, self._metrics):
            if exp is not None:
                try:
                    exp.shutdown()
                except Exception:  # closing is best effort
                    logging.getLogger(__name__).debug("exporter shutdown failed", exc_info=True)
        self._spans = self._metrics = None


def make_sink(cfg: OtelConfig) -> SpanSink:
    return OtlpSink(cfg)


__all__ = [
    "ExportFailed",
    "OtlpSink",
    "SpanSink",
    "make_resource",
    "make_sink",
    "to_metrics_data",
    "to_readable_span",
]
