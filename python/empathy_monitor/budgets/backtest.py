"""Rolling-origin backtest of the period-end forecast against the naive rate (used by
``scripts/bench_forecast`` and, in a small version, by the tests).

Four generated regimes with fixed parameters (base $10/day, UTC days starting on a Monday):
``flat`` (±30% uniform day-to-day noise), ``growth`` (20% a month, ±20% noise), ``weekday``
(weekends at 20% of weekdays, ±20% noise) and ``spikes`` (±20% noise, per 91-day quarter two 8x days
and one 5-day gap with no spend). For every 30-day period starting on each day, projections are made
after 7, 14 and 21 days; each is scored by its absolute % error of the period total and whether the
80% interval holds the actual total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from empathy_monitor.budgets.dailyfit import DEFAULT_PARAMS, Params
from empathy_monitor.budgets.forecast import forecast_period

REGIMES: tuple[str, ...] = ("flat", "growth", "weekday", "spikes")
ORIGINS: tuple[int, ...] = (7, 14, 21)
T0 = 1_736_121_600  # 2025-01-06T00:00Z, a Monday
DAY = 86400
BASE_ND = 10 * 1_000_000_000


def generate(regime: str, seed: int, days: int = 365) -> NDArray[np.int64]:
    """Daily spend (nanodollars) for ``days`` days of one regime."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    if regime == "flat":
        x = rng.uniform(0.7, 1.3, days)
    elif regime == "growth":
        x = 1.2 ** (t / 30.0) * rng.uniform(0.8, 1.2, days)
    elif regime == "weekday":
        x = np.where(t % 7 >= 5, 0.2, 1.0) * rng.uniform(0.8, 1.2, days)
    elif regime == "spikes":
        x = rng.uniform(0.8, 1.2, days)
        for q0 in range(0, days, 91):
            span = min(91, days - q0)
            if span < 10:
                break
            spikes = rng.choice(span, size=2, replace=False)
            x[q0 + spikes] *= 8.0
            g = int(rng.integers(0, max(span - 5, 1)))
            x[q0 + g : q0 + g + 5] = 0.0
    else:
        raise ValueError(f"unknown regime {regime!r}")
    return np.round(x * BASE_ND).astype(np.int64)


@dataclass(frozen=True)
class Score:
    regime: str
    origin: int
    n: int
    mape: float  # ours, percent
    naive_mape: float
    coverage: float  # share of actual totals inside the 80% interval, percent


def backtest(
    regime: str,
    seeds: tuple[int, ...] = (1, 2, 3),
    days: int = 365,
    period_days: int = 30,
    stride: int = 1,
    params: Params = DEFAULT_PARAMS,
) -> list[Score]:
    """Score every ``period_days`` period starting each ``stride`` days, at each origin."""
    err: dict[int, list[float]] = {o: [] for o in ORIGINS}
    nerr: dict[int, list[float]] = {o: [] for o in ORIGINS}
    cover: dict[int, list[bool]] = {o: [] for o in ORIGINS}
    for seed in seeds:
        x = generate(regime, seed, days)
        starts = T0 + DAY * np.arange(days, dtype=np.int64)
        for s in range(0, days - period_days + 1, stride):
            actual = float(x[s : s + period_days].sum())
            if actual <= 0:
                continue
            bounds = (int(starts[s]), int(starts[s]) + period_days * DAY)
            for o in ORIGINS:
                k = s + o
                spent = int(x[s:k].sum())
                f = forecast_period(
                    starts[:k], x[:k], spent, bounds, float(starts[k]), "UTC", params=params
                )
                naive = spent * period_days / o
                err[o].append(abs(f.projected_nd - actual) / actual)
                nerr[o].append(abs(naive - actual) / actual)
                cover[o].append(f.low_nd <= actual <= f.high_nd)
    return [
        Score(
            regime,
            o,
            len(err[o]),
            100.0 * float(np.mean(err[o])),
            100.0 * float(np.mean(nerr[o])),
            100.0 * float(np.mean(cover[o])),
        )
        for o in ORIGINS
    ]
