"""The ``by_model`` section: calls, tokens and cost per model id."""

from __future__ import annotations

from .base import Section


class ModelStats(Section):
    call_count: int
    total_tokens: int
    total_cost: float
    error_count: int
    avg_latency_ms: float | None
    provider: str
    tier: str
