"""The ``savings`` section: what tier routing saved against an all-premium baseline."""

from __future__ import annotations

from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, pct, usd


class Savings(Section):
    workflow_count: int
    total_actual_cost: float
    total_baseline_cost: float
    total_savings: float
    savings_percent: float
    avg_cost_per_workflow: float


def render(s: Sums, w: Window, ctx: Context) -> Savings:
    r = s.runs_tot
    return trusted(
        Savings,
        workflow_count=r.runs,
        total_actual_cost=usd(r.cost),
        total_baseline_cost=usd(r.base),
        total_savings=usd(r.save),
        savings_percent=pct(r.save, r.base) if r.base > 0 else 0.0,
        avg_cost_per_workflow=usd(r.cost / r.runs) if r.runs else 0.0,
    )
