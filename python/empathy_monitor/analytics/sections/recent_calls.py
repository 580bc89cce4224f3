"""The ``recent_calls`` section (and activity pages): calls as display rows.

Rows echo raw record fields, so each field is coerced leniently: one odd value in one record must
not break a whole snapshot. Their ``cost`` is the view's cost mode's (``prices.feed``), with its
``cost_source``; an unpriced call has no cost (``null``), never a $0.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from .base import Section
from .prices import CostSource


class CallRow(Section):
    """One LLM call as shown in the activity feed (display values; Python did any maths)."""

    call_id: str
    timestamp: str = Field(description="ISO 8601 with offset")
    workflow_name: str | None = None
    step_name: str | None = None
    provider: str
    model_id: str
    tier: str
    task_type: str | None = None
    cost: float | None = Field(
        default=None, description="USD in the view's cost mode; null: unpriced (or not a number)"
    )
    cost_source: CostSource | None = Field(
        default=None, description="where the cost comes from; null: the record's own figure"
    )
    input_tokens: int | float = 0
    output_tokens: int | float = 0
    latency_ms: int | float = 0
    success: bool
    error_type: str | None = None
    error_message: str | None = None
    fallback_used: bool = False
    fallback_chain: list[str] = Field(default_factory=list)
    retry_count: int | float = 0
    session_id: str | None = None
    user_id: str | None = None
    run_id: str | None = None
    source_file: str | None = None
    source_line: int | None = None

    # Rows echo raw record fields: an odd value in one record must not break a whole snapshot.
    @field_validator(
        "workflow_name",
        "step_name",
        "task_type",
        "error_type",
        "error_message",
        "session_id",
        "user_id",
        "run_id",
        "source_file",
        mode="before",
    )
    @classmethod
    def _text(cls, v: Any) -> str | None:
        return None if v is None else str(v)

    @field_validator("input_tokens", "output_tokens", "latency_ms", "retry_count", mode="before")
    @classmethod
    def _number(cls, v: Any) -> int | float:
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0

    @field_validator("source_line", mode="before")
    @classmethod
    def _line(cls, v: Any) -> int | None:
        return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None
