"""Optional plugins: alerts and OpenTelemetry export, wired defensively.

Both are imported inside ``try`` and every failure is logged to stderr and contained. Neither can
stall the panel:

* alerts are evaluated on the telemetry worker thread *after* the panel's didUpdate was sent; the
  VS Code payloads the engine produces are only collected there (``AlertsPlugin.take_fired``) and
  sent by the service on the event-loop thread; network delivery (webhook, email, stdout) runs in
  one background thread (:class:`DeliveryWorker`) that coalesces wake-ups, so it never queues up;
* OTel export is the file exporter's own background thread; ingest only calls ``notify()``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..telemetry import Telemetry
from ..workspace import Layout

if TYPE_CHECKING:
    from ..alerts.engine import AlertEngine

log = logging.getLogger(__name__)

CONFIG_NAME = "alerts.yaml"
NETWORK_CHANNELS = frozenset({"webhook", "email", "stdout"})


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def alerts_dir(dirs: Sequence[Path]) -> Path | None:
    """The first telemetry dir holding an alerts.yaml, else the first dir (watched for one)."""
    for d in dirs:
        if (d / CONFIG_NAME).is_file():
            return d
    return dirs[0] if dirs else None


class DeliveryWorker:
    """One thread running ``deliver`` whenever woken; wake-ups while busy coalesce into one."""

    def __init__(self, deliver: Any, name: str = "empathy-alert-delivery") -> None:
        self._deliver = deliver
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.runs = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stop.is_set():
                return
            self._wake.clear()
            try:
                self._deliver()
            except Exception:
                log.exception("alerts: delivery failed")
            self.runs += 1

    def close(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("alerts: delivery still running at shutdown (a slow channel)")


class AlertsPlugin:
    """The alert engine for the sidecar's telemetry; evaluate on ingest, deliver in a thread.

    Every method except :meth:`take_fired` and :meth:`wake_delivery` must run on the telemetry
    worker thread (they touch ``Telemetry``).
    """

    def __init__(self, directory: Path, tel: Telemetry, actions: bool) -> None:
        from ..alerts.engine import AlertEngine

        self.fired: deque[dict[str, Any]] = deque()
        self.engine: AlertEngine = AlertEngine(directory, tel, vscode_sink=self.fired.append)
        self.actions = actions
        self.status: dict[str, Any] | None = None
        self._sig: Any = None
        self.delivery = DeliveryWorker(self._deliver) if actions else None

    @property
    def config_path(self) -> Path:
        return self.engine.config_path

    def enabled(self) -> bool:
        return self.engine.enabled()

    def set_telemetry(self, tel: Telemetry) -> None:
        """A full re-read built a new Telemetry: evaluate against it from now on."""
        self.engine.tel = tel
        self.engine._cache = type(self.engine._cache)()

    # -- evaluation (telemetry worker thread) -----------------------------------------------
    def evaluate(self, now: float | None = None) -> tuple[int, int, int, dict[str, Any] | None]:
        """Evaluate every rule; (evaluated, fired, resolved, status-if-changed).

        Contained: a failing engine logs and reports nothing.
        """
        if not self.enabled():
            return 0, 0, 0, self._status_if_changed()
        try:
            notes = self.engine.evaluate(now)
        except Exception:
            log.exception("alerts: evaluation failed")
            return 0, 0, 0, None
        if notes:
            self.wake_delivery()
        n = sum(1 for r in self.engine.rules().rules if r.enabled)
        fired = sum(1 for x in notes if x.kind == "firing")
        resolved = sum(1 for x in notes if x.kind == "resolved")
        return n, fired, resolved, self._status_if_changed()

    def _status_if_changed(self) -> dict[str, Any] | None:
        st = self.current_status()
        sig = (
            st["enabled"],
            [(r["name"], r["state"], r["lastFiredAt"]) for r in st["rules"]],
            st["errors"],
            st["failingChannels"],
        )
        if sig == self._sig:
            return None
        self._sig = sig
        return st

    def current_status(self) -> dict[str, Any]:
        """``AlertsStatus`` (docs/dev/PANEL_CONTRACT.md, "Round 2 additions")."""
        try:
            raw = self.engine.status()
        except Exception as exc:
            log.exception("alerts: status failed")
            raw = {"exists": self.enabled(), "rules": [], "errors": [str(exc)]}
        rules = []
        for r in raw.get("rules", []):
            st = r["state"]
            rules.append(
                {
                    "name": r["name"],
                    "metric": r["metric"],
                    "state": st["status"] if r["enabled"] else "disabled",
                    "severity": r["severity"],
                    "lastValue": st.get("last_value"),
                    "threshold": r["threshold"],
                    "lastFiredAt": _iso(st.get("last_notified")),
                }
            )
        failing = [
            f"{f['rule']}: {f['channel']} ({f['failed']} failed: {f.get('last_error') or '?'})"
            for f in raw.get("failing_channels", [])
        ]
        out = {
            "enabled": bool(raw.get("exists")),
            "configPath": str(self.config_path),
            "rules": rules,
            "errors": list(raw.get("errors", [])),
            "failingChannels": failing,
        }
        self.status = out
        return out

    def test_rule(self, name: str) -> dict[str, Any]:
        ev = self.engine.test_rule(name)
        return {
            "rule": name,
            "value": ev.result.value,
            "threshold": ev.rule.condition.threshold,
            "breached": ev.breached,
            "message": ev.message,
        }

    # -- delivery ---------------------------------------------------------------------------
    def take_fired(self) -> list[dict[str, Any]]:
        """The VS Code payloads collected since the last call (any thread)."""
        out = []
        while self.fired:
            out.append(self.fired.popleft())
        return out

    def wake_delivery(self) -> None:
        if self.delivery is not None:
            self.delivery.wake()

    def _deliver(self) -> None:
        # VS Code rows are delivered by evaluate() on the telemetry thread; only network here.
        self.engine.deliver_pending(time.time(), channels=set(NETWORK_CHANNELS))

    def close(self) -> None:
        if self.delivery is not None:
            self.delivery.close()
        try:
            self.engine.close()
        except Exception:
            log.exception("alerts: close failed")


def open_alerts(dirs: Sequence[Path], tel: Telemetry, actions: bool) -> AlertsPlugin | None:
    """The alerts plugin for ``dirs`` (it does nothing until an alerts.yaml exists)."""
    d = alerts_dir(dirs)
    if d is None:
        return None
    try:
        return AlertsPlugin(d, tel, actions)
    except Exception:
        log.exception("alerts: could not start; alerts disabled")
        return None


class OtelExporter(Protocol):
    def start(self) -> Any: ...
    def notify(self) -> None: ...
    def close(self) -> None: ...


def open_otel(config_dirs: Sequence[Path], layout: Layout) -> OtelExporter | None:
    """The OTel file exporter, started, when an endpoint is configured; else None.

    monitoring.yaml and the cursor are looked for in ``config_dirs``; ``layout`` is what is read.
    """
    try:
        from ..otel.config import load_config
        from ..otel.exporter import FileExporter

        cfg = load_config(config_dirs)
        if not cfg.enabled:
            return None
        exp = FileExporter(layout.dirs, cfg, scopes=layout.scopes)
        exp.start()
    except Exception:
        log.exception("otel: could not start the exporter; OTel export disabled")
        return None
    log.info("otel: exporting to %s", cfg.redacted().get("endpoint"))
    return exp
