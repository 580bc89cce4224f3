"""The notification value every channel renders: pure data, JSON round-trippable."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

Kind = Literal["firing", "resolved", "test"]

_OPS = {"gt": ">", "lt": "<", "eq": "=", "gte": ">=", "lte": "<="}


def fingerprint(rule: str, labels: dict[str, str]) -> str:
    """Stable id of one alert instance: the rule name plus its labels (e.g. the workflow)."""
    text = json.dumps([rule, sorted(labels.items())], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def format_value(metric: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if metric in ("daily_cost", "cost", "workflow_cost"):
        return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"
    if metric in ("error_rate", "fallback_rate", "budget_percent", "forecast_percent"):
        return f"{value:.1f}%"
    if metric == "latency":
        return f"{value:,.0f} ms"
    if metric.endswith("_spike") or metric in (
        "provider_cost_anomaly",
        "unusual_workflow_activity",
    ):
        return f"{value:.2f}×"
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Notification:
    """One thing to tell the user: a rule started firing, is still firing, resolved, or a test."""

    rule: str
    kind: Kind
    severity: str
    metric: str
    value: float | None
    threshold: float
    operator: str
    window: str
    message: str
    fingerprint: str
    timestamp: float
    description: str = ""
    samples: int = 0
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def iso_time(self) -> str:
        return datetime.fromtimestamp(self.timestamp, timezone.utc).isoformat()

    def context(self) -> dict[str, Any]:
        """The placeholders a payload or subject template may use (see rules.PLACEHOLDERS)."""
        return {
            "rule": self.rule,
            "description": self.description,
            "metric": self.metric,
            "value": self.value if self.value is not None else float("nan"),
            "threshold": self.threshold,
            "operator": self.operator,
            "window": self.window,
            "severity": self.severity,
            "status": self.kind,
            "timestamp": self.iso_time,
            "workflow_name": self.labels.get("workflow_name", ""),
            "provider": self.labels.get("provider", ""),
            "message": self.message,
            "fingerprint": self.fingerprint,
            "samples": self.samples,
        }

    def headline(self) -> str:
        tag = {"firing": "FIRING", "resolved": "RESOLVED", "test": "TEST"}[self.kind]
        return f"[{tag}] {self.rule} ({self.severity}): {self.message}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["iso_time"] = self.iso_time
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Notification:
        d = {k: v for k, v in d.items() if k != "iso_time"}
        return cls(**d)


def describe_breach(
    metric: str, operator: str, value: float | None, threshold: float, window: str, detail: str
) -> str:
    """``cost $12.40 > $10.00 over 1h (workflow code-review)``."""
    sym = _OPS.get(operator, operator)
    text = (
        f"{metric} {format_value(metric, value)} {sym} {format_value(metric, threshold)}"
        f" over {window}"
    )
    return f"{text} ({detail})" if detail else text
