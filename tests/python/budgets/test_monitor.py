"""Budgets end to end in Python: scope, unpriced calls, levels once per period, forecast numbers."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from alert_helpers import NOW, append, call

from empathy_monitor.alerts.engine import AlertEngine
from empathy_monitor.alerts.metrics import MetricContext, evaluate_metric
from empathy_monitor.alerts.rules import Condition
from empathy_monitor.budgets.forecast import forecast_period
from empathy_monitor.budgets.monitor import BudgetMonitor
from empathy_monitor.budgets.periods import period_bounds
from empathy_monitor.sidecar.budgets import BudgetsPlugin
from empathy_monitor.sidecar.plugins import AlertsPlugin
from empathy_monitor.telemetry import Telemetry

UTC = ZoneInfo("UTC")
D = 86400.0
START = period_bounds(NOW, "month", UTC)[0]  # 2027-01-01T00:00Z; NOW is Jan 15 08:00


def tel_for(d: Path) -> Telemetry:
    t = Telemetry(dirs=[d], naive_tz="UTC")
    t.refresh()
    return t


def budgets(d: Path, text: str) -> None:
    (d / "budgets.yaml").write_text("budgets:\n" + text)


def section(d: Path, now: float = NOW) -> dict:
    mon = BudgetMonitor(d, tel_for(d), UTC)
    return mon.section(now, None, False).model_dump(mode="json")


def test_scope_filters_count_only_their_spend(tdir: Path) -> None:
    append(
        tdir,
        [call(3600, workflow_name="a", estimated_cost=1.0) for _ in range(2)]
        + [call(3600, workflow_name="b", provider="openai", estimated_cost=0.5)]
        + [call(3600, workflow_name="b", tier="cheap", estimated_cost=0.25)],
    )
    budgets(
        tdir,
        "  - {name: all, amount: 10, period: month, time_zone: UTC}\n"
        "  - {name: a, amount: 10, period: month, time_zone: UTC, workflow: a}\n"
        "  - {name: oa, amount: 10, period: month, time_zone: UTC, provider: openai}\n"
        "  - {name: cheap, amount: 10, period: month, time_zone: UTC, tier: cheap}\n"
        "  - {name: none, amount: 10, period: month, time_zone: UTC, model: nope}\n",
    )
    spent = {b["name"]: b["spent"] for b in section(tdir)["budgets"]}
    assert spent == {"all": 2.75, "a": 2.0, "oa": 0.5, "cheap": 0.25, "none": 0.0}


def test_project_and_user_scopes_use_the_dimension_filters(tdir: Path) -> None:
    # Once the dimensions landed, every budgets.yaml scope is a filter: a project or user scope
    # loads and counts only its own spend (no call here has a project; one has user ann).
    append(tdir, [call(60, estimated_cost=1.0, user_id="ann"), call(60, estimated_cost=2.0)])
    budgets(
        tdir,
        "  - {name: p, amount: 10, period: month, time_zone: UTC, project: web}\n"
        "  - {name: u, amount: 10, period: month, time_zone: UTC, user: ann}\n"
        "  - {name: ok, amount: 10, period: month, time_zone: UTC}\n",
    )
    sec = section(tdir)
    assert {b["name"]: b["spent"] for b in sec["budgets"]} == {"p": 0.0, "u": 1.0, "ok": 3.0}
    assert sec["errors"] == []


def test_unpriced_calls_are_counted_apart(tdir: Path) -> None:
    append(tdir, [call(60, estimated_cost=0.0) for _ in range(3)] + [call(60, estimated_cost=2.0)])
    budgets(tdir, "  - {name: m, amount: 10, period: month, time_zone: UTC}\n")
    b = section(tdir)["budgets"][0]
    assert b["spent"] == 2.0
    assert b["unpriced_calls"] == 3
    assert b["unpriced_text"] == "+ 3 unpriced calls not included"


def test_forecast_numbers_equal_forecast_py(tdir: Path) -> None:
    # 20 days of $1..$3 a day in the history, then today's partial $0.50.
    rng = np.random.default_rng(3)
    daily = rng.uniform(1, 3, size=20).round(2)
    rows = [
        call((8 + 24 * (i + 1)) * 3600 - 3600, estimated_cost=float(v)) for i, v in enumerate(daily)
    ]
    rows.append(call(600, estimated_cost=0.5))
    append(tdir, rows)
    budgets(tdir, "  - {name: m, amount: 60, period: month, time_zone: UTC}\n")
    b = section(tdir)["budgets"][0]
    # The same inputs by hand: each call's local day, summed in nanodollars.
    t = tel_for(tdir)
    ts, cost = t.tables.calls.col("ts"), t.tables.calls.col("cost")
    day = (ts // D * D).astype(np.int64)
    days, inv = np.unique(day, return_inverse=True)
    sums = np.bincount(inv, weights=cost).astype(np.int64)
    bounds = period_bounds(NOW, "month", UTC)
    spent = int(sums[days >= bounds[0]].sum())
    fc = forecast_period(days, sums, spent, bounds, NOW, UTC, budget_nd=60 * 10**9)
    assert b["spent"] == pytest.approx(spent / 1e9)
    assert b["projected"] == pytest.approx(fc.projected_nd / 1e9)
    assert (b["low"], b["high"]) == pytest.approx((fc.low_nd / 1e9, fc.high_nd / 1e9))
    assert b["forecast_percent"] == pytest.approx(100 * fc.projected_nd / (60 * 10**9), abs=1e-3)
    assert b["percent"] == pytest.approx(100 * spent / (60 * 10**9), abs=1e-3)
    if fc.run_out_epoch is None:
        assert b["outlook"].startswith("on track: ~$")
    else:
        assert b["outlook"].startswith("runs out Jan ")


def test_burn_rates(tdir: Path) -> None:
    append(
        tdir,
        [
            call(600, estimated_cost=1.0),
            call(5 * 3600, estimated_cost=2.0),
            call(3 * D, estimated_cost=4.0),
        ],
    )
    budgets(tdir, "  - {name: m, amount: 60, period: month, time_zone: UTC}\n")
    b = section(tdir)["budgets"][0]
    assert (b["burn_hour"], b["burn_day"], b["burn_week_daily"]) == pytest.approx((1, 3, 1))


def _engine(d: Path, now: float) -> AlertEngine:
    return AlertEngine(d, tel_for(d), clock=lambda: now)


def _fired(d: Path, now: float) -> list[tuple[str, float]]:
    e = _engine(d, now)
    notes = e.evaluate_budgets(now)
    e.close()
    return [(n.labels["budget"], n.threshold) for n in notes]


def test_each_level_fires_once_per_period_across_restarts(tdir: Path) -> None:
    budgets(tdir, "  - {name: m, amount: 10, period: month, time_zone: UTC, channels: [stdout]}\n")
    append(tdir, [call(3600, estimated_cost=6.0)])
    assert _fired(tdir, NOW) == [("m", 50.0)]
    assert _fired(tdir, NOW + 1) == []  # a new engine (a restart) finds the level fired
    append(tdir, [call(60, estimated_cost=3.0)])  # 90%
    assert _fired(tdir, NOW + 2) == [("m", 80.0)]
    append(tdir, [call(30, estimated_cost=0.5), call(30, estimated_cost=0.5)])
    assert _fired(tdir, NOW + 3) == [("m", 100.0)]
    assert _fired(tdir, NOW + 4) == []
    # Late records for a past period (December) never re-fire it, nor count now.
    append(tdir, [call(NOW - START + 5 * D, estimated_cost=500.0)])
    assert _fired(tdir, NOW + 5) == []
    # A new period starts quiet: February, with no spend yet.
    feb = period_bounds(NOW, "month", UTC)[1] + 3600
    assert _fired(tdir, feb) == []
    e = _engine(tdir, NOW)
    assert e.store.pending_count() == 3  # one stdout row per level, queued once
    e.close()


def test_levels_reached_together_are_one_notification(tdir: Path) -> None:
    budgets(tdir, "  - {name: m, amount: 1, period: day, time_zone: UTC, channels: [stdout]}\n")
    append(tdir, [call(60, estimated_cost=5.0)])
    assert _fired(tdir, NOW) == [("m", 100.0)]
    mon = BudgetMonitor(tdir, tel_for(tdir), UTC)
    e = _engine(tdir, NOW)
    levels = mon.section(NOW, e.store, True).budgets[0].levels
    assert [lv.fired for lv in levels] == [True, True, True]
    e.close()


def test_two_processes_racing_fire_each_level_once(tdir: Path) -> None:
    budgets(tdir, "  - {name: m, amount: 1, period: day, channels: [stdout]}\n")
    now = time.time()  # the processes evaluate at the wall clock
    append(tdir, [call(NOW - now + 5, estimated_cost=0.6), call(NOW - now + 1, estimated_cost=0.3)])
    code = (
        "import sys;from empathy_monitor.alerts.engine import AlertEngine;"
        "from pathlib import Path;e=AlertEngine(Path(sys.argv[1]));"
        "[e.evaluate_budgets() for _ in range(20)];e.close()"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tdir)]) for _ in range(2)]
    assert [p.wait(60) for p in procs] == [0, 0]
    e = AlertEngine(tdir)
    rows = e.store._conn.execute("SELECT rule, notification FROM outbox").fetchall()
    levels = e.store._conn.execute("SELECT level FROM budget_levels").fetchall()
    e.close()
    assert len(rows) == 1 and sorted(x[0] for x in levels) == [50.0, 80.0]


def test_untrusted_sidecar_shows_state_and_queues_nothing(tdir: Path) -> None:
    budgets(tdir, "  - {name: m, amount: 1, period: month, channels: [vscode, stdout]}\n")
    append(tdir, [call(60, estimated_cost=0.9)])
    t = tel_for(tdir)
    untrusted = AlertsPlugin(tdir, t, actions=False)
    fired, sec, _ = BudgetsPlugin(untrusted, trusted=False).evaluate(NOW)
    assert fired == 0 and sec is not None and sec["budgets"][0]["percent"] == pytest.approx(90)
    assert sec["can_fire"] is False
    assert not (tdir / "alerts.db").exists() or untrusted.engine.store.pending_count() == 0
    untrusted.close()
    trusted = AlertsPlugin(tdir, t, actions=True)
    fired, sec, _ = BudgetsPlugin(trusted, trusted=True).evaluate(NOW)
    assert fired == 1  # the level was not used up by the untrusted one
    assert [p["rule"] for p in trusted.take_fired()] == ["budget:m"]
    assert [lv["fired"] for lv in sec["budgets"][0]["levels"]] == [True, True, False]
    trusted.close()


def test_budget_and_forecast_percent_metrics(tdir: Path) -> None:
    budgets(tdir, "  - {name: m, amount: 10, period: month, time_zone: UTC}\n")
    append(tdir, [call(60, estimated_cost=4.0)])
    e = _engine(tdir, NOW)
    ctx = MetricContext(e._telemetry(), NOW)
    ctx.budgets = e.budgets
    r = evaluate_metric(Condition(metric="budget_percent", threshold=30, budget="m"), ctx)
    assert r.value == pytest.approx(40.0)
    f = evaluate_metric(Condition(metric="forecast_percent", threshold=100, budget="m"), ctx)
    st = e.budgets.section(NOW, None, False).budgets[0]
    assert f.value == pytest.approx(st.forecast_percent) and f.value > r.value
    missing = evaluate_metric(Condition(metric="budget_percent", threshold=1, budget="x"), ctx)
    assert missing.value is None
