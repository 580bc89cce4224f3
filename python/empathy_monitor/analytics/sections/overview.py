"""The ``overview`` section: the headline numbers of the cards."""

from __future__ import annotations

from pydantic import Field

from ...prices.sources import SUBSCRIPTION
from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, usd


class UnpricedModel(Section):
    model: str
    provider: str
    calls: int
    tokens: int


class Overview(Section):
    calls: int
    errors: int
    success_rate: float | None = Field(description="percent, null when no calls")
    total_cost: float
    input_tokens: int
    output_tokens: int
    avg_latency_ms: float | None
    p50_latency_ms: float | None
    p95_latency_ms: float | None
    active_workflows: int
    unpriced_calls: int = Field(
        description="calls with tokens but no price anywhere (not added to total_cost)"
    )
    unpriced_tokens: int
    unpriced_models: list[UnpricedModel] = Field(description="by calls, then model")
    cache_read_tokens: int
    cache_write_tokens: int = Field(description="5-minute and 1-hour cache writes")
    cache_hit_rate: float | None = Field(
        description="percent: cache read / (uncached input + cache read + cache write)"
    )
    cache_savings: float = Field(
        description="USD caching saved at list price (cache reads at the cache-read rate, "
        "not the input rate)"
    )
    subscription_calls: int = Field(
        0, description="calls of sources billed by subscription (monitoring.yaml sources:)"
    )
    subscription_value: float = Field(
        0.0,
        description="USD list-price equivalent of the subscription calls: what they would cost"
        " per token; not money spent, never in total_cost",
    )


def render(s: Sums, w: Window, ctx: Context) -> Overview:
    t = s.tot
    n = t.calls
    wfs = {k for k, a in s.wf_calls.items() if a.calls}
    wfs.update(k for k, a in s.runs_wf.items() if a.runs)
    return trusted(
        Overview,
        calls=n,
        errors=t.errors,
        success_rate=round((n - t.errors) / n * 100, 4) if n else None,
        total_cost=usd(t.cost),
        input_tokens=t.tin,
        output_tokens=t.tout,
        avg_latency_ms=avg(t.lat, t.lat_n),
        p50_latency_ms=s.hist.percentile(0.50),
        p95_latency_ms=s.hist.percentile(0.95),
        active_workflows=len(wfs),
        **_price_fields(s),
    )


def _price_fields(s: Sums) -> dict[str, object]:
    p = s.price
    unpriced = sorted(
        ((k, a) for k, a in p.model.items() if a.unp), key=lambda kv: (-kv[1].unp, kv[0])
    )
    prompt = s.tot.tin + p.tot.cr + p.tot.cw
    return {
        "unpriced_calls": p.tot.unp,
        "unpriced_tokens": p.tot.unp_tok,
        "unpriced_models": [
            trusted(UnpricedModel, model=m, provider=prov, calls=a.unp, tokens=a.unp_tok)
            for (prov, m), a in unpriced
        ],
        "cache_read_tokens": p.tot.cr,
        "cache_write_tokens": p.tot.cw,
        "cache_hit_rate": round(p.tot.cr / prompt * 100, 4) if prompt else None,
        "cache_savings": usd(p.tot.save),
        "subscription_calls": p.src_calls[SUBSCRIPTION],
        "subscription_value": usd(p.src_cost[SUBSCRIPTION]),
    }
