"""The ``by_provider`` section: calls, tokens and cost per provider."""

from __future__ import annotations

from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, usd


class ProviderStats(Section):
    call_count: int
    total_tokens: int
    total_cost: float
    error_count: int
    avg_latency_ms: float | None
    input_tokens: int
    output_tokens: int


def render(s: Sums, w: Window, ctx: Context) -> dict[str, ProviderStats]:
    items = sorted(s.prov.items(), key=lambda kv: (-kv[1].cost, kv[0]))
    return {
        p: trusted(
            ProviderStats,
            call_count=a.calls,
            total_tokens=a.tokens,
            total_cost=usd(a.cost),
            error_count=a.errors,
            avg_latency_ms=avg(a.lat, a.lat_n),
            input_tokens=a.tin,
            output_tokens=a.tout,
        )
        for p, a in items
        if a.calls
    }
