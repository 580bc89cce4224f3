"""OpenTelemetry export of LLM calls and workflow runs (opt-in; needs the ``otel`` extra).

Modules:
    config: endpoint, protocol, headers and resource from the environment and ``monitoring.yaml``.
    mapping: pure record -> span / metric data with deterministic trace and span ids.
    otlp: the only module that imports ``opentelemetry``; turns mapped data into SDK objects and
        sends them with the SDK's OTLP exporters.
    exporter: file export with an acknowledged, crash-safe cursor (``otel_cursor.json``).
    backends: the in-process ``TelemetryBackend`` protocol, JSONL / OTel / multi backends.
    cli: ``empathy otel export|status``.

Nothing here imports ``opentelemetry`` at module import time, so the package works without the
extra; :func:`otel_available` says whether it is installed.
"""

from __future__ import annotations

import importlib.util

INSTALL_HINT = "OpenTelemetry export needs the otel extra: pip install 'empathy-monitor[otel]'"


def otel_available() -> bool:
    """Whether the OpenTelemetry SDK and OTLP exporters are importable."""
    try:
        return (
            importlib.util.find_spec("opentelemetry.sdk") is not None
            and importlib.util.find_spec("opentelemetry.exporter.otlp.proto.grpc") is not None
            and importlib.util.find_spec("opentelemetry.exporter.otlp.proto.http") is not None
        )
    except (ImportError, ValueError):
        return False
