"""Small hand-made telemetry files for the alert tests (UTC timestamps, known sums)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


_n = 0


def call(ago: float, **kw: Any) -> dict[str, Any]:
    """A call ``ago`` seconds before NOW."""
    global _n
    _n += 1
    d: dict[str, Any] = {
        "call_id": f"c{_n}",
        "timestamp": iso(NOW - ago),
        "workflow_name": "wf",
        "provider": "anthropic",
        "tier": "capable",
        "model_id": "m",
        "input_tokens": 100,
        "output_tokens": 50,
        "estimated_cost": 0.01,
        "latency_ms": 100,
        "success": True,
        "fallback_used": False,
    }
    d.update(kw)
    return d


def run(ago: float, wf: str, cost: float, dur_s: float = 10) -> dict[str, Any]:
    global _n
    _n += 1
    return {
        "run_id": f"r{_n}",
        "workflow_name": wf,
        "started_at": iso(NOW - ago - dur_s),
        "completed_at": iso(NOW - ago),
        "stages": [],
        "total_cost": cost,
        "baseline_cost": cost,
        "savings": 0.0,
        "total_duration_ms": int(dur_s * 1000),
        "success": True,
    }


def append(d: Path, calls: list[dict[str, Any]] = (), runs: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
    d.mkdir(parents=True, exist_ok=True)
    if calls:
        with (d / "llm_calls.jsonl").open("a") as f:
            f.writelines(json.dumps(c) + "\n" for c in calls)
    if runs:
        with (d / "workflow_runs.jsonl").open("a") as f:
            f.writelines(json.dumps(r) + "\n" for r in runs)


def write_rules(d: Path, text: str) -> Path:
    p = d / "alerts.yaml"
    p.write_text(text)
    return p
