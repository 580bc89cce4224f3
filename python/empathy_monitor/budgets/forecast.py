"""Burn rate and the period-end projection of a budget's spend.

Method: a day's expected spend is a robust level (the mean of the last 8 weeks' days, leaving out
outliers beyond 3 scaled MADs of a running median such as an 8x day or a gap) carried along a
log-linear trend that is shrunk toward none unless the data shows it clearly (and damped when
it comes from few days or is steep, so ten rising days do not compound into a month), times a
weekday profile from recent weeks; with under a week of history, today's partial spend counts as a
fraction of a day's evidence, so a period's first hours lean on the naive rate. The 80% interval
resamples, in 7-day blocks, the last 26 weeks' ratios of each day to its local mean (so spikes and
gaps recur about as often as they did) times a drawn level and trend error; the run-out instant is
where the projected path crosses the budget.

Pure: numpy arrays in, a frozen dataclass out. Money is integer nanodollars (1e-9 USD).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from empathy_monitor.budgets.dailyfit import (
    DEFAULT_PARAMS,
    DailyFit,
    Params,
    daily_history,
    empty_fit,
    fit_daily,
)
from empathy_monitor.budgets.periods import day_edges, day_start, local_date, zone

NANO = 1_000_000_000
METHOD = (
    "robust daily level x shrunk trend x weekday profile; "
    "80% interval by resampling recent days in 7-day blocks"
)


@dataclass(frozen=True)
class BurnRates:
    """Spend in the last hour, 24 hours and 7 days before ``now`` (nanodollars)."""

    last_hour_nd: int
    last_24h_nd: int
    last_7d_nd: int

    @property
    def per_hour_usd(self) -> float:
        return self.last_hour_nd / NANO

    @property
    def per_day_usd_24h(self) -> float:
        return self.last_24h_nd / NANO

    @property
    def per_day_usd_7d(self) -> float:
        return self.last_7d_nd / NANO / 7.0


def burn_rates(ts: NDArray[np.float64], cost_nd: NDArray[np.int64], now: float) -> BurnRates:
    """Sum spend in ``(now - window, now]`` for the three burn-rate windows."""
    t = np.asarray(ts, dtype=np.float64)
    c = np.asarray(cost_nd, dtype=np.int64)
    past = t <= now

    def since(seconds: float) -> int:
        return int(c[past & (t > now - seconds)].sum())

    return BurnRates(since(3600.0), since(86400.0), since(7 * 86400.0))


@dataclass(frozen=True)
class Forecast:
    """A period-end projection. ``low``/``high`` bound the 80% interval."""

    spent_nd: int
    projected_nd: int
    low_nd: int
    high_nd: int
    daily_rate_nd: float  # the model's rate for an average day now
    history_days: int  # days of history the model used
    run_out_epoch: float | None  # when the projection crosses the budget (None: it does not)
    method: str


_FITS: dict[tuple[bytes, bytes, Params], DailyFit] = {}
_FITS_MAX = 256


_HISTORIES: dict[tuple[object, ...], tuple[NDArray[np.float64], NDArray[np.int64]]] = {}


def _history(
    day_starts: NDArray[np.int64], spend: NDArray[np.int64], today: int, z: ZoneInfo, p: Params
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``daily_history`` memoized on the days before today (today's own spend changes with every
    append; the days before it only at midnight or with a late record)."""
    ds = np.asarray(day_starts, dtype=np.int64)
    sp = np.asarray(spend, dtype=np.int64)
    past = ds < today
    key = (ds[past].tobytes(), sp[past].tobytes(), today, str(z), p.window_days)
    hit = _HISTORIES.get(key)
    if hit is None:
        if len(_HISTORIES) >= _FITS_MAX:
            _HISTORIES.pop(next(iter(_HISTORIES)))
        hit = _HISTORIES[key] = daily_history(ds[past], sp[past], today, z, p)
    return hit


def _fit(y: NDArray[np.float64], wd: NDArray[np.int64], p: Params) -> DailyFit:
    """``fit_daily`` memoized on its inputs: the history before today only changes once a day
    (or with a late record), while a live panel re-projects on every append."""
    key = (y.tobytes(), wd.tobytes(), p)
    hit = _FITS.get(key)
    if hit is None:
        if len(_FITS) >= _FITS_MAX:
            _FITS.pop(next(iter(_FITS)))
        hit = _FITS[key] = fit_daily(y, wd, p) if y.size else empty_fit()
    return hit


