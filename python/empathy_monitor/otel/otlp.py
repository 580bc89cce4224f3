"""The OTLP exporters (with ``sdkobjects.py``, the only modules that import ``opentelemetry``).

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
    MetricExportResult,
)
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from .. import __version__
from .config import OtelConfig
from .sdkobjects import make_resource, to_metrics_data, to_readable_span
from .sink import ExportFailed, SpanSink
from .values import SCOPE_NAME, MetricSeries, SpanData

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
