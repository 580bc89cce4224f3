"""Refresh, Clear History / Undo, deltas, resolveSource by call id, and the re-read fallback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient
from empathy_monitor.sidecar.publisher import deltas
from empathy_monitor.sidecar.service import Service
from empathy_monitor.sidecar.settings import Settings, parse

Start = Callable[[Path], Awaitable[SidecarClient]]
NOW = "2026-11-20T12:00:00"


def calls(n: int, prefix: str, day: str = "2026-11-19", cost: float = 0.001) -> list[Any]:
    return [
        call(
            f"{prefix}{i}",
            f"{day}T10:{i // 60:02d}:{i % 60:02d}",
            provider="anthropic",
            model_id="claude-x",
            estimated_cost=cost,
            latency_ms=100,
            workflow_name="code-review",
        )
        for i in range(n)
    ]


async def ready(start: Start, ws: Path) -> SidecarClient:
    c = await start(ws)
    await c.initialize(ws, {"naiveTimezone": "UTC"})
    await c.request(P.SNAPSHOT, {"range": "all", "now": NOW})
    return c


async def until(c: SidecarClient, pred: Callable[[Any], bool], timeout: float = 5.0) -> Any:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        _, u = await c.next(P.DID_UPDATE, max(0.01, end - loop.time()))
        if pred(u):
            return u


def n_calls(u: Any) -> int | None:
    ov = u["changed"].get("overview")
    return None if ov is None else int(ov["calls"])


async def test_refresh_rereads_everything_and_pushes_an_update(
    start_sidecar: Start, workspace: Path
) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(f, calls(5, "a"))
    c = await ready(start_sidecar, workspace)
    # a hand edit the reader cannot see as an append: same size, different content
    text = f.read_text().replace('"estimated_cost": 0.001', '"estimated_cost": 0.002')
    f.write_text(text)
    c.drain(P.DID_UPDATE)
    res = await c.request(P.REFRESH, {})
    assert res["records"] == 5 and res["durationMs"] >= 0
    u = await until(c, lambda u: "overview" in u["changed"])
    assert u["changed"]["overview"]["total_cost"] == pytest.approx(0.01)
    assert u["baseVersion"] < u["version"]
    # nothing changed: Refresh still pushes the current view
    await c.request(P.REFRESH, None)
    u2 = await until(c, lambda u: "overview" in u["changed"])
    assert u2["changed"]["overview"]["calls"] == 5 and u2["baseVersion"] == u["version"]
    with pytest.raises(RpcError):
        await c.request(P.REFRESH, {"full": True})
    assert await c.close() == 0


async def test_clear_then_fresh_file_then_undo(start_sidecar: Start, workspace: Path) -> None:
    tdir = workspace / ".empathy"
    calls_f, runs_f = tdir / "llm_calls.jsonl", tdir / "workflow_runs.jsonl"
    write_lines(calls_f, calls(7, "old"))
    rotated = tdir / "archive" / "llm_calls.2026-11-01.jsonl"
    rotated.parent.mkdir()
    write_lines(rotated, calls(3, "rot", day="2026-11-01"))
    run = {"run_id": "r1", "workflow_name": "code-review", "started_at": "2026-11-19T09:00:00",
           "completed_at": "2026-11-19T09:01:00", "stages": [], "total_cost": 0.5,
           "success": True}  # fmt: skip
    write_lines(runs_f, [run])
    c = await ready(start_sidecar, workspace)
    before = await c.request(P.SNAPSHOT, {"range": "all", "now": NOW})
    assert before["overview"]["calls"] == 10

    res = await c.request(P.CLEAR_HISTORY, {})
    archive = Path(res["archiveDir"])
    assert archive.parent == tdir / "archive" and archive.name.startswith("cleared-")
    assert sorted(res["moved"]) == sorted(map(str, [calls_f, runs_f, rotated]))
    assert not calls_f.exists() and (archive / "archive" / rotated.name).is_file()
    assert (archive / "llm_calls.jsonl").read_text().count("\n") == 7  # moved, not deleted
    empty = await c.request(P.SNAPSHOT, {"range": "all", "now": NOW})
    assert empty["overview"]["calls"] == 0 and empty["top_workflows"] == []
    assert empty["recent_calls"] == []

    write_lines(calls_f, calls(2, "new"), mode="a")  # the writer starts a fresh file
    await until(c, lambda u: n_calls(u) == 2)

    undone = await c.request(P.UNDO_CLEAR_HISTORY, {"archiveDir": str(archive)})
    restored = sorted(Path(p).name for p in undone["restored"])
    fresh_side = [n for n in restored if n.startswith("llm_calls.restored-")]
    assert len(fresh_side) == 1 and fresh_side[0].endswith("Z.jsonl")  # next to the fresh file
    assert sorted(set(restored) - set(fresh_side)) == [rotated.name, "workflow_runs.jsonl"]
    assert calls_f.read_text().count("\n") == 2  # the fresh file is left as it is
    assert not archive.exists() and rotated.is_file()
    after = await c.request(P.SNAPSHOT, {"range": "all", "now": NOW})
    assert after["overview"]["calls"] == 12  # 10 before + 2 new, none twice
    assert after["top_workflows"][0]["run_count"] == 1
    ids = await c.request(P.ACTIVITY, {"limit": 100})
    assert ids["total"] == 12 and len({r["call_id"] for r in ids["rows"]}) == 12

    with pytest.raises(RpcError) as again:
        await c.request(P.UNDO_CLEAR_HISTORY, {"archiveDir": str(archive)})
    assert "does not exist" in again.value.message
    with pytest.raises(RpcError) as outside:
        await c.request(P.UNDO_CLEAR_HISTORY, {"archiveDir": str(workspace)})
    assert "not a Clear History archive" in outside.value.message
    assert await c.close() == 0


async def test_snapshot_deltas_and_retention(start_sidecar: Start, workspace: Path) -> None:
    f = workspace / ".empathy" / "llm_calls.jsonl"
    # previous 7 days: 2 calls at $0.01; this week: 3 calls at $0.01, one failed
    prev = calls(2, "p", day="2026-11-10", cost=0.01)
    cur = calls(3, "c", day="2026-11-19", cost=0.01)
    cur[0]["success"] = False
    write_lines(f, prev + cur)
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC", "retentionDays": 7})
    s = await c.request(P.SNAPSHOT, {"range": "7d", "now": NOW})
    d = s["deltas"]
    assert d["calls"] == {"previous": 2, "change": 1, "percent": 50.0}
    assert d["total_cost"]["change"] == pytest.approx(0.01)
    assert d["total_cost"]["percent"] == pytest.approx(50.0)
    # success rate: 66.67% now vs 100% before, in percentage points
    assert d["success_rate"]["previous"] == 100.0
    assert d["success_rate"]["change"] == pytest.approx(-33.3333, abs=1e-3)
    assert d["active_workflows"] == {"previous": 1, "change": 0, "percent": 0.0}
    assert s["retention_days"] == 7
    all_ = await c.request(P.SNAPSHOT, {"range": "all", "now": NOW})
    assert all_["previous"] is None
    assert all(v == {"previous": None, "change": None, "percent": None}
               for v in all_["deltas"].values())  # fmt: skip
    assert await c.close() == 0


def test_deltas_rules() -> None:
    cur = {"calls": 5, "total_cost": 0.0, "success_rate": None, "avg_latency_ms": 10.0,
           "input_tokens": 0, "output_tokens": 3, "active_workflows": 1}  # fmt: skip
    prev = {"calls": 0, "total_cost": 0.3, "success_rate": 90.0, "avg_latency_ms": None,
            "input_tokens": 0, "output_tokens": 1, "active_workflows": 2}  # fmt: skip
    d = deltas(cur, prev)
    assert d["calls"] == {"previous": 0, "change": 5, "percent": None}  # previous 0: no percent
    assert d["total_cost"] == {"previous": 0.3, "change": -0.3, "percent": -100.0}
    assert d["success_rate"] == {"previous": 90.0, "change": None, "percent": None}
    assert d["avg_latency_ms"] == {"previous": None, "change": None, "percent": None}
    assert d["output_tokens"] == {"previous": 1, "change": 2, "percent": 200.0}
    assert set(d) == set(P.Deltas.model_fields)


async def test_resolve_source_by_call_id_without_workflow(
    start_sidecar: Start, workspace: Path
) -> None:
    src = workspace / "agents" / "loose.py"
    src.parent.mkdir()
    src.write_text("def main():\n    pass\n")
    rows = [
        call("lonely", "2026-11-19T10:00:00", workflow_name=None,
             metadata={"source_file": "agents/loose.py", "source_line": 2}),
        call("bare", "2026-11-19T10:00:01", workflow_name=None),
    ]  # fmt: skip
    write_lines(workspace / ".empathy" / "llm_calls.jsonl", rows)
    c = await ready(start_sidecar, workspace)
    for params in ({"workflowName": "", "callId": "lonely"}, {"callId": "lonely"}):
        res = await c.request(P.RESOLVE_SOURCE, params)
        assert res == {"uri": src.resolve().as_uri(), "line": 2}
    res = await c.request(P.RESOLVE_SOURCE, {"workflowName": None, "callId": "bare"})
    assert res["uri"] is None and "no workflow name" in res["reason"]
    with pytest.raises(RpcError) as err:
        await c.request(P.RESOLVE_SOURCE, {"workflowName": ""})
    assert "callId" in err.value.message
    assert await c.close() == 0


# -- settings and the re-read fallback (in process: the watcher is forced to fail) -------------
def test_settings_defaults_and_strictness() -> None:
    s = Settings()
    assert (s.retentionDays, s.refreshFallbackSeconds, s.alertActions) == (30, 0, True)
    with pytest.raises(ValueError) as err:
        parse({"retentionDays": 0, "refreshFallbackSeconds": -1, "alertActions": "maybe"})
    msg = str(err.value)
    for field in ("retentionDays", "refreshFallbackSeconds", "alertActions"):
        assert f"initializationOptions.{field}" in msg


class Recorder:
    def __init__(self) -> None:
        self.got: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()

    def __call__(self, method: str, params: dict[str, Any]) -> None:
        self.got.put_nowait((method, params))

    async def update(self, timeout: float) -> dict[str, Any]:
        while True:
            m, p = await asyncio.wait_for(self.got.get(), timeout)
            if m == P.DID_UPDATE and "overview" in p["changed"]:
                return p


def _broken_start(self: Any) -> None:
    raise OSError(28, "inotify watch limit reached")


@pytest.mark.parametrize("fallback", [0.2, 0.0])
async def test_refresh_fallback_only_when_watching_fails(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, fallback: float
) -> None:
    from empathy_monitor.sidecar import watcher

    f = workspace / ".empathy" / "llm_calls.jsonl"
    write_lines(f, calls(2, "a"))
    monkeypatch.setattr(watcher.Watcher, "start", _broken_start)
    rec = Recorder()
    svc = Service(workspace, parse({"refreshFallbackSeconds": fallback}), rec)
    await svc.start()
    try:
        assert svc.watcher is None
        snap = await svc.snapshot(P.SnapshotParams(range="all", now=NOW))
        assert snap["overview"]["calls"] == 2
        write_lines(f, calls(3, "b"), mode="a")
        if fallback:
            assert svc.fallback is not None
            u = await rec.update(3)
            assert u["changed"]["overview"]["calls"] == 5
        else:
            assert svc.fallback is None  # off: no timer at all
            with pytest.raises(asyncio.TimeoutError):
                await rec.update(0.6)
    finally:
        await svc.close()


async def test_no_timer_when_watching_works(workspace: Path) -> None:
    svc = Service(workspace, parse({"refreshFallbackSeconds": 0.1}), Recorder())
    await svc.start()
    try:
        assert svc.watcher is not None and svc.fallback is None
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "empathy-fallback"]
    finally:
        await svc.close()


def test_cli_json_field_order_is_unchanged() -> None:
    """The snapshot keeps the CLI's sections; Round 2 only adds keys (old clients keep working)."""
    fields = list(P.Snapshot.model_fields)
    assert fields[-3:] == ["deltas", "alerts", "retention_days"]
    assert json.loads(json.dumps(P.Deltas.model_json_schema()))["required"] == list(
        P.Deltas.model_fields
    )


