"""Alerts on the wire: their status (a snapshot section and a notification), the wizard's metric
catalogue and params, the test/check requests, and ``didFireAlert``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .base import In, Out

AlertState = Literal["ok", "pending", "firing", "disabled", "invalid"]


class TestAlertParams(In):
    """``empathy/testAlert``: evaluate one rule now; nothing is stored or sent."""

    rule: str = Field(min_length=1)


class InitAlertsParams(In):
    """``empathy/initAlerts``: the 3-question wizard (metric, threshold, where to send)."""

    metric: str = Field(min_length=1)
    threshold: float
    channel: Literal["webhook", "email", "stdout"]
    target: str | None = Field(default=None, description="webhook URL or email address")
    overwrite: bool = False


class AlertRuleStatus(Out):
    name: str
    metric: str
    state: AlertState
    severity: str
    lastValue: float | None
    threshold: float
    lastFiredAt: str | None = Field(description="ISO 8601 (UTC)")


class AlertsStatus(Out):
    """``empathy/alerts`` result, ``empathy/didChangeAlerts`` params, ``Snapshot.alerts``."""

    enabled: bool
    configPath: str
    rules: list[AlertRuleStatus]
    errors: list[str] = Field(description="alerts.yaml problems, each 'alerts.yaml:LINE: ...'")
    failingChannels: list[str]


class TestAlertResult(Out):
    rule: str
    value: float | None
    threshold: float
    breached: bool
    message: str


class CheckAlertsResult(Out):
    evaluated: int
    fired: int
    resolved: int


class InitAlertsResult(Out):
    configPath: str


class AlertMetric(Out):
    """One metric the alerts wizard offers (the catalogue lives in ``alerts/rules.py``)."""

    metric: str
    label: str
    unit: str
    example: str


class AlertMetricsResult(Out):
    """``empathy/alertMetrics``: the metrics the "Initialize Alerts" wizard offers, in order."""

    metrics: list[AlertMetric]


class AlertButtonArgs(Out):
    workflowName: str


class AlertButton(BaseModel):
    """A button on the VS Code notification; ``args`` is left out when the command takes none."""

    model_config = ConfigDict(extra="allow")

    title: str
    command: str
    args: AlertButtonArgs | None = None


class DidFireAlertParams(Out):
    """``empathy/didFireAlert``: one alert fired (or resolved); the extension only displays it."""

    level: Literal["information", "warning", "error"]
    message: str
    rule: str
    value: float | None
    threshold: float
    workflow_name: str | None
    provider: str | None
    resolved: bool
    buttons: list[AlertButton]

    def wire(self) -> dict[str, Any]:
        out = self.model_dump(mode="json")
        for b in out["buttons"]:
            if b.get("args") is None:
                b.pop("args", None)
        return out
