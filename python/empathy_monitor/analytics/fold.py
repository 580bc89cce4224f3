"""The per-row path: fold appended rows into a view's sums, and slide a window forward.

A new line updates every aggregate in O(1) (a few microseconds: one ``CallSums`` delta folded into
its provider, tier, model, workflow and total, its day, hour and latency buckets). ``slide``
subtracts the rows that left a window and adds those that entered it, so a 7-day window moving by a
minute touches a few dozen rows out of a million instead of rebuilding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..prices.columns import NO_PRICE, Pricing, subscription_value, view_costs
from ..prices.sources import UNPRICED, CostMode
from ..tables import Tables
from .buckets import Clock, day_index, hour_index
from .latency import LatencyHist
from .pricesums import ModelCost
from .rowcache import RowCache
from .sums import CallSums, DaySums, HourSums, ProviderDay, RunSums, Sums
from .window import Window

Rows = slice | npt.NDArray[Any]
Mask = npt.NDArray[np.bool_]
_CALL_COLS = (
    *("ts", "combo", "ok", "cost", "tin", "tout", "lat", "fb", "retry", "file", "off"),
    *("user", "session"),
)
_RUN_COLS = ("ts", "combo", "cost", "base", "save", "dur", "ok")
RowMask = Callable[[Rows], Mask | None]  # per-row filters over some rows (None: no filter)


@dataclass(frozen=True)
class Keep:
    """Which of the given rows a fold takes: those in ``window`` whose combo is ``allowed`` (None:
    any) and whose ``row_ok`` (the per-row filters, one per row; None: all) is true."""

    window: Window
    allowed: Mask | None = None
    row_ok: Mask | None = None

    def indexes(self, ts: list[float], combos: list[int]) -> list[int]:
        w, allowed = self.window, self.allowed
        oks = self.row_ok.tolist() if self.row_ok is not None else None
        return [
            i
            for i in range(len(ts))
            if w.contains(ts[i])
            and (allowed is None or allowed[combos[i]])
            and (oks is None or oks[i])
        ]


@dataclass
class Target:
    """Where folded rows go: a view's sums and how much of them it keeps."""

    sums: Sums
    clock: Clock
    rows: RowCache
    detail: bool  # False for an overview-only view: no buckets, tier histograms or feed
    hourly: bool
    recent_limit: int
    cost_mode: CostMode = "writer"
    pricing: Pricing | None = None
    dims: bool = True  # per-row dimension sums (user, session, project)


def _taken(keep: Keep | None, cols: dict[str, list[Any]]) -> range | list[int]:
    """The indexes (into ``cols``) of the rows to fold: every row without ``keep``."""
    return range(len(cols["ts"])) if keep is None else keep.indexes(cols["ts"], cols["combo"])


def fold_calls(
    tables: Tables,
    tg: Target,
    rows: Rows,
    sign: int,
    keep: Keep | None,
    proj: npt.NDArray[np.int32] | None = None,
) -> int:
    """Add (``sign`` 1) or subtract (-1) call rows (with ``keep``, only those it takes); ``proj``
    gives the rows' project ids instead of the current ones. Returns how many rows were folded."""
    cols = {k: tables.calls.col(k)[rows].tolist() for k in _CALL_COLS}
    costs, prices = _row_prices(tables, tg, rows)
    projs = (tables.call_proj()[rows] if proj is None else proj).tolist()
    combos = tables.call_combos.items
    s, clock, cache = tg.sums, tg.clock, tg.rows
    taken = _taken(keep, cols)
    for i in taken:
        ts = cols["ts"][i]
        c = combos[cols["combo"][i]]
        retry = cols["retry"][i]
        lat = cols["lat"][i]
        has_lat = lat >= 0
        d = CallSums(
            sign,
            0 if cols["ok"][i] else sign,
            sign * costs[i],
            sign * cols["tin"][i],
            sign * cols["tout"][i],
            sign * lat if has_lat else 0,
            sign if cols["fb"][i] else 0,
            sign * retry,
            sign if retry > 0 else 0,
            sign if has_lat else 0,
            sign * prices[i][3],
        )
        s.fold_call(c, d)
        p = prices[i]
        s.price.fold(
            c.provider,
            c.model,
            ModelCost(
                sign,
                sign * p[0],
                sign * cols["cost"][i],
                sign * p[1],
                sign * p[2],
                sign * p[3],
                sign * p[3] * p[0],
                sign * p[4],
                sign * p[5],
                sign * p[6],
            ),
        )
        s.price.fold_source(p[7], sign, d.cost + sign * p[8])  # p[8]: subscription value
        if has_lat:
            s.hist.add(lat) if sign > 0 else s.hist.remove(lat)
        if tg.dims:
            s.fold_dims(projs[i], cols["user"][i], cols["session"][i], d)
        if not tg.detail:
            continue
        if has_lat:
            th = s.tier_hist.get(c.tier)
            if th is None:  # (not setdefault: that would allocate a histogram per row)
                th = s.tier_hist[c.tier] = LatencyHist()
            th.add(lat) if sign > 0 else th.remove(lat)
        off = clock.offset(ts)
        dk = day_index(ts, off)
        day = s.days.get(dk)
        if day is None:
            day = s.days[dk] = DaySums()
        day.cost += d.cost
        day.calls += sign
        day.errors += d.errors
        day.tin += d.tin
        day.tout += d.tout
        if day.calls == 0:
            del s.days[dk]
        cache.touch("day", dk)
        pk = (dk, c.provider)
        dp = s.day_prov.get(pk)
        if dp is None:
            dp = s.day_prov[pk] = ProviderDay()
        dp.cost += d.cost
        dp.calls += sign
        if dp.calls == 0:
            del s.day_prov[pk]
        if tg.hourly:
            hk = hour_index(ts, off)
            hr = s.hours.get(hk)
            if hr is None:
                hr = s.hours[hk] = HourSums()
            hr.calls += sign
            hr.errors += d.errors
            if hr.calls == 0:
                del s.hours[hk]
            cache.touch("hour", hk)
        if sign > 0:
            push_recent(s.recent, tg.recent_limit, ts, cols["file"][i], cols["off"][i])
        else:
            ref = (cols["file"][i], cols["off"][i])
            s.recent = [r for r in s.recent if (r[1], r[2]) != ref]
    return len(taken)


