"""The sidecar wire protocol: method names and the pydantic model of every param and result.

This module is the single source of truth. ``scripts/gen_protocol`` turns its JSON Schema into
the TypeScript types and runtime guards in ``webview/src/protocol/`` (the extension imports them as
``@protocol``). Requests are ``empathy/<verb>``, notifications ``empathy/did<Thing>``. Incoming
params are strict (``extra="forbid"``); outgoing sections allow extra keys so the analytics can grow
a field without breaking the wire.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..analytics.sections import (
    MODELS as SECTION_TYPES,
)
from ..analytics.sections import (
    CallRow,
    CircuitBreaker,
    CostPoint,
    DimensionStats,
    Errors,
    Fallback,
    FilterOption,
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
from ..budgets.status import AnomalyMarker, BudgetLevel, BudgetStatus
from ..budgets.status import BudgetsSection as BudgetsSection

SNAPSHOT = "empathy/snapshot"
ACTIVITY = "empathy/activity"
EXPORT_CSV = "empathy/exportCsv"
RESOLVE_SOURCE = "empathy/resolveSource"
GENERATE_DEMO = "empathy/generateDemo"
DID_UPDATE = "empathy/didUpdate"
DID_CHANGE_HEALTH = "empathy/didChangeHealth"
REFRESH = "empathy/refresh"
CLEAR_HISTORY = "empathy/clearHistory"
UNDO_CLEAR_HISTORY = "empathy/undoClearHistory"
ALERTS = "empathy/alerts"
TEST_ALERT = "empathy/testAlert"
CHECK_ALERTS = "empathy/checkAlerts"
INIT_ALERTS = "empathy/initAlerts"
ALERT_METRICS = "empathy/alertMetrics"
CALL_DETAIL = "empathy/callDetail"
DIMENSION_VALUES = "empathy/dimensionValues"
DID_FIRE_ALERT = "empathy/didFireAlert"
CODE_LENSES = "empathy/codeLenses"
DID_CHANGE_ALERTS = "empathy/didChangeAlerts"
SET_BUDGET = "empathy/setBudget"
DID_CHANGE_BUDGETS = "empathy/didChangeBudgets"
ADD_PRICE = "empathy/addPrice"
ENABLE_SOURCE = "empathy/enableSource"

REQUESTS = (
    SNAPSHOT,
    ACTIVITY,
    EXPORT_CSV,
    RESOLVE_SOURCE,
    GENERATE_DEMO,
    REFRESH,
    CLEAR_HISTORY,
    UNDO_CLEAR_HISTORY,
    ALERTS,
    TEST_ALERT,
    CHECK_ALERTS,
    INIT_ALERTS,
    ALERT_METRICS,
    CALL_DETAIL,
    SET_BUDGET,
    CODE_LENSES,
    ADD_PRICE,
    DIMENSION_VALUES,
    ENABLE_SOURCE,
)
NOTIFICATIONS = (
    DID_UPDATE,
    DID_CHANGE_HEALTH,
    DID_FIRE_ALERT,
    DID_CHANGE_ALERTS,
    DID_CHANGE_BUDGETS,
)

RangeName = Literal["today", "7d", "30d", "all"]
LensRange = Literal["today", "7d", "30d"]
CostMode = Literal["auto", "writer", "list"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    # Always sent in full, so every field is required in the generated TypeScript.
    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)


# -- params ---------------------------------------------------------------------------------
class Filters(_In):
    """Exact-match filters; a missing or null field matches anything."""

    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None
    project: str | None = Field(default=None, description="'(none)': records without one")
    user: str | None = None
    session: str | None = None
    source: str | None = Field(default=None, description="the log a record came from")


DimensionName = Literal[
    "workflow", "provider", "tier", "model", "project", "user", "session", "source"
]


class DimensionValuesParams(_In):
    """``empathy/dimensionValues``: search the values of a dimension in the current window
    (unfiltered), for a dropdown of more values than the snapshot carries (users, sessions)."""

    dimension: DimensionName
    prefix: str = Field(default="", max_length=200, description="case-insensitive")
    limit: int = Field(default=50, ge=1, le=500)


class SnapshotParams(_In):
    """``empathy/snapshot``: the view the panel shows; later didUpdates follow this view."""

    range: RangeName = "7d"
    since: str | None = Field(default=None, description="ISO 8601 start (inclusive)")
    until: str | None = Field(default=None, description="ISO 8601 end (exclusive)")
    now: str | None = Field(default=None, description="Pin 'now' (tests); the panel omits it")
    filters: Filters = Field(default_factory=Filters)
    cost_mode: CostMode | None = Field(
        default=None,
        description="this view's cost mode (the panel's toggle); null: the workspace's cost_mode",
    )


class ActivityParams(_In):
    """``empathy/activity``: a page of calls, newest first, through the whole history."""

    offset: int = Field(default=0, ge=0)
    limit: int | None = Field(default=None, ge=1, le=1000, description="default: activityLimit")
    filters: Filters = Field(default_factory=Filters)


class CallDetailParams(_In):
    """``empathy/callDetail``: one call's whole row (snapshot and activity rows clip long text)."""

    callId: str = Field(min_length=1)


