"""The ``by_model`` section: calls, tokens and cost per model id."""

from __future__ import annotations

from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, usd


class ModelStats(Section):
    call_count: int
    total_tokens: int
    total_cost: float
    error_count: int
    avg_latency_ms: float | None
    provider: str
    tier: str


def render(s: Sums, w: Window, ctx: Context) -> dict[str, ModelStats]:
    items = sorted(s.model.items(), key=lambda kv: (-kv[1].cost, kv[0]))
    out = {}
    for m, a in items:
        if not a.calls:
            continue
        prov, tier = s.model_meta.get(m, ("", ""))
        out[m] = trusted(
            ModelStats,
            call_count=a.calls,
            total_tokens=a.tokens,
            total_cost=usd(a.cost),
            error_count=a.errors,
            avg_latency_ms=avg(a.lat, a.lat_n),
            provider=prov,
            tier=tier,
        )
    return out
