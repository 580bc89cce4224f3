"""Every workflow's (and step's) numbers for one window and its previous period, in one pass.

The code lenses need, per workflow and per step, what ``empathy telemetry --workflow W`` reports:
calls, errors, cost, p95 latency and runs, for the window and the period before it. A filtered
``View`` per workflow would be one full pass each; here one pass serves all of them: each selected
call gets a group id ``(workflow, current|previous, step)`` laid out so that a workflow's steps
of one period are contiguous, the ids are sorted once (a radix sort while they fit in 16 bits),
and each group's p95 is a ``partition`` of its slice — and a workflow's p95 the ``partition`` of the
slice its steps span. Same selection rules as the view build (workflow combos, flagged latency -1
left out of the percentile), same nearest-rank percentile as ``LatencyHist``, so the numbers agree
with the CLI exactly. ``workflow_sums.WorkflowSums`` keeps the same numbers current as rows are
appended (the sidecar's lenses); this one-pass computation is what it must always equal.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import Tables
from .window import Window

P95 = 0.95


@dataclass(frozen=True)
class Numbers:
    """One workflow (or step) in one period; ``cost`` in nanodollars."""

    calls: int = 0
    errors: int = 0
    cost: int = 0
    p95_ms: int | None = None
    runs: int = 0


@dataclass
class WindowNumbers:
    """The window's numbers and the previous period's, by workflow and by (workflow, step)."""

    window: Window
    previous: Window | None
    workflows: dict[str, tuple[Numbers, Numbers]] = field(default_factory=dict)
    steps: dict[tuple[str, str], tuple[Numbers, Numbers]] = field(default_factory=dict)


def _rank_value(seg: npt.NDArray[Any]) -> int | None:
    """Nearest-rank p95 of an unsorted slice (as ``LatencyHist.percentile``)."""
    n = int(seg.size)
    if n == 0:
        return None
    r = max(1, math.ceil(P95 * n - 1e-9)) - 1
    return int(np.partition(seg, r)[r])


def compute(
    tables: Tables,
    window: Window,
    costs: Callable[[npt.NDArray[np.int64]], npt.NDArray[np.int64]] | None = None,
) -> WindowNumbers:
    """Numbers of every workflow and step with a call or run in ``window`` or its previous period.

    ``costs`` gives the nanodollars of call rows in the cost mode shown (default: the writer's).
    """
    prev = window.previous()
    out = WindowNumbers(window, prev)
    lo = prev.since if prev is not None else window.since
    span = Window(window.range, lo, window.until, window.now)
    _calls(tables, window, span, out, costs)
    _runs(tables, window, span, out)
    return out


def _calls(
    tables: Tables,
    window: Window,
    span: Window,
    out: WindowNumbers,
    costs: Callable[[npt.NDArray[np.int64]], npt.NDArray[np.int64]] | None,
) -> None:
    t = tables.calls
    combos = tables.call_combos.items
    if t.n == 0 or not combos:
        return
    # (workflow, step) pairs in workflow order: pair p of workflow w is P_w + j, j < m_w.
    pairs = sorted({(c.workflow, c.step or "") for c in combos if c.workflow is not None})
    if not pairs:
        return
    first: dict[str, int] = {}
    for i, (wf, _s) in enumerate(pairs):
        first.setdefault(wf, i)
    width = {wf: 0 for wf in first}
    for wf, _s in pairs:
        width[wf] += 1
    pos = {p: i for i, p in enumerate(pairs)}
    nc = len(combos)
    # group id = 2·P_w + j (current) or 2·P_w + m_w + j (previous); -1 for no workflow
    base = np.full(nc, -1, dtype=np.int64)
    wide = np.zeros(nc, dtype=np.int64)
    for cid, c in enumerate(combos):
        if c.workflow is None:
            continue
        p = pos[(c.workflow, c.step or "")]
        f = first[c.workflow]
        base[cid] = 2 * f + (p - f)
        wide[cid] = width[c.workflow]
    combo = t.col("combo")
    m = span.mask(t.col("ts"))
    okc = base[combo] >= 0
    idx = np.flatnonzero(okc if m is None else (m & okc))
    if idx.size == 0:
        return
    cmb = combo[idx]
    gid = base[cmb]
    if window.since is not None and span.since is not None and span.since < window.since:
        gid = gid + (t.col("ts")[idx] < window.since) * wide[cmb]
    ng = 2 * len(pairs)
    small = np.int16 if ng < (1 << 15) else np.int32
    g = gid.astype(small)
    calls = np.bincount(g, minlength=ng).tolist()
    errs = np.bincount(g[~t.col("ok")[idx]], minlength=ng).tolist()
    nanos = t.col("cost")[idx] if costs is None else costs(idx.astype(np.int64))
    cost = np.rint(np.bincount(g, weights=nanos, minlength=ng)).astype(np.int64)
    cost_sums = cost.tolist()
    lat = t.col("lat")[idx]
    has = lat >= 0
    gl = g[has]
    order = np.argsort(gl, kind="stable")  # radix sort for 16-bit ids
    lat_sorted = lat[has][order]
    bounds = np.concatenate(([0], np.cumsum(np.bincount(gl, minlength=ng)))).tolist()

    def numbers(a: int, b: int) -> Numbers:
        """The groups [a, b) together."""
        return Numbers(
            sum(calls[a:b]),
            sum(errs[a:b]),
            sum(cost_sums[a:b]),
            _rank_value(lat_sorted[bounds[a] : bounds[b]]),
        )

    for wf, f in first.items():
        w = width[wf]
        cur, prv = numbers(2 * f, 2 * f + w), numbers(2 * f + w, 2 * f + 2 * w)
        if cur.calls or prv.calls:
            out.workflows[wf] = (cur, prv)
        for j in range(w):
            step = pairs[f + j][1]
            if not step:
                continue
            a, b = 2 * f + j, 2 * f + w + j
            sc, sp = numbers(a, a + 1), numbers(b, b + 1)
            if sc.calls or sp.calls:
                out.steps[(wf, step)] = (sc, sp)


def _runs(tables: Tables, window: Window, span: Window, out: WindowNumbers) -> None:
    t = tables.runs
    rc = tables.run_combos.items
    if t.n == 0 or not rc:
        return
    names = sorted({r[0] for r in rc})
    at = {n: i for i, n in enumerate(names)}
    of = np.fromiter((at[r[0]] for r in rc), dtype=np.int64, count=len(rc))
    m = span.mask(t.col("ts"))
    idx = np.flatnonzero(m) if m is not None else np.arange(t.n)
    if idx.size == 0:
        return
    k = of[t.col("combo")[idx]] * 2
    if window.since is not None and span.since is not None and span.since < window.since:
        k = k + (t.col("ts")[idx] < window.since)
    counts = np.bincount(k, minlength=2 * len(names)).tolist()
    for i, wf in enumerate(names):
        cur, prv = counts[2 * i], counts[2 * i + 1]
        if not (cur or prv):
            continue
        a, b = out.workflows.get(wf, (Numbers(), Numbers()))
        out.workflows[wf] = (_with_runs(a, cur), _with_runs(b, prv))


def _with_runs(n: Numbers, runs: int) -> Numbers:
    return Numbers(n.calls, n.errors, n.cost, n.p95_ms, runs)
