"""The client's current view, kept current incrementally, and the diffs pushed as didUpdate.

``Publisher`` holds the view the client last asked for (range + filters), the previous-period view
for deltas, the unfiltered view of the same window when a filter is active (the filter options list
every value), and the sections last sent. After each refresh it folds the appended rows into all
of them (``View.add_calls``/``add_runs``, O(1) per row), re-renders, and reports only the sections
whose value changed. Sections are rendered straight to their wire form (JSON mode of their models),
so the service sends a diff as it is, without validating it again. A reset (a file truncated or replaced) rebuilds; a relative window slides forward with "now".
It does no IO besides what ``Telemetry`` does and never touches pygls: the service sends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..analytics import Filters, View, Window
from ..analytics.sections.by_dimension import search
from ..ingest.tailer import ReadResult
from ..prices.sources import CostMode
from ..telemetry import Telemetry
from .updates import Update, ViewKey, deltas, health_signature

# re-exported: their importers predate updates.py
__all__ = [
    "DIM_TOP",
    "MAX_CACHED_VIEWS",
    "REANCHOR_EVERY_S",
    "Publisher",
    "Update",
    "ViewKey",
    "deltas",
]

# A relative window ("7d", "today") follows "now": at most this often, on a change or a snapshot,
# it is slid forward (rows that left are subtracted, rows that entered added), not rebuilt.
REANCHOR_EVERY_S = 60.0
# Values of a high-cardinality dimension (user, session) in a snapshot; the rest is searched
# with empathy/dimensionValues, so 5,000 sessions never ride along on every update.
DIM_TOP = 50


@dataclass
class _Built:
    """A view, its previous-period view and (filters active) its unfiltered options view, in step
    with the first ``calls_n``/``runs_n`` rows."""

    view: View
    prev: View | None
    opts: View | None
    calls_n: int
    runs_n: int


MAX_CACHED_VIEWS = 8


class Publisher:
    """Current view + last rendered sections; versions increase with every change sent."""

    def __init__(self, tel: Telemetry, recent: int = 20, top: int = 5) -> None:
        self.tel = tel
        self.recent = recent
        self.top = top
        self.version = 0
        self.key: ViewKey | None = None
        self.view: View | None = None
        self.prev: View | None = None
        self.opts: View | None = None
        # Views built for other (range, filters) keys: a range switch back to one of them only
        # folds in the rows appended since, instead of a full build of both periods.
        self.cache: dict[ViewKey, _Built] = {}
        self.last: dict[str, Any] = {}
        self.health_sig: Any = None
        self._health: dict[str, Any] | None = None

    # -- building -------------------------------------------------------------------------
    def _fresh(self, key: ViewKey) -> _Built:
        window: Window = self.tel.window(key.spec())
        view = self._main(window, key.filters, key.cost_mode)
        pw = window.previous()
        prev = (
            self.tel.view(
                pw, key.filters, recent=1, top=1, overview_only=True, cost_mode=key.cost_mode
            )
            if pw is not None
            else None
        )
        t = self.tel.tables
        return _Built(view, prev, self._options(key, window), t.calls.n, t.runs.n)

    def _main(self, window: Window, filters: Filters, cost_mode: CostMode | None = None) -> View:
        return self.tel.view(
            window,
            filters,
            recent=self.recent,
            top=self.top,
            dim_top=DIM_TOP,
            cost_mode=cost_mode,
        )

    def _options(self, key: ViewKey, window: Window) -> View | None:
        """The unfiltered view of ``window`` for the filter options; None when no filter is
        active (the main view's sums are then the unfiltered ones).

        Every filter of one window shares it: an unfiltered view of the same window already
        built (the unfiltered key's main view, or another filter's options) is brought up to
        date and reused, so a filter change builds only the filtered views.
        """
        if not key.filters.active:
            return None
        shared = self._shared_options(key, window)
        if shared is not None:
            return shared
        return self.tel.view(
            window,
            Filters(),
            recent=1,
            top=1,
            overview_only=True,
            dim_top=DIM_TOP,
            dims=True,
            cost_mode=key.cost_mode,
        )

    def _shared_options(self, key: ViewKey, window: Window) -> View | None:
        same = ViewKey(key.range, key.since, key.until, key.now, Filters(), key.cost_mode)
        built = [(k, b.view, b.opts) for k, b in self.cache.items()]
        if self.key is not None and self.view is not None:
            built.append((self.key, self.view, self.opts))
        for k, view, opts in built:
            if ViewKey(k.range, k.since, k.until, k.now, Filters(), k.cost_mode) != same:
                continue
            v = opts if k.filters.active else view
            if v is None or (v.window.since is None) != (window.since is None):
                continue
            v.follow()
            if (v.window.since, v.window.until) != (window.since, window.until):
                try:
                    v.slide(window.since, window.until, window.now)
                except ValueError:  # the window moved back (clock): build another
                    continue
            return v
        return None

    def _cached(self, key: ViewKey) -> _Built | None:
        """A cached build of ``key`` brought up to date, or None if it is unusable."""
        hit = self.cache.pop(key, None)
        t = self.tel.tables
        if hit is None or hit.calls_n > t.calls.n or hit.runs_n > t.runs.n:
            return None
        for v in (hit.view, hit.prev, hit.opts):
            if v is None:
                continue
            if t.calls.n > hit.calls_n:
                v.add_calls(hit.calls_n, t.calls.n)
            if t.runs.n > hit.runs_n:
                v.add_runs(hit.runs_n, t.runs.n)
        hit.calls_n, hit.runs_n = t.calls.n, t.runs.n
        hit.view, hit.prev, hit.opts = self._reanchor(key, hit.view, hit.prev, hit.opts)
        return hit

    def _reanchor(
        self, key: ViewKey, view: View, prev: View | None, opts: View | None
    ) -> tuple[View, View | None, View | None]:
        """Bring a relative window up to "now" by sliding it (cheap), once a minute at most."""
        if not key.relative or time.time() - view.window.now < REANCHOR_EVERY_S:
            return view, prev, opts
        w = self.tel.window(key.spec())
        try:
            view.slide(w.since, w.until, w.now)
            if opts is not None:
                opts.slide(w.since, w.until, w.now)
        except ValueError:  # the clock went backwards: build it again
            view = self._main(w, key.filters, key.cost_mode)
            opts = self._options(key, w)
        pw = w.previous()
        if prev is not None and pw is not None:
            try:
                prev.slide(pw.since, pw.until, w.now)
            except ValueError:  # "today" grows, so its previous period starts earlier: rebuild
                prev = self.tel.view(
                    pw, key.filters, recent=1, top=1, overview_only=True, cost_mode=key.cost_mode
                )
        return view, prev, opts

    def _stash(self) -> None:
        if self.key is None or self.view is None:
            return
        t = self.tel.tables
        self.cache[self.key] = _Built(self.view, self.prev, self.opts, t.calls.n, t.runs.n)
        while len(self.cache) > MAX_CACHED_VIEWS:
            self.cache.pop(next(iter(self.cache)))

    def _build(self, key: ViewKey, reuse: bool = True) -> None:
        b = self._cached(key) if reuse else None
        if key != self.key:
            self._stash()
        b = b or self._fresh(key)
        self.view, self.prev, self.opts, self.key = b.view, b.prev, b.opts, key

    def warm(self, key: ViewKey) -> bool:
        """Build ``key`` into the cache ahead of a range switch; False if nothing to do."""
        if key == self.key or key in self.cache:
            return False
        self.cache[key] = self._fresh(key)
        while len(self.cache) > MAX_CACHED_VIEWS:
            self.cache.pop(next(iter(self.cache)))
        return True

    def _render(self) -> dict[str, Any]:
        """Every snapshot section but health, in wire form (JSON mode)."""
        v = self.view
        assert v is not None and self.key is not None
        out = v.render("json", dashboard_only=False)
        if self.opts is not None:
            out["filter_options"] = v.dump("filter_options", "json", self.opts.sums)
        out["recent_calls"] = self.tel.recent_rows(
            v.recent_refs(), mode="json", cost_mode=v.cost_mode
        )
        out["previous"] = self.prev.dump("overview", "json") if self.prev is not None else None
        out["deltas"] = deltas(out["overview"], out["previous"])
        # plain strings and nulls, already as ``CircuitBreaker`` types them
        out["circuit_breakers"] = self.tel.breakers.render(
            self.tel.parser, self.key.filters.provider
        )
        return out

    def health(self) -> dict[str, Any]:
        if self._health is None:
            self._health = self.tel.health()
            self.health_sig = health_signature(self._health)
        return self._health

    # -- requests -------------------------------------------------------------------------
    def snapshot(self, key: ViewKey) -> dict[str, Any]:
        """The full dashboard for ``key``; becomes the view later updates follow."""
        if key != self.key or self.view is None:
            self._build(key)
        else:
            self.view, self.prev, self.opts = self._reanchor(key, self.view, self.prev, self.opts)
        sections = self._render()
        if sections != self.last:
            self.version += 1
            self.last = sections
        out = dict(sections)
        out["health"] = self.health()
        out["version"] = self.version
        return out

    def dimension_values(
        self, dimension: str, prefix: str, limit: int
    ) -> tuple[list[tuple[str, int, float]], int]:
        """Values of ``dimension`` in the current window (unfiltered) matching ``prefix``."""
        v = self.opts or self.view
        if v is None:
            return [], 0
        return search(v.sums, dimension, self.tel.tables, prefix, limit)

    def reset(self) -> None:
        """Forget the view (settings changed); the next snapshot or ingest rebuilds."""
        self.view = self.prev = self.opts = None
        self.cache.clear()
        self._health = None

    # -- live -----------------------------------------------------------------------------
    def ingest(
        self,
        res: ReadResult,
        check_health: bool = False,
        rebuild: bool = False,
        force: bool = False,
    ) -> Update | None:
        """Fold what ``Telemetry.refresh`` read; the diff to send, or None if nothing changed.

        ``check_health`` re-checks health even if the reader saw no problem (a directory appeared
        or vanished); ``rebuild`` recomputes the view from the tables (settings changed);
        ``force`` sends every section even if none changed (an explicit Refresh).
        """
        health_changed = res.health_changed or check_health
        if res.changed or res.reset:
            self._health = None  # record counts moved
        if self.key is None:
            return self._health_only(health_changed)
        if res.reset or rebuild:
            self.cache.clear()
            # nothing built before may be shared into the new build (rows changed meaning)
            self.view = self.prev = self.opts = None
        if res.reset or self.view is None or rebuild:
            self._build(self.key, reuse=False)
        else:
            assert self.view is not None
            for v in (self.view, self.prev, self.opts):
                if v is None:
                    continue
                if res.calls[1] > res.calls[0]:
                    v.add_calls(*res.calls)
                if res.runs[1] > res.runs[0]:
                    v.add_runs(*res.runs)
            self.view, self.prev, self.opts = self._reanchor(
                self.key, self.view, self.prev, self.opts
            )
        sections = self._render()
        changed = {k: v for k, v in sections.items() if force or self.last.get(k) != v}
        upd = self._health_only(health_changed)
        if not changed:
            return upd
        base = self.version
        self.version += 1
        self.last = sections
        return Update(base, self.version, changed, upd.health if upd else None)

    def _health_only(self, maybe: bool) -> Update | None:
        if not maybe and self.health_sig is not None:
            return None
        old = self.health_sig
        self._health = None
        h = self.health()
        if self.health_sig == old:
            return None
        return Update(self.version, self.version, {}, h)