def _row_prices(
    tables: Tables, tg: Target, rows: Rows
) -> tuple[list[int], list[tuple[int, int, int, int, int, int, int, int, int]]]:
    """The rows' costs in the view's mode and, per row, (tokens, list cost, list-priced,
    unpriced, cache read, cache write, cache savings, source, subscription value) — vectorised
    over the rows."""
    t = tables.calls
    tin, tout = t.col("tin")[rows].astype(np.int64), t.col("tout")[rows]
    cr, cw = t.col("cr")[rows].astype(np.int64), t.col("cw")[rows] + t.col("cw1h")[rows]
    tokens = tin + tout + cr + cw
    writer, ok = t.col("cost")[rows], t.col("ok")[rows]
    pr = tg.pricing
    listed: npt.NDArray[Any] | None = None
    lstate: npt.NDArray[Any] | None = None
    if pr is not None:
        pr.update(tables)  # a no-op when the facade already priced the new rows
        listed, lstate, save = pr.col("list")[rows], pr.col("lstate")[rows], pr.col("save")[rows]
    else:
        save = np.zeros(tokens.shape, dtype=np.int64)
    src, cost = view_costs(
        tg.cost_mode, pr, writer, t.col("actual")[rows], ok, tokens, listed, lstate
    )
    zeros = np.zeros(tokens.shape, dtype=np.int64)
    val = subscription_value(src, writer, listed)
    per_row = zip(
        tokens.tolist(),
        (zeros if listed is None else listed).tolist(),
        (zeros if lstate is None else (lstate != NO_PRICE)).astype(np.int64).tolist(),
        (src == UNPRICED).astype(np.int64).tolist(),
        cr.tolist(),
        cw.astype(np.int64).tolist(),
        save.tolist(),
        src.tolist(),
        (zeros if val is None else val).tolist(),
        strict=True,
    )
    return cost.tolist(), list(per_row)


def push_recent(
    r: list[tuple[float, int, int]], limit: int, ts: float, file: int, off: int
) -> None:
    """Insert a call into the newest-first feed, keeping at most ``limit``."""
    if len(r) >= limit and ts < r[-1][0]:
        return
    pos = 0
    while pos < len(r) and r[pos][0] >= ts:
        pos += 1
    r.insert(pos, (ts, file, off))
    del r[limit:]


def fold_runs(tables: Tables, tg: Target, rows: Rows, sign: int, keep: Keep | None) -> int:
    """``fold_calls`` for workflow-run rows."""
    cols = {k: tables.runs.col(k)[rows].tolist() for k in _RUN_COLS}
    combos = tables.run_combos.items
    taken = _taken(keep, cols)
    for i in taken:
        rc = combos[cols["combo"][i]]
        tg.sums.fold_run(
            rc.workflow,
            RunSums(
                sign,
                sign * cols["cost"][i],
                sign * cols["base"][i],
                sign * cols["save"][i],
                sign * cols["dur"][i],
                sign if cols["ok"][i] else 0,
            ),
            rc.project,
        )
    return len(taken)


def slide(
    tables: Tables,
    tg: Target,
    old: Window,
    since: float | None,
    until: float | None,
    call_mask: Callable[[], Mask] | None,
    run_mask: Callable[[], Mask] | None,
    call_rows: RowMask | None = None,
    run_rows: RowMask | None = None,
) -> None:
    """Fold out the rows of ``old`` before ``since`` and fold in those from ``old.until`` to
    ``until``; ``*_mask`` give the allowed combos when a filter is active, ``*_rows`` the
    per-row filters.

    Raises:
        ValueError: if a bound would move backwards or an open bound would close.
    """
    if (since is None) != (old.since is None) or (until is None) != (old.until is None):
        raise ValueError("slide() keeps which bounds are open")
    if (since is not None and old.since is not None and since < old.since) or (
        until is not None and old.until is not None and until < old.until
    ):
        raise ValueError("slide() only moves a window forward")
    leaving: tuple[float, float] | None = None
    if since is not None and old.since is not None and since > old.since:
        hi = since if old.until is None else min(since, old.until)
        leaving = (old.since, hi)
    entering: tuple[float, float] | None = None
    if until is not None and old.until is not None and until > old.until:
        lo = old.until if since is None else max(old.until, since)
        entering = (lo, until)
    for span, sign in ((leaving, -1), (entering, 1)):
        if span is None or span[1] <= span[0]:
            continue
        for table, fold, mask, per_row in (
            (tables.calls, fold_calls, call_mask, call_rows),
            (tables.runs, fold_runs, run_mask, run_rows),
        ):
            if table.n == 0:
                continue
            ts = table.col("ts")
            m = (ts >= span[0]) & (ts < span[1])
            if mask is not None:
                m &= mask()[table.col("combo")]
            r = per_row(slice(None)) if per_row is not None else None
            if r is not None:
                m &= r
            idx = np.flatnonzero(m)
            if idx.size:
                fold(tables, tg, idx, sign, None)
