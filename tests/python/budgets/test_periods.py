"""Budget period boundaries: local midnights, DST days of 23/25 (and 23.5/24.5) hours, week starts,
month start days past a short month's end."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.budgets.periods import (
    day_edges,
    day_start,
    local_date,
    machine_zone,
    next_period,
    period_bounds,
    previous_period,
)

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata")
# 2024-01-01 .. 2027-01-01: several DST changes in every zone above.
NOW = st.integers(min_value=1_704_067_200, max_value=1_798_761_600)
PERIOD = st.sampled_from(["day", "week", "month"])


def _local(epoch: int, tz: str) -> datetime:
    return datetime.fromtimestamp(epoch, ZoneInfo(tz))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    now=NOW,
    period=PERIOD,
    tz=st.sampled_from(ZONES),
    week_start=st.integers(0, 6),
    start_day=st.integers(1, 31),
)
def test_bounds_contain_now_start_at_local_midnight_and_tile(
    now: int, period: str, tz: str, week_start: int, start_day: int
) -> None:
    b = period_bounds(now, period, tz, week_start, start_day)  # type: ignore[arg-type]
    assert b[0] <= now < b[1]
    for edge in b:
        t = _local(edge, tz)
        assert (t.hour, t.minute, t.second) == (0, 0, 0)  # no zone here skips midnight
    nxt = next_period(b, period, tz, week_start, start_day)  # type: ignore[arg-type]
    prv = previous_period(b, period, tz, week_start, start_day)  # type: ignore[arg-type]
    assert nxt[0] == b[1] and prv[1] == b[0]  # no gap, no overlap
    assert prv[0] < prv[1] < nxt[1]
    if period == "week":
        assert _local(b[0], tz).weekday() == week_start
        days = (local_date(b[1], ZoneInfo(tz)) - local_date(b[0], ZoneInfo(tz))).days
        assert days == 7
    if period == "month":
        d = _local(b[0], tz).date()
        last = (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        assert d.day == min(start_day, last.day)


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 29), 23.0),
        ("Europe/Berlin", date(2026, 10, 25), 25.0),
        ("America/New_York", date(2026, 3, 8), 23.0),
        ("America/New_York", date(2026, 11, 1), 25.0),
        ("Australia/Lord_Howe", date(2026, 4, 5), 24.5),  # 30-minute DST
        ("Australia/Lord_Howe", date(2026, 10, 4), 23.5),
        ("Europe/Berlin", date(2026, 6, 1), 24.0),
    ],
)
def test_dst_days_are_as_long_as_the_calendar_says(tz: str, day: date, hours: float) -> None:
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(tz)).timestamp()
    start, end = period_bounds(noon, "day", tz)
    assert (end - start) / 3600 == hours
    assert start == datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).timestamp()


def test_month_start_day_31_uses_the_last_day_of_short_months() -> None:
    tz = ZoneInfo("Europe/Berlin")
    feb = datetime(2026, 2, 15, 12, tzinfo=tz).timestamp()
    start, end = period_bounds(feb, "month", tz, start_day=31)
    assert _local(start, "Europe/Berlin").date() == date(2026, 1, 31)
    assert _local(end, "Europe/Berlin").date() == date(2026, 2, 28)
    nxt = next_period((start, end), "month", tz, start_day=31)
    assert _local(nxt[1], "Europe/Berlin").date() == date(2026, 3, 31)
    # The month containing a DST change (Berlin, 29 March) is 1 hour short.
    mar = period_bounds(datetime(2026, 3, 10, tzinfo=tz).timestamp(), "month", tz)
    assert (mar[1] - mar[0]) / 3600 == 31 * 24 - 1


def test_week_start_sunday_and_default_monday() -> None:
    tz = "America/New_York"
    wed = datetime(2026, 12, 2, 9, tzinfo=ZoneInfo(tz)).timestamp()  # a Wednesday
    mon = period_bounds(wed, "week", tz)
    sun = period_bounds(wed, "week", tz, week_start=6)
    assert _local(mon[0], tz).date() == date(2026, 11, 30)
    assert _local(sun[0], tz).date() == date(2026, 11, 29)


def test_skipped_midnight_starts_the_day_at_its_first_instant() -> None:
    # America/Havana jumps from 00:00 to 01:00 on 2026-03-08: the day starts at 01:00 local.
    tz = ZoneInfo("America/Havana")
    start = day_start(date(2026, 3, 8), tz)
    t = datetime.fromtimestamp(start, tz)
    assert (t.date(), t.hour) == (date(2026, 3, 8), 1)
    assert local_date(start - 1, tz) == date(2026, 3, 7)


def test_day_edges_split_a_span_at_local_midnights() -> None:
    tz = "Europe/Berlin"
    z = ZoneInfo(tz)
    a = int(datetime(2026, 10, 24, 18, tzinfo=z).timestamp())
    b = int(datetime(2026, 10, 26, 6, tzinfo=z).timestamp())
    edges = day_edges(a, b, tz)
    assert edges[0] == a and edges[-1] == b and len(edges) == 4
    assert (edges[2] - edges[1]) / 3600 == 25.0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        period_bounds(0, "day", "Mars/Olympus")
    with pytest.raises(ValueError, match="week_start"):
        period_bounds(0, "week", "UTC", week_start=7)
    with pytest.raises(ValueError, match="start_day"):
        period_bounds(0, "month", "UTC", start_day=0)
    with pytest.raises(ValueError, match="period"):
        period_bounds(0, "year", "UTC")  # type: ignore[arg-type]


def test_machine_zone_is_a_zone() -> None:
    assert isinstance(machine_zone(), ZoneInfo)
    assert machine_zone() is machine_zone()  # resolved once
