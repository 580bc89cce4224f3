"""The sidecar's plugins end to end: alerts (VS Code payload + a real webhook server) and OTel
(a real in-process gRPC OTLP receiver), driven through the real sidecar process."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "otel"))
from otel_receivers import GrpcReceiver

Start = Callable[..., Awaitable[SidecarClient]]
_n = 0


def live_calls(n: int, cost: float, wf: str | None = "code-review", **kw: Any) -> list[str]:
    """``n`` calls timestamped now (UTC), as JSON lines."""
    global _n
    out = []
    for _ in range(n):
        _n += 1
        d = {
            "call_id": f"live{_n}",
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "workflow_name": wf,
            "provider": "anthropic",
            "tier": "capable",
            "model_id": "claude-x",
            "input_tokens": 10,
            "output_tokens": 5,
            "estimated_cost": cost,
            "latency_ms": 120,
            "success": True,
            **kw,
        }
        out.append(json.dumps(d) + "\n")
    return out


def append(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.writelines(lines)


class Hooks:
    """A webhook receiver on 127.0.0.1: records (arrival perf_counter, JSON body)."""

    def __init__(self) -> None:
        got: list[tuple[float, Any]] = []
        self.got = got

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got.append((time.perf_counter(), json.loads(body)))
                self.send_response(200)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    h = Hooks()
    yield h
    h.stop()


RULES = """\
settings:
  allow_private_network: true
alerts:
  - name: spend
    description: spend in the last hour
    condition: {{metric: cost, operator: gt, threshold: 0.5, window: 1h}}
    severity: critical
    cooldown_minutes: 60
    actions:
      - vscode
      - type: webhook
        url: {url}
