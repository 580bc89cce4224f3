"""The ``overview`` section: the headline numbers of the cards."""

from __future__ import annotations

from pydantic import Field

from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, usd


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
    )
