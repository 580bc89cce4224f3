"""Spend per budget scope, kept current with each append: local-day totals and recent minutes.

Which calls count: those matching the budget's scope filters (the analytics ``Filters``; a scope key
the data model has no dimension for yet is reported, not guessed). Which money: :func:`cost_of`, the
ONE place that prices rows for budgets: the workspace's ``cost_mode`` (monitoring.yaml; auto, writer
or list) through the same ``Telemetry.costs_of`` the panel's views use. A call without a price is
not $0: it is counted apart (``unpriced``), so the strip can say "+ N unpriced calls not included".

Each budget keeps two dense arrays that appended rows are folded into (no rescans): spend per local
day of the budget's zone (the period's spend and the forecast's history) and spend per UTC minute
over the last :data:`MINUTES` (the burn rates). Rows dropped or replaced (a truncated file) rebuild.

Pure numpy over the in-memory tables; no IO.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from ..analytics import Filters
from ..prices.sources import UNPRICED
from ..telemetry import Telemetry
from .config import Budget
from .periods import day_start, local_date

MINUTES = 8 * 1440  # burn rates look back 7 days; one more day of slack before the axis shifts
FILTER_KEYS: frozenset[str] = frozenset(f.name for f in dataclasses.fields(Filters))


def cost_of(tel: Telemetry, a: int, b: int) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """(cost in nanodollars, priced) of call rows ``[a, b)`` in the workspace's cost mode.

    The panel's own rule (``prices.columns.view_costs``): ``unpriced`` calls (tokens, no price
    anywhere) are not priced; free and unbilled calls are priced at $0.
    """
    src, cost = tel.costs_of(np.arange(a, b), tel.cost_mode)
    return np.asarray(cost, dtype=np.int64), np.asarray(src != UNPRICED)


def only_appended(
    tel: Telemetry, sig: Any, rows: int, money: tuple[str, int, frozenset[str]] | None
) -> bool:
    """Whether sums over the first ``rows`` calls (table signature ``sig``, priced as ``money``)
    still hold: rows were only appended since and no price or cost mode changed."""
    from ..alerts.tablesig import _appended  # the views' own "only appended?" test

    calls = tel.tables.calls
    return (
        sig is not None and _appended(sig, calls) and calls.n >= rows and money == pricing_sig(tel)
    )


def pricing_sig(tel: Telemetry) -> tuple[str, int, frozenset[str]]:
    """Changes when the dollars of existing rows may change: another cost mode, price book or
    set of sources billed by subscription (their calls are $0 spent)."""
    return tel.cost_mode, id(tel.pricing.book), tel.pricing.subscribed


def scope_filters(budget: Budget) -> tuple[Filters | None, list[str]]:
    """The budget's scope as analytics ``Filters``; (None, [the keys not supported yet]) when the
    data model has no such dimension (the budget is then not evaluated rather than over-counted)."""
    scope = budget.scope
    missing = sorted(k for k in scope if k not in FILTER_KEYS)
    if missing:
        return None, missing
    return Filters(**scope), []


class _Days:
    """Local-midnight edges of one zone, grown as data arrives (shared by budgets in that zone)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.edges = np.zeros(0, dtype=np.int64)

    def cover(self, lo: float, hi: float) -> int:
        """Make the edges cover ``[lo, hi]``; returns how many days were prepended (0 usually)."""
        z = self.tz
        if self.edges.size == 0:
            first = local_date(lo, z)
            self.edges = np.array(
                [day_start(first, z), day_start(first + timedelta(days=1), z)], dtype=np.int64
            )
        before = 0
        if lo < self.edges[0]:
            d0 = local_date(lo, z)
            end = local_date(float(self.edges[0]), z)
            new = []
            d = d0
            while d < end:
                new.append(day_start(d, z))
                d += timedelta(days=1)
            before = len(new)
            self.edges = np.concatenate([np.array(new, dtype=np.int64), self.edges])
        if hi >= self.edges[-1]:
            d = local_date(float(self.edges[-1]), z)
            last = local_date(hi, z)
            new = []
            while d <= last:
                d += timedelta(days=1)
                new.append(day_start(d, z))
            self.edges = np.concatenate([self.edges, np.array(new, dtype=np.int64)])
        return before

    def index(self, ts: NDArray[np.float64]) -> NDArray[np.int64]:
        return np.asarray(np.searchsorted(self.edges, ts, side="right") - 1, dtype=np.int64)


