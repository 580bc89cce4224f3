"""Dashboard sections: one module per section, each owning its wire model and its ``render``.

``REGISTRY`` lists the sections a view renders, in the order of ``empathy telemetry --json``: each
with its wire type and ``render(sums, window, ctx) -> model`` (and, for sections whose rows are
cached per bucket, a ``dump`` reusing them). A new section is one module here plus one line in
``REGISTRY``; the view, the CLI and the sidecar pick it up from there.

``SECTION_MODELS`` maps a section's name (a key of the snapshot and of ``empathy telemetry --json``)
to the type of its value; the sidecar protocol types its ``Snapshot`` with these, and the generated
TypeScript and runtime guards follow from them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from ..rowcache import Mode
from ..sums import Sums
from ..window import Window
from . import by_dimension as _by_dimension
from . import by_model as _by_model
from . import by_provider as _by_provider
from . import by_tier as _by_tier
from . import cost_series as _cost_series
from . import errors as _errors
from . import fallback as _fallback
from . import filter_options as _filter_options
from . import overview as _overview
from . import prices as _prices
from . import savings as _savings
from . import today_cost as _today_cost
from . import top_workflows as _top_workflows
from . import window as _window
from .base import Section
from .by_dimension import DimensionStats
from .by_model import ModelStats
from .by_provider import ProviderStats
from .by_tier import TierStats
from .circuit_breakers import BreakerState, CircuitBreaker
from .context import Context, avg, pct, usd
from .cost_series import CostPoint
from .errors import ErrorDay, ErrorHour, Errors, Retries
from .fallback import Fallback, FallbackChain
from .filter_options import FilterOption, FilterOptions
from .overview import Overview, UnpricedModel
from .prices import ModelPrice, PriceRate, PricesInfo, SourceStats
from .recent_calls import CallRow
from .savings import Savings
from .top_workflows import WorkflowStats
from .window import WindowInfo

Render = Callable[[Sums, Window, Context], Any]
Dump = Callable[[Any, Mode, Context], Any]


@dataclass(frozen=True)
class SectionDef:
    """One windowed section: its wire type, how to render it, and where it is shown."""

    name: str
    type: Any
    render: Render
    dump: Dump | None = None  # default: the wire type's TypeAdapter
    dashboard: bool = True  # a key of ``empathy telemetry --json`` (else the sidecar only)

    @functools.cached_property
    def adapter(self) -> TypeAdapter[Any]:
        # built on first use: a TypeAdapter per section at import would slow every start
        return TypeAdapter(self.type)

    def to_wire(self, value: Any, mode: Mode, ctx: Context) -> Any:
        """The rendered value as plain data: ``mode="python"`` keeps the values as computed (the
        CLI's JSON), ``"json"`` coerces them to the wire types exactly as validation would."""
        if self.dump is not None:
            return self.dump(value, mode, ctx)
        return self.adapter.dump_python(value, mode=mode)


REGISTRY: tuple[SectionDef, ...] = (
    SectionDef("window", WindowInfo, _window.render),
    SectionDef("overview", Overview, _overview.render),
    SectionDef("cost_series", list[CostPoint], _cost_series.render, _cost_series.dump),
    SectionDef("by_provider", dict[str, ProviderStats], _by_provider.render),
    SectionDef("by_tier", dict[str, TierStats], _by_tier.render),
    SectionDef("by_model", dict[str, ModelStats], _by_model.render),
    SectionDef("top_workflows", list[WorkflowStats], _top_workflows.render),
    SectionDef(
        "by_project", dict[str, DimensionStats], _by_dimension.render_project, _by_dimension.dump
    ),
    SectionDef("by_user", dict[str, DimensionStats], _by_dimension.render_user, _by_dimension.dump),
    SectionDef(
        "by_session", dict[str, DimensionStats], _by_dimension.render_session, _by_dimension.dump
    ),
    SectionDef(
        "by_source", dict[str, DimensionStats], _by_dimension.render_source, _by_dimension.dump
    ),
    SectionDef("savings", Savings, _savings.render),
    SectionDef("fallback", Fallback, _fallback.render),
    SectionDef("errors", Errors, _errors.render, _errors.dump),
    SectionDef("prices", PricesInfo, _prices.render),
    SectionDef("filter_options", FilterOptions, _filter_options.render, dashboard=False),
    SectionDef("today_cost", float, _today_cost.render, dashboard=False),
    SectionDef("workflows", list[WorkflowStats], _top_workflows.render_all, dashboard=False),
    SectionDef("dimension_counts", dict[str, int], _by_dimension.render_counts, dashboard=False),
)
BY_NAME: dict[str, SectionDef] = {d.name: d for d in REGISTRY}

# Every windowed section plus the two the facade adds (breakers are all-time; the feed reads rows).
SECTION_MODELS: dict[str, Any] = {
    **{d.name: d.type for d in REGISTRY},
    "circuit_breakers": dict[str, CircuitBreaker],
    "recent_calls": list[CallRow],
}

MODELS: tuple[type[Section], ...] = (
    WindowInfo,
    UnpricedModel,
    Overview,
    PriceRate,
    ModelPrice,
    SourceStats,
    PricesInfo,
    CostPoint,
    ProviderStats,
    TierStats,
    ModelStats,
    DimensionStats,
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
    "BY_NAME",
    "MODELS",
    "REGISTRY",
    "SECTION_MODELS",
    "BreakerState",
    "CallRow",
    "CircuitBreaker",
    "Context",
    "CostPoint",
    "DimensionStats",
    "ErrorDay",
    "ErrorHour",
    "Errors",
    "Fallback",
    "FallbackChain",
    "FilterOption",
    "FilterOptions",
    "ModelPrice",
    "ModelStats",
    "Overview",
    "PriceRate",
    "PricesInfo",
    "ProviderStats",
    "Retries",
    "Savings",
    "Section",
    "SectionDef",
    "SourceStats",
    "TierStats",
    "UnpricedModel",
    "WindowInfo",
    "WorkflowStats",
    "avg",
    "pct",
    "usd",
]
