"""The service's alert and budget requests, and the evaluation rounds that push their results.

Evaluations run on the worker (``_call``), coalesce (one round at a time, one more if asked
meanwhile) and never hold up the ingest that triggered them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from . import protocol as P
from .plugins import AlertsPlugin
from .service_state import ServiceState

log = logging.getLogger(__name__)


class ServiceAlerts(ServiceState):
    """Alerts and budgets: evaluation rounds, their notifications, and their requests."""

    # -- alerts ---------------------------------------------------------------------------
    def _schedule_alerts(self) -> None:
        """Evaluate soon, without holding up the caller; evaluations coalesce, never pile up."""
        if self._alert_task is not None and not self._alert_task.done():
            self._alert_again = True
            return
        self._alert_task = asyncio.get_running_loop().create_task(self._evaluate_alerts())

    async def _evaluate_alerts(self) -> None:
        again = True
        while again:
            self._alert_again = False
            try:
                await self._alerts_round(time.time())
            except Exception:
                log.exception("alerts: evaluation failed")
            again = self._alert_again

    async def _alerts_round(self, now: float) -> tuple[int, int, int]:
        plugin = self.alerts
        if plugin is None:
            return 0, 0, 0
        n, fired, resolved, status = await self._call(plugin.evaluate, now)
        budgets = self.budgets
        section: dict[str, Any] | None = None
        if budgets is not None:
            _, section, changed = await self._call(budgets.evaluate, now)
            if not changed:
                section = None
        self._send_alerts(plugin, status)
        if section is not None:
            self.notify(
                P.DID_CHANGE_BUDGETS,
                P.BudgetsSection.model_validate(section).model_dump(mode="json"),
            )
        return n, fired, resolved

    def _send_alerts(self, plugin: AlertsPlugin, status: dict[str, Any] | None) -> None:
        """Push what the engine produced (event-loop thread only)."""
        for payload in plugin.take_fired():
            try:
                msg = P.DidFireAlertParams.model_validate(payload)
            except Exception:
                log.exception("alerts: bad VS Code payload %r", payload)
                continue
            self.notify(P.DID_FIRE_ALERT, msg.wire())
        if status is not None:
            self.notify(
                P.DID_CHANGE_ALERTS, P.AlertsStatus.model_validate(status).model_dump(mode="json")
            )

    def _alerts_or_raise(self) -> AlertsPlugin:
        if self.alerts is None or not self.alerts.enabled():
            where = self.config_dirs[0] / "alerts.yaml" if self.config_dirs else "alerts.yaml"
            raise ValueError(f"no alerts configured ({where} does not exist)")
        return self.alerts

    async def alerts_status(self) -> dict[str, Any]:
        plugin = self.alerts
        if plugin is None:
            raise ValueError("alerts are unavailable (no telemetry directory)")
        st = await self._call(plugin.current_status)
        return P.AlertsStatus.model_validate(st).model_dump(mode="json")

    async def test_alert(self, p: P.TestAlertParams) -> dict[str, Any]:
        plugin = self._alerts_or_raise()
        try:
            res = await self._call(plugin.test_rule, p.rule)
        except KeyError:
            raise ValueError(f"no rule named {p.rule!r} in {plugin.config_path}") from None
        return P.TestAlertResult.model_validate(res).model_dump(mode="json")

    async def check_alerts(self) -> dict[str, Any]:
        plugin = self._alerts_or_raise()
        n, fired, resolved = await self._alerts_round(time.time())
        if plugin.delivery is not None:
            await asyncio.get_running_loop().run_in_executor(None, plugin._deliver)
        return P.CheckAlertsResult(evaluated=n, fired=fired, resolved=resolved).model_dump(
            mode="json"
        )

    async def alert_metrics(self) -> dict[str, Any]:
        from ..alerts.catalog import WIZARD_METRICS

        return P.AlertMetricsResult(
            metrics=[P.AlertMetric(**m._asdict()) for m in WIZARD_METRICS]
        ).model_dump(mode="json")

    async def init_alerts(self, p: P.InitAlertsParams) -> dict[str, Any]:
        from ..alerts.cli import build_rule, render_config
        from ..alerts.rules import METRICS, load_rules

        if p.metric not in METRICS:
            raise ValueError(f"unknown metric {p.metric!r}; one of {', '.join(METRICS)}")
        if p.channel in ("webhook", "email") and not p.target:
            raise ValueError(f"target is required for the {p.channel} channel")
        target_dir = self.alerts.engine.dir if self.alerts is not None else self.config_dirs[0]
        path = target_dir / "alerts.yaml"
        if path.exists() and not p.overwrite:
            raise ValueError(f"{path} already exists (pass overwrite: true to replace it)")
        rule = build_rule(
            p.metric,
            p.threshold,
            p.target if p.channel == "webhook" else None,
            p.target if p.channel == "email" else None,
            p.channel == "stdout",
        )
        rule["actions"].append({"type": "vscode"})  # written from VS Code: show it there too
        text = render_config(rule)
        problems = load_rules(text).errors
        if problems:
            raise ValueError("; ".join(problems))
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_text, text, encoding="utf-8")
        self._schedule_alerts()
        return P.InitAlertsResult(configPath=str(path)).model_dump(mode="json")

    async def set_budget(self, p: P.SetBudgetParams) -> dict[str, Any]:
        from pydantic import ValidationError

        from ..budgets.config import Budget

        plugin = self.budgets
        if plugin is None:
            raise ValueError("budgets are unavailable (no telemetry directory)")
        fields = p.model_dump(exclude_none=True)
        try:
            # Set from VS Code: its levels show there (the other channels via `empathy budget set`).
            budget = Budget.model_validate({**fields, "channels": ["vscode"]})
        except ValidationError as exc:
            raise ValueError(str(exc.errors()[0]["msg"])) from exc
        path = await self._call(plugin.set_budget, budget)
        self._schedule_alerts()
        return P.SetBudgetResult(configPath=str(path), name=budget.name).model_dump(mode="json")
