"""Only budgets.yaml, no alerts.yaml: the real sidecar evaluates the budgets, and every alerts
state it sends says alerts are off (the panel's alerts strip renders exactly that)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]


def line(i: int, cost: float) -> str:
    return json.dumps(
        {
            "call_id": f"b{i}",
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "workflow_name": "wf",
            "provider": "anthropic",
            "tier": "capable",
            "model_id": "claude-x",
            "input_tokens": 100,
            "output_tokens": 50,
            "estimated_cost": cost,
            "latency_ms": 100,
            "success": True,
        }
    )


async def test_budgets_yaml_alone_leaves_alerts_off(start_sidecar: Start, workspace: Path) -> None:
    tdir = workspace / ".empathy"
    (tdir / "budgets.yaml").write_text(
        "budgets:\n  - {name: m, amount: 10, period: month, channels: [vscode]}\n"
    )
    (tdir / "llm_calls.jsonl").write_text(line(1, 6.0) + "\n")
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    _, sec = await c.next(P.DID_CHANGE_BUDGETS, 10)  # the budgets were evaluated
    assert sec["exists"] is True and sec["budgets"][0]["spent"] == 6.0
    snap = await c.request(P.SNAPSHOT, {"range": "all"})
    assert snap["alerts"] is None  # no alerts.yaml
    assert snap["budgets"]["budgets"][0]["name"] == "m"
    for st in c.drain(P.DID_CHANGE_ALERTS):  # whatever alerts state was pushed says "off"
        assert st["enabled"] is False and st["rules"] == []
    await c.close()
