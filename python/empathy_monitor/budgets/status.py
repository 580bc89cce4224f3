"""A budget's state now, as the panel, the CLI and the alert metrics see it: numbers and sentences.

Pure: a :class:`~.spend.BudgetSpend` and an instant in, a :class:`BudgetStatus` (a wire model the
protocol types ``Snapshot.budgets`` with) out. Every number and every sentence the strip shows is
made here; the webview only places them (the bar positions are fractions of ``scale``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from pydantic import Field

from ..analytics.sections.base import Section
from ..words import plural
from .anomaly import NANO
from .forecast import Forecast, budget_percent, forecast_percent, forecast_period
from .spend import BudgetSpend

PERIOD_WORDS = {"day": "today", "week": "this week", "month": "this month"}


class BudgetLevel(Section):
    percent: float
    fired: bool = Field(description="queued once in this period (fires once per period)")
    fired_at: str | None = Field(description="ISO 8601 (UTC)")
    position: float = Field(description="the tick's place on the bar, 0..1 of scale")


class BudgetStatus(Section):
    """One budget in the current period (money in USD)."""

    name: str
    period: str
    scope: dict[str, str]
    period_start: str = Field(description="ISO 8601 (UTC)")
    period_end: str = Field(description="ISO 8601 (UTC), exclusive")
    amount: float
    spent: float
    percent: float = Field(description="budget_percent: spent / amount x 100")
    projected: float
    low: float = Field(description="80% interval of the period-end spend")
    high: float
    forecast_percent: float = Field(description="projected / amount x 100")
    run_out: str | None = Field(description="ISO 8601: when the projection crosses the amount")
    burn_hour: float = Field(description="spend in the last hour")
    burn_day: float = Field(description="spend in the last 24 hours")
    burn_week_daily: float = Field(description="spend in the last 7 days / 7")
    unpriced_calls: int
    state: str = Field(description="ok | warning (a level fired) | over (spent >= amount)")
    headline: str = Field(description="'$12.40 of $200 this month'")
    outlook: str = Field(description="'runs out Dec 19 at this rate' or 'on track: ~$142 of $200'")
    burn_text: str
    interval_text: str
    unpriced_text: str = Field(description="'+ 3 unpriced calls not included' or ''")
    scale: float = Field(description="USD at the bar's right end")
    spent_pos: float = Field(description="0..1 of scale")
    projected_pos: float
    low_pos: float
    high_pos: float
    levels: list[BudgetLevel]
    method: str
    history_days: int


class AnomalyMarker(Section):
    """One unusual day of one workflow or provider, for the cost chart."""

    kind: str = Field(description="workflow | provider")
    key: str
    date: str = Field(description="local day, YYYY-MM-DD (the cost_series dates)")
    cost: float
    median: float
    ratio: float
    score: float
    text: str = Field(description="'code-review: $41 on Nov 27, 6.2× its usual'")


class BudgetsSection(Section):
    """``Snapshot.budgets``: every budget of budgets.yaml now, and the cost chart's anomalies."""

    exists: bool = Field(description="budgets.yaml exists")
    config_path: str
    budgets: list[BudgetStatus]
    errors: list[str] = Field(description="budgets.yaml problems, each 'budgets.yaml:LINE: ...'")
    status_text: str | None = Field(description="'$X of $Y this month' (the first month budget)")
    can_fire: bool = Field(description="this process queues level notifications (trusted)")
    anomalies: list[AnomalyMarker]


def usd_text(usd: float) -> str:
    """$0.0042, $3.10, $142, $1,234."""
    if usd >= 100 or (usd >= 10 and float(usd).is_integer()):
        return f"${usd:,.0f}"
    if usd >= 0.01 or usd == 0:
        return f"${usd:,.2f}"
    return f"${usd:.4f}"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def _day_text(epoch: float, tz: ZoneInfo) -> str:
    d = datetime.fromtimestamp(epoch, tz)
    return f"{d:%b} {d.day}"