class ExportCsvParams(_In):
    """``empathy/exportCsv``: write the window's calls as CSV to a path inside the workspace."""

    range: RangeName = "7d"
    since: str | None = None
    until: str | None = None
    now: str | None = None
    filters: Filters = Field(default_factory=Filters)
    cost_mode: CostMode | None = Field(
        default=None, description="the cost column's mode; null: the workspace's cost_mode"
    )
    path: str = Field(min_length=1, description="absolute, or relative to the workspace")
    overwrite: bool = Field(
        default=False,
        description="the user confirmed replacing an existing file (never a telemetry file)",
    )


class ResolveSourceParams(_In):
    """``empathy/resolveSource``: where a workflow (or one call's step) is defined.

    ``workflowName`` may be missing or empty when ``callId`` is given (a call without a workflow):
    the call's own record then says where it came from.
    """

    workflowName: str | None = None
    stepName: str | None = None
    callId: str | None = None

    @model_validator(mode="after")
    def _something_to_resolve(self) -> ResolveSourceParams:
        if not self.workflowName:
            self.workflowName = None
            if not self.callId:
                raise ValueError("workflowName must not be empty unless callId is given")
        return self


class GenerateDemoParams(_In):
    """``empathy/generateDemo``: write sample telemetry into the first telemetry directory."""

    calls: int = Field(default=2000, ge=1, le=200_000)
    days: int = Field(default=14, ge=1, le=365)


class EmptyParams(_In):
    """Requests without parameters (``{}`` or null)."""


class UndoClearHistoryParams(_In):
    """``empathy/undoClearHistory``: the ``archiveDir`` a clearHistory returned."""

    archiveDir: str = Field(min_length=1)


class TestAlertParams(_In):
    """``empathy/testAlert``: evaluate one rule now; nothing is stored or sent."""

    rule: str = Field(min_length=1)


class InitAlertsParams(_In):
    """``empathy/initAlerts``: the 3-question wizard (metric, threshold, where to send)."""

    metric: str = Field(min_length=1)
    threshold: float
    channel: Literal["webhook", "email", "stdout"]
    target: str | None = Field(default=None, description="webhook URL or email address")
    overwrite: bool = False


class SetBudgetParams(_In):
    """``empathy/setBudget``: add or replace one budget in budgets.yaml ("Set budget…")."""

    name: str = Field(min_length=1, max_length=200)
    amount: float = Field(gt=0, description="US dollars")
    period: Literal["day", "week", "month"] = "month"
    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None


class SetBudgetResult(_Out):
    configPath: str
    name: str


class CodeLensesParams(_In):
    """``empathy/codeLenses``: the workflows one document defines or names, with their numbers."""

    uri: str = Field(min_length=1, description="file URI of the document (inside the workspace)")
    range: LensRange | None = Field(default=None, description="default: the codeLens.range setting")
    now: str | None = Field(default=None, description="Pin 'now' (tests); the extension omits it")


class AddPriceParams(_In):
    """``empathy/addPrice``: append a stub entry for one model to ``.empathy/prices.yaml``.

    Creates the file when it is missing; writes nothing else (never a telemetry file).
    """

    model: str = Field(min_length=1)
    provider: str | None = None


class EnableSourceParams(_In):
    """``empathy/enableSource``: the user accepted an offer (the panel's "Show")."""

    source: str = Field(min_length=1, max_length=64)


class EnableSourceResult(_Out):
    """What ``empathy.sources`` becomes; the extension writes it (it owns the settings)."""

    source: str
    label: str
    sources: list[str] = Field(description="the new value of the empathy.sources setting")


class SourceOffer(_Out):
    """A coding agent's folder that may hold this workspace's usage (found by stat, unread)."""

    source: str = Field(description="the empathy.sources value that enables it, e.g. claude-code")
    label: str = Field(description="e.g. Claude Code")
    path: str = Field(description="the folder or file found")


# -- results and sections -------------------------------------------------------------------
class HealthProblem(_Out):
    line: int
    kind: str
    reason: str


class HealthFile(_Out):
    path: str
    records: int
    malformed: int
    salvaged: int
    flagged: int
    problems: list[HealthProblem]
    read_error: str | None


