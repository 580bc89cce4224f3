"""The ``fallback`` section: how often calls fell back, and along which chains."""

from __future__ import annotations

from .base import Section


class FallbackChain(Section):
    chain: list[str]
    count: int


class Fallback(Section):
    total_calls: int
    fallback_count: int
    fallback_percent: float
    error_count: int
    error_rate: float
    by_original_provider: dict[str, int]
    top_chains: list[FallbackChain]
