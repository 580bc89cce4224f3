"""A restarted sidecar starts from its index cache and parses only what was appended meanwhile."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from telemetry_fixtures import call, write_lines

from empathy_monitor.ingest import statecache
from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient


async def snapshot(start: Any, ws: Path) -> tuple[SidecarClient, dict[str, Any]]:
    c: SidecarClient = await start(ws)
    await c.initialize(ws, {"naiveTimezone": "UTC"})
    return c, await c.request(P.SNAPSHOT, {"range": "all"})


async def test_restart_reads_only_appended_bytes(workspace: Path, start_sidecar: Any) -> None:
    calls = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(
        calls, [call(f"c{i}", f"2026-11-20T10:{i:02d}:00", estimated_cost=0.25) for i in range(40)]
    )
    c, s = await snapshot(start_sidecar, workspace)
    assert s["overview"]["total_cost"] == 10.0
    assert await c.close() == 0
    cache = statecache.cache_path([(workspace / ".empathy").resolve()], "UTC")
    assert cache.is_file() and str(cache).startswith(os.environ["EMPATHY_CACHE_DIR"])

    # While it is stopped: one call appended, and one already-read line altered in place (same
    # size, same first bytes). Only a reader that skips the old bytes keeps the old number.
    data = calls.read_bytes()
    i = data.index(b'"call_id": "c20"')
    j = data.index(b'"estimated_cost": 0.25', i)
    calls.write_bytes(data[:j] + b'"estimated_cost": 0.75' + data[j + 22 :])
    write_lines(calls, [call("late", "2026-11-20T11:00:00", estimated_cost=1.0)], mode="a")

    c2, s2 = await snapshot(start_sidecar, workspace)
    assert s2["overview"]["calls"] == 41
    assert s2["overview"]["total_cost"] == 11.0  # 10 cached + 1 appended: old bytes not re-parsed
    # an explicit Refresh re-reads everything and sees the edit
    await c2.request(P.REFRESH, {})
    s3 = await c2.request(P.SNAPSHOT, {"range": "all"})
    assert s3["overview"]["total_cost"] == 11.5
    assert await c2.close() == 0
