"""What the panel looks at: the filters, the window of a snapshot, and the requests that page,
search or export that same window (activity, callDetail, dimensionValues, exportCsv)."""

from __future__ import annotations

from pydantic import Field

from ...analytics.sections import CallRow, FilterOption
from .base import CostMode, DimensionName, In, Out, RangeName


class Filters(In):
    """Exact-match filters; a missing or null field matches anything."""

    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None
    step: str | None = Field(
        default=None, description="a call's step_name; runs have none, so run counts are 0"
    )
    project: str | None = Field(default=None, description="'(none)': records without one")
    user: str | None = None
    session: str | None = None
    source: str | None = Field(default=None, description="the log a record came from")


class DimensionValuesParams(In):
    """``empathy/dimensionValues``: search the values of a dimension in the current window
    (unfiltered), for a dropdown of more values than the snapshot carries (users, sessions)."""

    dimension: DimensionName
    prefix: str = Field(default="", max_length=200, description="case-insensitive")
    limit: int = Field(default=50, ge=1, le=500)


class SnapshotParams(In):
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


class ActivityParams(In):
    """``empathy/activity``: a page of calls, newest first, through the whole history."""

    offset: int = Field(default=0, ge=0)
    limit: int | None = Field(default=None, ge=1, le=1000, description="default: activityLimit")
    filters: Filters = Field(default_factory=Filters)
    cost_mode: CostMode | None = Field(
        default=None, description="the rows' cost mode (the panel's toggle); null: the workspace's"
    )


class CallDetailParams(In):
    """``empathy/callDetail``: one call's whole row (snapshot and activity rows clip long text)."""

    callId: str = Field(min_length=1)


class ExportCsvParams(In):
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


class DimensionValuesResult(Out):
    dimension: str
    values: list[FilterOption] = Field(description="by cost; values starting with prefix first")
    total: int = Field(description="how many values match (values holds at most limit)")


class ActivityResult(Out):
    rows: list[CallRow]
    total: int
    offset: int


class ExportCsvResult(Out):
    path: str
    rows: int
