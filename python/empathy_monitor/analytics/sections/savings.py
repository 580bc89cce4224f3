"""The ``savings`` section: what tier routing saved against an all-premium baseline."""

from __future__ import annotations

from .base import Section


class Savings(Section):
    workflow_count: int
    total_actual_cost: float
    total_baseline_cost: float
    total_savings: float
    savings_percent: float
    avg_cost_per_workflow: float
