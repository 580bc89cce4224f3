"""Alert conditions and rules: the metrics a rule can watch, durations, ``Condition``, ``Rule`` and
the ``RuleSet`` a load produces. Pure: no IO."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from .actions import Action, Settings, _Model

Metric = Literal[
    "daily_cost",
    "cost",
    "workflow_cost",
    "workflow_cost_spike",
    "provider_cost_anomaly",
    "error_rate",
    "latency",
    "latency_spike",
    "fallback_rate",
    "token_usage",
    "unpriced_calls",
    "token_spike",
    "circuit_breaker_open",
    "unusual_workflow_activity",
    "budget_percent",
    "forecast_percent",
]
METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]
Operator = Literal["gt", "lt", "eq", "gte", "lte"]
Severity = Literal["info", "warning", "critical"]

# Metrics whose value is a ratio of a window to its trailing baseline (threshold = a multiple).
SPIKE_METRICS = frozenset(
    {
        "workflow_cost_spike",
        "provider_cost_anomaly",
        "latency_spike",
        "token_spike",
        "unusual_workflow_activity",
    }
)
# Rate-like metrics: judged only with enough samples (calls) in the window.
DEFAULT_MIN_SAMPLES: dict[str, int] = {
    "error_rate": 10,
    "fallback_rate": 10,
    "latency": 5,
    "latency_spike": 5,
    "workflow_cost_spike": 3,  # earlier runs of the workflow in the baseline
    "provider_cost_anomaly": 1,
    "token_spike": 1,
    "unusual_workflow_activity": 5,
}


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str | float | int) -> float:
    """``"15m"`` / ``"1h"`` / ``"7d"`` / ``"30s"`` (or a number of seconds) -> seconds.

    Raises:
        ValueError: when the text is not such a duration.
    """
    if isinstance(text, bool):
        raise ValueError("expected a duration like 15m, 1h, 24h or 7d")
    if isinstance(text, (int, float)):
        if text < 0:
            raise ValueError("a duration cannot be negative")
        return float(text)
    m = _DURATION_RE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a duration like 15m, 1h, 24h or 7d")
    return float(m.group(1)) * _UNIT[m.group(2)]


class Condition(_Model):
    """When a rule is breached: ``metric operator threshold`` over ``window``."""

    metric: Metric
    operator: Operator = "gt"
    threshold: float
    window: str = "24h"
    statistic: Literal["avg", "p95"] = "avg"  # latency / latency_spike
    baseline: str = "7d"  # spike metrics: the trailing period before the window
    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None
    # the per-row dimensions (``analytics.dimensions``); "(none)" scopes records without one
    project: str | None = None
    user: str | None = None
    session: str | None = None
    source: str | None = None
    budget: str | None = None  # budget_percent / forecast_percent: a budgets.yaml name

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError(f"threshold must be a finite number (got {v})")
        # Every metric is a cost, count, token total, rate, duration or ratio: none is negative,
        # so a negative threshold is a typo that would make ``gt`` always and ``lt`` never true.
        if v < 0:
            raise ValueError(f"threshold cannot be negative (got {v:g}): no metric is")
        return v

    @field_validator("window")
    @classmethod
    def _window(cls, v: str) -> str:
        if v == "today":
            return v
        if parse_duration(v) <= 0:
            raise ValueError("window must be longer than 0")
        return v

    @field_validator("baseline")
    @classmethod
    def _baseline(cls, v: str) -> str:
        if parse_duration(v) <= 0:
            raise ValueError("baseline must be longer than 0")
        return v

    @property
    def window_seconds(self) -> float | None:
        """None for ``today`` (it starts at local midnight)."""
        return None if self.window == "today" else parse_duration(self.window)

    @property
    def baseline_seconds(self) -> float:
        return parse_duration(self.baseline)


class Rule(_Model):
    """One alert rule."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    condition: Condition
    actions: list[Action] = Field(min_length=1)
    enabled: bool = True
    cooldown_minutes: float = Field(default=60.0, ge=0)
    for_: str = Field(default="0s", alias="for")
    severity: Severity = "warning"
    min_samples: int | None = Field(default=None, ge=0)
    send_resolved: bool = True

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("actions", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # ``- stdout`` / ``- vscode`` as a shorthand for ``- type: stdout``.
        if isinstance(v, list):
            return [{"type": a} if isinstance(a, str) else a for a in v]
        return v

    @field_validator("for_", mode="before")
    @classmethod
    def _for(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = f"{v}s"
        if isinstance(v, str):
            parse_duration(v)
        return v

    @model_validator(mode="after")
    def _metric_fit(self) -> Rule:
        c = self.condition
        if c.metric == "daily_cost" and c.window not in ("today", "24h"):
            raise ValueError("daily_cost is always today's cost: leave window out or use cost")
        return self

    @property
    def for_seconds(self) -> float:
        return parse_duration(self.for_)

    @property
    def cooldown_seconds(self) -> float:
        return self.cooldown_minutes * 60.0

    @property
    def effective_min_samples(self) -> int:
        if self.min_samples is not None:
            return self.min_samples
        return DEFAULT_MIN_SAMPLES.get(self.condition.metric, 0)


@dataclass
class RuleSet:
    """What loading produced: the usable rules, the settings, and every located mistake."""

    rules: list[Rule] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    errors: list[str] = field(default_factory=list)

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)
