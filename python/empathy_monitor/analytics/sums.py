"""Running sums of one view, as named fields.

Every aggregate a section renders is one of these: ``CallSums`` per provider, tier, model and
workflow (and in total), ``RunSums`` per workflow, ``DaySums``/``HourSums``/``ProviderDay`` per
local bucket, latency histograms and a few counters. The block build adds per-combo totals and the
per-row fold adds one row's delta (negative when a window slides past it); both go through
``Sums.fold_call`` / ``fold_run``, so the two paths cannot drift. Plain ``__slots__`` classes keep
the per-row fold at a few microseconds (no dict, no numpy scalar per row).
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from ..tables import CallCombo
from .latency import LatencyHist
from .pricesums import PriceSums

DIM_LOG_MAX = 4096
_EPOCHS = itertools.count(1)  # unique across every Sums: a new Sums never matches a memo


class CallSums:
    """Calls, errors, cost (nanodollars), tokens, latency, fallbacks and retries of some calls.

    ``lat_n`` counts calls with a usable latency: a flagged (unbelievable) latency is stored as -1
    and left out of the average and the percentiles instead of counting as 0 ms. ``unp`` counts the
    calls unpriced in the view's cost mode (their cost is not in ``cost``: never shown as $0).
    """

    __slots__ = FIELDS = (
        "calls",
        "errors",
        "cost",
        "tin",
        "tout",
        "lat",
        "fb",
        "retry",
        "retried",
        "lat_n",
        "unp",
    )

    def __init__(
        self,
        calls: int = 0,
        errors: int = 0,
        cost: int = 0,
        tin: int = 0,
        tout: int = 0,
        lat: int = 0,
        fb: int = 0,
        retry: int = 0,
        retried: int = 0,
        lat_n: int = 0,
        unp: int = 0,
    ) -> None:
        self.calls = calls
        self.errors = errors
        self.cost = cost
        self.tin = tin
        self.tout = tout
        self.lat = lat
        self.fb = fb
        self.retry = retry
        self.retried = retried
        self.lat_n = lat_n
        self.unp = unp

    def add(self, d: CallSums) -> None:
        self.calls += d.calls
        self.errors += d.errors
        self.cost += d.cost
        self.tin += d.tin
        self.tout += d.tout
        self.lat += d.lat
        self.fb += d.fb
        self.retry += d.retry
        self.retried += d.retried
        self.lat_n += d.lat_n
        self.unp += d.unp

    def copy(self) -> CallSums:
        return CallSums(*(getattr(self, f) for f in self.FIELDS))

    @property
    def tokens(self) -> int:
        return self.tin + self.tout


class RunSums:
    """Workflow runs: count, cost, all-premium baseline, savings (nanodollars), duration, successes."""

    __slots__ = FIELDS = ("runs", "cost", "base", "save", "dur", "ok")

    def __init__(
        self, runs: int = 0, cost: int = 0, base: int = 0, save: int = 0, dur: int = 0, ok: int = 0
    ) -> None:
        self.runs = runs
        self.cost = cost
        self.base = base
        self.save = save
        self.dur = dur
        self.ok = ok

    def add(self, d: RunSums) -> None:
        self.runs += d.runs
        self.cost += d.cost
        self.base += d.base
        self.save += d.save
        self.dur += d.dur
        self.ok += d.ok

    def copy(self) -> RunSums:
        return RunSums(*(getattr(self, f) for f in self.FIELDS))


class DaySums:
    """One local day: cost (nanodollars), calls, errors, tokens."""

    __slots__ = ("calls", "cost", "errors", "tin", "tout")

    def __init__(self) -> None:
        self.cost = self.calls = self.errors = self.tin = self.tout = 0

    def add(self, d: DaySums) -> None:
        self.cost += d.cost
        self.calls += d.calls
        self.errors += d.errors
        self.tin += d.tin
        self.tout += d.tout


class HourSums:
    """One local hour: calls and errors."""

    __slots__ = ("calls", "errors")

    def __init__(self) -> None:
        self.calls = self.errors = 0

    def add(self, d: HourSums) -> None:
        self.calls += d.calls
        self.errors += d.errors


class ProviderDay:
    """One provider on one local day: cost (nanodollars) and calls."""

    __slots__ = ("calls", "cost")

    def __init__(self) -> None:
        self.cost = self.calls = 0

    def add(self, d: ProviderDay) -> None:
        self.cost += d.cost
        self.calls += d.calls


class DimSums:
    """One value of a per-row dimension (user, session, project): what its breakdown shows."""

    __slots__ = FIELDS = ("calls", "errors", "cost", "tokens", "lat", "lat_n", "unp")

    def __init__(
        self,
        calls: int = 0,
        errors: int = 0,
        cost: int = 0,
        tokens: int = 0,
        lat: int = 0,
        lat_n: int = 0,
        unp: int = 0,
    ) -> None:
        self.calls = calls
        self.errors = errors
        self.cost = cost
        self.tokens = tokens
        self.lat = lat
        self.lat_n = lat_n
        self.unp = unp


def _add_dim(table: dict[int, DimSums], key: int, d: CallSums) -> None:
    a = table.get(key)
    if a is None:
        a = table[key] = DimSums()
    a.calls += d.calls
    a.errors += d.errors
    a.cost += d.cost
    a.tokens += d.tin + d.tout
    a.lat += d.lat
    a.lat_n += d.lat_n
    a.unp += d.unp
    if not a.calls:
        del table[key]


def bump(counter: Counter[Any], key: Any, by: int) -> None:
    """Add to a count, dropping it at zero (rows can be subtracted when a window slides)."""
    n = counter[key] + by
    if n:
        counter[key] = n
    else:
        del counter[key]


def _add_to(table: dict[str, CallSums], key: str, d: CallSums) -> None:
    a = table.get(key)
    if a is None:
        table[key] = d.copy()
    else:
        a.add(d)


def fold_key(c: CallCombo) -> tuple[Any, ...]:
    """What :meth:`Sums.fold_call` splits a combo's sums by (steps apart): combos with the same
    key fold into the same entries, so the build adds their totals up first (``combos.py``)."""
    return (
        c.provider,
        c.tier,
        c.model,
        c.workflow,
        c.error_type,
        c.original_provider,
        c.fallback_chain,
        c.source,
    )


class Sums:
    """Everything one view has summed; sections render from this and nothing else."""

    def __init__(self) -> None:
        self.tot = CallSums()
        self.hist = LatencyHist()
        self.prov: dict[str, CallSums] = {}
        self.tier: dict[str, CallSums] = {}
        self.tier_hist: dict[str, LatencyHist] = {}
        self.model: dict[str, CallSums] = {}
        self.model_meta: dict[str, tuple[str, str]] = {}  # model -> (provider, tier)
        self.wf_calls: dict[str, CallSums] = {}
        self.etype: Counter[str] = Counter()
        self.oprov: Counter[str] = Counter()
        self.chains: Counter[tuple[str, ...]] = Counter()
        self.days: dict[int, DaySums] = {}
        self.day_prov: dict[tuple[int, str], ProviderDay] = {}
        self.hours: dict[int, HourSums] = {}
        self.runs_wf: dict[str, RunSums] = {}
        self.runs_tot = RunSums()
        self.recent: list[tuple[float, int, int]] = []  # (ts, file, offset), newest first
        self.price = PriceSums()  # writer vs list, unpriced, cache tokens (pricesums.py)
        # per-row dimensions by id (dimensions.ROW_DIMS: project, user, session) and source
        self.dims: dict[str, dict[int, DimSums]] = {"project": {}, "user": {}, "session": {}}
        # values of ``dims`` that only grew since ``dim_epoch`` began (a render's top values
        # then need only those and its last top: ``by_dimension._top_rows``); a value that
        # shrank, or a log past ``DIM_LOG_MAX``, starts a new epoch
        self.dim_grew: dict[str, list[int]] = {"project": [], "user": [], "session": []}
        self.dim_epoch = next(_EPOCHS)
        self.source: dict[str, CallSums] = {}
        self.runs_proj: dict[str | None, RunSums] = {}  # runs by their project
        # (workflow, step) -> (calls, cost): the step filter's options (filter_options)
        self.steps: dict[tuple[str | None, str], tuple[int, int]] = {}

    def fold_call(self, c: CallCombo, d: CallSums, step: bool = True) -> None:
        """Add the sums ``d`` of calls that share the combo ``c`` to every table they belong to;
        ``step=False``: but the steps (the build sums them apart, ``fold_step``)."""
        if step and c.step is not None:
            self.fold_step(c.workflow, c.step, d.calls, d.cost)
        prov, tier, model, wf, etype, oprov, chain, source = fold_key(c)
        _add_to(self.prov, prov, d)
        _add_to(self.tier, tier, d)
        _add_to(self.model, model, d)
        _add_to(self.source, source, d)
        self.model_meta[model] = (prov, tier)
        if wf is not None:
            _add_to(self.wf_calls, wf, d)
        self.tot.add(d)
        if d.errors:
            bump(self.etype, etype or "unknown", d.errors)
        if d.fb:
            if oprov:
                bump(self.oprov, oprov, d.fb)
            if chain:
                bump(self.chains, chain, d.fb)

    def fold_step(self, wf: str | None, step: str, calls: int, cost: int) -> None:
        """Add calls of one (workflow, step); a pair left with no calls is dropped, so a slid
        window's table equals a fresh build's."""
        k = (wf, step)
        a = self.steps.get(k)
        n, c = (calls, cost) if a is None else (a[0] + calls, a[1] + cost)
        if n:
            self.steps[k] = (n, c)
        elif a is not None:
            del self.steps[k]

    def fold_dims(self, project: int, user: int, session: int, d: CallSums) -> None:
        """Add one call's sums to its project, user and session (ids; 0 none)."""
        dims = self.dims
        _add_dim(dims["project"], project, d)
        _add_dim(dims["user"], user, d)
        _add_dim(dims["session"], session, d)
        grew = self.dim_grew
        if d.calls < 0 or d.cost < 0 or len(grew["session"]) >= DIM_LOG_MAX:
            self.dim_epoch = next(_EPOCHS)
            for log in grew.values():
                log.clear()
        else:
            grew["project"].append(project)
            grew["user"].append(user)
            grew["session"].append(session)

    def fold_run(self, wf: str, d: RunSums, project: str | None = None) -> None:
        a = self.runs_wf.get(wf)
        if a is None:
            self.runs_wf[wf] = d.copy()
        else:
            a.add(d)
        self.runs_tot.add(d)
        p = self.runs_proj.get(project)
        if p is None:
            self.runs_proj[project] = d.copy()
        else:
            p.add(d)
