"""The period-end forecast on hand-checked cases: flat, first hours, a long gap before history,
one 8x day, a gap inside, a weekday profile, a 25-hour day, growth, run-out; burn rates."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.budgets.forecast import (
    NANO,
    Forecast,
    budget_percent,
    burn_rates,
    forecast_percent,
    forecast_period,
)
from empathy_monitor.budgets.periods import day_start, period_bounds

UTC = ZoneInfo("UTC")
T0 = 1_767_571_200  # 2026-01-05T00:00Z, a Monday
DAY = 86400


def _usd(nd: float) -> float:
    return nd / NANO


def _days(values_usd: list[float], first: int = T0) -> tuple[np.ndarray, np.ndarray]:
    starts = first + DAY * np.arange(len(values_usd), dtype=np.int64)
    return starts, np.round(np.array(values_usd) * NANO).astype(np.int64)


def _project(
    values: list[float], period_start_index: int, now_index: float, period_days: int = 30, **kw: int
) -> Forecast:
    """History = the days before ``now_index``; the period starts at ``period_start_index``."""
    starts, spend = _days(values)
    k = int(now_index)
    start = T0 + DAY * period_start_index
    spent = int(spend[period_start_index:k].sum()) + kw.pop("partial_nd", 0)
    return forecast_period(
        starts[:k],
        spend[:k],
        spent,
        (start, start + DAY * period_days),
        T0 + DAY * now_index,
        UTC,
        **kw,  # type: ignore[arg-type]
    )


def test_flat_history_projects_the_rate_and_runs_out_on_the_crossing_day() -> None:
    f = _project([10.0] * 70, period_start_index=60, now_index=70, budget_nd=250 * NANO)
    assert _usd(f.spent_nd) == 100.0
    assert _usd(f.projected_nd) == pytest.approx(300.0, abs=1e-6)  # 100 + 20 days x $10
    assert _usd(f.low_nd) == pytest.approx(300.0, abs=1e-6)  # no noise: no spread
    assert _usd(f.high_nd) == pytest.approx(300.0, abs=1e-6)
    assert f.run_out_epoch == pytest.approx(T0 + DAY * 85)  # $250 after 25 of the 30 days
    assert forecast_percent(f, 200 * NANO) == pytest.approx(150.0)
    assert budget_percent(f.spent_nd, 200 * NANO) == pytest.approx(50.0)
    under = _project([10.0] * 70, 60, 70, budget_nd=400 * NANO)
    assert under.run_out_epoch is None


def test_first_hours_without_history_use_the_naive_rate() -> None:
    # 6 hours into a 30-day period, $3 spent, nothing before: $12/day -> 3 + 12 x 29.75 = 360.
    start = T0
    f = forecast_period(
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        3 * NANO,
        (start, start + 30 * DAY),
        start + 6 * 3600,
        UTC,
    )
    assert _usd(f.projected_nd) == pytest.approx(360.0, rel=1e-9)
    assert f.low_nd < f.projected_nd < f.high_nd  # little evidence: a wide interval
    assert f.history_days == 0


def test_first_hours_with_history_do_not_extrapolate_the_partial_day() -> None:
    # A day budget at 03:00 with $0.50 spent: the naive rate says $4 for the day, the history
    # says $24/day; the model spends the history's rate over the 21 hours left.
    f = _project(
        [24.0] * 60, period_start_index=60, now_index=60.125, period_days=1, partial_nd=NANO // 2
    )
    assert _usd(f.projected_nd) == pytest.approx(0.5 + 24.0 * 21 / 24, rel=1e-6)


def test_a_long_quiet_stretch_before_history_does_not_drag_the_rate() -> None:
    f = _project([0.0] * 100 + [10.0] * 30, period_start_index=120, now_index=130)
    assert _usd(f.projected_nd) == pytest.approx(300.0, rel=1e-6)
    assert f.history_days == 30


@pytest.mark.parametrize(
    "history",
    [
        [10.0] * 55 + [80.0],  # yesterday was an 8x day
        [10.0] * 30 + [80.0] + [10.0] * 25,  # an 8x day three weeks ago
        [10.0] * 30 + [0.0] * 5 + [10.0] * 21,  # a 5-day gap with no spend
    ],
)
def test_one_huge_day_or_a_gap_barely_moves_the_rate(history: list[float]) -> None:
    # Period = the last 10 history days + 20 to come; the robust rate stays $10/day.
    f = _project(history, period_start_index=len(history) - 10, now_index=len(history))
    spent = _usd(f.spent_nd)
    assert _usd(f.projected_nd) - spent == pytest.approx(200.0, rel=0.01)
    naive = spent * 30 / 10
    if spent != 100.0:  # the naive rate is thrown far off; the model is not
        assert abs(naive - (spent + 200.0)) > 40


def test_weekday_profile_projects_weekends_low() -> None:
    # Eight weeks of $10 weekdays and $2 weekends; a Monday-start week, projected on Wednesday
    # 00:00 with $20 spent: Wed-Fri 3 x 10 + Sat-Sun 2 x 2 = 34 more -> 54.
    week = [10.0] * 5 + [2.0] * 2
    f = _project(week * 8 + [10.0, 10.0], period_start_index=56, now_index=58, period_days=7)
    assert _usd(f.spent_nd) == 20.0
    assert _usd(f.projected_nd) == pytest.approx(54.0, rel=0.005)


def test_a_25_hour_day_is_projected_by_its_own_length() -> None:
    # Berlin, 2026-10-25 has 25 hours. History $25/day; 12.5 hours in with $12.5 spent -> $25.
    tz = ZoneInfo("Europe/Berlin")
    day = datetime(2026, 10, 25, tzinfo=tz)
    start = day_start(day.date(), tz)
    bounds = period_bounds(start + 3600, "day", tz)
    assert bounds == (start, start + 25 * 3600)
    hist = np.array(
        [day_start((day - timedelta(days=i)).date(), tz) for i in range(30, 0, -1)], dtype=np.int64
    )
    f = forecast_period(
        hist, np.full(30, 25 * NANO), int(12.5 * NANO), bounds, start + 12.5 * 3600, tz
    )
    assert _usd(f.projected_nd) == pytest.approx(25.0, rel=1e-6)


def test_growth_is_carried_forward() -> None:
    # Noise-free 1%/day growth: the remaining 20 days continue it (a flat rate would fall short).
    values = [10.0 * 1.01**i for i in range(100)]
    f = _project(values + [0.0] * 20, period_start_index=90, now_index=100)
    actual = sum(10.0 * 1.01**i for i in range(90, 120))
    assert _usd(f.projected_nd) == pytest.approx(actual, rel=0.005)


def test_noisy_history_gives_an_interval_around_the_projection() -> None:
    rng = np.random.default_rng(3)
    values = list(10.0 * rng.uniform(0.7, 1.3, 90))
    f = _project(values, period_start_index=80, now_index=90)
    assert f.low_nd < f.projected_nd < f.high_nd
    width = _usd(f.high_nd - f.low_nd)
    assert 5.0 < width < 60.0  # 20 days of +-30% noise: roughly +-$10..$20
    again = _project(values, period_start_index=80, now_index=90)
    assert again == f  # fixed seed: the same numbers every time


def test_burn_rates_sum_the_last_hour_day_and_week() -> None:
    now = 1_000_000.0
    ts = np.array([now - 10, now - 1800, now - 7200, now - 3 * 86400, now - 8 * 86400, now + 5])
    cost = np.array([1, 2, 4, 8, 16, 32], dtype=np.int64) * NANO
    b = burn_rates(ts, cost, now)
    assert (b.last_hour_nd, b.last_24h_nd, b.last_7d_nd) == (3 * NANO, 7 * NANO, 15 * NANO)
    assert b.per_hour_usd == 3.0 and b.per_day_usd_24h == 7.0
    assert b.per_day_usd_7d == pytest.approx(15.0 / 7)


def test_missing_days_are_zero_spend_days() -> None:
    values = [10.0] * 30 + [0.0] * 3 + [10.0] * 27
    starts, spend = _days(values)
    keep = spend > 0  # the same history without the zero rows
    bounds = (T0 + 50 * DAY, T0 + 80 * DAY)
    spent = int(spend[50:60].sum())
    now = float(T0 + 60 * DAY)
    full = forecast_period(starts, spend, spent, bounds, now, UTC)
    sparse = forecast_period(starts[keep], spend[keep], spent, bounds, now, UTC)
    assert full == sparse


@settings(derandomize=True, max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    history=st.integers(0, 200),
    period=st.sampled_from(["day", "week", "month"]),
    tz=st.sampled_from(["UTC", "Europe/Berlin", "Australia/Lord_Howe", "America/New_York"]),
    frac=st.floats(0.0, 1.0),
    zero_share=st.floats(0.0, 0.9),
    budget=st.integers(1, 5000),
)
def test_any_history_gives_an_ordered_projection(
    seed: int, history: int, period: str, tz: str, frac: float, zero_share: float, budget: int
) -> None:
    rng = np.random.default_rng(seed)
    z = ZoneInfo(tz)
    now0 = T0 + 200 * DAY + int(rng.integers(0, DAY))
    bounds = period_bounds(now0, period, z)  # type: ignore[arg-type]
    now = bounds[0] + frac * (bounds[1] - bounds[0])
    today = day_start(datetime.fromtimestamp(now, z).date(), z)
    days = [
        day_start(datetime.fromtimestamp(today, z).date() - timedelta(days=i), z)
        for i in range(history, 0, -1)
    ]
    spend = (rng.lognormal(2, 1, history) * NANO).astype(np.int64)
    spend[rng.random(history) < zero_share] = 0
    ds = np.array(days, dtype=np.int64)
    in_period = int(spend[ds >= bounds[0]].sum()) if history else 0
    spent = in_period + int(rng.integers(0, 5 * NANO))
    f = forecast_period(ds, spend, spent, bounds, now, z, budget_nd=budget * NANO)
    assert f.spent_nd == spent
    assert spent <= f.low_nd <= f.projected_nd <= f.high_nd
    if f.run_out_epoch is not None:
        assert spent < budget * NANO < f.projected_nd
        assert now <= f.run_out_epoch <= bounds[1]
    elif spent < budget * NANO:
        assert f.projected_nd <= budget * NANO + 1


def test_weekends_off_are_data_not_gaps() -> None:
    # Eight weeks of $10 weekdays and nothing at weekends; Monday-start week, on Wednesday 00:00
    # with $20 spent: Wed-Fri 3 x 10 more (the weekend's floor adds cents) -> about $50.
    week = [10.0] * 5 + [0.0] * 2
    f = _project(week * 8 + [10.0, 10.0], period_start_index=56, now_index=58, period_days=7)
    assert _usd(f.projected_nd) == pytest.approx(50.0, rel=0.01)


def test_occasional_use_averages_its_quiet_days() -> None:
    # $10 on 3 days in 10 (no weekly pattern) for 90 days: about $3/day, not $10/day.
    values = [10.0 if i % 10 in (0, 3, 7) else 0.0 for i in range(100)]
    f = _project(values, period_start_index=90, now_index=100)
    assert _usd(f.projected_nd - f.spent_nd) == pytest.approx(60.0, rel=0.15)


def test_one_day_of_history_and_half_a_day_blend_to_the_same_rate() -> None:
    # Day 2 of a 30-day period at noon: yesterday $10, $5 so far today. One day of evidence at
    # $10 plus half a day at $10/day -> $10/day: 10 + 5 + 10 x 28.5 = 300.
    f = _project([10.0], period_start_index=0, now_index=1.5, partial_nd=5 * NANO)
    assert _usd(f.projected_nd) == pytest.approx(300.0, rel=1e-9)
    assert f.history_days == 1


@pytest.mark.parametrize(
    "values",
    [
        [float(i) for i in range(1, 11)],  # $1..$10: ten days rising 10x
        [2.0 ** (i / 2) for i in range(10)],  # doubling every two days
    ],
    ids=["linear", "doubling"],
)
def test_a_short_rising_history_projects_near_its_burn_rate(values: list[float]) -> None:
    # Ten days of history at the start of a 30-day period, now at noon of day 11 with half a
    # day's spend at the last day's rate. Carrying the fitted log-linear trend over the 19.5
    # days left compounds to thousands of dollars (6177 before this was damped, for $1..$10).
    partial = values[-1] / 2
    f = _project(values, 0, 10.5, partial_nd=round(partial * NANO))
    spent = sum(values) + partial
    plain = spent + sum(values[-7:]) / 7 * 19.5  # spent + the 7-day burn rate x days left
    proj, low, high = _usd(f.projected_nd), _usd(f.low_nd), _usd(f.high_nd)
    assert spent < proj <= 1.25 * plain
    # The trend that was cut widens the interval instead: the plain rate is inside it and the
    # upside is wide.
    assert low <= plain <= high
    assert high >= 1.4 * proj
