"""The metrics the "Initialize Alerts" wizard offers, with the words it asks them in.

Kept beside the rules so the wizard (in VS Code, through ``empathy/alertMetrics``) never keeps its
own copy of which metrics exist.
"""

from __future__ import annotations

from typing import NamedTuple

from .rules import METRICS


class WizardMetric(NamedTuple):
    metric: str
    label: str
    unit: str
    example: str


WIZARD_METRICS: tuple[WizardMetric, ...] = (
    WizardMetric("daily_cost", "Today's cost", "US dollars", "10"),
    WizardMetric("cost", "Cost in the last hour", "US dollars", "2.5"),
    WizardMetric("workflow_cost", "Cost of a single workflow run", "US dollars", "1"),
    WizardMetric("error_rate", "Error rate", "percent", "10"),
    WizardMetric("latency", "Average latency", "milliseconds", "5000"),
    WizardMetric("fallback_rate", "Fallback rate", "percent", "20"),
    WizardMetric("token_usage", "Tokens in the last hour", "tokens", "1000000"),
    WizardMetric("budget_percent", "Share of a budget spent", "percent", "80"),
    WizardMetric(
        "forecast_percent", "Projected share of a budget at the period's end", "percent", "100"
    ),
    WizardMetric("unpriced_calls", "Unpriced calls in the last hour", "calls", "0"),
    WizardMetric(
        "circuit_breaker_open", "A provider circuit breaker is open", "open breakers", "0"
    ),
)
assert all(m.metric in METRICS for m in WIZARD_METRICS)