"""


async def start_with(start: Start, ws: Path, **options: Any) -> SidecarClient:
    c = await start(ws)
    await c.initialize(ws, {"naiveTimezone": "UTC", **options})
    await c.request(P.SNAPSHOT, {"range": "all"})
    return c


async def wait_for(pred: Callable[[], bool], timeout: float) -> bool:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if pred():
            return True
        await asyncio.sleep(0.01)
    return pred()


async def test_threshold_crossing_fires_vscode_and_webhook_within_2s(
    start_sidecar: Start, workspace: Path, hooks: Hooks
) -> None:
    tdir = workspace / ".empathy"
    (tdir / "alerts.yaml").write_text(RULES.format(url=hooks.url))
    append(tdir / "llm_calls.jsonl", live_calls(2, 0.1))  # 0.2: under the threshold
    c = await start_with(start_sidecar, workspace)
    _, first = await c.next(P.DID_CHANGE_ALERTS, 5)  # rules are evaluated once the files are read
    assert first["rules"][0]["state"] == "ok" and first["rules"][0]["lastValue"] == pytest.approx(
        0.2
    )
    snap = await c.request(P.SNAPSHOT, {"range": "today"})
    assert snap["alerts"]["enabled"] is True
    assert [r["name"] for r in snap["alerts"]["rules"]] == ["spend"]
    assert snap["alerts"]["rules"][0]["state"] == "ok"

    t0 = time.perf_counter()
    append(tdir / "llm_calls.jsonl", live_calls(4, 0.1))  # 0.6 > 0.5
    t_fire, fired = await c.next(P.DID_FIRE_ALERT, 5)
    assert await wait_for(lambda: bool(hooks.got), 2.0 - (time.perf_counter() - t0))
    t_hook = hooks.got[0][0]
    assert t_hook - t0 <= 2.0 and t_fire - t0 <= 2.0
    assert fired["rule"] == "spend" and fired["level"] == "error" and fired["resolved"] is False
    assert fired["value"] == pytest.approx(0.6) and fired["threshold"] == 0.5
    assert fired["workflow_name"] is None and fired["provider"] is None
    assert fired["buttons"] == [{"title": "Open Panel", "command": "empathy.openPanel"}]
    body = hooks.got[0][1]
    assert body["rule"] == "spend" and body["value"] == pytest.approx(0.6)
    # didUpdate came first: the panel is never held up by alerts
    t_upd, upd = await c.next(P.DID_UPDATE, 1)
    assert t_upd <= t_fire and upd["changed"]["overview"]["calls"] == 6
    _, st = await c.next(P.DID_CHANGE_ALERTS, 2)
    assert st["rules"][0]["state"] == "firing" and st["rules"][0]["lastFiredAt"]
    assert st["rules"][0]["lastValue"] == pytest.approx(0.6)
    # within cooldown: more spend fires nothing again
    append(tdir / "llm_calls.jsonl", live_calls(1, 0.1))
    await c.next(P.DID_UPDATE, 5)
    await asyncio.sleep(0.5)
    assert c.drain(P.DID_FIRE_ALERT) == [] and len(hooks.got) == 1
    assert await c.close() == 0


async def test_untrusted_workspace_shows_alerts_but_runs_no_action(
    start_sidecar: Start, workspace: Path, hooks: Hooks
) -> None:
    tdir = workspace / ".empathy"
    (tdir / "alerts.yaml").write_text(RULES.format(url=hooks.url))
    c = await start_with(start_sidecar, workspace, alertActions=False)
    append(tdir / "llm_calls.jsonl", live_calls(6, 0.1))
    _, fired = await c.next(P.DID_FIRE_ALERT, 5)
    assert fired["rule"] == "spend"
    with pytest.raises(RpcError) as err:
        await c.request(P.TEST_ALERT, {"rule": "nope"})
    assert "no rule named 'nope'" in err.value.message
    res = await c.request(P.CHECK_ALERTS, {})  # evaluate + deliver: still no action runs
    assert res == {"evaluated": 1, "fired": 0, "resolved": 0}
    await asyncio.sleep(1.5)
    assert hooks.got == []
    assert await c.close() == 0


async def test_alert_requests_and_rules_created_after_start(
    start_sidecar: Start, workspace: Path
) -> None:
    tdir = workspace / ".empathy"
    append(tdir / "llm_calls.jsonl", live_calls(3, 0.2, wf="triage"))
    c = await start_with(start_sidecar, workspace)
    snap = await c.request(P.SNAPSHOT, {"range": "today"})
    assert snap["alerts"] is None
    with pytest.raises(RpcError) as err:
        await c.request(P.TEST_ALERT, {"rule": "x"})
    assert "no alerts configured" in err.value.message
    st = await c.request(P.ALERTS, {})
    assert st["enabled"] is False and st["rules"] == []

    with pytest.raises(RpcError) as bad:
        await c.request(P.INIT_ALERTS, {"metric": "vibes", "threshold": 1, "channel": "stdout"})
    assert "unknown metric" in bad.value.message
    with pytest.raises(RpcError) as no_target:
        await c.request(P.INIT_ALERTS, {"metric": "cost", "threshold": 1, "channel": "webhook"})
    assert "target is required" in no_target.value.message
    res = await c.request(
        P.INIT_ALERTS, {"metric": "workflow_cost", "threshold": 0.5, "channel": "stdout"}
    )
    cfg = Path(res["configPath"])
    assert cfg == tdir / "alerts.yaml" and "workflow_cost" in cfg.read_text()
    with pytest.raises(RpcError) as exists:
        await c.request(P.INIT_ALERTS, {"metric": "cost", "threshold": 1, "channel": "stdout"})
    assert "already exists" in exists.value.message
    _, st = await c.next(P.DID_CHANGE_ALERTS, 5)
    assert st["enabled"] is True and st["rules"][0]["metric"] == "workflow_cost"
    name = st["rules"][0]["name"]

    t = await c.request(P.TEST_ALERT, {"rule": name})
    assert t["rule"] == name and t["breached"] is False and t["threshold"] == 0.5
    assert t["value"] is None and t["message"]  # no runs yet: nothing to judge
    # a run over the threshold: the wizard's rule (it adds a vscode action) fires in VS Code
    run = {
        "run_id": "r1",
        "workflow_name": "triage",
        "started_at": datetime.now(timezone.utc).isoformat(),
        "completed_at": datetime.now(timezone.utc).isoformat(),
        "stages": [],
        "total_cost": 0.9,
        "success": True,
    }
    append(tdir / "workflow_runs.jsonl", [json.dumps(run) + "\n"])
    _, fired = await c.next(P.DID_FIRE_ALERT, 5)
    assert fired["rule"] == name and fired["workflow_name"] == "triage"
    assert fired["buttons"][1] == {
        "title": "Open Workflow Source",
        "command": "empathy.openWorkflowSource",
        "args": {"workflowName": "triage"},
    }
    res2 = await c.request(
        P.INIT_ALERTS,
        {"metric": "cost", "threshold": 3, "channel": "stdout", "overwrite": True},
    )
    assert "cost over 3" in Path(res2["configPath"]).read_text()
    chk = await c.request(P.CHECK_ALERTS, {})
    assert chk["evaluated"] == 1 and chk["fired"] == 0
    assert await c.close() == 0


# -- OTel ---------------------------------------------------------------------------------
@pytest.fixture
def receiver() -> Iterator[GrpcReceiver]:
    r = GrpcReceiver()
    yield r
    r.stop()


def otel_env(env: dict[str, str], r: GrpcReceiver) -> dict[str, str]:
    return {**env, "OTEL_EXPORTER_OTLP_ENDPOINT": r.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}


def span_ids(r: GrpcReceiver) -> list[str]:
    return [s["span_id"] for s in r.rec.spans()]


async def test_otel_exports_appends_and_clear_undo_sends_nothing_twice(
    workspace: Path, env: dict[str, str], receiver: GrpcReceiver
) -> None:
    tdir = workspace / ".empathy"
    calls = tdir / "llm_calls.jsonl"
    append(calls, live_calls(5, 0.01))
    c = await SidecarClient.start(cwd=workspace, env=otel_env(env, receiver))
    try:
        await c.initialize(workspace, {"naiveTimezone": "UTC"})
        await c.request(P.SNAPSHOT, {"range": "all"})
        assert await wait_for(lambda: len(span_ids(receiver)) == 5, 10)
        append(calls, live_calls(3, 0.01))
        assert await wait_for(lambda: len(span_ids(receiver)) == 8, 5)

        cleared = await c.request(P.CLEAR_HISTORY, {})
        assert cleared["moved"] == [str(calls)]
        append(calls, live_calls(2, 0.01))  # a fresh file
        assert await wait_for(lambda: len(span_ids(receiver)) == 10, 5)
        await c.request(P.UNDO_CLEAR_HISTORY, {"archiveDir": cleared["archiveDir"]})
        snap = await c.request(P.SNAPSHOT, {"range": "all"})
        assert snap["overview"]["calls"] == 10
        await asyncio.sleep(1.0)  # give a wrong re-export the time to happen
        ids = span_ids(receiver)
        assert len(ids) == 10 and len(set(ids)) == 10
    finally:
        assert await c.close() == 0


async def test_rules_are_evaluated_on_the_data_present_at_start(
    start_sidecar: Start, workspace: Path, hooks: Hooks
) -> None:
    tdir = workspace / ".empathy"
    (tdir / "alerts.yaml").write_text(RULES.format(url=hooks.url))
    append(tdir / "llm_calls.jsonl", live_calls(7, 0.1))  # 0.7 > 0.5 before the sidecar starts
    c = await start_with(start_sidecar, workspace)
    _, fired = await c.next(P.DID_FIRE_ALERT, 5)  # no append needed
    assert fired["rule"] == "spend" and fired["value"] == pytest.approx(0.7)
    assert await wait_for(lambda: bool(hooks.got), 3.0)
    assert await c.close() == 0
