"""Dashboard sections: one module per section, each owning its wire model.

``SECTION_MODELS`` maps a section's name (a key of the snapshot and of ``empathy telemetry --json``)
to the type of its value; the sidecar protocol types its ``Snapshot`` with these, and the generated
TypeScript and runtime guards follow from them.
"""

from __future__ import annotations

from typing import Any

from .base import Section
from .by_model import ModelStats
from .by_provider import ProviderStats
from .by_tier import TierStats
from .circuit_breakers import BreakerState, CircuitBreaker
from .cost_series import CostPoint
from .errors import ErrorDay, ErrorHour, Errors, Retries
from .fallback import Fallback, FallbackChain
from .filter_options import FilterOption, FilterOptions
from .overview import Overview
from .recent_calls import CallRow
from .savings import Savings
from .top_workflows import WorkflowStats
from .window import WindowInfo

SECTION_MODELS: dict[str, Any] = {
    "window": WindowInfo,
    "overview": Overview,
    "cost_series": list[CostPoint],
    "by_provider": dict[str, ProviderStats],
    "by_tier": dict[str, TierStats],
    "by_model": dict[str, ModelStats],
    "top_workflows": list[WorkflowStats],
    "savings": Savings,
    "fallback": Fallback,
    "errors": Errors,
    "circuit_breakers": dict[str, CircuitBreaker],
    "recent_calls": list[CallRow],
}

MODELS: tuple[type[Section], ...] = (
    WindowInfo,
    Overview,
    CostPoint,
    ProviderStats,
    TierStats,
    ModelStats,
    WorkflowStats,
    Savings,
    FallbackChain,
    Fallback,
    ErrorDay,
    ErrorHour,
    Retries,
    Errors,
    CircuitBreaker,
    FilterOption,
    FilterOptions,
    CallRow,
)

__all__ = [
    "MODELS",
    "SECTION_MODELS",
    "BreakerState",
    "CallRow",
    "CircuitBreaker",
    "CostPoint",
    "ErrorDay",
    "ErrorHour",
    "Errors",
    "Fallback",
    "FallbackChain",
    "FilterOption",
    "FilterOptions",
    "ModelStats",
    "Overview",
    "ProviderStats",
    "Retries",
    "Savings",
    "Section",
    "TierStats",
    "WindowInfo",
    "WorkflowStats",
]
