"""``billing: subscription`` (monitoring.yaml ``sources:``): a plan's calls are not money spent.

The records are an agent's as the receiver/mirror writes them (``metadata.source``), beside one
Empathy call. Hand-computed: the Empathy call $1.00; claude-code r1 claude-sonnet-4-5 1,000 in /
100 out at $3 / $15 per million = $0.0045 (list price); r2 its own cost $0.25; r3 a model no book
knows (unpriced when billed by usage; on a plan it is simply not spend).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor.analytics.window import WindowSpec
from empathy_monitor.budgets.monitor import BudgetMonitor
from empathy_monitor.prices.billing import subscriptions
from empathy_monitor.prices.settings import load_pricing
from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient
from empathy_monitor.telemetry import Telemetry

REPO = Path(__file__).resolve().parents[3]
SPEC = WindowSpec(range="all", now="2026-11-21T00:00:00")
PLAN = "sources:\n  claude-code:\n    billing: subscription\n"


def _call(cid: str, model: str, cost: float | None, source: str | None, **kw: Any) -> str:
    d: dict[str, Any] = {
        "call_id": cid,
        "timestamp": "2026-11-20T10:00:00+00:00",
        "provider": "anthropic" if source else "openai",
        "tier": "capable",
        "model_id": model,
        "input_tokens": 1000,
        "output_tokens": 100,
        "success": True,
        "metadata": {"source": source} if source else {},
        **kw,
    }
    if cost is not None:
        d["estimated_cost"] = cost
    return json.dumps(d) + "\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    d = tmp_path / "ws" / ".empathy"
    d.mkdir(parents=True)
    (d / "llm_calls.jsonl").write_text(_call("e1", "gpt-4o", 1.0, None))
    (d / "llm_calls-claude-code.jsonl").write_text(
        _call("claude-code:r1", "claude-sonnet-4-5-20250929", None, "claude-code")
        + _call("claude-code:r2", "claude-imaginary-9", 0.25, "claude-code")
        + _call("claude-code:r3", "claude-imaginary-9", None, "claude-code")
    )
    return d


def _tel(d: Path) -> Telemetry:
    t = Telemetry([d], naive_tz="UTC", workers=1, pricing=load_pricing([d]))
    t.refresh()
    return t


def test_config_parsing_and_its_errors() -> None:
    assert subscriptions({"sources": {"claude-code": {"billing": "subscription"}}}) == (
        frozenset({"claude-code"}),
        [],
    )
    assert subscriptions({"sources": {"codex": {"billing": "usage"}}}) == (frozenset(), [])
    subs, errs = subscriptions({"sources": {"copilot": {"billing": "seat"}}})
    assert subs == frozenset() and "sources.copilot: billing must be one of" in errs[0]
    assert subscriptions({"cost_mode": "auto"}) == (frozenset(), [])


@pytest.mark.parametrize("mode", ["auto", "writer", "list"])
def test_subscription_calls_are_list_price_equivalent_apart_from_spend(ws: Path, mode: str) -> None:
    ov = _tel(ws).dashboard(SPEC, cost_mode=mode)["overview"]  # type: ignore[arg-type]
    by_usage = {"auto": 1.0 + 0.0045 + 0.25, "writer": 1.0 + 0.25}
    if mode in by_usage:  # (list mode: gpt-4o at the book's list price, below)
        assert ov["total_cost"] == pytest.approx(by_usage[mode])
    assert ov["subscription_calls"] == 0
    (ws / "monitoring.yaml").write_text(PLAN)
    dash = _tel(ws).dashboard(SPEC, cost_mode=mode)  # type: ignore[arg-type]
    ov = dash["overview"]
    assert ov["calls"] == 4
    if mode in by_usage:
        assert ov["total_cost"] == pytest.approx(1.0)
    assert ov["subscription_calls"] == 3 and ov["unpriced_calls"] == 0
    assert ov["subscription_value"] == pytest.approx(0.0045 + 0.25)
    assert dash["prices"]["sources"]["subscription"] == {
        "calls": 3,
        "cost": ov["subscription_value"],
    }
    assert sum(m["total_cost"] for m in dash["by_model"].values()) == pytest.approx(
        ov["total_cost"]
    )


def test_list_mode_by_usage_and_by_plan(ws: Path) -> None:
    # list mode: every call at list price; gpt-4o's list price is the book's, whatever it is
    base = _tel(ws).dashboard(SPEC, cost_mode="list")["overview"]
    (ws / "monitoring.yaml").write_text(PLAN)
    ov = _tel(ws).dashboard(SPEC, cost_mode="list")["overview"]
    assert ov["total_cost"] == pytest.approx(base["total_cost"] - 0.0045)
    assert base["unpriced_calls"] == 2 and ov["unpriced_calls"] == 0  # r2, r3 have no list price


def test_appended_rows_fold_the_same_as_a_fresh_build(ws: Path) -> None:
    (ws / "monitoring.yaml").write_text(PLAN)
    tel = _tel(ws)
    live = tel.view(SPEC)
    with (ws / "llm_calls-claude-code.jsonl").open("a") as f:
        f.write(_call("claude-code:r4", "claude-sonnet-4-5-20250929", None, "claude-code"))
    res = tel.refresh()
    live.add_calls(*res.calls)
    fresh = tel.view(SPEC)
    assert live.dump("overview") == fresh.dump("overview")
    assert live.dump("prices") == fresh.dump("prices")
    assert fresh.dump("overview")["subscription_value"] == pytest.approx(2 * 0.0045 + 0.25)


def test_budgets_leave_subscription_calls_out(ws: Path) -> None:
    (ws / "budgets.yaml").write_text(
        "budgets:\n  - {name: all, amount: 10, period: month, time_zone: UTC}\n"
    )
    now = 1_795_000_000.0  # 2026-11-18; the calls are on the 20th: in November's period
    # budgets spend in the workspace's cost mode (auto): by usage e1 $1.00 + r1 at list $0.0045 +
    # r2's own $0.25, r3 unpriced; on the plan only e1 is spend
    for plan, spent, unpriced in ((False, 1.2545, 1), (True, 1.0, 0)):
        if plan:
            (ws / "monitoring.yaml").write_text(PLAN)
        b = BudgetMonitor(ws, _tel(ws)).section(now + 3 * 86400, None, False)
        (st,) = b.model_dump(mode="json")["budgets"]
        assert (st["spent"], st["unpriced_calls"]) == (spent, unpriced), plan


def test_cli_shows_the_list_price_equivalent_apart(ws: Path) -> None:
    (ws / "monitoring.yaml").write_text(PLAN)
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"), TZ="UTC")
    env["EMPATHY_CACHE_DIR"] = str(ws.parent / "cache")
    args = ["--range", "all", "--now", "2026-11-21T00:00:00", "--tz", "UTC"]

    def run(*extra: str) -> str:
        p = subprocess.run(
            [sys.executable, "-m", "empathy_monitor", "telemetry", *args, *extra],
            cwd=ws.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert p.returncode == 0, p.stderr
        return p.stdout

    ov = json.loads(run("--json"))["overview"]
    assert (ov["total_cost"], ov["subscription_calls"]) == (1.0, 3)
    assert ov["subscription_value"] == pytest.approx(0.2545)
    text = " ".join(run().split())
    assert "List-price equivalent" in text and "$0.25" in text
    assert "3 calls on a subscription ($0.25 list-price equivalent) — not in the total" in text


async def test_sidecar_reprices_when_a_source_is_put_on_a_plan(ws: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"), TZ="UTC")
    env["EMPATHY_CACHE_DIR"] = str(ws.parent / "cache")
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    c = await SidecarClient.start(cwd=ws.parent, env=env)
    view = {"range": "all", "now": "2026-11-21T00:00:00"}
    try:
        await c.initialize(ws.parent, {"naiveTimezone": "UTC"})
        ov = (await c.request(P.SNAPSHOT, view))["overview"]
        assert ov["total_cost"] == pytest.approx(1.2545) and ov["subscription_calls"] == 0
        (ws / "monitoring.yaml").write_text(PLAN)
        for _ in range(100):  # the watcher sees monitoring.yaml and reprices every row
            ov = (await c.request(P.SNAPSHOT, view))["overview"]
            if ov["subscription_calls"]:
                break
            await asyncio.sleep(0.1)
        assert (ov["total_cost"], ov["subscription_calls"]) == (1.0, 3)
        assert ov["subscription_value"] == pytest.approx(0.2545)
    finally:
        assert await c.close() == 0
