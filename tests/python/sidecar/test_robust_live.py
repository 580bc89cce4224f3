"""Issue 11 in the real sidecar process: whole tails, duplicates, symlinked telemetry dirs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telemetry_fixtures import call

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]


def rec(cid: str) -> str:
    return json.dumps(call(cid, "2026-11-19T10:00:00", estimated_cost=0.5))


async def ready(start: Start, ws: Path) -> tuple[SidecarClient, Any]:
    c = await start(ws)
    await c.initialize(ws, {"naiveTimezone": "UTC"})
    return c, await c.request(P.SNAPSHOT, {"range": "all"})


async def calls_become(c: SidecarClient, n: int, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        _, u = await c.next(P.DID_UPDATE, max(0.01, end - loop.time()))
        if u["changed"].get("overview", {}).get("calls") == n:
            return


async def test_whole_tail_counted_after_settle_and_once_after_its_newline(
    start_sidecar: Start, workspace: Path
) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    f.write_text(rec("a") + "\n")
    c, snap = await ready(start_sidecar, workspace)
    assert snap["overview"]["calls"] == 1
    with f.open("a") as fh:
        fh.write(rec("b"))  # no newline: counted after the ~1 s settle time
    await calls_become(c, 2, timeout=5.0)
    with f.open("a") as fh:
        fh.write("\n" + rec("c") + "\n")
    await calls_become(c, 3)
    snap = await c.request(P.SNAPSHOT, {"range": "all"})
    assert snap["overview"]["calls"] == 3 and snap["health"]["malformed"] == 0
    assert await c.close() == 0


async def test_duplicates_counted_once_and_read_errors_in_health(
    start_sidecar: Start, workspace: Path
) -> None:
    d = workspace / ".empathy"
    (d / "archive").mkdir()
    (d / "archive" / "llm_calls_old.jsonl").write_text(rec("a") + "\n")
    f = d / "llm_calls.jsonl"
    f.write_text(rec("a") + "\n" + rec("b") + "\n")
    (d / "llm_calls_lost.jsonl").symlink_to(d / "nowhere.jsonl")
    c, snap = await ready(start_sidecar, workspace)
    assert snap["overview"]["calls"] == 2
    files = {Path(x["path"]).name: x for x in snap["health"]["files"]}
    assert files["llm_calls_lost.jsonl"]["read_error"].startswith("FileNotFoundError")
    (note,) = files["llm_calls.jsonl"]["problems"]
    assert note["reason"] == f"1 duplicate call_ids ignored (first duplicate at {f}:1)"
    with f.open("a") as fh:
        fh.write(rec("b") + "\n" + rec("c") + "\n")
    await calls_become(c, 3)
    assert await c.close() == 0


async def test_symlinked_telemetry_dir_gets_live_updates(
    start_sidecar: Start, tmp_path: Path
) -> None:
    real = tmp_path / "elsewhere" / "telemetry"
    real.mkdir(parents=True)
    (real / "llm_calls.jsonl").write_text(rec("a") + "\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / ".empathy").symlink_to(real)  # the .empathy folder is a symlink
    c, snap = await ready(start_sidecar, ws)
    assert snap["overview"]["calls"] == 1
    with (real / "llm_calls.jsonl").open("a") as fh:
        fh.write(rec("b") + "\n")
    await calls_become(c, 2)
    assert await c.close() == 0


async def test_telemetry_dir_reached_through_a_symlinked_parent(
    start_sidecar: Start, tmp_path: Path
) -> None:
    real = tmp_path / "real-ws"
    (real / ".empathy").mkdir(parents=True)
    (real / ".empathy" / "llm_calls.jsonl").write_text(rec("a") + "\n")
    ws = tmp_path / "ws-link"
    ws.symlink_to(real)
    c, snap = await ready(start_sidecar, ws)
    assert snap["overview"]["calls"] == 1
    with (real / ".empathy" / "llm_calls.jsonl").open("a") as fh:
        fh.write(rec("b") + "\n")
    await calls_become(c, 2)
    assert await c.close() == 0
