"""The ``top_workflows`` section: workflows by cost, from run records (or grouped calls)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Section


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
