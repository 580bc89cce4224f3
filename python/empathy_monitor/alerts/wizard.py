"""The rule ``empathy alerts init`` (and the sidecar's ``empathy/initAlerts``) writes: a metric's
default threshold and window, the action a target implies, and the commented alerts.yaml text."""

from __future__ import annotations

from typing import Any

import yaml

DEFAULT_THRESHOLDS = {
    "daily_cost": 10.0,
    "cost": 5.0,
    "workflow_cost": 1.0,
    "workflow_cost_spike": 3.0,
    "provider_cost_anomaly": 3.0,
    "error_rate": 10.0,
    "latency": 5000.0,
    "latency_spike": 2.0,
    "fallback_rate": 20.0,
    "token_usage": 1_000_000.0,
    "unpriced_calls": 0.0,
    "token_spike": 3.0,
    "circuit_breaker_open": 0.0,
    "unusual_workflow_activity": 5.0,
    "budget_percent": 80.0,
    "forecast_percent": 100.0,
}
DEFAULT_WINDOWS = {
    "daily_cost": "today",
    "error_rate": "1h",
    "latency": "1h",
    "fallback_rate": "1h",
    "workflow_cost": "1h",
    "circuit_breaker_open": "1h",
}


def build_rule(
    metric: str, threshold: float, webhook: str | None, email: str | None, stdout: bool
) -> dict[str, Any]:
    action: dict[str, Any]
    if webhook:
        fmt = (
            "slack"
            if "hooks.slack.com" in webhook
            else "discord"
            if "discord.com/api/webhooks" in webhook
            else "json"
        )
        action = {"type": "webhook", "url": webhook, "format": fmt}
    elif email:
        action = {"type": "email", "to": [email]}
    else:
        action = {"type": "stdout"}
    cond: dict[str, Any] = {"metric": metric, "operator": "gt", "threshold": threshold}
    if metric != "daily_cost":
        cond["window"] = DEFAULT_WINDOWS.get(metric, "1h")
    rule: dict[str, Any] = {
        "name": f"{metric.replace('_', ' ')} over {threshold:g}",
        "condition": cond,
        "actions": [action]
        + ([{"type": "stdout"}] if stdout and action["type"] != "stdout" else []),
        "severity": "warning",
        "cooldown_minutes": 60,
    }
    return rule


def render_config(rule: dict[str, Any]) -> str:
    head = (
        "# Empathy Telemetry alerts — see docs/guides/ALERTS_GUIDE.md\n"
        "# Webhook URLs are secrets: keep this file out of version control.\n"
    )
    body = yaml.safe_dump(
        {"settings": {"allow_private_network": False}, "alerts": [rule]}, sort_keys=False
    )
    return head + body
