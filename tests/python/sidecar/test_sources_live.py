"""Through the real sidecar process: a Claude Code folder is offered, enabled, read and tailed,
and the prompt/response text planted in its transcript never leaves it.

HOME is a temp folder holding ``.claude/projects/<workspace, encoded>/sess-1.jsonl`` whose records
carry the workspace as ``cwd``; the index cache goes to ``EMPATHY_CACHE_DIR`` under the same temp
folder, so every byte the sidecar writes can be grepped.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from agent_fixtures import ANSWER, SECRET, assistant_line, claude_home

from empathy_monitor.ingest.formats.claude_code import encode
from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient


@pytest.fixture
def home(tmp_path: Path, workspace: Path) -> Path:
    return claude_home(tmp_path / "home", workspace)


async def _until(c: SidecarClient, pred: Any, timeout: float = 10.0) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        _, u = await c.next(P.DID_UPDATE, max(0.01, end - loop.time()))
        if pred(u):
            return dict(u)


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["call_id"] for r in rows]


async def test_claude_code_offered_enabled_tailed_and_no_text_leaves(
    tmp_path: Path, workspace: Path, home: Path, env: dict[str, str]
) -> None:
    env = env | {"HOME": str(home), "EMPATHY_CACHE_DIR": str(tmp_path / "cache"), "TZ": "UTC"}
    env.pop("CLAUDE_CONFIG_DIR", None)
    env.pop("XDG_CONFIG_HOME", None)
    transcript = home / ".claude" / "projects" / encode(workspace) / "sess-1.jsonl"
    seen: list[Any] = []  # everything the sidecar answered or pushed
    c = await SidecarClient.start(cwd=workspace, env=env)
    try:
        await c.initialize(workspace, {"naiveTimezone": "UTC"})
        view = {"range": "all", "now": "2026-11-21T00:00:00"}
        snap = await c.request(P.SNAPSHOT, view)
        seen.append(snap)
        # Not enabled: offered (its folder exists), nothing read.
        assert snap["offers"] == [
            {"source": "claude-code", "label": "Claude Code", "path": str(transcript.parent)}
        ]
        assert snap["overview"]["calls"] == 0
        with pytest.raises(RpcError, match="unknown source"):
            await c.request(P.ENABLE_SOURCE, {"source": "nope"})
        res = await c.request(P.ENABLE_SOURCE, {"source": "claude-code"})
        assert res == {"source": "claude-code", "label": "Claude Code", "sources": ["claude-code"]}

        # What the extension does with the result: the setting changes.
        settings = {"empathy": {"naiveTimezone": "UTC", "sources": res["sources"]}}
        await c.notify("workspace/didChangeConfiguration", {"settings": settings})
        u = await _until(c, lambda u: "recent_calls" in u["changed"])
        seen.append(u)
        snap = await c.request(P.SNAPSHOT, view)
        seen.append(snap)
        assert snap["offers"] == []
        # msg_A streamed twice counts once; msg_B carries its own cost.
        assert snap["overview"]["calls"] == 2
        assert _ids(snap["recent_calls"]) == ["claude-code:req_B", "claude-code:req_A"]
        assert [o["value"] for o in snap["filter_options"]["provider"]] == ["anthropic"]
        b, a = snap["recent_calls"]
        assert (a["input_tokens"], a["output_tokens"], a["session_id"]) == (10, 100, "sess-1")
        assert (b["input_tokens"], b["output_tokens"], b["cost"]) == (5, 50, 0.25)

        # An appended assistant line arrives in a didUpdate.
        c_usage = {"input_tokens": 7, "output_tokens": 70}
        with transcript.open("a", encoding="utf-8") as f:
            f.write(
                assistant_line(workspace, "msg_C", "req_C", "2026-11-20T10:02:00.000Z", c_usage)
            )
            f.write("\n")
        u = await _until(
            c, lambda u: "claude-code:req_C" in _ids(u["changed"].get("recent_calls", []))
        )
        seen.append(u)
        assert u["changed"]["overview"]["calls"] == 3
        page = await c.request(P.ACTIVITY, {"offset": 0, "limit": 50})
        seen.append(page)
        assert _ids(page["rows"])[0] == "claude-code:req_C" and page["total"] == 3
        seen.append(await c.request(P.CALL_DETAIL, {"callId": "claude-code:req_A"}))
        seen.append(c.drain(P.DID_UPDATE))
        seen.append(c.drain(P.DID_CHANGE_HEALTH))
    finally:
        assert await c.close() == 0
    assert c.proc.stderr is not None
    log = (await c.proc.stderr.read()).decode("utf-8", "replace")

    # The planted text is nowhere: answers, pushes, the log, every file written (the mirror in
    # .empathy/, the index cache), only in the agent's own transcript.
    wire = json.dumps(seen)
    assert "claude-code:req_C" in wire
    written = [p for p in tmp_path.rglob("*") if p.is_file() and home not in p.parents]
    assert any((tmp_path / "cache") in p.parents for p in written), "no index cache written"
    assert any(p.parent == workspace / ".empathy" for p in written), "no mirror written"
    for secret in (SECRET, ANSWER):
        assert secret not in wire
        assert secret not in log
        for p in written:
            assert secret.encode() not in p.read_bytes(), p
