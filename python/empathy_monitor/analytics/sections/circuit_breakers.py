"""The ``circuit_breakers`` section: the latest breaker state per provider (all time, not windowed)."""

from __future__ import annotations

from typing import Literal

from .base import Section

BreakerState = Literal["closed", "open", "half-open"]


class CircuitBreaker(Section):
    state: BreakerState
    updated_at: str | None
    last_opened_at: str | None
