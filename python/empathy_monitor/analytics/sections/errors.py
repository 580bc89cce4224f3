"""The ``errors`` section: error totals, by type, by day and (short windows) by hour; retries."""

from __future__ import annotations

from typing import Any

from ..buckets import day_label, hour_label, hourly
from ..rowcache import Mode
from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, pct


class ErrorDay(Section):
    date: str
    calls: int
    errors: int
    error_rate: float


class ErrorHour(Section):
    hour: str
    calls: int
    errors: int
    error_rate: float


class Retries(Section):
    total_retries: int
    calls_with_retries: int
    retry_rate: float


class Errors(Section):
    total: int
    error_rate: float
    by_type: dict[str, int]
    by_day: list[ErrorDay]
    by_hour: list[ErrorHour] | None
    retries: Retries


def _by_hour(s: Sums, w: Window, ctx: Context) -> list[ErrorHour]:
    assert w.since is not None
    h0 = ctx.clock.hour(w.since)
    h1 = ctx.clock.hour(ctx.clock.last_instant(w))
    if s.hours and w.until is None:
        h1 = max(h1, max(s.hours))

    def make(h: int) -> ErrorHour:
        v = s.hours.get(h)
        calls, errors = (v.calls, v.errors) if v else (0, 0)
        return trusted(
            ErrorHour, hour=hour_label(h), calls=calls, errors=errors, error_rate=pct(errors, calls)
        )

    out: list[ErrorHour] = ctx.rows.series("hour", "errors", range(h0, h1 + 1), make)
    return out


def render(s: Sums, w: Window, ctx: Context) -> Errors:
    t = s.tot

    def make(d: int) -> ErrorDay:
        v = s.days[d]
        return trusted(
            ErrorDay,
            date=day_label(d),
            calls=v.calls,
            errors=v.errors,
            error_rate=pct(v.errors, v.calls),
        )

    by_day: list[ErrorDay] = ctx.rows.series("day", "errors", sorted(s.days), make)
    return trusted(
        Errors,
        total=t.errors,
        error_rate=pct(t.errors, t.calls),
        by_type=dict(sorted(s.etype.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_day=by_day,
        by_hour=_by_hour(s, w, ctx) if hourly(w) else None,
        retries=trusted(
            Retries,
            total_retries=t.retry,
            calls_with_retries=t.retried,
            retry_rate=pct(t.retried, t.calls),
        ),
    )


def dump(v: Errors, mode: Mode, ctx: Context) -> Any:
    """The section with its day/hour rows taken from the row cache (a year is ~750 rows)."""
    rows = ctx.rows
    return {
        "total": v.total,
        "error_rate": v.error_rate,
        "by_type": v.by_type,
        "by_day": rows.dump_all(v.by_day, mode),
        "by_hour": None if v.by_hour is None else rows.dump_all(v.by_hour, mode),
        "retries": v.retries.model_dump(mode=mode),
    }