async def test_range_switch_back_uses_cached_views_caught_up_with_appends(
    start_sidecar: Start, workspace: Path
) -> None:
    from datetime import datetime, timedelta, timezone

    f = workspace / ".empathy" / "llm_calls.jsonl"
    now = datetime.now(timezone.utc)
    old = [call(f"o{i}", (now - timedelta(days=20 + i)).isoformat(), estimated_cost=0.01)
           for i in range(3)]  # fmt: skip
    recent = [call(f"r{i}", (now - timedelta(hours=i + 1)).isoformat(), estimated_cost=0.01)
              for i in range(2)]  # fmt: skip
    write_lines(f, old + recent)
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    first = {r: (await c.request(P.SNAPSHOT, {"range": r}))["overview"]["calls"]
             for r in ("7d", "all", "30d")}  # fmt: skip
    assert first == {"7d": 2, "all": 5, "30d": 5}
    write_lines(f, [call("n1", now.isoformat(), estimated_cost=0.01)], mode="a")
    await until(c, lambda u: n_calls(u) == 6)  # the 30d view followed the append
    for rng, want in (("7d", 3), ("all", 6), ("today", None), ("30d", 6), ("7d", 3)):
        s = await c.request(P.SNAPSHOT, {"range": rng})
        if want is not None:
            assert s["overview"]["calls"] == want, rng
        if rng == "7d":
            assert s["deltas"]["calls"]["previous"] == 0 and s["previous"]["calls"] == 0
    assert await c.close() == 0
