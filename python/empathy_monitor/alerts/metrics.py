"""Metric values for alert rules, taken from the core analytics (the numbers the panel shows).

Every windowed number comes from :class:`empathy_monitor.analytics.View` sections
(``render_overview``, ``render_by_provider``, ``render_fallback``) or its per-workflow sums; a
:class:`MetricContext` builds each distinct (window, filters) view once per evaluation, so 100 rules
over four windows cost four view builds, not a hundred. Per-run metrics (``workflow_cost``,
``workflow_cost_spike``) read the run columns, because they judge single runs, not sums.

Spike metrics compare a rate in the window with the usual rate over the trailing ``baseline`` just
before it; their value is the ratio (2.0 = twice the usual), so the threshold is a multiple. For
``token_spike``, ``provider_cost_anomaly`` and ``workflow_cost_spike`` "usual" is the median of the
baseline's window-sized buckets (or earlier runs) and the detail gives the robust score: the same
median/MAD scoring (``budgets.anomaly``) the cost chart's markers use (see ``baselines.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analytics import Filters, View, Window
from ..telemetry import Telemetry
from ..words import plural
from .baselines import BASELINE_GRAIN, BucketCache, median_of, span, usual
from .rules import Condition
from .tablesig import _appended, _Sig, _sig

# Baseline views end where the window starts, rounded down to BASELINE_GRAIN (a minute) so one
# baseline view serves (and is updated incrementally through) every evaluation in that minute.


@dataclass(frozen=True)
class MetricResult:
    """One rule's metric now: value (None = no data), samples behind it, labels, a detail."""

    value: float | None
    samples: int
    labels: dict[str, str] = field(default_factory=dict)
    detail: str = ""
    baseline_samples: int | None = None


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


# Windows of a day or more start on a minute boundary so their view can be kept and updated
# incrementally with each append (the core's O(1) path) instead of rebuilt on every ingest.
LONG_WINDOW = 86400.0


class ViewCache:
    """Views that outlive one evaluation, kept current without rebuilds.

    Each cached view lives in a *slot* (filters, range kind, window length): appended rows are
    folded in, and when the window has moved on (a minute later) the view is slid forward —
    rows that left are subtracted, rows that entered are added — instead of rebuilt.
    """

    def __init__(self) -> None:
        self._views: dict[Any, tuple[Any, View, _Sig, _Sig]] = {}
        self._used: set[Any] = set()
        self.buckets = BucketCache()  # the spike metrics' baseline buckets
        self.rebuilt = 0
        self.slid = 0

    def get(
        self,
        tel: Telemetry,
        key: Any,
        build: Callable[[], View],
        slot: Any = None,
        now: float | None = None,
    ) -> View:
        slot = key if slot is None else slot
        self._used.add(slot)
        calls, runs = tel.tables.calls, tel.tables.runs
        hit = self._views.get(slot)
        if hit is not None:
            hkey, view, csig, rsig = hit
            if _appended(csig, calls) and _appended(rsig, runs):
                if calls.n > csig[0]:
                    view.add_calls(csig[0], calls.n)
                if runs.n > rsig[0]:
                    view.add_runs(rsig[0], runs.n)
                slid = True
                if hkey != key:
                    try:
                        view.slide(key[0], key[1], view.window.now if now is None else now)
                        self.slid += 1
                    except ValueError:  # the window moved backwards (clock change): rebuild
                        slid = False
                if slid:
                    self._views[slot] = (key, view, _sig(calls), _sig(runs))
                    return view
        view = build()
        self.rebuilt += 1
        self._views[slot] = (key, view, _sig(calls), _sig(runs))
        return view

    def sweep(self) -> None:
        """Forget views no rule asked for since the last sweep."""
        for k in list(self._views):
            if k not in self._used:
                del self._views[k]
        self._used.clear()
        self.buckets.sweep()


