"""Metric values for alert rules, taken from the core analytics (the numbers the panel shows).

Sums, rates, latency, budgets and state here; the spike metrics (a rate against its usual rate
over a trailing baseline) and the single-run metrics in ``spikes.py``; the evaluation context and
its cached views in ``context.py``. ``evaluate_metric`` dispatches on the rule's metric.
"""

from __future__ import annotations

from ..words import plural
from .context import LONG_WINDOW, MetricContext, MetricResult, ViewCache, filters_of
from .rules import Condition
from .spikes import (
    _latency_of,
    _latency_spike,
    _provider_cost_anomaly,
    _token_spike,
    _unusual_workflow_activity,
    _workflow_cost,
    _workflow_cost_spike,
)

__all__ = ["LONG_WINDOW", "MetricContext", "MetricResult", "ViewCache", "evaluate_metric"]


def evaluate_metric(cond: Condition, ctx: MetricContext, min_samples: int = 0) -> MetricResult:
    """The metric's current value for one rule condition."""
    fn = _METRICS[cond.metric]
    return fn(cond, ctx, min_samples)


# -- sums -------------------------------------------------------------------------------------


def _daily_cost(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    since = ctx.tel.parser.local_midnight(ctx.now)
    ov = ctx.view(since, None, filters_of(cond), "today", keep=True).render_overview()
    return MetricResult(float(ov["total_cost"]), int(ov["calls"]), detail="today")


def _cost(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    v, _ = ctx.main(cond, filters_of(cond))
    ov = v.render_overview()
    return MetricResult(float(ov["total_cost"]), int(ov["calls"]))


def _token_usage(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    v, _ = ctx.main(cond, filters_of(cond))
    ov = v.render_overview()
    return MetricResult(
        float(ov["input_tokens"] + ov["output_tokens"]),
        int(ov["calls"]),
        detail=f"{ov['input_tokens']:,} in + {ov['output_tokens']:,} out",
    )


def _unpriced_calls(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    """Calls with tokens but no price anywhere, in the workspace's cost mode (never a silent $0)."""
    v, _ = ctx.main(cond, filters_of(cond))
    ov = v.render_overview()
    models = ", ".join(m["model"] for m in ov["unpriced_models"][:5])
    return MetricResult(
        float(ov["unpriced_calls"]), int(ov["calls"]), detail=f"unpriced: {models or 'none'}"
    )


# -- rates ------------------------------------------------------------------------------------


def _error_rate(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    v, _ = ctx.main(cond, filters_of(cond))
    fb = v.render_fallback()
    n = int(fb["total_calls"])
    return MetricResult(
        float(fb["error_rate"]) if n else None,
        n,
        detail=f"{fb['error_count']} of {plural(n, 'call')} failed",
    )


def _fallback_rate(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    v, _ = ctx.main(cond, filters_of(cond))
    fb = v.render_fallback()
    n = int(fb["total_calls"])
    return MetricResult(
        float(fb["fallback_percent"]) if n else None,
        n,
        detail=f"{fb['fallback_count']} of {plural(n, 'call')} fell back",
    )


def _latency(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    v, _ = ctx.main(cond, filters_of(cond))
    ov = v.render_overview()
    return MetricResult(_latency_of(ov, cond.statistic), int(ov["calls"]), detail=cond.statistic)


# -- budgets (budgets.yaml; the numbers the strip shows) ---------------------------------------


def _budget_metric(cond: Condition, ctx: MetricContext, which: int) -> MetricResult:
    mon = ctx.budgets
    if mon is None or not mon.enabled():
        return MetricResult(None, 0, detail="no budgets.yaml")
    got = mon.budget_percent(cond.budget, ctx.now)
    if got is None:
        what = f"no budget named {cond.budget!r}" if cond.budget else "name the budget"
        return MetricResult(None, 0, detail=what)
    labels = {"budget": cond.budget} if cond.budget else {}
    word = ("spent", "projected")[which]
    return MetricResult(float(got[which]), 1, labels, f"{word} {got[which]:.1f}% of the budget")


def _budget_percent(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    return _budget_metric(cond, ctx, 0)


def _forecast_percent(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    return _budget_metric(cond, ctx, 1)


# -- state -----------------------------------------------------------------------------------


def _circuit_breaker_open(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    states = ctx.tel.breakers.render(ctx.tel.parser, cond.provider)
    open_ = sorted(p for p, s in states.items() if s["state"] == "open")
    labels = {"provider": ",".join(open_)} if open_ else {}
    detail = ("open: " + ", ".join(open_)) if open_ else "all closed"
    return MetricResult(float(len(open_)), len(states), labels, detail)


_METRICS = {
    "daily_cost": _daily_cost,
    "cost": _cost,
    "token_usage": _token_usage,
    "unpriced_calls": _unpriced_calls,
    "error_rate": _error_rate,
    "fallback_rate": _fallback_rate,
    "latency": _latency,
    "latency_spike": _latency_spike,
    "token_spike": _token_spike,
    "provider_cost_anomaly": _provider_cost_anomaly,
    "unusual_workflow_activity": _unusual_workflow_activity,
    "workflow_cost": _workflow_cost,
    "workflow_cost_spike": _workflow_cost_spike,
    "circuit_breaker_open": _circuit_breaker_open,
    "budget_percent": _budget_percent,
    "forecast_percent": _forecast_percent,
}
