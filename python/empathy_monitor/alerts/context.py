"""One evaluation's view of the telemetry: the metric result type, windows, and cached views.

Every windowed number comes from :class:`empathy_monitor.analytics.View` sections
(``render_overview``, ``render_by_provider``, ``render_fallback``) or its per-workflow sums; a
:class:`MetricContext` builds each distinct (window, filters) view once per evaluation, so 100 rules
over four windows cost four view builds, not a hundred, and :class:`ViewCache` keeps the long
windows' views across evaluations, sliding them forward instead of rebuilding.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analytics import Filters, View, Window
from ..analytics.dimensions import DIMENSIONS
from ..telemetry import Telemetry
from .baselines import BASELINE_GRAIN, BucketCache, span
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
    """The rule's scope, one filter per dimension (``analytics.dimensions.DIMENSIONS``); a
    dimension rules cannot be scoped by (step) is unfiltered."""
    return Filters(**{d.name: getattr(cond, d.name, None) for d in DIMENSIONS})
