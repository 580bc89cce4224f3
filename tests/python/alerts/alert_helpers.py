"""Small hand-made telemetry files for the alert tests (UTC timestamps, known sums)."""

from __future__ import annotations

import json
import socket
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


class Inbox:
    """An aiosmtpd handler that keeps each message and how its session was secured."""

    def __init__(self) -> None:
        self.messages: list[Any] = []  # envelopes
        self.sessions: list[tuple[bool, Any]] = []  # (STARTTLS used, login)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        self.sessions.append((session.ssl is not None, session.auth_data))
        return "250 OK"


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


def email_note() -> Any:
    """The notification the email tests send."""
    from empathy_monitor.alerts.notification import Notification

    return Notification(
        rule="Budget",
        kind="firing",
        severity="critical",
        metric="cost",
        value=3.5,
        threshold=1.0,
        operator="gt",
        window="1h",
        message="cost $3.50 > $1.00 over 1h",
        fingerprint="f" * 16,
        timestamp=NOW,
    )
