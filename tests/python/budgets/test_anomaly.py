"""The rolling 14-day median/MAD baseline against hand-computed numbers: score, ratio, the MAD
floor on a flat baseline, the minimum history, days without data, DST days, the chart text."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from empathy_monitor.budgets.anomaly import (
    AnomalyParams,
    anomalies,
    describe_cost,
    score_days,
    score_keys,
)

T0 = 1_767_571_200  # 2026-01-05T00:00Z
DAY = 86400
NANO = 1_000_000_000


def _days(n: int, first: int = T0) -> np.ndarray:
    return first + DAY * np.arange(n, dtype=np.int64)


def test_median_mad_score_and_ratio_by_hand() -> None:
    # Baseline 10 12 11 13 9 10 14: sorted 9 10 10 11 12 13 14 -> median 11;
    # |x - 11| = 1 1 0 2 2 1 3 -> sorted 0 1 1 1 2 2 3 -> MAD 1, scaled 1.4826.
    base = [10.0, 12.0, 11.0, 13.0, 9.0, 10.0, 14.0]
    for value, score, ratio, flag in [
        (41.0, 30 / 1.4826, 41 / 11, True),
        (16.0, 5 / 1.4826, 16 / 11, False),  # score 3.37 < 3.5
        (17.0, 6 / 1.4826, 17 / 11, False),  # score 4.05 but only 1.5x the median
        (11.0, 0.0, 1.0, False),
    ]:
        s = score_days("wf", _days(8), np.array([*base, value]))[-1]
        assert (s.median, s.mad, s.history_days) == (11.0, 1.0, 7)
        assert s.score == pytest.approx(score) and s.ratio == pytest.approx(ratio)
        assert s.anomaly is flag
    assert all(x.median is None for x in score_days("wf", _days(8), np.array([*base, 41.0]))[:-1])


def test_even_history_and_the_window_is_the_14_days_before() -> None:
    # 20 days: day 19's baseline is days 5..18 only (the huge days 0..4 are out of the window).
    values = [1000.0] * 5 + [2.0, 4.0] * 7 + [30.0]
    s = score_days("p", _days(20), np.array(values))[-1]
    # 14 values: seven 2s and seven 4s -> median (2 + 4) / 2 = 3; |x - 3| all 1 -> MAD 1.
    assert (s.median, s.mad, s.history_days) == (3.0, 1.0, 14)
    assert s.score == pytest.approx(27 / 1.4826) and s.anomaly


def test_flat_baseline_uses_the_floor_instead_of_dividing_by_zero() -> None:
    flat = [10.0] * 14
    doubled = score_days("wf", _days(15), np.array([*flat, 20.0]))[-1]
    assert doubled.mad == 0.0
    assert doubled.score == pytest.approx(10.0)  # (20 - 10) / (0.1 x 10)
    assert doubled.anomaly
    almost = score_days("wf", _days(15), np.array([*flat, 19.0]))[-1]
    assert almost.score == pytest.approx(9.0) and not almost.anomaly  # 1.9x < 2x


def test_minimum_history_counts_days_with_data_only() -> None:
    # Six days of data then a quiet week (no rows), then a 10x day: 6 < 7, nothing is unusual.
    ds = np.concatenate([_days(6), _days(1, T0 + 13 * DAY)])
    s = score_days("wf", ds, np.array([5.0] * 6 + [50.0]))[-1]
    assert s.history_days == 6 and s.median is None and s.score is None and not s.anomaly
    # Zero-spend rows are not data either: the weekday-only workflow is judged on its weekdays.
    week = [5.0] * 5 + [0.0, 0.0]
    s2 = score_days("wf", _days(15), np.array(week * 2 + [5.5]))[-1]
    assert s2.history_days == 10 and s2.median == 5.0 and not s2.anomaly
    assert score_days("wf", _days(0), np.zeros(0)) == []


def test_dst_days_count_as_one_day_and_rows_of_a_day_add_up() -> None:
    tz = ZoneInfo("Europe/Berlin")
    first = date(2026, 10, 14)
    starts = [
        int(datetime.combine(first + timedelta(days=i), datetime.min.time(), tz).timestamp())
        for i in range(15)
    ]  # crosses the 25-hour 25 October
    keys = ["a"] * 15 + ["a", "b"]
    ds = np.array([*starts, starts[-1], starts[-1]], dtype=np.int64)
    vals = np.array([4.0] * 14 + [20.0, 20.0, 1.0])
    scores = score_keys(keys, ds, vals)
    a = [s for s in scores if s.key == "a"]
    assert len(a) == 15 and a[-1].value == 40.0 and a[-1].median == 4.0 and a[-1].history_days == 14
    assert [s.key for s in anomalies(scores)] == ["a"]


def test_describe_cost_reads_like_the_chart_marker() -> None:
    tz = ZoneInfo("UTC")
    nov27 = int(datetime(2026, 11, 27, tzinfo=tz).timestamp())
    ds = nov27 - DAY * np.arange(14, -1, -1, dtype=np.int64)
    vals = np.array([6.6 * NANO] * 14 + [41 * NANO])
    s = score_days("code-review", ds, vals)[-1]
    assert s.anomaly
    assert describe_cost(s, tz) == "code-review: $41 on Nov 27, 6.2× its usual"


def test_thresholds_are_parameters() -> None:
    base = [10.0, 12.0, 11.0, 13.0, 9.0, 10.0, 14.0]
    strict = AnomalyParams(threshold=25.0)
    assert not score_days("wf", _days(8), np.array([*base, 41.0]), strict)[-1].anomaly
    tiny = AnomalyParams(min_value=100.0)
    assert not score_days("wf", _days(8), np.array([*base, 41.0]), tiny)[-1].anomaly
