"""Budgets count the workspace's ``cost_mode`` (monitoring.yaml), not the writer's figure.

Hand-computed: prices.yaml lists model ``m`` at $10 / $20 per million input / output tokens, so a
default call (100 in, 50 out) costs $0.001 + $0.001 = $0.002 at list price. The calls:

==========  ======  ======  ====  =====  =====
call        writer  actual  auto  writer list
==========  ======  ======  ====  =====  =====
a (m)       1.00    -       1.00  1.00   0.002
b (m)       1.00    0.50    0.50  1.00   0.002
c (m)       0       -       0.002 0      0.002
d (x)       0       -       unpriced in every mode
==========  ======  ======  ====  =====  =====

So the month's spend is auto $1.502, writer $2.00, list $0.006, with one unpriced call each.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alert_helpers import NOW, append, call

from empathy_monitor.alerts.engine import AlertEngine
from empathy_monitor.alerts.metrics import MetricContext, evaluate_metric
from empathy_monitor.alerts.rules import Condition
from empathy_monitor.budgets.monitor import BudgetMonitor
from empathy_monitor.prices.settings import load_pricing
from empathy_monitor.sidecar.budgets import BudgetsPlugin
from empathy_monitor.sidecar.plugins import AlertsPlugin
from empathy_monitor.telemetry import Telemetry

SPENT = {"auto": 1.502, "writer": 2.0, "list": 0.006}
PRICES = "prices:\n  - model: m\n    input: 10\n    output: 20\n"


def workspace(d: Path, mode: str | None, ago: float) -> None:
    append(
        d,
        [
            call(ago, estimated_cost=1.0),
            call(ago, estimated_cost=1.0, actual_cost=0.5),
            call(ago, estimated_cost=0.0),
            call(ago, estimated_cost=0.0, model_id="x"),
        ],
    )
    (d / "prices.yaml").write_text(PRICES)
    if mode is not None:
        (d / "monitoring.yaml").write_text(f"cost_mode: {mode}\n")
    (d / "budgets.yaml").write_text(
        "budgets:\n  - {name: m, amount: 10, period: month, time_zone: UTC, channels: [stdout]}\n"
    )


def tel_for(d: Path) -> Telemetry:
    t = Telemetry(dirs=[d], naive_tz="UTC", pricing=load_pricing([d]))  # as every process does
    t.refresh()
    return t


@pytest.mark.parametrize("mode", ["auto", "writer", "list", None])
def test_monitor_strip_and_alert_metric_use_the_cost_mode(tdir: Path, mode: str | None) -> None:
    workspace(tdir, mode, 60)
    want = SPENT[mode or "auto"]
    t = tel_for(tdir)
    st = BudgetMonitor(tdir, t, ZoneInfo("UTC")).section(NOW, None, False).budgets[0]
    assert st.spent == pytest.approx(want)
    assert st.unpriced_calls == 1
    # the sidecar's strip (the same plugin the panel's section comes from)
    plugin = AlertsPlugin(tdir, t, actions=False)
    _, sec, _ = BudgetsPlugin(plugin, trusted=False).evaluate(NOW)
    assert sec is not None and sec["budgets"][0]["spent"] == pytest.approx(want)
    plugin.close()
    # the alert engine's budget_percent (alerts watch builds its Telemetry with load_pricing)
    e = AlertEngine(tdir, clock=lambda: NOW)
    ctx = MetricContext(e._telemetry(), NOW)
    ctx.budgets = e.budgets
    r = evaluate_metric(Condition(metric="budget_percent", threshold=1, budget="m"), ctx)
    assert r.value == pytest.approx(want * 10)  # of $10
    e.close()


def test_levels_fire_on_the_cost_mode_spend(tdir: Path) -> None:
    # Of a $2.50 budget, auto's $1.502 is 60%: the 50% level only (the writer's $2.00 would be
    # 80% and fire the 80% level too).
    workspace(tdir, "auto", 60)
    (tdir / "budgets.yaml").write_text(
        "budgets:\n  - {name: m, amount: 2.5, period: month, time_zone: UTC, channels: [stdout]}\n"
    )
    e = AlertEngine(tdir, clock=lambda: NOW)
    assert [n.threshold for n in e.evaluate_budgets(NOW)] == [50.0]
    e.close()
    (tdir / "monitoring.yaml").write_text("cost_mode: list\n")
    (tdir / "budgets.yaml").write_text(
        "budgets:\n  - {name: l, amount: 0.01, period: month, time_zone: UTC, channels: [stdout]}\n"
    )
    e = AlertEngine(tdir, clock=lambda: NOW)
    assert [n.threshold for n in e.evaluate_budgets(NOW)] == [50.0]  # $0.006 of $0.01 = 60%
    e.close()


def test_switching_the_mode_rebuilds_the_spend(tdir: Path) -> None:
    workspace(tdir, "writer", 60)
    t = tel_for(tdir)
    mon = BudgetMonitor(tdir, t, ZoneInfo("UTC"))
    assert mon.section(NOW, None, False).budgets[0].spent == pytest.approx(2.0)
    fresh = load_pricing([tdir])
    t.pricing.workspace_mode = "list"  # what the sidecar does when monitoring.yaml changes
    t.reprice(fresh.book, fresh.errors)
    assert mon.section(NOW + 1, None, False).budgets[0].spent == pytest.approx(0.006)


@pytest.mark.parametrize("mode", ["writer", "list"])
def test_cli_status_uses_the_cost_mode(tdir: Path, mode: str) -> None:
    workspace(tdir, mode, NOW - time.time() + 5)  # the CLI evaluates at the wall clock
    r = subprocess.run(
        [sys.executable, "-m", "empathy_monitor", "budget", "--json", "--dir", str(tdir)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 0, r.stderr
    b = json.loads(r.stdout)["budgets"][0]
    assert (b["spent"], b["unpriced_calls"]) == (pytest.approx(SPENT[mode]), 1)
