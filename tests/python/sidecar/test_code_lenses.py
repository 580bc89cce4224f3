"""``empathy/codeLenses`` through the real sidecar: which definitions get a lens, and numbers that
equal ``empathy telemetry --workflow W --json`` for the same window."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lens_fixtures import (
    NOW,
    NOW_TS,
    Start,
    _iso,
    _ts,
    cli,
    cli_numbers,
    lenses,
    mapping_workspace,
)
from telemetry_fixtures import call, run, write_lines

from empathy_monitor.analytics.window import DAY
from empathy_monitor.demo import generate
from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient


async def test_definitions_steps_mentions_and_files_without_workflows(
    start_sidecar: Start, workspace: Path
) -> None:
    pkg = mapping_workspace(workspace)
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    got = await lenses(c, pkg / "flows.py")
    seen = [(x["workflow"], x["step"], x["line"]) for x in got["lenses"]]
    # several workflows per file; steps only where a def matches a step in the telemetry
    assert seen == [
        ("nightly-audit", None, 4),
        ("nightly-audit", "scan", 7),
        ("nightly-audit", "run-tests", 10),
        ("weekly-report", None, 17),  # the decorator's line
        ("weekly-report", "collect", 19),
    ]
    wf = got["lenses"][0]["stats"]
    assert wf["current"] == {
        "calls": 2,
        "errors": 1,
        "runs": 1,
        "cost": 0.75,
        "errorRate": 50.0,
        "p95LatencyMs": 300.0,
    }
    assert wf["previous"]["calls"] == 1 and wf["previous"]["cost"] == 1.0
    assert wf["costChangePercent"] == -25.0
    assert wf["text"] == "$0.75 · 1 run · 50.0% errors · p95 300 ms · 7d ▼25%"
    step = got["lenses"][2]["stats"]
    assert step["text"] == "$0.25 · 1 call · 100.0% errors · p95 300 ms · 7d new"
    assert got["range"] == "7d" and got["now"].startswith("2025-06-10T12:00:00")
    # a workflow without source (ghost-flow) has no lens anywhere, but a literal naming it hovers
    men = await lenses(c, pkg / "mentions.py")
    assert men["lenses"] == []
    assert [(m["workflow"], m["line"], m["start"], m["end"]) for m in men["mentions"]] == [
        ("nightly-audit", 0, 6, 21),
        ("ghost-flow", 2, 8, 20),
    ]
    assert men["mentions"][1]["stats"]["current"]["cost"] == 9.0
    # a file that defines and names no workflow answers from memory
    t0 = time.perf_counter()
    plain = await lenses(c, pkg / "plain.py")
    assert time.perf_counter() - t0 < 1.0
    assert plain["lenses"] == [] and plain["mentions"] == []
    # range from the setting by default; today has only the newest calls
    today = await lenses(c, pkg / "flows.py", range="today")
    assert today["lenses"][0]["stats"]["current"]["calls"] == 2
    with pytest.raises(RpcError, match="only file: URIs"):
        await c.request(P.CODE_LENSES, {"uri": "untitled:Untitled-1"}, timeout=10)
    assert await c.close() == 0


async def test_a_renamed_file_moves_its_lenses(start_sidecar: Start, workspace: Path) -> None:
    pkg = mapping_workspace(workspace)
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC", "codeLens": {"range": "30d"}})
    before = await lenses(c, pkg / "flows.py")
    assert before["range"] == "30d" and len(before["lenses"]) == 5
    (pkg / "flows.py").rename(pkg / "renamed.py")
    gone = await lenses(c, pkg / "flows.py")
    assert gone["lenses"] == []
    after = await lenses(c, pkg / "renamed.py")
    assert [x["line"] for x in after["lenses"]] == [x["line"] for x in before["lenses"]]
    src = await c.request(P.RESOLVE_SOURCE, {"workflowName": "weekly-report"}, timeout=10)
    assert src == {"uri": (pkg / "renamed.py").resolve().as_uri(), "line": 18}
    assert await c.close() == 0


async def test_numbers_equal_the_cli_for_the_same_window(
    start_sidecar: Start, workspace: Path, env: dict[str, str]
) -> None:
    generate(workspace / ".empathy", calls=3000, days=40, seed=3, now=datetime.fromisoformat(NOW))
    src = workspace / "demo_workflows"
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    now = NOW_TS
    for rng, days in (("7d", 7), ("30d", 30), ("today", None)):
        got = await lenses(c, src / "code_review.py", range=rng)
        lens = got["lenses"][0]
        assert lens["workflow"] == "code-review" and lens["step"] is None
        mine = lens["stats"]
        assert days is None or mine["current"]["calls"] > 0
        assert mine["current"] == cli_numbers(
            cli(workspace, "--workflow", "code-review", "--range", rng, "--now", NOW, env=env)
        )
        since = datetime.fromisoformat(got["since"]).timestamp()
        start = since - (now - since) if days is None else now - 2 * days * DAY
        prev = cli(
            workspace,
            "--workflow",
            "code-review",
            "--since",
            _iso(start),
            "--until",
            _iso(since),
            env=env,
        )
        assert mine["previous"] == cli_numbers(prev)
        assert [x["step"] for x in got["lenses"][1:]] == ["classify", "analyze", "critique"]
    assert await c.close() == 0


async def _settled(c: SidecarClient, path: Path, want_calls: int, wf: int = 0) -> dict[str, Any]:
    """The lenses once the sidecar has read what was appended (its didUpdate came)."""
    for _ in range(100):
        got = await lenses(c, path)
        if got["lenses"][wf]["stats"]["current"]["calls"] == want_calls:
            return got
        await asyncio.sleep(0.05)
    raise AssertionError(f"never saw {want_calls} calls: {got['lenses'][wf]['stats']}")


async def test_lens_numbers_after_appends_and_a_price_change_equal_the_cli(
    start_sidecar: Start, workspace: Path, env: dict[str, str]
) -> None:
    pkg = mapping_workspace(workspace)
    tel = workspace / ".empathy"
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    await c.request(P.SNAPSHOT, {"range": "7d", "now": NOW}, timeout=15)
    flows = pkg / "flows.py"
    before = await lenses(c, flows)  # builds the running numbers of (7d, NOW)
    assert before["lenses"][0]["stats"]["current"]["calls"] == 2
    more = [
        # billed: the actual cost (auto mode) and not the writer's estimate counts
        call("d1", _ts(0.5), workflow_name="nightly-audit", step_name="scan",
             estimated_cost=0.5, actual_cost=0.125, latency_ms=900),
        call("d2", _ts(0.25), workflow_name="nightly-audit", step_name="run-tests",
             estimated_cost=0.25, latency_ms=400, success=False, error_type="timeout"),
        # no writer's cost: priced from prices.yaml below (1,000 tokens at $1,000/M)
        call("d3", _ts(0.2), workflow_name="weekly-report", step_name="collect",
             provider="openai", model_id="corp-model", input_tokens=1000, latency_ms=10),
    ]  # fmt: skip
    (tel / "prices.yaml").write_text("prices:\n  - model: corp-model\n    input: 1000\n")
    write_lines(tel / "llm_calls.jsonl", more, mode="a")
    write_lines(tel / "workflow_runs.jsonl", [run("r2", "nightly-audit", _ts(0.5))], mode="a")
    got = await _settled(c, flows, 4)
    nightly = got["lenses"][0]["stats"]
    assert nightly["current"] == {
        "calls": 4,
        "errors": 2,
        "runs": 2,
        "cost": 1.125,  # c1 0.50 + c2 0.25 + d1 0.125 (billed) + d2 0.25
        "errorRate": 50.0,
        "p95LatencyMs": 900.0,  # nearest rank of 100, 300, 400, 900
    }
    for i, wf in ((0, "nightly-audit"), (3, "weekly-report")):
        lens = got["lenses"][i]
        assert lens["workflow"] == wf
        cli_now = cli(workspace, "--workflow", wf, "--range", "7d", "--now", NOW, env=env)
        assert lens["stats"]["current"] == cli_numbers(cli_now)
    assert got["lenses"][3]["stats"]["current"]["cost"] == 2.0  # c3 $1.00 + d3 $1.00
    # a new price reprices what the lenses show (the kept numbers are built again)
    (tel / "prices.yaml").write_text("prices:\n  - model: corp-model\n    input: 3000\n")
    for _ in range(100):
        got = await lenses(c, flows)
        if got["lenses"][3]["stats"]["current"]["cost"] == 4.0:
            break
        await asyncio.sleep(0.05)
    wr = got["lenses"][3]["stats"]["current"]
    assert wr["cost"] == 4.0  # c3 $1.00 + d3 $3.00
    cli_now = cli(workspace, "--workflow", "weekly-report", "--range", "7d", "--now", NOW, env=env)
    assert wr == cli_numbers(cli_now)
    assert await c.close() == 0
