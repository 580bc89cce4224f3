"""Budgets in the sidecar: the strip's section, level firing on ingest, and "Set budget…".

Runs beside the alerts plugin and shares its engine (the same ``alerts.db`` store and outbox, the
same VS Code sink and delivery worker). Every method but :meth:`BudgetsPlugin.wire` runs on the
telemetry worker thread. An untrusted workspace's sidecar (``alertActions: false``) shows the
state and queues nothing, so it uses up no level.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..budgets.config import Budget, load_budgets, render_budgets, upsert_budget
from ..budgets.monitor import CONFIG_NAME
from .plugins import AlertsPlugin

log = logging.getLogger(__name__)


class BudgetsPlugin:
    def __init__(self, alerts: AlertsPlugin, trusted: bool) -> None:
        self.alerts = alerts
        self.trusted = trusted
        self._last: dict[str, Any] | None = None
        self.last_ms = 0.0

    @property
    def config_path(self) -> Path:
        return self.alerts.engine.dir / CONFIG_NAME

    def enabled(self) -> bool:
        return self.config_path.is_file()

    def section(self, now: float) -> dict[str, Any] | None:
        """``Snapshot.budgets`` now (always sent: the anomaly markers need no budgets.yaml, and
        ``exists: false`` shows "Set budget…"); None only when evaluation failed (contained)."""
        engine = self.alerts.engine
        try:
            store = engine.store if engine.db_path.exists() else None
            sec = engine.budgets.section(now, store, self.trusted)
        except Exception:
            log.exception("budgets: evaluation failed")
            return None
        out: dict[str, Any] = sec.model_dump(mode="json")
        return out

    def evaluate(self, now: float) -> tuple[int, dict[str, Any] | None, bool]:
        """Fire newly reached levels (trusted only); (levels fired, section, section changed)."""
        fired = 0
        if self.trusted and self.enabled():
            try:
                notes = self.alerts.engine.evaluate_budgets(now)
            except Exception:
                log.exception("budgets: firing failed")
                notes = []
            fired = len(notes)
            if notes:
                self.alerts.wake_delivery()
        sec = self.section(now)
        changed = sec != self._last
        self._last = sec
        return fired, sec, changed

    def set_budget(self, budget: Budget) -> Path:
        """Write ``budget`` into budgets.yaml (replacing one of the same name)."""
        path = self.config_path
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        current = load_budgets(old, CONFIG_NAME)
        if current.errors:  # rewriting would drop the broken entries silently
            raise ValueError(f"{path} has problems; fix them first: " + "; ".join(current.errors))
        text = render_budgets(upsert_budget(current.budgets, budget))
        problems = load_budgets(text, CONFIG_NAME).errors
        if problems:
            raise ValueError("; ".join(problems))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return path