def evaluate(
    s: BudgetSpend,
    now: float,
    tz: ZoneInfo,
    burn: tuple[int, int, int],
    fired: dict[float, float] | None = None,
) -> tuple[BudgetStatus, Forecast]:
    """The status of one budget at ``now``; ``fired`` maps level percent -> when it was queued."""
    b = s.budget
    fired = fired or {}
    start, end = b.bounds(now, tz)
    spent_nd, unpriced = s.spent(start, end)
    days, spend = s.history()
    fc = forecast_period(days, spend, spent_nd, (start, end), now, tz, budget_nd=b.amount_nd)
    amount = b.amount
    spent, projected = spent_nd / NANO, fc.projected_nd / NANO
    low, high = fc.low_nd / NANO, fc.high_nd / NANO
    pct = budget_percent(spent_nd, b.amount_nd)
    fpct = forecast_percent(fc, b.amount_nd)
    words = PERIOD_WORDS[b.period]
    if spent_nd >= b.amount_nd:
        outlook = f"over budget: {usd_text(spent)} of {usd_text(amount)}"
    elif fc.run_out_epoch is not None:
        outlook = f"runs out {_day_text(fc.run_out_epoch, tz)} at this rate"
    else:
        outlook = f"on track: ~{usd_text(projected)} of {usd_text(amount)}"
    scale = max(amount, high, spent) * 1.05
    # model_construct: every field is computed right here with its type, and the status is rebuilt
    # for every budget on every append (validation was a third of the evaluation's time).
    levels = [
        BudgetLevel.model_construct(
            percent=float(lv),
            fired=lv in fired,
            fired_at=_iso(fired[lv]) if lv in fired else None,
            position=min(amount * lv / 100 / scale, 1.0),
        )
        for lv in b.levels
    ]
    state = _state(pct, fired)
    h, d, w = (x / NANO for x in burn)
    status = BudgetStatus.model_construct(
        name=b.name,
        period=b.period,
        scope=b.scope,
        period_start=_iso(start),
        period_end=_iso(end),
        amount=amount,
        spent=round(spent, 9),
        percent=round(pct, 4),
        projected=round(projected, 9),
        low=round(low, 9),
        high=round(high, 9),
        forecast_percent=round(fpct, 4),
        run_out=_iso(fc.run_out_epoch) if fc.run_out_epoch is not None else None,
        burn_hour=round(h, 9),
        burn_day=round(d, 9),
        burn_week_daily=round(w / 7, 9),
        unpriced_calls=unpriced,
        state=state,
        headline=f"{usd_text(spent)} of {usd_text(amount)} {words}",
        outlook=outlook,
        burn_text=(
            f"{usd_text(h)}/h last hour · {usd_text(d)} last 24 h · {usd_text(w / 7)}/day over 7 d"
        ),
        interval_text=(
            f"projected {usd_text(projected)} by the period's end"
            f" (80%: {usd_text(low)}–{usd_text(high)})"
        ),
        unpriced_text=(f"+ {plural(unpriced, 'unpriced call')} not included" if unpriced else ""),
        scale=round(scale, 9),
        spent_pos=min(spent / scale, 1.0),
        projected_pos=min(projected / scale, 1.0),
        low_pos=min(low / scale, 1.0),
        high_pos=min(high / scale, 1.0),
        levels=levels,
        method=fc.method,
        history_days=fc.history_days,
    )
    return status, fc


def _state(pct: float, fired: dict[float, float]) -> str:
    return "over" if pct >= 100 else "warning" if fired else "ok"


def with_levels(st: BudgetStatus, fired: dict[float, float]) -> BudgetStatus:
    """``st`` with its level ticks and state for ``fired`` (level percent -> when queued)."""
    if not fired:
        return st
    levels = [
        lv.model_copy(
            update={
                "fired": lv.percent in fired,
                "fired_at": _iso(fired[lv.percent]) if lv.percent in fired else None,
            }
        )
        for lv in st.levels
    ]
    return st.model_copy(update={"levels": levels, "state": _state(st.percent, fired)})
