"""The ``top_workflows`` section: workflows by cost, from run records (or grouped calls)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, usd


class WorkflowStats(Section):
    workflow_name: str
    total_cost: float
    run_count: int
    avg_cost: float
    total_savings: float
    avg_duration_ms: float | None
    source: Literal["runs", "calls"] = Field(
        description="'runs' from workflow_runs.jsonl; 'calls' when only calls name the workflow"
    )


def render(s: Sums, w: Window, ctx: Context) -> list[WorkflowStats]:
    """The top ``ctx.top`` of :func:`render_all`."""
    return render_all(s, w, ctx)[: ctx.top]


def render_all(s: Sums, w: Window, ctx: Context) -> list[WorkflowStats]:
    """Every workflow by cost (the ``workflows`` section: the panel's "Show as table"). From run
    records when there are any in the window, else from calls grouped by workflow."""
    if s.runs_tot.runs:
        rows = [
            trusted(
                WorkflowStats,
                workflow_name=wf,
                total_cost=usd(a.cost),
                run_count=a.runs,
                avg_cost=usd(a.cost / a.runs),
                total_savings=usd(a.save),
                avg_duration_ms=avg(a.dur, a.runs),
                source="runs",
            )
            for wf, a in s.runs_wf.items()
            if a.runs
        ]
    else:
        rows = [
            trusted(
                WorkflowStats,
                workflow_name=wf,
                total_cost=usd(a.cost),
                run_count=a.calls,
                avg_cost=usd(a.cost / a.calls),
                total_savings=0.0,
                avg_duration_ms=avg(a.lat, a.lat_n),
                source="calls",
            )
            for wf, a in s.wf_calls.items()
            if a.calls
        ]
    rows.sort(key=lambda r: (-r.total_cost, r.workflow_name))
    return rows
