"""End-to-end tests: the real sidecar process over stdio, driven by a small JSON-RPC client."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]
INVALID_PARAMS = -32602
NOW = "2026-11-20T12:00:00"
REPO = Path(__file__).resolve().parents[3]


def calls(n: int, prefix: str = "c", day: str = "2026-11-19", **kw: Any) -> list[dict[str, Any]]:
    return [
        call(
            f"{prefix}{i}",
            f"{day}T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}",
            provider="anthropic",
            model_id="claude-x",
            input_tokens=10,
            output_tokens=5,
            estimated_cost=0.001,
            latency_ms=100 + i,
            workflow_name="code-review",
            **kw,
        )
        for i in range(n)
    ]


def append(path: Path, records: list[Any]) -> None:
    write_lines(path, records, mode="a")


async def ready(
    start: Start, ws: Path, options: Any = None, **snap: Any
) -> tuple[SidecarClient, Any]:
    c = await start(ws)
    await c.initialize(ws, {"naiveTimezone": "UTC", **(options or {})})
    s = await c.request(P.SNAPSHOT, {"range": "all", **snap})
    return c, s


async def update_where(c: SidecarClient, pred: Callable[[Any], bool], timeout: float = 5.0) -> Any:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        _, u = await c.next(P.DID_UPDATE, max(0.01, end - loop.time()))
        if pred(u):
            return u


# -- protocol plumbing ----------------------------------------------------------------------
def test_custom_params_reach_handlers_as_dicts() -> None:
    """pygls would hand namedtuples to custom methods; our protocol keeps plain dicts."""
    from pygls.lsp.server import LanguageServer

    from empathy_monitor.sidecar.server import EmpathyServer

    body = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": P.SNAPSHOT,
         "params": {"range": "7d", "filters": {"provider": "openai"}}}
    )  # fmt: skip
    ours = EmpathyServer().protocol
    theirs = LanguageServer("stock", "0").protocol
    msg = json.loads(body, object_hook=ours.structure_message)
    assert msg.params == {"range": "7d", "filters": {"provider": "openai"}}
    assert type(msg.params) is dict and type(msg.params["filters"]) is dict
    assert P.SnapshotParams.model_validate(msg.params).filters.provider == "openai"
    stock = json.loads(body, object_hook=theirs.structure_message)
    assert not isinstance(stock.params, dict)  # the namedtuple behaviour we avoid
    # LSP methods still get lsprotocol types
    init = json.loads(
        json.dumps({"jsonrpc": "2.0", "id": 2, "method": "initialize",
                    "params": {"processId": None, "rootUri": None, "capabilities": {},
                               "initializationOptions": {"debounceMs": 5}}}),
        object_hook=ours.structure_message,
    )  # fmt: skip
    assert init.params.initialization_options == {"debounceMs": 5}


async def test_initialize_rejects_bad_options_then_accepts_good(
    start_sidecar: Start, workspace: Path
) -> None:
    c = await start_sidecar(workspace)
    with pytest.raises(RpcError) as err:
        await c.initialize(workspace, {"debounceMs": -5, "bogus": 1, "naiveTimezone": "Mars/Base"})
    assert err.value.code == INVALID_PARAMS
    for field in ("initializationOptions.debounceMs", "initializationOptions.bogus", "Mars/Base"):
        assert field in err.value.message
    with pytest.raises(RpcError) as err2:
        await c.initialize(workspace, ["not", "an", "object"])
    assert "expected an object" in err2.value.message
    res = await c.initialize(workspace, {"debounceMs": 20, "activityLimit": 7, "retentionDays": 30})
    assert res["serverInfo"]["name"] == "empathy-sidecar"
    snap = await c.request(P.SNAPSHOT, {"range": "today"})
    assert snap["overview"]["calls"] == 0 and snap["retention_days"] == 30
    with pytest.raises(RpcError) as err3:
        await c.request(P.SNAPSHOT, {"range": "week", "extra": 1})
    assert err3.value.code == INVALID_PARAMS and "range" in err3.value.message
    assert await c.close() == 0


async def test_snapshot_equals_cli_json(
    start_sidecar: Start, workspace: Path, env: dict[str, str]
) -> None:
    tdir = workspace / ".empathy"
    subprocess.run(
        [sys.executable, "-m", "empathy_monitor", "demo", "--dir", str(tdir), "--calls", "600",
         "--days", "10", "--now", NOW],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    for rng, filters, flags in [
        ("7d", {}, []),
        ("30d", {"provider": "anthropic", "tier": "capable"}, ["--provider", "anthropic", "--tier", "capable"]),
        ("all", {"workflow": "code-review"}, ["--workflow", "code-review"]),
    ]:  # fmt: skip
        cli = json.loads(
            subprocess.run(
                [sys.executable, "-m", "empathy_monitor", "telemetry", "--json", "--dir", str(tdir),
                 "--range", rng, "--now", NOW, "--tz", "UTC", *flags],
                check=True, env=env, capture_output=True,
            ).stdout
        )  # fmt: skip
        snap = await c.request(P.SNAPSHOT, {"range": rng, "now": NOW, "filters": filters})
        assert cli["overview"]["calls"] > 0
        for key, value in cli.items():
            assert snap[key] == value, key
        assert isinstance(snap["version"], int)
        assert (snap["previous"] is None) == (rng == "all")
    prev_cli = json.loads(
        subprocess.run(
            [sys.executable, "-m", "empathy_monitor", "telemetry", "--json", "--dir", str(tdir),
             "--since", "2026-11-06T12:00:00", "--until", "2026-11-13T12:00:00", "--now", NOW,
             "--tz", "UTC"],
            check=True, env=env, capture_output=True,
        ).stdout
    )  # fmt: skip
    snap = await c.request(P.SNAPSHOT, {"range": "7d", "now": NOW})
    assert snap["previous"] == prev_cli["overview"]
    assert await c.close() == 0


# -- live updates ---------------------------------------------------------------------------
async def test_single_append_pushes_only_changed_sections(
    start_sidecar: Start, workspace: Path
) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(f, calls(5))
    c, snap = await ready(start_sidecar, workspace)
    assert snap["overview"]["calls"] == 5
    append(f, calls(1, prefix="new", day="2026-11-20"))
    _, upd = await c.next(P.DID_UPDATE)
    assert upd["baseVersion"] == snap["version"] and upd["version"] == snap["version"] + 1
    ch = upd["changed"]
    assert ch["overview"]["calls"] == 6
    assert ch["recent_calls"][0]["call_id"] == "new0"
    assert "window" not in ch and "circuit_breakers" not in ch and "health" not in ch
    assert await c.close() == 0


async def test_burst_of_1000_lines_coalesces(start_sidecar: Start, workspace: Path) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(f, calls(3))
    c, snap = await ready(start_sidecar, workspace)
    with f.open("a", encoding="utf-8") as fh:
        for r in calls(1000, prefix="b", day="2026-11-20"):
            fh.write(json.dumps(r) + "\n")
            fh.flush()
    last = await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 1003)
    await asyncio.sleep(0.3)
    extra = c.drain(P.DID_UPDATE)
    n = 1 + len(extra) + (last["version"] - snap["version"] - 1)
    assert 1 <= last["version"] - snap["version"] <= 10, n
    assert not extra  # nothing after the final state
    assert await c.close() == 0


async def test_dir_and_file_created_after_start(start_sidecar: Start, tmp_path: Path) -> None:
    ws = tmp_path / "fresh"
    ws.mkdir()
    c, snap = await ready(start_sidecar, ws)
    assert snap["overview"]["calls"] == 0
    assert snap["health"]["dirs"][0]["exists"] is False
    write_lines(ws / ".empathy" / "llm_calls.jsonl", calls(4))
    _, health = await c.next(P.DID_CHANGE_HEALTH)
    assert health["dirs"][0]["exists"] is True
    await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 4)
    write_lines(ws / ".empathy" / "llm_calls.2.jsonl", calls(2, prefix="second"))
    await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 6)
    assert await c.close() == 0


async def test_truncated_and_replaced_file(start_sidecar: Start, workspace: Path) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(f, calls(10))
    c, _ = await ready(start_sidecar, workspace)
    write_lines(f, calls(3, prefix="t"))  # truncate + rewrite in place
    u = await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 3)
    assert {r["call_id"] for r in u["changed"]["recent_calls"]} == {"t0", "t1", "t2"}
    tmp = f.with_name("llm_calls.jsonl.tmp")
    write_lines(tmp, calls(5, prefix="r"))
    os.replace(tmp, f)  # atomic replace: a new inode at the same path
    u = await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 5)
    assert u["changed"]["recent_calls"][0]["call_id"].startswith("r")
    snap = await c.request(P.SNAPSHOT, {"range": "all"})
    assert snap["overview"]["calls"] == 5 and snap["version"] == u["version"]
    assert await c.close() == 0


async def test_malformed_lines_surface_through_health(
    start_sidecar: Start, workspace: Path
) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(f, calls(2))
    c, snap = await ready(start_sidecar, workspace)
    assert snap["health"]["malformed"] == 0
    append(f, ["{not json", *calls(1, prefix="ok", day="2026-11-20")])
    _, h = await c.next(P.DID_CHANGE_HEALTH)
    assert h["malformed"] == 1
    prob = h["files"][0]["problems"][0]
    # The line number itself is the core reader's (reported upstream: off after an incremental read).
    assert prob["kind"] == "malformed" and "not valid JSON" in prob["reason"]
    await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 3)
    append(f, calls(1, prefix="fine", day="2026-11-20"))  # a clean append: no health noise
    await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 4)
    assert c.drain(P.DID_CHANGE_HEALTH) == []
    assert await c.close() == 0


async def test_configuration_change_applies_without_restart(
    start_sidecar: Start, workspace: Path
) -> None:
    write_lines(workspace / ".empathy" / "llm_calls.jsonl", calls(30))
    c, snap = await ready(start_sidecar, workspace)
    assert len(snap["recent_calls"]) == 20
    await c.notify("workspace/didChangeConfiguration", {"settings": {"bogus": True}})
    _, msg = await c.next("window/showMessage")
    assert "settings.bogus" in msg["message"]
    await c.notify(
        "workspace/didChangeConfiguration",
        {"settings": {"empathy": {"activityLimit": 3, "naiveTimezone": "UTC"}}},
    )
    u = await update_where(c, lambda u: "recent_calls" in u["changed"])
    assert len(u["changed"]["recent_calls"]) == 3 and u["baseVersion"] == snap["version"]
    other = workspace / "other"
    write_lines(other / "llm_calls.jsonl", calls(2, prefix="o"))
    await c.notify(
        "workspace/didChangeConfiguration",
        {"settings": {"telemetryDirs": ["other"], "naiveTimezone": "UTC"}},
    )
    await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 2)
    append(other / "llm_calls.jsonl", calls(1, prefix="o2", day="2026-11-20"))
    await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 3)
    assert await c.close() == 0


# -- requests -------------------------------------------------------------------------------
async def test_activity_pages_through_more_than_memory(
    start_sidecar: Start, workspace: Path
) -> None:
    write_lines(workspace / ".empathy" / "llm_calls.jsonl", calls(120))
    c, snap = await ready(start_sidecar, workspace, {"activityLimit": 5})
    assert len(snap["recent_calls"]) == 5
    seen: list[str] = []
    offset = 0
    while True:
        page = await c.request(P.ACTIVITY, {"offset": offset, "limit": 50})
        assert page["total"] == 120 and page["offset"] == offset
        if not page["rows"]:
            break
        seen += [r["call_id"] for r in page["rows"]]
        offset += len(page["rows"])
    assert seen == [f"c{i}" for i in range(119, -1, -1)]
    default = await c.request(P.ACTIVITY, {"filters": {"provider": "openai"}})
    assert default == {"rows": [], "total": 0, "offset": 0}
    assert len((await c.request(P.ACTIVITY, {}))["rows"]) == 5  # default limit = activityLimit
    assert await c.close() == 0


async def test_export_csv_inside_and_outside_workspace(
    start_sidecar: Start, workspace: Path, tmp_path: Path
) -> None:
    write_lines(workspace / ".empathy" / "llm_calls.jsonl", calls(12))
    c, _ = await ready(start_sidecar, workspace)
    res = await c.request(P.EXPORT_CSV, {"range": "all", "path": "out.csv"})
    assert res == {"path": str((workspace / "out.csv").resolve()), "rows": 12}
    assert len((workspace / "out.csv").read_text().splitlines()) == 13
    for bad in (str(tmp_path / "escape.csv"), "../escape.csv"):
        with pytest.raises(RpcError) as err:
            await c.request(P.EXPORT_CSV, {"range": "all", "path": bad})
        assert err.value.code == INVALID_PARAMS and "outside the workspace" in err.value.message
    (workspace / "link").symlink_to(tmp_path)
    with pytest.raises(RpcError):
        await c.request(P.EXPORT_CSV, {"range": "all", "path": "link/escape.csv"})
    assert not (tmp_path / "escape.csv").exists()
    assert await c.close() == 0


async def test_handler_exception_is_an_error_response(
    start_sidecar: Start, workspace: Path
) -> None:
    write_lines(workspace / ".empathy" / "llm_calls.jsonl", calls(3))
    c, snap = await ready(start_sidecar, workspace)
    (workspace / "adir.csv").mkdir()
    with pytest.raises(RpcError) as err:  # IsADirectoryError inside the handler
        await c.request(P.EXPORT_CSV, {"range": "all", "path": "adir.csv"})
    assert err.value.code == -32603
    with pytest.raises(RpcError) as err2:
        await c.request(P.SNAPSHOT, {"range": "all", "since": "yesterday-ish"})
    assert err2.value.code == INVALID_PARAMS and "yesterday-ish" in err2.value.message
    with pytest.raises(RpcError) as err3:
        await c.request("empathy/nope", {})
    assert err3.value.code == -32601
    again = await c.request(P.SNAPSHOT, {"range": "all"})
    assert again["overview"] == snap["overview"]
    assert await c.close() == 0


async def test_resolve_source(
    start_sidecar: Start, workspace: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    tdir = workspace / ".empathy"
    subprocess.run(
        [sys.executable, "-m", "empathy_monitor", "demo", "--dir", str(tdir), "--calls", "50"],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    pkg = workspace / "pkg"
    pkg.mkdir()
    (pkg / "flows.py").write_text(
        'import x\n\n\nclass Nightly:\n    name = "nightly-audit"\n\n    def scan(self):\n'
        '        return "scan"\n\n\n@workflow(workflow_name="tagged")\ndef tagged():\n    pass\n'
    )
    (pkg / "weekly_digest.py").write_text("# module named after its workflow\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text('class S:\n    name = "secret-flow"\n')
    (workspace / "escape").symlink_to(outside)
    c, snap = await ready(start_sidecar, workspace)
    row = snap["recent_calls"][0]
    got = await c.request(
        P.RESOLVE_SOURCE,
        {
            "workflowName": row["workflow_name"],
            "stepName": row["step_name"],
            "callId": row["call_id"],
        },
    )
    assert got == {
        "uri": (workspace / row["source_file"]).resolve().as_uri(),
        "line": row["source_line"],
    }
    page = await c.request(P.ACTIVITY, {"offset": 45, "limit": 1})  # not in memory: scanned
    old = page["rows"][0]
    got = await c.request(P.RESOLVE_SOURCE, {"workflowName": "x", "callId": old["call_id"]})
    assert got["line"] == old["source_line"]
    flows = (pkg / "flows.py").resolve().as_uri()
    assert await c.request(P.RESOLVE_SOURCE, {"workflowName": "nightly-audit"}) == {
        "uri": flows,
        "line": 4,
    }
    assert await c.request(
        P.RESOLVE_SOURCE, {"workflowName": "nightly-audit", "stepName": "scan"}
    ) == {"uri": flows, "line": 7}
    assert await c.request(P.RESOLVE_SOURCE, {"workflowName": "tagged"}) == {
        "uri": flows,
        "line": 12,
    }
    weekly = await c.request(P.RESOLVE_SOURCE, {"workflowName": "weekly-digest"})
    assert weekly == {"uri": (pkg / "weekly_digest.py").resolve().as_uri(), "line": 1}
    secret = await c.request(P.RESOLVE_SOURCE, {"workflowName": "secret-flow"})
    assert secret["uri"] is None and "secret-flow" in secret["reason"]
    append(tdir / "llm_calls.jsonl", [call("abs", "2026-11-20T00:00:00", workflow_name="nightly-audit",
                                           metadata={"source_file": str(outside / "secret.py"), "source_line": 1})])  # fmt: skip
    fell_back = await c.request(
        P.RESOLVE_SOURCE, {"workflowName": "nightly-audit", "callId": "abs"}
    )
    assert fell_back == {"uri": flows, "line": 4}
    missing = await c.request(P.RESOLVE_SOURCE, {"workflowName": "no-such", "callId": "abs"})
    assert missing["uri"] is None and "outside the workspace" in missing["reason"]
    assert await c.close() == 0


async def test_generate_demo_feeds_the_panel(start_sidecar: Start, tmp_path: Path) -> None:
    ws = tmp_path / "demo"
    ws.mkdir()
    c, _ = await ready(start_sidecar, ws)
    res = await c.request(P.GENERATE_DEMO, {"calls": 200, "days": 3})
    assert res["calls"] == 200 and res["runs"] > 0 and res["dir"] == str(ws.resolve() / ".empathy")
    await update_where(c, lambda u: u["changed"].get("overview", {}).get("calls") == 200)
    assert await c.close() == 0


# -- life -----------------------------------------------------------------------------------
async def test_exits_cleanly_when_stdin_closes(start_sidecar: Start, workspace: Path) -> None:
    write_lines(workspace / ".empathy" / "llm_calls.jsonl", calls(3))
    c, _ = await ready(start_sidecar, workspace)
    assert c.proc.stdin is not None
    c.proc.stdin.close()
    rc = await asyncio.wait_for(c.proc.wait(), 10)
    assert rc == 0
    assert c.proc.stderr is not None
    err = (await c.proc.stderr.read()).decode()
    assert "Traceback" not in err


async def test_shutdown_and_exit(start_sidecar: Start, workspace: Path) -> None:
    c, _ = await ready(start_sidecar, workspace)
    assert await c.request("shutdown") is None
    await c.notify("exit")
    assert await c.wait() == 0


def test_gen_protocol_check_passes(env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_protocol"), "--check"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_every_protocol_request_has_a_handler() -> None:
    from empathy_monitor.sidecar.server import ROUTES, build

    assert set(ROUTES) == set(P.REQUEST_TYPES)
    registered = set(build().protocol.fm.features)
    assert set(P.REQUEST_TYPES) <= registered
