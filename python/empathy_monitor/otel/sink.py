"""The seam between mapped data and a transport (no ``opentelemetry`` import here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .values import MetricSeries, SpanData


class ExportFailed(Exception):
    """The collector did not acknowledge a batch (down, refused, timed out, rejected)."""


class SpanSink(Protocol):
    """Where mapped data goes; ``otel.otlp.OtlpSink`` is the real one.

    Each method returns only once the receiver acknowledged the data, and raises
    :class:`ExportFailed` otherwise.
    """

    def export_spans(self, spans: Sequence[SpanData]) -> None: ...

    def export_metrics(
        self, series: Sequence[MetricSeries], start_ns: int, end_ns: int
    ) -> None: ...

    def close(self) -> None: ...