class MetricContext:
    """One evaluation instant: resolves windows and memoizes views by (bounds, filters)."""

    def __init__(self, tel: Telemetry, now: float, cache: ViewCache | None = None) -> None:
        self.tel = tel
        self.now = now
        self._views: dict[Any, View] = {}
        self.cache = cache if cache is not None else ViewCache()
        self.built = 0
        # budgets.monitor.BudgetMonitor of the folder (set by the engine for the budget metrics)
        self.budgets: Any = None

    def bounds(self, cond: Condition) -> tuple[float, str]:
        """(since, range name) of the rule's window; the window is open-ended at the top."""
        if cond.window == "today":
            return self.tel.parser.local_midnight(self.now), "today"
        secs = cond.window_seconds
        assert secs is not None
        since = self.now - secs
        if secs >= LONG_WINDOW:
            since = math.floor(since / BASELINE_GRAIN) * BASELINE_GRAIN
        return since, "custom"

    def view(
        self,
        since: float | None,
        until: float | None,
        filters: Filters,
        rng: str = "custom",
        keep: bool = False,
        length: Any = None,
    ) -> View:
        """A view of ``[since, until)``. ``keep`` caches it across evaluations; ``length`` (the
        rule's window length) names its cache slot so the next minute slides it forward."""
        key = (since, until, filters, rng)
        v = self._views.get(key)
        if v is None:
            if keep:
                slot = (filters, rng, until is None, length)
                v = self.cache.get(
                    self.tel, key, lambda: self._build(since, until, filters, rng), slot, self.now
                )
            else:
                v = self._build(since, until, filters, rng)
            self._views[key] = v
        return v

    def _build(self, since: float | None, until: float | None, filters: Filters, rng: str) -> View:
        self.built += 1
        return self.tel.view(Window(rng, since, until, self.now), filters, recent=1, top=1)

    def main(self, cond: Condition, filters: Filters) -> tuple[View, float]:
        since, rng = self.bounds(cond)
        long = rng == "today" or (cond.window_seconds or 0) >= LONG_WINDOW
        view = self.view(since, None, filters, rng, keep=long, length=cond.window_seconds)
        return view, max(self.now - since, 1e-9)

    def baseline(self, cond: Condition, filters: Filters) -> tuple[View, float]:
        since, _ = self.bounds(cond)
        end = math.floor(since / BASELINE_GRAIN) * BASELINE_GRAIN
        length = cond.baseline_seconds
        # The slot names both lengths: baselines of rules with different windows end at
        # different lags behind now, so they must not share (and thrash) one cached view.
        slot_len = (cond.window, length)
        return self.view(end - length, end, filters, keep=True, length=slot_len), length

    def bucket_sums(
        self, cond: Condition, filters: Filters, what: str, group: str | None = None
    ) -> tuple[Any, float, list[str]]:
        """((groups, k) sums, bucket length, group names) of the rule's baseline buckets;
        ``group``: "provider" for one row per provider, None for one row."""
        since, _ = self.bounds(cond)
        bounds = span(since, self.now, cond.baseline_seconds)
        combos = self.tel.tables.call_combos.items
        names = sorted({str(c.provider) for c in combos}) if group == "provider" else [""]
        index = {n: i for i, n in enumerate(names)}

        def group_of() -> tuple[Any, int]:
            if group is None:
                return np.zeros(len(combos), dtype=np.int64), 1
            gid = np.fromiter(
                (index[str(c.provider)] for c in combos), dtype=np.int64, count=len(combos)
            )
            return gid, len(names)

        sums = self.cache.buckets.sums(self.tel, what, filters, bounds, group_of)
        return sums, bounds[2], names


def filters_of(cond: Condition) -> Filters:
    return Filters(workflow=cond.workflow, provider=cond.provider, tier=cond.tier, model=cond.model)


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


def _latency_of(ov: dict[str, Any], stat: str) -> float | None:
    x = ov["p95_latency_ms"] if stat == "p95" else ov["avg_latency_ms"]
    return None if x is None else float(x)


