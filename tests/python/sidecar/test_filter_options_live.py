"""Through the real sidecar process: filter options (unfiltered) and today's cost follow an append."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telemetry_fixtures import call, write_lines

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]
NOW = "2026-11-20T12:00:00"


def _call(cid: str, ts: str, prov: str, cost: float) -> dict[str, Any]:
    return call(
        cid, ts, provider=prov, model_id=f"{prov}-m", workflow_name="wf", estimated_cost=cost
    )


async def _update(c: SidecarClient, key: str, timeout: float = 5.0) -> Any:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        _, u = await c.next(P.DID_UPDATE, max(0.01, end - loop.time()))
        if key in u["changed"]:
            return u


async def test_filter_options_and_today_cost_update_after_an_append(
    start_sidecar: Start, workspace: Path
) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(
        f,
        [
            _call("a1", "2026-11-20T09:00:00", "anthropic", 0.5),
            _call("o1", "2026-11-19T09:00:00", "openai", 1.0),
            _call("o2", "2026-11-20T10:00:00", "openai", 0.25),
        ],
    )
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    snap = await c.request(
        P.SNAPSHOT, {"range": "7d", "now": NOW, "filters": {"provider": "openai"}}
    )
    assert snap["overview"]["calls"] == 2
    assert snap["today_cost"] == 0.25
    assert [o["value"] for o in snap["filter_options"]["provider"]] == ["openai", "anthropic"]
    # another provider's call: only the (unfiltered) options change
    write_lines(f, [_call("g1", "2026-11-20T11:00:00", "google", 3.0)], mode="a")
    u = await _update(c, "filter_options")
    assert u["baseVersion"] == snap["version"]
    assert u["changed"]["filter_options"]["provider"] == [
        {"value": "google", "calls": 1, "cost": 3.0},
        {"value": "openai", "calls": 2, "cost": 1.25},
        {"value": "anthropic", "calls": 1, "cost": 0.5},
    ]
    assert "overview" not in u["changed"] and "today_cost" not in u["changed"]
    # a call inside the filter, today: today's cost and the options move
    write_lines(f, [_call("o3", "2026-11-20T11:30:00", "openai", 2.0)], mode="a")
    u = await _update(c, "today_cost")
    assert u["changed"]["today_cost"] == 2.25
    assert u["changed"]["overview"]["calls"] == 3
    assert u["changed"]["filter_options"]["provider"][0] == {
        "value": "openai",
        "calls": 3,
        "cost": 3.25,
    }
    assert await c.close() == 0
