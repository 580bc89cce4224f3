"""The ``filter_options`` section: the values of each filter dimension in the window.

Computed from the unfiltered view of the same window, so a dropdown keeps listing the other values
while a filter is applied; each value carries its calls and cost so the panel can order and label
them without computing anything. Workflow, provider, tier and model list every value. Project,
user, session and source (``dimensions.BREAKDOWNS``) list at most the view's ``dim_top`` values
by cost (a window can hold 5,000 sessions): ``unlisted`` counts the rest of each, which
``empathy/dimensionValues`` searches, and a filtered value outside the top is listed last so the
dropdown still shows what is applied. Step lists the steps of the filtered workflow (all steps,
summed by name, without a workflow filter), bounded the same way: step names are free text.
"""

from __future__ import annotations

from ..dimensions import BREAKDOWNS
from ..sums import CallSums, Sums
from ..window import Window
from .base import Section, trusted
from .by_dimension import dimension_count, find, values, with_runs
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
    step: list[FilterOption]
    project: list[FilterOption]
    user: list[FilterOption]
    session: list[FilterOption]
    source: list[FilterOption]
    unlisted: dict[str, int]


def _options(table: dict[str, CallSums]) -> list[FilterOption]:
    rows = sorted(
        ((k, a.calls, a.cost) for k, a in table.items() if a.calls), key=lambda r: (-r[2], r[0])
    )
    return [trusted(FilterOption, value=k, calls=n, cost=usd(c)) for k, n, c in rows]


def _option(value: str, calls: int, cost: int | float) -> FilterOption:
    return trusted(FilterOption, value=value, calls=calls, cost=usd(cost))


def dimension_options(s: Sums, name: str, ctx: Context) -> tuple[list[FilterOption], int]:
    """The listed values of a newer dimension (by cost, then name; projects known only from
    runs after those with calls) and how many more the window holds."""
    top = ctx.dim_top
    rows = with_runs(s, name, values(s, name, ctx.tables, top), ctx.tables)
    total = dimension_count(s, name, ctx.tables)
    listed = [_option(k, a.calls, a.cost) for k, a in rows[:top]]
    unlisted = max(0, total - len(listed))
    want = getattr(ctx.filters, name, None) if ctx.filters is not None else None
    if want is not None and all(o.value != want for o in listed):
        hit = find(s, name, ctx.tables, want)
        listed.append(_option(want, hit.calls, hit.cost) if hit else _option(want, 0, 0))
        unlisted -= hit is not None
    return listed, unlisted


def step_options(s: Sums, ctx: Context) -> list[FilterOption]:
    """The steps of the filtered workflow (or every step by name) by cost, then name, at most
    ``dim_top`` of them; the filtered step stays listed. (``unlisted`` counts the searched
    dimensions; a step is picked from its workflow's few.)"""
    f = ctx.filters
    wf = getattr(f, "workflow", None)
    by: dict[str, tuple[int, int]] = {}
    for (w, step), (n, c) in s.steps.items():
        if wf is None or w == wf:
            a = by.get(step, (0, 0))
            by[step] = (a[0] + n, a[1] + c)
    rows = sorted(by.items(), key=lambda kv: (-kv[1][1], kv[0]))
    top = len(rows) if ctx.dim_top is None else ctx.dim_top
    listed = [_option(k, n, c) for k, (n, c) in rows[:top]]
    want = getattr(f, "step", None)
    if want is not None and all(o.value != want for o in listed):
        n, c = by.get(want, (0, 0))
        listed.append(_option(want, n, c))
    return listed


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
    dims = {name: dimension_options(s, name, ctx) for name in BREAKDOWNS}
    return trusted(
        FilterOptions,
        workflow=workflows,
        provider=_options(s.prov),
        tier=_options(s.tier),
        model=_options(s.model),
        step=step_options(s, ctx),
        **{name: listed for name, (listed, _n) in dims.items()},
        unlisted={name: n for name, (_l, n) in dims.items()},
    )