class HealthDir(_Out):
    path: str
    exists: bool


class HealthScope(_Out):
    """A shared folder read for this workspace's runs only (attune-ai 16.x's home telemetry)."""

    path: str
    project: str = Field(description="the project whose runs are shown")
    matched_by: Literal["folder", "setting"] = Field(
        description="'folder': the workspace folder's name; 'setting': empathy.project"
    )
    shown_runs: int
    hidden_runs: int = Field(description="runs of other projects, not shown")
    hidden_projects: int


class Health(_Out):
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


class Delta(_Out):
    """One headline number against the previous period of equal length."""

    previous: float | None
    change: float | None = Field(description="current - previous (percentage points for rates)")
    percent: float | None = Field(description="change / previous x 100; null when previous is 0")


class Deltas(_Out):
    total_cost: Delta
    calls: Delta
    success_rate: Delta
    avg_latency_ms: Delta
    input_tokens: Delta
    output_tokens: Delta
    active_workflows: Delta


AlertState = Literal["ok", "pending", "firing", "disabled", "invalid"]


class AlertRuleStatus(_Out):
    name: str
    metric: str
    state: AlertState
    severity: str
    lastValue: float | None
    threshold: float
    lastFiredAt: str | None = Field(description="ISO 8601 (UTC)")


class AlertsStatus(_Out):
    """``empathy/alerts`` result, ``empathy/didChangeAlerts`` params, ``Snapshot.alerts``."""

    enabled: bool
    configPath: str
    rules: list[AlertRuleStatus]
    errors: list[str] = Field(description="alerts.yaml problems, each 'alerts.yaml:LINE: ...'")
    failingChannels: list[str]


class Snapshot(_Out):
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


class DidUpdateParams(_Out):
    """``empathy/didUpdate``: apply only when baseVersion equals the version you hold."""

    version: int
    baseVersion: int
    changed: dict[str, Any] = Field(
        description="only the sections whose value changed (same shapes as in Snapshot)"
    )


class DimensionValuesResult(_Out):
    dimension: str
    values: list[FilterOption] = Field(description="by cost; values starting with prefix first")
    total: int = Field(description="how many values match (values holds at most limit)")


class ActivityResult(_Out):
    rows: list[CallRow]
    total: int
    offset: int


class ExportCsvResult(_Out):
    path: str
    rows: int


class SourceLocation(_Out):
    """A file inside the workspace; ``line`` is 1-based."""

    uri: str
    line: int


class SourceUnresolved(_Out):
    uri: None = None
    reason: str


class GenerateDemoResult(_Out):
    calls: int
    runs: int
    dir: str


class RefreshResult(_Out):
    durationMs: float
    records: int = Field(description="records read (calls + runs)")


class ClearHistoryResult(_Out):
    archiveDir: str
    moved: list[str]


class UndoClearHistoryResult(_Out):
    restored: list[str]


class TestAlertResult(_Out):
    rule: str
    value: float | None
    threshold: float
    breached: bool
    message: str


class CheckAlertsResult(_Out):
    evaluated: int
    fired: int
    resolved: int


class AddPriceResult(_Out):
    """Where the stub was written: open ``path`` at ``line`` (1-based, the stub's first line)."""

    path: str
    line: int
    created: bool = Field(description="prices.yaml did not exist before")


class InitAlertsResult(_Out):
    configPath: str


class AlertMetric(_Out):
    """One metric the alerts wizard offers (the catalogue lives in ``alerts/rules.py``)."""

    metric: str
    label: str
    unit: str
    example: str


class AlertMetricsResult(_Out):
    """``empathy/alertMetrics``: the metrics the "Initialize Alerts" wizard offers, in order."""

    metrics: list[AlertMetric]


class AlertButtonArgs(_Out):
    workflowName: str


class AlertButton(BaseModel):
    """A button on the VS Code notification; ``args`` is left out when the command takes none."""

    model_config = ConfigDict(extra="allow")

    title: str
    command: str
    args: AlertButtonArgs | None = None


class DidFireAlertParams(_Out):
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


class LensNumbers(_Out):
    """One workflow (or step) in one period, as ``empathy telemetry --workflow W --json`` has it:
    calls/errors/total_cost/p95_latency_ms of ``overview``, runs = ``savings.workflow_count``."""

    calls: int
    errors: int
    runs: int
    cost: float = Field(description="dollars")
    errorRate: float | None = Field(description="percent of calls; null without calls")
    p95LatencyMs: float | None