def _latency(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    v, _ = ctx.main(cond, filters_of(cond))
    ov = v.render_overview()
    return MetricResult(_latency_of(ov, cond.statistic), int(ov["calls"]), detail=cond.statistic)


# -- spikes (ratio to the trailing baseline) ---------------------------------------------------


def _latency_spike(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    f = filters_of(cond)
    ov = ctx.main(cond, f)[0].render_overview()
    bov = ctx.baseline(cond, f)[0].render_overview()
    cur, base = _latency_of(ov, cond.statistic), _latency_of(bov, cond.statistic)
    value = _ratio(cur, base) if cur is not None and base is not None else None
    detail = f"{cond.statistic} {cur} ms vs {base} ms over the previous {cond.baseline}"
    return MetricResult(value, int(ov["calls"]), detail=detail, baseline_samples=int(bov["calls"]))


def _token_spike(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    f = filters_of(cond)
    v, w = ctx.main(cond, f)
    bov = ctx.baseline(cond, f)[0].render_overview()  # the calls behind the baseline
    ov = v.render_overview()
    cur = (ov["input_tokens"] + ov["output_tokens"]) / w
    sums, blen, _ = ctx.bucket_sums(cond, f, "tokens")
    u = usual(sums[0], blen)
    if u is None:
        return MetricResult(None, int(ov["calls"]), detail="no baseline", baseline_samples=0)
    ratio, score = u.judge(cur)
    return MetricResult(
        ratio,
        int(ov["calls"]),
        detail=f"{cur * 3600:,.0f} tokens/h vs {u.median * 3600:,.0f} tokens/h usual"
        f" ({_usual_words(u.buckets, blen)}; robust score {score:.1f})",
        baseline_samples=int(bov["calls"]),
    )


def _usual_words(n: int, blen: float) -> str:
    return f"median of {plural(n, 'bucket')} of {blen / 3600:g} h"


def _provider_cost_anomaly(cond: Condition, ctx: MetricContext, m: int) -> MetricResult:
    f = filters_of(cond)
    v, w = ctx.main(cond, f)
    b, _bl = ctx.baseline(cond, f)
    cur, base = v.render_by_provider(), b.render_by_provider()
    sums, blen, names = ctx.bucket_sums(cond, f, "cost", "provider")
    row_of = {n: i for i, n in enumerate(names)}
    best: MetricResult | None = None
    for p, row in cur.items():
        brow = base.get(p)
        i = row_of.get(p)
        if brow is None or i is None or int(row["call_count"]) < m:
            continue
        u = usual(sums[i], blen)
        if u is None:
            continue
        r, score = u.judge(row["total_cost"] / w)
        if best is None or (best.value is not None and r > best.value):
            best = MetricResult(
                r,
                int(row["call_count"]),
                {"provider": p},
                f"provider {p}: ${row['total_cost'] * 3600 / w:,.4f}/h vs "
                f"${u.median * 3600:,.4f}/h usual ({_usual_words(u.buckets, blen)};"
                f" robust score {score:.1f})",
                baseline_samples=int(brow["call_count"]),
            )
    return best or MetricResult(None, sum(int(r["call_count"]) for r in cur.values()))


def _unusual_workflow_activity(cond: Condition, ctx: MetricContext, m: int) -> MetricResult:
    f = filters_of(cond)
    v, w = ctx.main(cond, f)
    b, bl = ctx.baseline(cond, f)
    best: MetricResult | None = None
    for wf, acc in sorted(v.wf_calls.items()):
        n = int(acc.calls)
        bacc = b.wf_calls.get(wf)
        if bacc is None or n < m:
            continue
        r = _ratio(n / w, bacc.calls / bl)
        if r is None:
            continue
        if best is None or (best.value is not None and r > best.value):
            best = MetricResult(
                r,
                n,
                {"workflow_name": wf},
                f"workflow {wf}: {n * 3600 / w:,.1f} calls/h vs {bacc.calls * 3600 / bl:,.1f}"
                " calls/h usual",
                baseline_samples=int(bacc.calls),
            )
    total = sum(int(a.calls) for a in v.wf_calls.values())
    return best or MetricResult(None, total)


# -- single runs -----------------------------------------------------------------------------


def _run_arrays(ctx: MetricContext, cond: Condition) -> tuple[Any, Any, Any, list[str]]:
    """(time, cost USD, workflow index, workflow names) of runs matching the rule's filters.

    A run is placed at its completion time (its start when unknown): that is when it is written,
    so a run longer than the window still alerts.
    """
    t = ctx.tel.tables
    runs = t.runs
    if runs.n == 0:
        return np.empty(0), np.empty(0), np.empty(0, dtype=np.int64), []
    combos = t.run_combos.items
    names = sorted({c[0] for c in combos})
    index = {n: i for i, n in enumerate(names)}
    wf_of = np.fromiter((index[c[0]] for c in combos), dtype=np.int64, count=len(combos))
    combo = runs.col("combo")
    end = runs.col("end")
    ts = np.where(np.isfinite(end), end, runs.col("ts"))
    cost = runs.col("cost") / 1e9
    f = filters_of(cond)
    if f.active:
        keep = t.run_combo_mask(f.match_run)[combo]
        ts, cost, combo = ts[keep], cost[keep], combo[keep]
    return ts, cost, wf_of[combo], names


def _workflow_cost(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    since, _ = ctx.bounds(cond)
    ts, cost, wf, names = _run_arrays(ctx, cond)
    sel = np.flatnonzero(ts >= since)
    if sel.size == 0:
        return MetricResult(None, 0)
    i = sel[int(np.argmax(cost[sel]))]
    name = names[int(wf[i])]
    return MetricResult(
        round(float(cost[i]), 9), int(sel.size), {"workflow_name": name}, f"workflow {name}"
    )


def _workflow_cost_spike(cond: Condition, ctx: MetricContext, m: int) -> MetricResult:
    since, _ = ctx.bounds(cond)
    ts, cost, wf, names = _run_arrays(ctx, cond)
    sel = np.flatnonzero(ts >= since)
    if sel.size == 0:
        return MetricResult(None, 0)
    end = math.floor(since / BASELINE_GRAIN) * BASELINE_GRAIN
    bmask = (ts >= end - cond.baseline_seconds) & (ts < end)
    nwf = len(names)
    bcount = np.bincount(wf[bmask], minlength=nwf)
    usual_of: dict[int, Any] = {}
    best: MetricResult | None = None
    for i in sel.tolist():
        k = int(wf[i])
        if bcount[k] < max(m, 1):
            continue
        if k not in usual_of:  # the median of the workflow's runs in the baseline
            usual_of[k] = median_of(cost[bmask & (wf == k)])
        u = usual_of[k]
        if u is None:
            continue
        r, score = u.judge(float(cost[i]))
        if best is None or (best.value is not None and r > best.value):
            best = MetricResult(
                r,
                int(bcount[k]),
                {"workflow_name": names[k]},
                f"workflow {names[k]}: run ${cost[i]:,.4f} vs ${u.median:,.4f} usual"
                f" (median of {plural(u.buckets, 'run')}; robust score {score:.1f})",
                baseline_samples=int(bcount[k]),
            )
    return best or MetricResult(None, 0)


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
