"""An enabled agent's transcripts are watched by the folder they are in, not by their name.

A Claude Code transcript is ``<session>.jsonl``, a name no format claims; the watcher once let
its changes go (only claimed names and the telemetry folders' own entries counted), so a line
Claude Code appended reached the panel only with some other file's event. Both the watcher alone
(real watchdog, real files) and the real sidecar over stdio are tested.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from agent_fixtures import assistant_line, claude_home

from empathy_monitor.ingest.formats.claude_code import encode
from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient
from empathy_monitor.sidecar.watcher import Batch, Watcher, _relevant


def test_a_change_under_a_bound_path_is_relevant_whatever_its_name(tmp_path: Path) -> None:
    proj, outfile = tmp_path / "projects" / "-ws", tmp_path / "otel" / "out.log"
    deep = proj / "sess-1" / "subagents" / "agent-1.jsonl"
    bound = [proj, outfile]
    assert _relevant(proj / "sess-1.jsonl", [], False, bound)
    assert _relevant(deep, [], False, bound)
    assert _relevant(outfile, [], False, bound)
    assert not _relevant(outfile.parent / "other.log", [], False, bound)
    assert not _relevant(proj / "sess-1.jsonl", [proj], False)  # unbound: by name only


async def test_the_watcher_reports_an_append_to_a_transcript_in_a_bound_folder(
    tmp_path: Path,
) -> None:
    proj = tmp_path / "projects" / "-ws"
    sub = proj / "sess-1" / "subagents"
    sub.mkdir(parents=True)
    main, agent = proj / "sess-1.jsonl", sub / "agent-1.jsonl"
    for f in (main, agent):
        f.write_text("{}\n")
    got: list[Batch] = []

    async def on_batch(b: Batch) -> None:
        got.append(b)

    w = Watcher([proj], on_batch, 20, bound=[proj])
    w.start()
    try:
        await asyncio.sleep(0.2)
        for f in (main, agent):
            with f.open("a") as fh:
                fh.write("{}\n")
        end = time.monotonic() + 5
        while {main, agent} - {p for b in got for p in b.paths} and time.monotonic() < end:
            await asyncio.sleep(0.02)
    finally:
        await w.stop()
    assert {main, agent} <= {p for b in got for p in b.paths}


async def test_a_line_appended_to_an_enabled_transcript_reaches_the_panel(
    tmp_path: Path, workspace: Path, env: dict[str, str]
) -> None:
    home = claude_home(tmp_path / "home", workspace)
    env = env | {"HOME": str(home), "EMPATHY_CACHE_DIR": str(tmp_path / "cache"), "TZ": "UTC"}
    env.pop("CLAUDE_CONFIG_DIR", None)
    env.pop("XDG_CONFIG_HOME", None)
    transcript = home / ".claude" / "projects" / encode(workspace) / "sess-1.jsonl"
    c = await SidecarClient.start(cwd=workspace, env=env)
    try:
        await c.initialize(workspace, {"naiveTimezone": "UTC", "sources": ["claude-code"]})
        view = {"range": "all", "now": "2026-11-21T00:00:00"}
        assert (await c.request(P.SNAPSHOT, view))["overview"]["calls"] == 2
        await asyncio.sleep(1.5)  # the load's own writes (mirror, cache) are behind us
        c.drain(P.DID_UPDATE)
        usage = {"input_tokens": 7, "output_tokens": 70}
        with transcript.open("a", encoding="utf-8") as f:
            f.write(assistant_line(workspace, "msg_C", "req_C", "2026-11-20T10:02:00.000Z", usage))
            f.write("\n")
        loop = asyncio.get_running_loop()
        end = loop.time() + 5
        calls = 2
        while calls != 3:
            _, u = await c.next(P.DID_UPDATE, max(0.01, end - loop.time()))
            calls = u["changed"].get("overview", {}).get("calls", calls)
    finally:
        assert await c.close() == 0
