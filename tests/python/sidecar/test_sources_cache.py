"""Through the real sidecar: the index cache is kept per set of enabled sources, so enabling or
disabling a source (live, or across a restart) never serves the rows of another set."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from agent_fixtures import claude_home

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient

VIEW = {"range": "all", "now": "2026-11-21T00:00:00"}


async def _calls(c: SidecarClient) -> int:
    snap = await c.request(P.SNAPSHOT, VIEW)
    return int(snap["overview"]["calls"])


async def _settle(c: SidecarClient, want: int) -> int:
    for _ in range(100):  # a settings change reloads in the background
        got = await _calls(c)
        if got == want:
            return got
        await asyncio.sleep(0.1)
    return await _calls(c)


async def test_enabling_and_disabling_a_source_never_serves_stale_cached_rows(
    tmp_path: Path, workspace: Path, env: dict[str, str]
) -> None:
    home = claude_home(tmp_path / "home", workspace)
    env = env | {"HOME": str(home), "EMPATHY_CACHE_DIR": str(tmp_path / "cache"), "TZ": "UTC"}
    for k in ("CLAUDE_CONFIG_DIR", "XDG_CONFIG_HOME"):
        env.pop(k, None)

    async def started(sources: list[str]) -> SidecarClient:
        c = await SidecarClient.start(cwd=workspace, env=env)
        await c.initialize(workspace, {"naiveTimezone": "UTC", "sources": sources})
        return c

    def settings(sources: list[str]) -> dict[str, Any]:
        return {"settings": {"empathy": {"naiveTimezone": "UTC", "sources": sources}}}

    c = await started(["claude-code"])
    try:
        assert await _calls(c) == 2  # req_A (streamed twice) and req_B
        await c.notify("workspace/didChangeConfiguration", settings([]))
        assert await _settle(c, 0) == 0  # disabled live: its rows are gone
        await c.notify("workspace/didChangeConfiguration", settings(["claude-code"]))
        assert await _settle(c, 2) == 2
    finally:
        assert await c.close() == 0
    # Restarts: each set of sources starts from its own cache (or reads), never another's.
    for sources, want in (([], 0), (["claude-code"], 2), ([], 0)):
        c = await started(sources)
        try:
            assert await _calls(c) == want, sources
        finally:
            assert await c.close() == 0
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 2
