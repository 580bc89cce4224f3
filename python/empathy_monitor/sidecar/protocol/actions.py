"""The requests behind the panel's and the editor's buttons: find a workflow's source, write demo
data, refresh, clear or restore the history, set a budget, add a price, enable a source."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import In, Out


class ResolveSourceParams(In):
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


class SourceLocation(Out):
    """A file inside the workspace; ``line`` is 1-based."""

    uri: str
    line: int


class SourceUnresolved(Out):
    uri: None = None
    reason: str


class GenerateDemoParams(In):
    """``empathy/generateDemo``: write sample telemetry into the first telemetry directory."""

    calls: int = Field(default=2000, ge=1, le=200_000)
    days: int = Field(default=14, ge=1, le=365)


class GenerateDemoResult(Out):
    calls: int
    runs: int
    dir: str


class RefreshResult(Out):
    durationMs: float
    records: int = Field(description="records read (calls + runs)")


class ClearHistoryResult(Out):
    archiveDir: str
    moved: list[str]


class UndoClearHistoryParams(In):
    """``empathy/undoClearHistory``: the ``archiveDir`` a clearHistory returned."""

    archiveDir: str = Field(min_length=1)


class UndoClearHistoryResult(Out):
    restored: list[str]


class SetBudgetParams(In):
    """``empathy/setBudget``: add or replace one budget in budgets.yaml ("Set budget…")."""

    name: str = Field(min_length=1, max_length=200)
    amount: float = Field(gt=0, description="US dollars")
    period: Literal["day", "week", "month"] = "month"
    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None


class SetBudgetResult(Out):
    configPath: str
    name: str


class AddPriceParams(In):
    """``empathy/addPrice``: append a stub entry for one model to ``.empathy/prices.yaml``.

    Creates the file when it is missing; writes nothing else (never a telemetry file).
    """

    model: str = Field(min_length=1)
    provider: str | None = None


class AddPriceResult(Out):
    """Where the stub was written: open ``path`` at ``line`` (1-based, the stub's first line)."""

    path: str
    line: int
    created: bool = Field(description="prices.yaml did not exist before")


class EnableSourceParams(In):
    """``empathy/enableSource``: the user accepted an offer (the panel's "Show")."""

    source: str = Field(min_length=1, max_length=64)


class EnableSourceResult(Out):
    """What ``empathy.sources`` becomes; the extension writes it (it owns the settings)."""

    source: str
    label: str
    sources: list[str] = Field(description="the new value of the empathy.sources setting")
