"""Code lenses on the wire: ``empathy/codeLenses`` and the numbers and text of each lens."""

from __future__ import annotations

from pydantic import Field

from .base import In, LensRange, Out


class CodeLensesParams(In):
    """``empathy/codeLenses``: the workflows one document defines or names, with their numbers."""

    uri: str = Field(min_length=1, description="file URI of the document (inside the workspace)")
    range: LensRange | None = Field(default=None, description="default: the codeLens.range setting")
    now: str | None = Field(default=None, description="Pin 'now' (tests); the extension omits it")


class LensNumbers(Out):
    """One workflow (or step) in one period, as ``empathy telemetry --workflow W --json`` has it:
    calls/errors/total_cost/p95_latency_ms of ``overview``, runs = ``savings.workflow_count``."""

    calls: int
    errors: int
    runs: int
    cost: float = Field(description="dollars")
    errorRate: float | None = Field(description="percent of calls; null without calls")
    p95LatencyMs: float | None


class LensStats(Out):
    """The numbers of a lens and their display text (formatted by the sidecar, shown as is)."""

    current: LensNumbers
    previous: LensNumbers | None = Field(description="the period of equal length before")
    costChangePercent: float | None = Field(description="null when the previous cost is 0")
    text: str = Field(description="e.g. '$10.42 · 178 runs · 3.8% errors · p95 5.1 s · 7d ▲12%'")
    detail: list[str] = Field(description="lines for a hover (plain text)")


class WorkflowLens(Out):
    """A lens above a workflow's (or one of its steps') definition; ``line`` is 1-based."""

    workflow: str
    step: str | None
    line: int
    stats: LensStats


class WorkflowMention(Out):
    """A string literal naming a known workflow: 0-based line, UTF-16 columns [start, end)."""

    workflow: str
    line: int
    start: int
    end: int
    stats: LensStats


class CodeLensesResult(Out):
    uri: str
    range: LensRange
    since: str | None = Field(description="ISO 8601 start of the window")
    now: str = Field(description="ISO 8601 'now' the window was resolved at")
    lenses: list[WorkflowLens]
    mentions: list[WorkflowMention]
