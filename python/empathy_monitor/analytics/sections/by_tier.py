"""The ``by_tier`` section: calls, cost and latency per model tier (cheap, capable, premium, …)."""

from __future__ import annotations

from pydantic import Field

from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, pct, usd


class TierStats(Section):
    count: int
    cost: float
    tokens: int
    percent: float = Field(description="share of calls, percent")
    error_count: int
    avg_latency_ms: float | None
    p95_latency_ms: float | None


ORDER = {"cheap": 0, "capable": 1, "premium": 2}


def render(s: Sums, w: Window, ctx: Context) -> dict[str, TierStats]:
    total = sum(a.calls for a in s.tier.values())
    items = sorted(s.tier.items(), key=lambda kv: (ORDER.get(kv[0], 3), kv[0]))
    out = {}
    for name, a in items:
        if not a.calls:
            continue
        h = s.tier_hist.get(name)
        out[name] = trusted(
            TierStats,
            count=a.calls,
            cost=usd(a.cost),
            tokens=a.tokens,
            percent=pct(a.calls, total),
            error_count=a.errors,
            avg_latency_ms=avg(a.lat, a.lat_n),
            p95_latency_ms=h.percentile(0.95) if h else None,
        )
    return out
