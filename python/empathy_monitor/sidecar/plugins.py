"""Optional plugins behind small Protocols: alerts and OpenTelemetry export.

Both are wired defensively: imported inside ``try``, and every failure is logged to stderr and
contained. Neither can stall the panel: alerts are evaluated after the update is sent, OTel export
runs in a bounded background worker that drops (and counts) batches when it falls behind.

Seams (what a plugin module must expose to be picked up):

* ``empathy_monitor.alerts.engine.open_sidecar_engine(config: Path, workspace: Path)`` returning an
  :class:`AlertEngine`; used when ``<first telemetry dir>/alerts.yaml`` or
  ``<workspace>/.empathy/alerts.yaml`` exists.
* ``empathy_monitor.otel.exporter.open_exporter(endpoint: str)`` returning an :class:`Exporter`;
  used when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``EMPATHY_OTEL_ENDPOINT``) is set.
"""

from __future__ import annotations

import importlib
import logging
import os
import queue
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

from ..analytics import Telemetry

log = logging.getLogger(__name__)

OTEL_QUEUE_BATCHES = 64


class AlertEngine(Protocol):
    def evaluate(self, tel: Telemetry, now: float) -> Sequence[Mapping[str, Any]]:
        """Evaluate the rules on the current data; the alerts that fired (JSON-able dicts)."""

    def close(self) -> None: ...


class Exporter(Protocol):
    def export(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Export decoded call records (may block; runs on the worker thread)."""

    def shutdown(self) -> None: ...


def _factory(module: str, attr: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        log.debug("plugin %s not available: %s", module, exc)
        return None
    except Exception:
        log.exception("plugin %s failed to import", module)
        return None
    fn = getattr(mod, attr, None)
    if fn is None:
        log.info("plugin %s has no %s(); not wired", module, attr)
    return fn


def alerts_config(workspace: Path, dirs: Sequence[Path]) -> Path | None:
    for cand in [*(d / "alerts.yaml" for d in dirs), workspace / ".empathy" / "alerts.yaml"]:
        if cand.is_file():
            return cand
    return None


def open_alerts(workspace: Path, dirs: Sequence[Path]) -> AlertEngine | None:
    cfg = alerts_config(workspace, dirs)
    if cfg is None:
        return None
    fn = _factory("empathy_monitor.alerts.engine", "open_sidecar_engine")
    if fn is None:
        return None
    try:
        return cast(AlertEngine, fn(cfg, workspace))
    except Exception:
        log.exception("alerts: could not load %s; alerts disabled", cfg)
        return None


def evaluate_alerts(engine: AlertEngine, tel: Telemetry, now: float) -> list[dict[str, Any]]:
    """Fired alerts, or [] if the engine failed (logged, contained)."""
    try:
        return [dict(a) for a in engine.evaluate(tel, now)]
    except Exception:
        log.exception("alerts: evaluation failed")
        return []


def otel_endpoint() -> str | None:
    return os.environ.get("EMPATHY_OTEL_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")


class ExportWorker:
    """A bounded queue and one daemon thread feeding an :class:`Exporter`."""

    def __init__(self, exporter: Exporter, max_batches: int = OTEL_QUEUE_BATCHES) -> None:
        self.exporter = exporter
        self.q: queue.Queue[list[dict[str, Any]] | None] = queue.Queue(max_batches)
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, name="empathy-otel", daemon=True)
        self.thread.start()

    def submit(self, records: list[dict[str, Any]]) -> None:
        """Never blocks: a full queue drops the batch (counted, logged once per 100)."""
        try:
            self.q.put_nowait(records)
        except queue.Full:
            self.dropped += len(records)
            if self.dropped % 100 < len(records):
                log.warning("otel: exporter behind; %d records dropped so far", self.dropped)

    def _run(self) -> None:
        while True:
            batch = self.q.get()
            if batch is None:
                return
            try:
                self.exporter.export(batch)
            except Exception:
                log.exception("otel: export failed (%d records)", len(batch))

    def close(self, timeout: float = 5.0) -> None:
        try:
            self.q.put(None, timeout=timeout)
        except queue.Full:
            log.warning("otel: queue still full at shutdown; abandoning pending batches")
        self.thread.join(timeout)
        try:
            self.exporter.shutdown()
        except Exception:
            log.exception("otel: shutdown failed")


def open_otel() -> ExportWorker | None:
    endpoint = otel_endpoint()
    if not endpoint:
        return None
    fn = _factory("empathy_monitor.otel.exporter", "open_exporter")
    if fn is None:
        return None
    try:
        return ExportWorker(cast(Exporter, fn(endpoint)))
    except Exception:
        log.exception("otel: could not start the exporter for %s", endpoint)
        return None
