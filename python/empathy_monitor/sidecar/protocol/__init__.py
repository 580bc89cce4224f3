"""The sidecar wire protocol: method names and the pydantic model of every param and result.

This package is the single source of truth. ``scripts/gen_protocol`` turns its JSON Schema into
the TypeScript types and runtime guards in ``webview/src/protocol/`` (the extension imports them as
``@protocol``). Requests are ``empathy/<verb>``, notifications ``empathy/did<Thing>``.

The models live by subject, and every one is importable from here (``P.Snapshot``):
``base`` (In/Out and shared vocabularies), ``view`` (filters and the requests over the window),
``snapshot`` (the dashboard, health, deltas, didUpdate), ``alerts``, ``lenses`` and ``actions``
(the buttons). A new method is a constant and a ``REQUEST_TYPES`` (or ``NOTIFICATION_TYPES``) entry
here; a new model is a class in its subject's module (``MODELS`` picks it up from there).
"""

from __future__ import annotations

from types import ModuleType

from pydantic import BaseModel

from ...analytics.sections import MODELS as _SECTION_MODELS
from ...analytics.sections import CallRow
from ...budgets.status import AnomalyMarker, BudgetLevel, BudgetStatus
from ...budgets.status import BudgetsSection as BudgetsSection
from . import actions, alerts, base, lenses, snapshot, view
from .actions import *  # noqa: F403  (re-exported: P.<Model> for every model)
from .alerts import *  # noqa: F403
from .base import *  # noqa: F403
from .lenses import *  # noqa: F403
from .snapshot import *  # noqa: F403
from .view import *  # noqa: F403

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

# method -> (params model, result models); a result with two models is their union.
REQUEST_TYPES: dict[str, tuple[type[BaseModel], tuple[type[BaseModel], ...]]] = {
    SNAPSHOT: (view.SnapshotParams, (snapshot.Snapshot,)),
    ACTIVITY: (view.ActivityParams, (view.ActivityResult,)),
    EXPORT_CSV: (view.ExportCsvParams, (view.ExportCsvResult,)),
    RESOLVE_SOURCE: (
        actions.ResolveSourceParams,
        (actions.SourceLocation, actions.SourceUnresolved),
    ),
    GENERATE_DEMO: (actions.GenerateDemoParams, (actions.GenerateDemoResult,)),
    REFRESH: (base.EmptyParams, (actions.RefreshResult,)),
    CLEAR_HISTORY: (base.EmptyParams, (actions.ClearHistoryResult,)),
    UNDO_CLEAR_HISTORY: (actions.UndoClearHistoryParams, (actions.UndoClearHistoryResult,)),
    ALERTS: (base.EmptyParams, (alerts.AlertsStatus,)),
    TEST_ALERT: (alerts.TestAlertParams, (alerts.TestAlertResult,)),
    CHECK_ALERTS: (base.EmptyParams, (alerts.CheckAlertsResult,)),
    INIT_ALERTS: (alerts.InitAlertsParams, (alerts.InitAlertsResult,)),
    ALERT_METRICS: (base.EmptyParams, (alerts.AlertMetricsResult,)),
    CALL_DETAIL: (view.CallDetailParams, (CallRow,)),
    SET_BUDGET: (actions.SetBudgetParams, (actions.SetBudgetResult,)),
    CODE_LENSES: (lenses.CodeLensesParams, (lenses.CodeLensesResult,)),
    ADD_PRICE: (actions.AddPriceParams, (actions.AddPriceResult,)),
    DIMENSION_VALUES: (view.DimensionValuesParams, (view.DimensionValuesResult,)),
    ENABLE_SOURCE: (actions.EnableSourceParams, (actions.EnableSourceResult,)),
}
NOTIFICATION_TYPES: dict[str, type[BaseModel]] = {
    DID_UPDATE: snapshot.DidUpdateParams,
    DID_CHANGE_HEALTH: snapshot.Health,
    DID_FIRE_ALERT: alerts.DidFireAlertParams,
    DID_CHANGE_ALERTS: alerts.AlertsStatus,
    DID_CHANGE_BUDGETS: BudgetsSection,
}


def _defined_in(*modules: ModuleType) -> tuple[type[BaseModel], ...]:
    """The wire models each module defines, in the order it defines them."""
    return tuple(
        v
        for m in modules
        for v in vars(m).values()
        if isinstance(v, type)
        and issubclass(v, BaseModel)
        and v.__module__ == m.__name__
        and v not in (base.In, base.Out)
    )


# Every model the generated TypeScript declares (the schema's definitions are emitted sorted by
# name, so this order does not show in the generated files).
MODELS: tuple[type[BaseModel], ...] = (
    *_SECTION_MODELS,
    *_defined_in(base, view, snapshot, alerts, lenses, actions),
    BudgetLevel,
    BudgetStatus,
    AnomalyMarker,
    BudgetsSection,
)
