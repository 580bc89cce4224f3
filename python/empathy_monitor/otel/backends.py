"""In-process telemetry backends: the ``TelemetryBackend`` protocol and three implementations.

* :class:`JsonlStoreBackend` appends to ``llm_calls.jsonl`` / ``workflow_runs.jsonl`` (the store).
* :class:`OpenTelemetryBackend` maps each record and sends it to a collector at once.
* :class:`MultiBackend` writes to all of them; a failing backend is isolated (the others keep
  working) and retried after an exponential backoff, so it recovers when its collector comes back
  instead of being disabled forever after one error.

The durable path is the JSONL store plus :class:`~empathy_monitor.otel.exporter.FileExporter`: a
record a collector missed while a backend was isolated is still exported from the file later.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..records import LLMCallRecord, WorkflowRunRecord
from ..store import TelemetryStore
from ..timeparse import TimestampParser
from .config import OtelConfig
from .mapping import call_to_span, run_to_spans
from .sink import SpanSink

log = logging.getLogger(__name__)


@runtime_checkable
class TelemetryBackend(Protocol):
    """Somewhere records go as they happen."""

    name: str

    def log_call(self, record: LLMCallRecord) -> None: ...

    def log_workflow(self, record: WorkflowRunRecord) -> None: ...

    def close(self) -> None: ...


def _as_call(record: LLMCallRecord | dict[str, Any]) -> LLMCallRecord:
    return record if isinstance(record, LLMCallRecord) else LLMCallRecord.model_validate(record)


def _as_run(record: WorkflowRunRecord | dict[str, Any]) -> WorkflowRunRecord:
    if isinstance(record, WorkflowRunRecord):
        return record
    return WorkflowRunRecord.model_validate(record)


class JsonlStoreBackend:
    """The local JSONL store (the writers' file format)."""

    name = "jsonl"

    def __init__(self, directory: str | Path) -> None:
        self.store = TelemetryStore(directory)

    def log_call(self, record: LLMCallRecord) -> None:
        self.store.log_call(record)

    def log_workflow(self, record: WorkflowRunRecord) -> None:
        self.store.log_workflow(record)

    def close(self) -> None:
        return None


class OpenTelemetryBackend:
    """Sends each record's spans to the collector synchronously (the SDK's timeout applies).

    Raises :class:`~empathy_monitor.otel.sink.ExportFailed` when the collector does not
    acknowledge; put it behind a :class:`MultiBackend` to contain that.
    """

    name = "otel"

    def __init__(self, config: OtelConfig, sink: SpanSink | None = None) -> None:
        if sink is None:
            from .otlp import OtlpSink  # lazy: needs the otel extra

            sink = OtlpSink(config)
        self.sink = sink
        self.parser = TimestampParser(config.naive_tz)

    def log_call(self, record: LLMCallRecord) -> None:
        self.sink.export_spans([call_to_span(record, self.parser)])

    def log_workflow(self, record: WorkflowRunRecord) -> None:
        self.sink.export_spans(run_to_spans(record, self.parser))

    def close(self) -> None:
        self.sink.close()


@dataclass
class BackendHealth:
    """How one backend of a :class:`MultiBackend` is doing."""

    name: str
    healthy: bool
    failures: int  # consecutive
    skipped: int  # records not sent while isolated
    last_error: str | None
    retry_at: float | None


class _Slot:
    def __init__(self, backend: TelemetryBackend) -> None:
        self.backend = backend
        self.failures = 0
        self.skipped = 0
        self.last_error: str | None = None
        self.retry_at: float | None = None


class MultiBackend:
    """Writes every record to every backend; one failing backend never stops the others.

    After a failure a backend is isolated for ``base_s * 2**(failures-1)`` seconds (capped at
    ``max_s``); records arriving meanwhile skip it (counted). The first record after the pause
    tries it again: success clears its state, failure doubles the pause.
    """

    name = "multi"

    def __init__(
        self,
        backends: Sequence[TelemetryBackend],
        base_s: float = 1.0,
        max_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slots = [_Slot(b) for b in backends]
        self.base_s = base_s
        self.max_s = max_s
        self._clock = clock
        self._lock = threading.Lock()

    def log_call(self, record: LLMCallRecord | dict[str, Any]) -> None:
        rec = _as_call(record)
        self._each(lambda b: b.log_call(rec))

    def log_workflow(self, record: WorkflowRunRecord | dict[str, Any]) -> None:
        rec = _as_run(record)
        self._each(lambda b: b.log_workflow(rec))

    def _each(self, fn: Callable[[TelemetryBackend], None]) -> None:
        for slot in self._slots:
            now = self._clock()
            with self._lock:
                if slot.retry_at is not None and now < slot.retry_at:
                    slot.skipped += 1
                    continue
            try:
                fn(slot.backend)
            except Exception as exc:  # isolation is the point: any backend error is contained
                with self._lock:
                    slot.failures += 1
                    slot.last_error = f"{type(exc).__name__}: {exc}"
                    pause = min(self.max_s, self.base_s * 2 ** (slot.failures - 1))
                    slot.retry_at = self._clock() + pause
                log.warning(
                    "telemetry backend %s failed (%s); isolated for %.1fs",
                    slot.backend.name,
                    slot.last_error,
                    pause,
                )
                continue
            with self._lock:
                if slot.failures:
                    log.info("telemetry backend %s recovered", slot.backend.name)
                slot.failures = 0
                slot.retry_at = None

    def health(self) -> list[BackendHealth]:
        with self._lock:
            return [
                BackendHealth(
                    name=s.backend.name,
                    healthy=s.failures == 0,
                    failures=s.failures,
                    skipped=s.skipped,
                    last_error=s.last_error,
                    retry_at=s.retry_at,
                )
                for s in self._slots
            ]

    def close(self) -> None:
        for slot in self._slots:
            try:
                slot.backend.close()
            except Exception:
                log.warning("closing backend %s failed", slot.backend.name, exc_info=True)
