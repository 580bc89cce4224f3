"""The ``overview`` section: the headline numbers of the cards."""

from __future__ import annotations

from pydantic import Field

from .base import Section


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
