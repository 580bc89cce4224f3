"""Spike metrics: a rate in the window against the usual rate over the trailing ``baseline``.

The value is the ratio (2.0 = twice the usual), so a rule's threshold is a multiple. For
``token_spike``, ``provider_cost_anomaly`` and ``workflow_cost_spike`` "usual" is the median of
the baseline's window-sized buckets (or of the workflow's earlier runs) and the detail gives the
robust score: the median/MAD scoring of ``budgets.anomaly`` that the cost chart's markers use
(see ``baselines.py``). ``latency_spike`` and ``unusual_workflow_activity`` compare with the
baseline's overall rate. The single-run metrics (``workflow_cost``, ``workflow_cost_spike``) read
the run columns, because they judge single runs, not sums.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..words import plural
from .baselines import BASELINE_GRAIN, median_of, usual
from .context import MetricContext, MetricResult, _ratio, filters_of
from .rules import Condition


def _latency_of(ov: dict[str, Any], stat: str) -> float | None:
    x = ov["p95_latency_ms"] if stat == "p95" else ov["avg_latency_ms"]
    return None if x is None else float(x)


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


def _runs_in_window(
    cond: Condition, ctx: MetricContext
) -> tuple[float, Any, Any, Any, list[str], Any]:
    """(window start, run times, costs, workflow ids, workflow names, the window's run rows)."""
    since, _ = ctx.bounds(cond)
    ts, cost, wf, names = _run_arrays(ctx, cond)
    return since, ts, cost, wf, names, np.flatnonzero(ts >= since)


def _workflow_cost(cond: Condition, ctx: MetricContext, _m: int) -> MetricResult:
    _since, _ts, cost, wf, names, sel = _runs_in_window(cond, ctx)
    if sel.size == 0:
        return MetricResult(None, 0)
    i = sel[int(np.argmax(cost[sel]))]
    name = names[int(wf[i])]
    return MetricResult(
        round(float(cost[i]), 9), int(sel.size), {"workflow_name": name}, f"workflow {name}"
    )


def _workflow_cost_spike(cond: Condition, ctx: MetricContext, m: int) -> MetricResult:
    since, ts, cost, wf, names, sel = _runs_in_window(cond, ctx)
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