@dataclasses.dataclass
class BudgetSpend:
    """One budget's running totals (all money in nanodollars)."""

    budget: Budget
    filters: Filters
    days: _Days
    day_cost: NDArray[np.int64]  # per day of ``days.edges[:-1]``
    day_unpriced: NDArray[np.int64]  # unpriced calls per day
    minute_cost: NDArray[np.int64]  # per UTC minute from ``SpendIndex.minute0``
    mask: NDArray[np.bool_] | None = None  # combo id -> in scope
    mask_combos: int = -1

    def spent(self, start: int, end: int) -> tuple[int, int]:
        """(spend, unpriced calls) of the local days in ``[start, end)``."""
        e = self.days.edges[:-1]
        sel = (e >= start) & (e < end)
        return int(self.day_cost[: e.size][sel].sum()), int(self.day_unpriced[: e.size][sel].sum())

    def history(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(local-day starts, spend) of every day the arrays cover."""
        e = self.days.edges[:-1]
        return e.copy(), self.day_cost[: e.size].copy()


class SpendIndex:
    """Every budget's spend, folded in row range by row range from ``Tables``."""

    def __init__(self, budgets: list[tuple[Budget, Filters, ZoneInfo]]) -> None:
        zones: dict[str, _Days] = {}
        self.minute0 = 0
        self.rows = 0
        self.items: dict[str, BudgetSpend] = {}
        for b, f, tz in budgets:
            days = zones.setdefault(str(tz), _Days(tz))
            self.items[b.name] = BudgetSpend(
                b,
                f,
                days,
                np.zeros(0, dtype=np.int64),
                np.zeros(0, dtype=np.int64),
                np.zeros(MINUTES, dtype=np.int64),
            )
        self._zones = list(zones.values())
        self._sig: Any = None
        self._money: tuple[str, int, frozenset[str]] | None = None

    def update(self, tel: Telemetry) -> None:
        """Fold in the rows appended since the last update (rebuild if rows were dropped or the
        cost mode / prices changed)."""
        from ..alerts.tablesig import _sig

        calls = tel.tables.calls
        money = pricing_sig(tel)
        if not only_appended(tel, self._sig, self.rows, self._money):
            self._reset()
        a, b = self.rows, calls.n
        self._sig, self._money = _sig(calls), money
        self.rows = b
        if b > a:
            self._fold(tel, a, b)

    def _reset(self) -> None:
        self.rows = 0
        self.minute0 = 0
        for d in self._zones:
            d.edges = np.zeros(0, dtype=np.int64)
        for s in self.items.values():
            s.day_cost = np.zeros(0, dtype=np.int64)
            s.day_unpriced = np.zeros(0, dtype=np.int64)
            s.minute_cost[:] = 0

    def _shift_minutes(self, top: int) -> None:
        """Move the minute axis so minute ``top`` is on it (older minutes fall off)."""
        if self.minute0 == 0:
            self.minute0 = top - MINUTES + 1
            return
        by = top - (self.minute0 + MINUTES - 1)
        if by <= 0:
            return
        self.minute0 += by
        for s in self.items.values():
            if by >= MINUTES:
                s.minute_cost[:] = 0
            else:
                s.minute_cost[:-by] = s.minute_cost[by:]
                s.minute_cost[-by:] = 0

    def _fold(self, tel: Telemetry, a: int, b: int) -> None:
        tables = tel.tables
        ts = tables.calls.col("ts")[a:b]
        combo = tables.calls.col("combo")[a:b]
        cost, priced = cost_of(tel, a, b)
        lo, hi = float(ts.min()), float(ts.max())
        grown: dict[int, int] = {}
        for d in self._zones:
            old = d.edges.size
            before = d.cover(lo, hi)
            grown[id(d)] = before
            _ = old
        self._shift_minutes(int(hi // 60))
        minute = (ts // 60).astype(np.int64) - self.minute0
        day_idx: dict[int, NDArray[np.int64]] = {}
        ncombo = len(tables.call_combos)
        for s in self.items.values():
            d = s.days
            ndays = d.edges.size - 1
            before = grown[id(d)]
            if before or s.day_cost.size < ndays:
                pad = ndays - s.day_cost.size - before
                s.day_cost = np.concatenate(
                    [np.zeros(before, np.int64), s.day_cost, np.zeros(pad, np.int64)]
                )
                s.day_unpriced = np.concatenate(
                    [np.zeros(before, np.int64), s.day_unpriced, np.zeros(pad, np.int64)]
                )
            if s.mask is None or s.mask_combos != ncombo:
                s.mask = s.filters.combo_mask(tables)
                s.mask_combos = ncombo
            keep = s.mask[combo]
            if s.filters.per_row:  # project / user / session scopes are per row, not per combo
                rows_ok = s.filters.call_rows(tables, slice(a, b))
                if rows_ok is not None:
                    keep = keep & rows_ok
            if not keep.any():
                continue
            di = day_idx.get(id(d))
            if di is None:
                di = day_idx[id(d)] = d.index(ts)
            paid = keep & priced
            s.day_cost += np.bincount(di[paid], weights=cost[paid], minlength=ndays).astype(
                np.int64
            )[:ndays]
            s.day_unpriced += np.bincount(di[keep & ~priced], minlength=ndays)[:ndays]
            on = paid & (minute >= 0)
            if on.any():
                s.minute_cost += np.bincount(
                    minute[on], weights=cost[on], minlength=MINUTES
                ).astype(np.int64)[:MINUTES]

    def burn(self, name: str, now: float) -> tuple[int, int, int]:
        """Spend in the last 60 minutes, 24 hours and 7 days up to ``now``'s minute (inclusive)."""
        s = self.items[name]
        top = int(now // 60) - self.minute0 + 1
        out = []
        for minutes in (60, 1440, 7 * 1440):
            lo, hi = max(top - minutes, 0), min(max(top, 0), MINUTES)
            out.append(int(s.minute_cost[lo:hi].sum()) if hi > lo else 0)
        return out[0], out[1], out[2]
