"""Record factories and config helpers for the OTel tests."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

from empathy_monitor.otel.config import OtelConfig, config_from
from empathy_monitor.store import TelemetryStore


def free_port() -> int:
    """A port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_config(endpoint: str, tmp: Path, protocol: str = "grpc", **env: str) -> OtelConfig:
    e = {"EMPATHY_OTEL_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": protocol, **env}
    e.setdefault("EMPATHY_OTEL_TIMEOUT", "2")
    return replace(config_from(e), cursor_path=tmp / "otel_cursor.json", naive_tz="UTC")


def call(i: int, **over: Any) -> dict[str, Any]:
    """A realistic call record (the writers' fields)."""
    d: dict[str, Any] = {
        "call_id": f"call-{i:06d}",
        "timestamp": f"2026-03-01T10:{(i // 60) % 60:02d}:{i % 60:02d}.250000",
        "workflow_name": "code-review",
        "step_name": "analyze",
        "user_id": "u1",
        "session_id": "s1",
        "task_type": "review",
        "provider": "anthropic",
        "tier": "capable",
        "model_id": "claude-sonnet-4",
        "input_tokens": 1200 + i,
        "output_tokens": 300,
        "estimated_cost": 0.0081,
        "actual_cost": None,
        "latency_ms": 1500,
        "fallback_used": False,
        "fallback_chain": [],
        "original_provider": None,
        "original_model": None,
        "retry_count": 0,
        "circuit_breaker_state": "closed",
        "success": True,
        "error_type": None,
        "error_message": None,
        "metadata": {},
    }
    d.update(over)
    return d


def run(run_id: str, **over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "run_id": run_id,
        "workflow_name": "code-review",
        "started_at": "2026-03-01T10:00:00",
        "completed_at": "2026-03-01T10:00:10",
        "user_id": "u1",
        "session_id": "s1",
        "stages": [
            {"stage_name": "triage", "tier": "cheap", "model_id": "claude-haiku", "input_tokens": 100,
             "output_tokens": 20, "cost": 0.001, "latency_ms": 2000, "success": True},
            {"stage_name": "deep", "tier": "premium", "model_id": "claude-opus", "skipped": True,
             "skip_reason": "small diff"},
            {"stage_name": "analyze", "tier": "capable", "model_id": "claude-sonnet-4",
             "input_tokens": 1000, "output_tokens": 200, "cost": 0.01, "latency_ms": 5000,
             "success": True},
        ],
        "total_input_tokens": 1100,
        "total_output_tokens": 220,
        "total_cost": 0.011,
        "baseline_cost": 0.05,
        "savings": 0.039,
        "savings_percent": 78.0,
        "total_duration_ms": 10000,
        "success": True,
        "error": None,
        "providers_used": ["anthropic"],
        "tiers_used": ["cheap", "capable"],
    }  # fmt: skip
    d.update(over)
    return d


def write_calls(d: Path, n: int, start: int = 0, **over: Any) -> None:
    store = TelemetryStore(d)
    for i in range(start, start + n):
        store.log_call(call(i, **over))