class LensStats(_Out):
    """The numbers of a lens and their display text (formatted by the sidecar, shown as is)."""

    current: LensNumbers
    previous: LensNumbers | None = Field(description="the period of equal length before")
    costChangePercent: float | None = Field(description="null when the previous cost is 0")
    text: str = Field(description="e.g. '$10.42 · 178 runs · 3.8% errors · p95 5.1 s · 7d ▲12%'")
    detail: list[str] = Field(description="lines for a hover (plain text)")


class WorkflowLens(_Out):
    """A lens above a workflow's (or one of its steps') definition; ``line`` is 1-based."""

    workflow: str
    step: str | None
    line: int
    stats: LensStats


class WorkflowMention(_Out):
    """A string literal naming a known workflow: 0-based line, UTF-16 columns [start, end)."""

    workflow: str
    line: int
    start: int
    end: int
    stats: LensStats


class CodeLensesResult(_Out):
    uri: str
    range: LensRange
    since: str | None = Field(description="ISO 8601 start of the window")
    now: str = Field(description="ISO 8601 'now' the window was resolved at")
    lenses: list[WorkflowLens]
    mentions: list[WorkflowMention]


# method -> (params model, result models); a result with two models is their union.
REQUEST_TYPES: dict[str, tuple[type[BaseModel], tuple[type[BaseModel], ...]]] = {
    SNAPSHOT: (SnapshotParams, (Snapshot,)),
    ACTIVITY: (ActivityParams, (ActivityResult,)),
    EXPORT_CSV: (ExportCsvParams, (ExportCsvResult,)),
    RESOLVE_SOURCE: (ResolveSourceParams, (SourceLocation, SourceUnresolved)),
    GENERATE_DEMO: (GenerateDemoParams, (GenerateDemoResult,)),
    REFRESH: (EmptyParams, (RefreshResult,)),
    CLEAR_HISTORY: (EmptyParams, (ClearHistoryResult,)),
    UNDO_CLEAR_HISTORY: (UndoClearHistoryParams, (UndoClearHistoryResult,)),
    ALERTS: (EmptyParams, (AlertsStatus,)),
    TEST_ALERT: (TestAlertParams, (TestAlertResult,)),
    CHECK_ALERTS: (EmptyParams, (CheckAlertsResult,)),
    INIT_ALERTS: (InitAlertsParams, (InitAlertsResult,)),
    ALERT_METRICS: (EmptyParams, (AlertMetricsResult,)),
    CALL_DETAIL: (CallDetailParams, (CallRow,)),
    SET_BUDGET: (SetBudgetParams, (SetBudgetResult,)),
    CODE_LENSES: (CodeLensesParams, (CodeLensesResult,)),
    ADD_PRICE: (AddPriceParams, (AddPriceResult,)),
    DIMENSION_VALUES: (DimensionValuesParams, (DimensionValuesResult,)),
    ENABLE_SOURCE: (EnableSourceParams, (EnableSourceResult,)),
}
NOTIFICATION_TYPES: dict[str, type[BaseModel]] = {
    DID_UPDATE: DidUpdateParams,
    DID_CHANGE_HEALTH: Health,
    DID_FIRE_ALERT: DidFireAlertParams,
    DID_CHANGE_ALERTS: AlertsStatus,
    DID_CHANGE_BUDGETS: BudgetsSection,
}

MODELS: tuple[type[BaseModel], ...] = (
    *SECTION_TYPES,
    Filters,
    DimensionValuesParams,
    SnapshotParams,
    ActivityParams,
    CallDetailParams,
    ExportCsvParams,
    ResolveSourceParams,
    GenerateDemoParams,
    EmptyParams,
    UndoClearHistoryParams,
    TestAlertParams,
    InitAlertsParams,
    AddPriceParams,
    HealthProblem,
    HealthFile,
    HealthDir,
    HealthScope,
    Health,
    Delta,
    Deltas,
    AlertRuleStatus,
    AlertsStatus,
    Snapshot,
    DidUpdateParams,
    DimensionValuesResult,
    ActivityResult,
    ExportCsvResult,
    SourceLocation,
    SourceUnresolved,
    GenerateDemoResult,
    RefreshResult,
    ClearHistoryResult,
    UndoClearHistoryResult,
    TestAlertResult,
    CheckAlertsResult,
    InitAlertsResult,
    AddPriceResult,
    AlertMetric,
    AlertMetricsResult,
    AlertButtonArgs,
    AlertButton,
    DidFireAlertParams,
    BudgetLevel,
    BudgetStatus,
    AnomalyMarker,
    BudgetsSection,
    SetBudgetParams,
    SetBudgetResult,
    CodeLensesParams,
    LensNumbers,
    LensStats,
    WorkflowLens,
    WorkflowMention,
    CodeLensesResult,
    EnableSourceParams,
    EnableSourceResult,
    SourceOffer,
)
