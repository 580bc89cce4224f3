"""The ``cost_series`` section: one point per local day of the window."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..buckets import day_label
from ..rowcache import Mode
from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, usd


class CostPoint(Section):
    date: str = Field(description="local day, YYYY-MM-DD")
    cost: float
    calls: int
    errors: int
    input_tokens: int
    output_tokens: int
    by_provider: dict[str, float]


def render(s: Sums, w: Window, ctx: Context) -> list[CostPoint]:
    """Every local day from the window's start (or the first call) to its end (or the latest
    call, if later than now); days without calls are zero points."""
    if not s.days and w.since is None:
        return []
    first = min(s.days) if s.days else None
    last = max(s.days) if s.days else None
    if w.since is not None:
        first = ctx.clock.day(w.since)
    end_day = ctx.clock.day(ctx.clock.last_instant(w))
    last = end_day if last is None else max(last, end_day) if w.until is None else end_day
    assert first is not None and last is not None
    provs = sorted({p for (_, p) in s.day_prov})

    def make(d: int) -> CostPoint:  # usually the one or two days an append touched
        v = s.days.get(d)
        return trusted(
            CostPoint,
            date=day_label(d),
            cost=usd(v.cost) if v else 0.0,
            calls=v.calls if v else 0,
            errors=v.errors if v else 0,
            input_tokens=v.tin if v else 0,
            output_tokens=v.tout if v else 0,
            by_provider={p: usd(s.day_prov[(d, p)].cost) for p in provs if (d, p) in s.day_prov},
        )

    out: list[CostPoint] = ctx.rows.series("day", "cost_series", range(first, last + 1), make)
    return out


def dump(v: list[CostPoint], mode: Mode, ctx: Context) -> Any:
    return ctx.rows.dump_all(v, mode)
