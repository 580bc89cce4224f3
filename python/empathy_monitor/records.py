"""Pydantic models of the records the Empathy writers produce (empathy-framework 3.x, attune-ai).

Field names, order and defaults follow the writers' dataclasses exactly so that a line we write is
a line their readers accept. Unknown keys are ignored (and kept nowhere); missing optional keys take
the writers' defaults. These models are the *forgiving* path: the bulk loader parses with orjson
straight into columns and only sends a line here when its fast checks fail, so every problem is
reported with a precise reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Values past these bounds are not believable for one call; they are flagged and left out of sums.
MAX_COST_PER_CALL = 10_000.0
MAX_TOKENS_PER_CALL = 100_000_000
MAX_LATENCY_MS = 24 * 3600 * 1000
MAX_RETRIES = 1000

BREAKER_STATES = ("closed", "open", "half-open")
# Circuit-breaker states as small codes for the columns (0: none reported); "half_open" is an
# alias some writers use.
BREAKER_CODE: dict[str | None, int] = {
    None: 0,
    "closed": 1,
    "open": 2,
    "half-open": 3,
    "half_open": 3,
}


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, allow_inf_nan=True)


class LLMCallRecord(_Record):
    """One LLM call (``llm_calls.jsonl``)."""

    call_id: str
    timestamp: str
    workflow_name: str | None = None
    step_name: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    task_type: str = "unknown"
    provider: str = "anthropic"
    tier: str = "capable"
    model_id: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    estimated_cost: float = 0.0
    actual_cost: float | None = None
    latency_ms: int = 0
    fallback_used: bool = False
    fallback_chain: list[str] = Field(default_factory=list)
    original_provider: str | None = None
    original_model: str | None = None
    retry_count: int = 0
    circuit_breaker_state: str | None = None
    success: bool = True
    error_type: str | None = None
    error_message: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    # Prompt-cache tokens some writers put at the top level: read here (and from ``metadata``), but
    # ``store.call_dict`` writes them under ``metadata``, the only place the writers' own readers
    # accept an extra key. See ``cache_split`` for the two providers' conventions.
    cache_read_input_tokens: int | None = None
    cache_creation_input_tokens: int | None = None

    @field_validator("input_tokens", "output_tokens", "latency_ms", "retry_count", mode="before")
    @classmethod
    def _whole_floats(cls, v: Any) -> Any:
        # Some writers compute latency as float ms; accept 12.0 and round 12.7 rather than reject.
        if isinstance(v, float) and math.isfinite(v):
            return round(v)
        return v

    @field_validator("fallback_chain", mode="before")
    @classmethod
    def _chain(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("metadata", mode="before")
    @classmethod
    def _meta(cls, v: Any) -> Any:
        return {} if v is None else v

    @field_validator("task_type", "provider", "tier", "model_id", mode="before")
    @classmethod
    def _none_to_default(cls, v: Any, info: Any) -> Any:
        return CALL_DEFAULTS[info.field_name] if v is None else v


# The writers' defaults for a call's scalar fields, taken once from the model: the fast decoder and
# the feed rows fill a missing key from here (list/dict fields default to empty and are left out).
CALL_DEFAULTS: dict[str, Any] = {
    name: f.default
    for name, f in LLMCallRecord.model_fields.items()
    if not f.is_required() and f.default_factory is None
}


class WorkflowStageRecord(_Record):
    """One stage of a workflow run."""

    stage_name: str
    tier: str
    model_id: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    latency_ms: int = 0
    success: bool = True
    skipped: bool = False
    skip_reason: str | None = None
    error: str | None = None
    # Prompt-cache keys some writers put on a stage (``CACHE_KEYS``; any value: ``cache_split``
    # judges them). Read only: attune-ai's stage dataclass has no place for them (and no
    # metadata), so they are never written (``exclude``).
    cache_read_input_tokens: Any = Field(default=None, exclude=True)
    cache_creation_input_tokens: Any = Field(default=None, exclude=True)
    cache_write_input_tokens: Any = Field(default=None, exclude=True)
    cache_creation: Any = Field(default=None, exclude=True)
    cached_tokens: Any = Field(default=None, exclude=True)
    prompt_tokens_details: Any = Field(default=None, exclude=True)

    @field_validator("input_tokens", "output_tokens", "latency_ms", mode="before")
    @classmethod
    def _whole_floats(cls, v: Any) -> Any:
        if isinstance(v, float) and math.isfinite(v):
            return round(v)
        return v

    def cache(self) -> tuple[int, int, int, int] | None:
        """(uncached input, cache read, cache write 5m, 1h) of the stage, as ``cache_split``."""
        keys = {k: v for k in CACHE_KEYS if (v := getattr(self, k)) is not None}
        return cache_split(keys, self.input_tokens) if keys else None


class WorkflowRunRecord(_Record):
    """One workflow run (``workflow_runs.jsonl``)."""

    run_id: str
    workflow_name: str
    started_at: str
    completed_at: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    trigger: str | None = None
    project: str | None = None
    stages: list[WorkflowStageRecord] = Field(default_factory=list)
    total_input_tokens: int = 0
    total_output_tokens: int = 0
    total_cost: float = 0.0
    baseline_cost: float = 0.0
    savings: float = 0.0
    savings_percent: float = 0.0
    total_duration_ms: int = 0
    success: bool = True
    error: str | None = None
    providers_used: list[str] = Field(default_factory=list)
    tiers_used: list[str] = Field(default_factory=list)

    @field_validator(
        "total_input_tokens", "total_output_tokens", "total_duration_ms", mode="before"
    )
    @classmethod
    def _whole_floats(cls, v: Any) -> Any:
        if isinstance(v, float) and math.isfinite(v):
            return round(v)
        return v

    @field_validator("stages", "providers_used", "tiers_used", mode="before")
    @classmethod
    def _none_list(cls, v: Any) -> Any:
        return [] if v is None else v


# Call keys the writers' readers do not know (3.x and attune-ai 16.4 refuse them at the top
# level): accepted on input, written under ``metadata`` by ``store.call_dict``.
CALL_OPTIONAL_KEYS = ("cache_read_input_tokens", "cache_creation_input_tokens")
# Every key that may carry prompt-cache tokens, at the top level of a call or in its metadata.
CACHE_KEYS = frozenset(
    {
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
        "cache_write_input_tokens",
        "cache_creation",
        "cached_tokens",
        "prompt_tokens_details",
    }
)


def _count(v: Any) -> int | None:
    """A token count: a whole number 0..MAX_TOKENS_PER_CALL (a float like 12.0 accepted)."""
    if type(v) is float and math.isfinite(v) and v.is_integer():
        v = int(v)
    if type(v) is int and 0 <= v <= MAX_TOKENS_PER_CALL:
        return v
    return None


def cache_split(d: Mapping[str, Any], input_tokens: int) -> tuple[int, int, int, int] | None:
    """(uncached input, cache read, cache write 5-minute, cache write 1-hour) for one call.

    Two conventions, normalised here once so nothing is charged twice:

    * Anthropic: ``input_tokens`` already excludes cache reads and writes; reads are
      ``cache_read_input_tokens``, writes ``cache_creation_input_tokens`` (also spelled
      ``cache_write_input_tokens``), optionally split by TTL in ``cache_creation`` as
      ``ephemeral_5m_input_tokens`` / ``ephemeral_1h_input_tokens`` (a write of unknown TTL is
      counted as 5-minute, the default).
    * OpenAI: the prompt tokens *include* ``cached_tokens`` (top level or in
      ``prompt_tokens_details``), so those are moved from input to cache read.

    Keys are looked for at the top level of ``d`` first, then in ``d["metadata"]``. Returns None
    when a present value is not a believable count (the caller reports the line).
    """
    meta = d.get("metadata")
    sources = (d, meta) if isinstance(meta, Mapping) else (d,)

    def find(key: str) -> Any:
        for src in sources:
            v = src.get(key)
            if v is not None:
                return v
        return None

    cr = cw = cw1h = 0
    tin = input_tokens
    raw = find("cache_read_input_tokens")
    if raw is not None:
        if (cr := _count(raw)) is None:  # type: ignore[assignment]
            return None
    split = find("cache_creation")
    total = find("cache_creation_input_tokens")
    if total is None:
        total = find("cache_write_input_tokens")
    if isinstance(split, Mapping) and (
        "ephemeral_5m_input_tokens" in split or "ephemeral_1h_input_tokens" in split
    ):
        a = _count(split.get("ephemeral_5m_input_tokens") or 0)
        b = _count(split.get("ephemeral_1h_input_tokens") or 0)
        if a is None or b is None:
            return None
        cw, cw1h = a, b
    elif total is not None:
        if (cw := _count(total)) is None:  # type: ignore[assignment]
            return None
    elif split is not None and not isinstance(split, Mapping):
        return None
    cached = find("cached_tokens")
    if cached is None:
        details = find("prompt_tokens_details")
        if isinstance(details, Mapping):
            cached = details.get("cached_tokens")
    if cached is not None:
        n = _count(cached)
        if n is None or n > input_tokens:
            return None
        tin, cr = input_tokens - n, cr + n
    return tin, cr, cw, cw1h


def call_problems(rec: LLMCallRecord) -> dict[str, str]:
    """Values in a valid call that are not believable, by field; each is excluded from sums."""
    out: dict[str, str] = {}
    if math.isnan(rec.estimated_cost) or math.isinf(rec.estimated_cost):
        out["estimated_cost"] = f"estimated_cost is {rec.estimated_cost}"
    elif rec.estimated_cost < 0 or rec.estimated_cost > MAX_COST_PER_CALL:
        out["estimated_cost"] = f"estimated_cost {rec.estimated_cost} out of range"
    a = rec.actual_cost
    if a is not None and (not math.isfinite(a) or a < 0 or a > MAX_COST_PER_CALL):
        out["actual_cost"] = f"actual_cost {a} out of range"
    for name, hi in (
        ("input_tokens", MAX_TOKENS_PER_CALL),
        ("output_tokens", MAX_TOKENS_PER_CALL),
        ("latency_ms", MAX_LATENCY_MS),
        ("retry_count", MAX_RETRIES),
    ):
        v = getattr(rec, name)
        if v < 0 or v > hi:
            out[name] = f"{name} {v} out of range"
    return out


def run_problems(rec: WorkflowRunRecord) -> dict[str, str]:
    """Values in a valid run that are not believable, by field (excluded from sums)."""
    out: dict[str, str] = {}
    for name in ("total_cost", "baseline_cost", "savings"):
        v = getattr(rec, name)
        if math.isnan(v) or math.isinf(v):
            out[name] = f"{name} is {v}"
        elif name != "savings" and (v < 0 or v > MAX_COST_PER_CALL * 100):
            out[name] = f"{name} {v} out of range"
    if rec.total_duration_ms < 0 or rec.total_duration_ms > MAX_LATENCY_MS * 7:
        out["total_duration_ms"] = f"total_duration_ms {rec.total_duration_ms} out of range"
    return out
