"""The ``errors`` section: error totals, by type, by day and (short windows) by hour; retries."""

from __future__ import annotations

from typing import Any

from ..buckets import day_label, hour_label, hourly
from ..rowcache import Mode
from ..sums import Sums
from ..window import Window
from .base import Section
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
    out: list[ErrorHour] = []
    for h in range(h0, h1 + 1):
        row = ctx.rows.get("hour", h, "errors")
        if row is None:
            v = s.hours.get(h)
            calls, errors = (v.calls, v.errors) if v else (0, 0)
            row = ErrorHour.model_construct(
                hour=hour_label(h), calls=calls, errors=errors, error_rate=pct(errors, calls)
            )
            ctx.rows.put("hour", h, "errors", row)
        assert isinstance(row, ErrorHour)
        out.append(row)
    return out


def render(s: Sums, w: Window, ctx: Context) -> Errors:
    t = s.tot
    by_day: list[ErrorDay] = []
    for d in sorted(s.days):
        row = ctx.rows.get("day", d, "errors")
        if row is None:
            v = s.days[d]
            row = ErrorDay.model_construct(
                date=day_label(d),
                calls=v.calls,
                errors=v.errors,
                error_rate=pct(v.errors, v.calls),
            )
            ctx.rows.put("day", d, "errors", row)
        assert isinstance(row, ErrorDay)
        by_day.append(row)
    return Errors.model_construct(
        total=t.errors,
        error_rate=pct(t.errors, t.calls),
        by_type=dict(sorted(s.etype.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_day=by_day,
        by_hour=_by_hour(s, w, ctx) if hourly(w) else None,
        retries=Retries.model_construct(
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
        "by_day": [rows.dump(r, mode) for r in v.by_day],
        "by_hour": None if v.by_hour is None else [rows.dump(r, mode) for r in v.by_hour],
        "retries": v.retries.model_dump(mode=mode),
    }
