"""The ``by_tier`` section: calls, cost and latency per model tier (cheap, capable, premium, …)."""

from __future__ import annotations

from pydantic import Field

from .base import Section


class TierStats(Section):
    count: int
    cost: float
    tokens: int
    percent: float = Field(description="share of calls, percent")
    error_count: int
    avg_latency_ms: float | None
    p95_latency_ms: float | None
