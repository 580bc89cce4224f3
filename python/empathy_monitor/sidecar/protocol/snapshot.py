"""The dashboard on the wire: ``Snapshot`` (every section), its ``didUpdate`` delta, and the parts
only the sidecar adds to the analytics' sections (data health, deltas, source offers)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ...analytics.sections import (
    CallRow,
    CircuitBreaker,
    CostPoint,
    DimensionStats,
    Errors,
    Fallback,
    FilterOptions,
    ModelStats,
    Overview,
    PricesInfo,
    ProviderStats,
    Savings,
    TierStats,
    WindowInfo,
    WorkflowStats,
)
from ...budgets.status import BudgetsSection
from .alerts import AlertsStatus
from .base import Out


class SourceOffer(Out):
    """A coding agent's folder that may hold this workspace's usage (found by stat, unread)."""

    source: str = Field(description="the empathy.sources value that enables it, e.g. claude-code")
    label: str = Field(description="e.g. Claude Code")
    path: str = Field(description="the folder or file found")


class HealthProblem(Out):
    line: int
    kind: str
    reason: str


class HealthFile(Out):
    path: str
    records: int
    malformed: int
    salvaged: int
    flagged: int
    problems: list[HealthProblem]
    read_error: str | None


class HealthDir(Out):
    path: str
    exists: bool


class HealthScope(Out):
    """A shared folder read for this workspace's runs only (attune-ai 16.x's home telemetry)."""

    path: str
    project: str = Field(description="the project whose runs are shown")
    matched_by: Literal["folder", "setting"] = Field(
        description="'folder': the workspace folder's name; 'setting': empathy.project"
    )
    shown_runs: int
    hidden_runs: int = Field(description="runs of other projects, not shown")
    hidden_projects: int


class Health(Out):
    """Data health: counts, located problems per file, and which directories exist.

    Sent as the params of ``empathy/didChangeHealth`` when problems appear or clear.
    """

    records: int
    malformed: int
    salvaged: int
    flagged: int
    files: list[HealthFile]
    dirs: list[HealthDir]
    scopes: list[HealthScope] = Field(
        default_factory=list, description="shared folders read for this project's runs only"
    )


class Delta(Out):
    """One headline number against the previous period of equal length."""

    previous: float | None
    change: float | None = Field(description="current - previous (percentage points for rates)")
    percent: float | None = Field(description="change / previous x 100; null when previous is 0")


class Deltas(Out):
    total_cost: Delta
    calls: Delta
    success_rate: Delta
    avg_latency_ms: Delta
    input_tokens: Delta
    output_tokens: Delta
    active_workflows: Delta


class Snapshot(Out):
    """The full dashboard: the keys of ``empathy telemetry --json`` plus version and previous."""

    version: int = Field(
        description="increases with every change; didUpdate.baseVersion refers to it"
    )
    window: WindowInfo
    overview: Overview
    previous: Overview | None = Field(
        description="the previous period of equal length; null for all"
    )
    cost_series: list[CostPoint]
    by_provider: dict[str, ProviderStats]
    by_tier: dict[str, TierStats]
    by_model: dict[str, ModelStats]
    top_workflows: list[WorkflowStats]
    workflows: list[WorkflowStats] = Field(description="every workflow by cost (the table)")
    by_project: dict[str, DimensionStats]
    by_user: dict[str, DimensionStats] = Field(description="the top values by cost")
    by_session: dict[str, DimensionStats] = Field(description="the top values by cost")
    by_source: dict[str, DimensionStats]
    dimension_counts: dict[str, int] = Field(
        description="distinct project/user/session/source values in the window"
    )
    savings: Savings
    fallback: Fallback
    errors: Errors
    prices: PricesInfo
    circuit_breakers: dict[str, CircuitBreaker]
    filter_options: FilterOptions = Field(
        description="the values of each filter in the window (unfiltered), with calls and cost: "
        "every workflow/provider/tier/model; the top project/user/session/source values by cost "
        "(the applied one included) and how many more are unlisted (empathy/dimensionValues)"
    )
    today_cost: float = Field(
        description="cost of the local day of window.now in this view (the status bar shows it)"
    )
    recent_calls: list[CallRow]
    health: Health
    # Before deltas: the last keys stay those of Round 2 (older clients read them by place).
    budgets: BudgetsSection | None = Field(
        default=None,
        description="budgets and the cost chart's anomaly markers; null only if evaluation failed",
    )
    offers: list[SourceOffer] = Field(
        default_factory=list,
        description="agents' folders found for this workspace whose source is not enabled",
    )
    deltas: Deltas
    alerts: AlertsStatus | None = Field(description="null when there is no alerts.yaml")
    retention_days: int = Field(description="the retentionDays setting (display only)")


class DidUpdateParams(Out):
    """``empathy/didUpdate``: apply only when baseVersion equals the version you hold."""

    version: int
    baseVersion: int
    changed: dict[str, Any] = Field(
        description="only the sections whose value changed (same shapes as in Snapshot)"
    )
