"""Budget periods: where a day, week or month starts and ends in a given IANA time zone.

Pure: every function takes the zone explicitly; only :func:`machine_zone` looks at the machine, once,
when first called (never at import). Boundaries are local midnights, so a period is as long as the
calendar says: a day is 23 or 25 hours across a DST change (30 minutes off on Lord Howe Island).
A local midnight that a DST change skips (some zones switch at 00:00) starts the day at the first
instant that exists on that date.

Epochs are integer seconds (UTC); ``now`` may be fractional.
"""

from __future__ import annotations

import calendar
import contextlib
import os
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Period = Literal["day", "week", "month"]
PERIODS: tuple[str, ...] = ("day", "week", "month")
WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


def zone(name: str | ZoneInfo) -> ZoneInfo:
    """A ``ZoneInfo`` from a name (or itself).

    Raises:
        ValueError: when the name is not an IANA zone known to this machine.
    """
    if isinstance(name, ZoneInfo):
        return name
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name like Europe/Berlin)"
        ) from exc


@lru_cache(maxsize=1)
def machine_zone() -> ZoneInfo:
    """This machine's zone, resolved once: ``$TZ``, the ``/etc/localtime`` link, ``/etc/timezone``, UTC."""
    candidates: list[str] = []
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if tz_env:
        candidates.append(tz_env)
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for c in candidates:
        try:
            return zone(c)
        except ValueError:
            continue
    return ZoneInfo("UTC")


def local_date(epoch: float, tz: ZoneInfo) -> date:
    """The calendar date at ``epoch`` in ``tz``."""
    return datetime.fromtimestamp(epoch, tz).date()


@lru_cache(maxsize=8192)  # pure; a forecast asks for the same few dozen midnights every ingest
def day_start(d: date, tz: ZoneInfo) -> int:
    """The first instant (epoch seconds) whose local date in ``tz`` is ``d``."""
    naive = datetime(d.year, d.month, d.day)
    guess = int(min(naive.replace(tzinfo=tz, fold=f).timestamp() for f in (0, 1)))
    if local_date(guess, tz) == d and local_date(guess - 1, tz) < d:
        return guess
    # Midnight does not exist (a DST change at 00:00): search the first second of the date.
    lo, hi = guess - 2 * 86400, guess + 2 * 86400
    while lo < hi:
        mid = (lo + hi) // 2
        if local_date(mid, tz) >= d:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _month_anchor(year: int, month: int, start_day: int) -> date:
    # A month starting on the 31st starts on the last day of shorter months.
    return date(year, month, min(start_day, calendar.monthrange(year, month)[1]))


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + by
    return k // 12, k % 12 + 1


def period_dates(
    d: date, period: Period, week_start: int = 0, start_day: int = 1
) -> tuple[date, date]:
    """The local dates ``[first, first of next)`` of the period containing date ``d``."""
    if period == "day":
        return d, d + timedelta(days=1)
    if period == "week":
        first = d - timedelta(days=(d.weekday() - week_start) % 7)
        return first, first + timedelta(days=7)
    if period == "month":
        anchor = _month_anchor(d.year, d.month, start_day)
        if d >= anchor:
            ny, nm = _shift_month(d.year, d.month, 1)
            return anchor, _month_anchor(ny, nm, start_day)
        py, pm = _shift_month(d.year, d.month, -1)
        return _month_anchor(py, pm, start_day), anchor
    raise ValueError(f"unknown period {period!r} (use day, week or month)")


def _check(week_start: int, start_day: int) -> None:
    if not 0 <= week_start <= 6:
        raise ValueError("week_start must be 0 (Monday) .. 6 (Sunday)")
    if not 1 <= start_day <= 31:
        raise ValueError("start_day must be 1 .. 31")


def period_bounds(
    now_epoch: float,
    period: Period,
    tz: ZoneInfo | str,
    week_start: int = 0,
    start_day: int = 1,
) -> tuple[int, int]:
    """``(start, end)`` epochs of the period containing ``now_epoch``: start <= now < end.

    Args:
        now_epoch: the instant (UTC epoch seconds).
        period: ``day``, ``week`` or ``month``.
        tz: the zone whose local midnights bound the period.
        week_start: 0 = Monday .. 6 = Sunday (weeks only).
        start_day: day of month a month period starts on (months only); past a short month's
            end it starts on that month's last day.

    Raises:
        ValueError: for an unknown period, zone, week_start or start_day.
    """
    _check(week_start, start_day)
    z = zone(tz)
    first, nxt = period_dates(local_date(now_epoch, z), period, week_start, start_day)
    return day_start(first, z), day_start(nxt, z)


def previous_period(
    bounds: tuple[int, int],
    period: Period,
    tz: ZoneInfo | str,
    week_start: int = 0,
    start_day: int = 1,
) -> tuple[int, int]:
    """The period just before ``bounds`` (its end is ``bounds[0]``)."""
    return period_bounds(bounds[0] - 1, period, tz, week_start, start_day)


def next_period(
    bounds: tuple[int, int],
    period: Period,
    tz: ZoneInfo | str,
    week_start: int = 0,
    start_day: int = 1,
) -> tuple[int, int]:
    """The period just after ``bounds`` (its start is ``bounds[1]``)."""
    return period_bounds(bounds[1], period, tz, week_start, start_day)


def day_edges(start: int, end: int, tz: ZoneInfo | str) -> list[int]:
    """``[start, each local midnight strictly inside (start, end), end]``: the day edges of a span."""
    z = zone(tz)
    d = local_date(start, z)
    out = [start]
    while True:
        d += timedelta(days=1)
        t = day_start(d, z)
        if t >= end:
            break
        out.append(t)
    out.append(end)
    return out
