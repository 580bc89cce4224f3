"""Record builders shared by the Python tests (writers' field order and defaults)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def call(call_id: str, timestamp: str, **kw: Any) -> dict[str, Any]:
    """A call record in the writers' field order with their defaults, overridden by ``kw``."""
    d: dict[str, Any] = {
        "call_id": call_id,
        "timestamp": timestamp,
        "workflow_name": None,
        "step_name": None,
        "user_id": None,
        "session_id": None,
        "task_type": "unknown",
        "provider": "anthropic",
        "tier": "capable",
        "model_id": "",
        "input_tokens": 0,
        "output_tokens": 0,
        "estimated_cost": 0.0,
        "actual_cost": None,
        "latency_ms": 0,
        "fallback_used": False,
        "fallback_chain": [],
        "original_provider": None,
        "original_model": None,
        "retry_count": 0,
        "circuit_breaker_state": None,
        "success": True,
        "error_type": None,
        "error_message": None,
        "metadata": {},
    }
    d.update(kw)
    return d


def run(run_id: str, workflow: str, started: str, **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "run_id": run_id,
        "workflow_name": workflow,
        "started_at": started,
        "completed_at": None,
        "user_id": None,
        "session_id": None,
        "stages": [],
        "total_input_tokens": 0,
        "total_output_tokens": 0,
        "total_cost": 0.0,
        "baseline_cost": 0.0,
        "savings": 0.0,
        "savings_percent": 0.0,
        "total_duration_ms": 0,
        "success": True,
        "error": None,
        "providers_used": [],
        "tiers_used": [],
    }
    d.update(kw)
    return d


def write_lines(path: Path, records: list[Any], mode: str = "w") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open(mode, encoding="utf-8") as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
