"""The ``filter_options`` section: every value of each filter dimension in the window.

Computed from the unfiltered view of the same window, so a dropdown keeps listing the other values
while a filter is applied; each value carries its calls and cost so the panel can order and label
them without computing anything.
"""

from __future__ import annotations

from ..sums import CallSums, Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, usd


class FilterOption(Section):
    value: str
    calls: int
    cost: float


class FilterOptions(Section):
    workflow: list[FilterOption]
    provider: list[FilterOption]
    tier: list[FilterOption]
    model: list[FilterOption]


def _options(table: dict[str, CallSums]) -> list[FilterOption]:
    rows = sorted(
        ((k, a.calls, a.cost) for k, a in table.items() if a.calls), key=lambda r: (-r[2], r[0])
    )
    return [trusted(FilterOption, value=k, calls=n, cost=usd(c)) for k, n, c in rows]


def render(s: Sums, w: Window, ctx: Context) -> FilterOptions:
    """Every value with calls in ``s`` by cost, then name; workflows known only from runs last.

    Give it the sums of the unfiltered view of the window (the publisher does).
    """
    workflows = _options(s.wf_calls)
    seen = {o.value for o in workflows}
    runs_only = sorted(
        ((wf, a.cost) for wf, a in s.runs_wf.items() if a.runs and wf not in seen),
        key=lambda r: (-r[1], r[0]),
    )
    workflows += [trusted(FilterOption, value=wf, calls=0, cost=usd(c)) for wf, c in runs_only]
    return trusted(
        FilterOptions,
        workflow=workflows,
        provider=_options(s.prov),
        tier=_options(s.tier),
        model=_options(s.model),
    )