@dataclass(frozen=True)
class _Tail:
    """The projection's part that does not depend on the instant within today: the whole days
    after today, and each replicate's draws. ``forecast_period`` adds today's remaining part
    for the exact ``now`` (cheap), so a live panel re-projecting on every append reuses this
    until the day, the history or the period changes."""

    segs: list[tuple[float, float]]  # today's remaining segment first: (start of today, b0)
    expect: NDArray[np.float64]  # expected spend of each segment after today's
    pool0: NDArray[np.float64]  # each replicate's resampled ratio for today's segment
    z_level: NDArray[np.float64]  # each replicate's standard-normal level and slope errors
    z_slope: NDArray[np.float64]
    rest: NDArray[np.float64]  # each replicate's spend after today's segment


_TAILS: dict[tuple[object, ...], _Tail] = {}


def _quantiles(x: NDArray[np.float64], qs: tuple[float, ...]) -> list[float]:
    """``np.quantile(x, qs)`` (linear interpolation) by one partial sort of the few ranks needed:
    the quantiles of a few hundred replicates are taken on every append."""
    n = x.size
    pos = [q * (n - 1) for q in qs]
    ranks = sorted({min(math.floor(p) + k, n - 1) for p in pos for k in (0, 1)})
    part = np.partition(x, ranks)
    out = []
    for p in pos:
        lo = math.floor(p)
        hi = min(lo + 1, n - 1)
        a, b = float(part[lo]), float(part[hi])
        out.append(a + (b - a) * (p - lo))
    return out


def _rate(level: float, slope: float, fit: DailyFit, d: date, tau: float) -> float:
    return level * float(np.exp(slope * tau)) * float(fit.profile[d.weekday()])


