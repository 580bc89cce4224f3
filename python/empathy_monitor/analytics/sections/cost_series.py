"""The ``cost_series`` section: one point per local day of the window."""

from __future__ import annotations

from pydantic import Field

from .base import Section


class CostPoint(Section):
    date: str = Field(description="local day, YYYY-MM-DD")
    cost: float
    calls: int
    errors: int
    input_tokens: int
    output_tokens: int
    by_provider: dict[str, float]
