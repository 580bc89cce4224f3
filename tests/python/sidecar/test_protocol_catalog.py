"""What the panel and the alerts wizard now take from the sidecar instead of computing it:
the alert metric catalogue (``empathy/alertMetrics``), ``today_cost`` and ``filter_options``,
asked of the real sidecar process over stdio."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.alerts.catalog import WIZARD_METRICS
from empathy_monitor.alerts.rules import METRICS
from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]
INVALID_PARAMS = -32602
NOW = "2026-11-20T12:00:00"


def _calls() -> list[dict[str, Any]]:
    def one(i: int, ts: str, cost: float, **kw: Any) -> dict[str, Any]:
        return call(f"c{i}", ts, model_id="m", estimated_cost=cost, latency_ms=10, **kw)

    return [
        one(1, "2026-11-19T10:00:00", 1.0, provider="openai", workflow_name="doc-gen"),
        one(2, "2026-11-19T11:00:00", 2.0, provider="anthropic", workflow_name="code-review"),
        one(3, "2026-11-20T09:00:00", 0.25, provider="anthropic", workflow_name="code-review"),
        one(4, "2026-11-20T10:00:00", 0.5, provider="google", tier="cheap"),
    ]


async def _ready(start: Start, ws: Path) -> SidecarClient:
    write_lines(ws / ".empathy" / "llm_calls.jsonl", _calls())
    c = await start(ws)
    await c.initialize(ws, {"naiveTimezone": "UTC"})
    return c


async def test_alert_metrics_is_the_catalogue_in_order(
    start_sidecar: Start, workspace: Path
) -> None:
    c = await _ready(start_sidecar, workspace)
    res = await c.request(P.ALERT_METRICS, {})
    assert res == {"metrics": [m._asdict() for m in WIZARD_METRICS]}
    assert res["metrics"][0]["metric"] == "daily_cost"
    assert all(m["metric"] in METRICS and m["unit"] and m["example"] for m in res["metrics"])
    assert await c.request(P.ALERT_METRICS, None) == res
    with pytest.raises(RpcError) as err:
        await c.request(P.ALERT_METRICS, {"metric": "cost"})
    assert err.value.code == INVALID_PARAMS


async def test_today_cost_is_the_day_of_now(start_sidecar: Start, workspace: Path) -> None:
    c = await _ready(start_sidecar, workspace)
    week = await c.request(P.SNAPSHOT, {"range": "7d", "now": NOW})
    day = {p["date"]: p["cost"] for p in week["cost_series"]}
    assert week["today_cost"] == pytest.approx(0.75) == pytest.approx(day["2026-11-20"])
    assert week["overview"]["total_cost"] == pytest.approx(3.75)
    today = await c.request(P.SNAPSHOT, {"range": "today", "now": NOW})
    assert (
        today["today_cost"] == pytest.approx(today["overview"]["total_cost"]) == pytest.approx(0.75)
    )
    later = await c.request(P.SNAPSHOT, {"range": "7d", "now": "2026-11-22T12:00:00"})
    assert later["today_cost"] == 0


async def test_filter_options_list_every_value_with_calls_and_cost(
    start_sidecar: Start, workspace: Path
) -> None:
    c = await _ready(start_sidecar, workspace)
    s = await c.request(P.SNAPSHOT, {"range": "7d", "now": NOW})
    opts = s["filter_options"]
    assert {o["value"] for o in opts["provider"]} == {"openai", "anthropic", "google"}
    assert {o["value"] for o in opts["workflow"]} == {"doc-gen", "code-review"}
    assert {o["value"] for o in opts["tier"]} == {"capable", "cheap"}
    anthropic = next(o for o in opts["provider"] if o["value"] == "anthropic")
    assert anthropic == {"value": "anthropic", "calls": 2, "cost": pytest.approx(2.25)}
