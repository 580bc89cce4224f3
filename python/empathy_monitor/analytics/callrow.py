"""A full call record as a row of the activity feed and of exports: display strings and units,
with the record defaults of ``records.CALL_DEFAULTS`` (nothing else is computed)."""

from __future__ import annotations

import math
from typing import Any

from ..records import CALL_DEFAULTS
from ..timeparse import TimestampParser


def call_row(d: dict[str, Any], parser: TimestampParser) -> dict[str, Any] | None:
    """A full call record as a feed/CSV row (display strings, no computation beyond units)."""
    try:
        ts = parser.epoch(str(d.get("timestamp")))
    except (ValueError, IndexError):
        return None
    dflt = CALL_DEFAULTS
    meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
    cost = d.get("estimated_cost", dflt["estimated_cost"])
    if not isinstance(cost, (int, float)) or (isinstance(cost, float) and not math.isfinite(cost)):
        cost = None
    if cost == 0 and meta and meta.get("source") not in (None, "empathy"):
        cost = None  # an agent/OTLP record's 0 means "no cost given" (priced by the book), not $0
    chain = d.get("fallback_chain") or []
    return {
        "call_id": str(d.get("call_id")),
        "timestamp": parser.to_local(ts).isoformat(),
        "workflow_name": d.get("workflow_name"),
        "step_name": d.get("step_name"),
        "provider": d.get("provider") or dflt["provider"],
        "model_id": d.get("model_id") or dflt["model_id"],
        "tier": d.get("tier") or dflt["tier"],
        "task_type": d.get("task_type") or dflt["task_type"],
        "cost": cost,
        "input_tokens": d.get("input_tokens", dflt["input_tokens"]),
        "output_tokens": d.get("output_tokens", dflt["output_tokens"]),
        "latency_ms": d.get("latency_ms", dflt["latency_ms"]),
        "success": bool(d.get("success", dflt["success"])),
        "error_type": d.get("error_type"),
        "error_message": d.get("error_message"),
        "fallback_used": bool(d.get("fallback_used", dflt["fallback_used"])),
        "fallback_chain": [str(x) for x in chain] if isinstance(chain, list) else [],
        "retry_count": d.get("retry_count", dflt["retry_count"]),
        "session_id": d.get("session_id"),
        "user_id": d.get("user_id"),
        "run_id": meta.get("run_id") if meta else None,
        "source_file": meta.get("source_file") if meta else None,
        "source_line": meta.get("source_line") if meta else None,
    }