def _tail(
    key: tuple[object, ...],
    fit: DailyFit,
    coef: tuple[float, float, float, float],
    today: int,
    end: int,
    z: ZoneInfo,
    p: Params,
) -> _Tail:
    """Moving blocks of recent ratios x an uncertain level/trend, for the days after today.

    A slope error moves the level and every later day together, so it is drawn once per
    replicate and scaled by the day's distance from the level's data (``tau + lever``).
    """
    hit = _TAILS.get(key)
    if hit is not None:
        return hit
    level, slope, level_se, slope_se = coef
    edges = [float(e) for e in day_edges(today, end, z)]
    segs, expect, taus = [], [], []
    for a, b in zip(edges[1:-1], edges[2:]):
        d = local_date(a, z)
        length = day_start(d + timedelta(days=1), z) - day_start(d, z)
        tau = ((a + b) / 2 - today) / 86400.0
        segs.append((a, b))
        taus.append(tau + fit.lever)
        expect.append(_rate(level, slope, fit, d, tau) * (b - a) / length)
    pool = fit.residuals if fit.residuals.size >= p.min_history_days else np.ones(1)
    rng = np.random.default_rng(p.seed)
    n, r = 1 + len(segs), p.replicates
    block = max(1, p.block_days)
    nblocks = -(-n // block)
    starts = rng.integers(0, pool.size, size=(r, nblocks))
    # Circular blocks: a run of recent days read as a loop, so every day is equally likely.
    idx = (starts[:, :, None] + np.arange(block)).reshape(r, nblocks * block)[:, :n] % pool.size
    z_level = rng.standard_normal(r)
    z_slope = rng.standard_normal(r)
    e = np.array(expect)
    drift = z_level[:, None] * level_se + z_slope[:, None] * slope_se * np.array(taus)
    rest = (pool[idx[:, 1:]] * e * np.exp(drift)).sum(axis=1)
    out = _Tail([(float(today), edges[1]), *segs], e, pool[idx[:, 0]], z_level, z_slope, rest)
    if len(_TAILS) >= _FITS_MAX:
        _TAILS.pop(next(iter(_TAILS)))
    _TAILS[key] = out
    return out


def forecast_period(
    day_starts: NDArray[np.int64],
    day_spend_nd: NDArray[np.int64],
    spent_nd: int,
    bounds: tuple[int, int],
    now: float,
    tz: ZoneInfo | str,
    budget_nd: int | None = None,
    params: Params = DEFAULT_PARAMS,
) -> Forecast:
    """Project the spend at the end of the period ``bounds`` from the daily history.

    Args:
        day_starts: local-day start epochs of the history (any order; missing days are 0 spend).
        day_spend_nd: spend of those days in nanodollars. Days from today on are ignored.
        spent_nd: spend so far in the current period (today's partial day included).
        bounds: ``(start, end)`` of the current period (see ``periods.period_bounds``).
        now: the instant of the projection (``start <= now <= end``).
        tz: the zone whose local days the history uses.
        budget_nd: the budget; with it, ``run_out_epoch`` says when the projection crosses it.
        params: the method's knobs (the default set is the one the bench checks).
    """
    z = zone(tz)
    start, end = bounds
    now = min(max(float(now), float(start)), float(end))
    tdate = local_date(now, z)
    today = day_start(tdate, z)
    today_len = day_start(tdate + timedelta(days=1), z) - today
    y, wd = _history(day_starts, day_spend_nd, today, z, params)
    fit = _fit(y, wd, params)
    level, slope, level_se, slope_se = fit.level, fit.slope, fit.level_se, fit.slope_se
    if fit.days < params.min_history_days:
        # Little history: today's partial spend counts as a fraction of a day's evidence.
        ds = np.asarray(day_starts, dtype=np.int64)
        sp = np.asarray(day_spend_nd, dtype=np.int64)
        before = int(sp[(ds >= start) & (ds < today)].sum())
        partial = max(spent_nd - before, 0)
        q = (now - today) / today_len
        if fit.days + q > 0:
            level = (fit.days * level + partial) / (fit.days + q)
            slope = slope_se = 0.0
        level_se = max(level_se, 0.5 / np.sqrt(1.0 + fit.days + q))
    e = np.zeros(0)
    segs: list[tuple[float, float]] = []
    projected = low = high = float(spent_nd)
    if now < end:
        coef = (level, slope, level_se, slope_se)
        key = (y.tobytes(), wd.tobytes(), params, coef, today, end, str(z))
        tail = _tail(key, fit, coef, today, end, z, params)
        b0 = tail.segs[0][1]
        tau0 = ((now + b0) / 2 - today) / 86400.0
        e0 = _rate(level, slope, fit, tdate, tau0) * (b0 - now) / today_len
        e = np.concatenate([[e0], tail.expect])
        segs = [(now, b0), *tail.segs[1:]]
        projected = spent_nd + float(e.sum())
        drift0 = tail.z_level * level_se + tail.z_slope * slope_se * (tau0 + fit.lever)
        sums = tail.rest + tail.pool0 * e0 * np.exp(drift0)
        lo_q, hi_q = _quantiles(sums, (params.tail, 1.0 - params.tail))
        low = min(spent_nd + float(lo_q), projected)
        high = max(spent_nd + float(hi_q), projected)
    run_out: float | None = None
    if budget_nd is not None and spent_nd < budget_nd < projected:
        cum = spent_nd + np.cumsum(e)
        j = int(np.searchsorted(cum, budget_nd))
        prev = spent_nd if j == 0 else float(cum[j - 1])
        a, b = segs[j]
        run_out = a + (budget_nd - prev) / float(e[j]) * (b - a)
    return Forecast(
        spent_nd=int(spent_nd),
        projected_nd=round(projected),
        low_nd=round(low),
        high_nd=round(high),
        daily_rate_nd=level,
        history_days=fit.days,
        run_out_epoch=run_out,
        method=METHOD,
    )


def budget_percent(spent_nd: int, budget_nd: int) -> float:
    """Spent ÷ budget × 100 (the ``budget_percent`` alert metric)."""
    return 100.0 * spent_nd / budget_nd if budget_nd > 0 else 0.0


def forecast_percent(forecast: Forecast, budget_nd: int) -> float:
    """Projected ÷ budget × 100 (the ``forecast_percent`` alert metric: fires before the money is gone)."""
    return 100.0 * forecast.projected_nd / budget_nd if budget_nd > 0 else 0.0
