"""Cost modes and "Add a price" over the wire, asked of the real sidecar process over stdio."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from telemetry_fixtures import call, write_lines

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]
NOW = "2025-06-12T00:00:00"


async def test_snapshot_cost_mode_and_add_price(start_sidecar: Start, workspace: Path) -> None:
    tel = workspace / ".empathy"
    write_lines(
        tel / "llm_calls.jsonl",
        [
            # writer 0.5, 1M input of gpt-4o at list $2.50
            call("a", "2025-06-11T10:00:00", provider="openai", model_id="gpt-4o",
                 input_tokens=1_000_000, output_tokens=0, estimated_cost=0.5),
            # writer 0 for a model nobody prices: unpriced
            call("b", "2025-06-11T11:00:00", provider="acme", model_id="mystery-1",
                 input_tokens=500, output_tokens=100, estimated_cost=0.0),
        ],
    )  # fmt: skip
    (tel / "monitoring.yaml").write_text("cost_mode: writer\n")
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    base = {"range": "all", "now": NOW}
    snap = await c.request(P.SNAPSHOT, base)
    assert snap["overview"]["total_cost"] == 0.5
    assert snap["prices"]["cost_mode"] == "writer" == snap["prices"]["workspace_cost_mode"]
    assert snap["overview"]["unpriced_calls"] == 1
    assert snap["overview"]["unpriced_models"][0]["model"] == "mystery-1"
    listed = await c.request(P.SNAPSHOT, {**base, "cost_mode": "list"})
    assert listed["overview"]["total_cost"] == 2.5
    assert listed["prices"]["cost_mode"] == "list"
    assert listed["prices"]["workspace_cost_mode"] == "writer"
    # "Add a price": a stub in a new prices.yaml, then a price there reprices the live view
    res = await c.request(P.ADD_PRICE, {"model": "mystery-1", "provider": "acme"})
    assert res == {"path": str(tel / "prices.yaml"), "line": 3, "created": True}
    (tel / "prices.yaml").write_text("prices:\n  - model: mystery-1\n    input: 1000\n")
    for _ in range(100):
        again = await c.request(P.SNAPSHOT, {**base, "cost_mode": "list"})
        if again["overview"]["unpriced_calls"] == 0:
            break
        await asyncio.sleep(0.1)
    assert again["overview"]["unpriced_calls"] == 0
    assert again["overview"]["total_cost"] == 3.0  # + 500 tokens x $1000/M
    assert again["prices"]["overrides"] == 1
    await c.close()


async def test_feed_and_activity_rows_show_the_views_cost_mode(
    start_sidecar: Start, workspace: Path
) -> None:
    tel = workspace / ".empathy"
    write_lines(
        tel / "llm_calls.jsonl",
        [
            call("a", "2025-06-11T10:00:00", provider="openai", model_id="gpt-4o",
                 input_tokens=1_000_000, output_tokens=0, estimated_cost=0.5),
            call("b", "2025-06-11T11:00:00", provider="acme", model_id="mystery-1",
                 input_tokens=500, output_tokens=100, estimated_cost=0.0),
        ],
    )  # fmt: skip
    (tel / "monitoring.yaml").write_text("cost_mode: writer\n")
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    base = {"range": "all", "now": NOW}

    def costs(rows: list[dict[str, object]]) -> dict[object, tuple[object, object]]:
        return {r["call_id"]: (r["cost"], r["cost_source"]) for r in rows}

    writer = {"a": (0.5, "writer"), "b": (None, "unpriced")}
    listed = {"a": (2.5, "list"), "b": (None, "unpriced")}
    assert costs((await c.request(P.SNAPSHOT, base))["recent_calls"]) == writer
    snap = await c.request(P.SNAPSHOT, {**base, "cost_mode": "list"})
    assert costs(snap["recent_calls"]) == listed
    assert costs((await c.request(P.ACTIVITY, {"offset": 0}))["rows"]) == writer
    page = await c.request(P.ACTIVITY, {"offset": 0, "cost_mode": "list"})
    assert costs(page["rows"]) == listed
    detail = await c.request(P.CALL_DETAIL, {"callId": "b"})
    assert (detail["cost"], detail["cost_source"]) == (None, "unpriced")
    await c.close()


async def test_an_untrusted_workspaces_prices_yaml_applies_and_is_announced(
    start_sidecar: Start, workspace: Path
) -> None:
    """A cloned repo's prices.yaml changes what is shown (it writes and sends nothing), and the
    snapshot says how many models it overrides, for the panel's notice."""
    tel = workspace / ".empathy"
    write_lines(
        tel / "llm_calls.jsonl",
        [call("a", "2025-06-11T10:00:00", provider="acme", model_id="house-1",
              input_tokens=1_000_000, output_tokens=0, estimated_cost=0.0)],
    )  # fmt: skip
    (tel / "prices.yaml").write_text("prices:\n  - model: house-*\n    input: 4.0\n")
    before = sorted(p.name for p in tel.iterdir())
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC", "alertActions": False})
    snap = await c.request(P.SNAPSHOT, {"range": "all", "now": NOW})
    assert snap["overview"]["total_cost"] == 4.0 and snap["overview"]["unpriced_calls"] == 0
    assert snap["prices"]["overrides"] == 1
    assert (snap["recent_calls"][0]["cost"], snap["recent_calls"][0]["cost_source"]) == (
        4.0,
        "list",
    )
    await c.close()
    assert sorted(p.name for p in tel.iterdir()) == before  # nothing written beside them
