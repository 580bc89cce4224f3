"""The ``by_provider`` section: calls, tokens and cost per provider."""

from __future__ import annotations

from .base import Section


class ProviderStats(Section):
    call_count: int
    total_tokens: int
    total_cost: float
    error_count: int
    avg_latency_ms: float | None
    input_tokens: int
    output_tokens: int
