"""Every dashboard number against hand-computed expectations; incremental == full rebuild."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from telemetry_fixtures import call, run, write_lines

from empathy_monitor.analytics import Filters, WindowSpec
from empathy_monitor.analytics.latency import CAP, LatencyHist
from empathy_monitor.telemetry import Telemetry

NOW = "2026-03-10T12:00:00+00:00"


@pytest.fixture
def tel(tdir: Path) -> Telemetry:
    calls = [
        call(
            "c1",
            "2026-03-10T09:00:00",
            workflow_name="review",
            provider="anthropic",
            tier="cheap",
            model_id="haiku",
            input_tokens=100,
            output_tokens=50,
            estimated_cost=0.10,
            latency_ms=100,
        ),
        call(
            "c2",
            "2026-03-10T09:30:00",
            workflow_name="review",
            provider="anthropic",
            tier="capable",
            model_id="sonnet",
            input_tokens=200,
            output_tokens=100,
            estimated_cost=0.30,
            latency_ms=300,
            retry_count=2,
        ),
        call(
            "c3",
            "2026-03-10T10:00:00",
            workflow_name="audit",
            provider="openai",
            tier="capable",
            model_id="gpt-4.1",
            input_tokens=300,
            output_tokens=0,
            estimated_cost=0.20,
            latency_ms=500,
            success=False,
            error_type="timeout",
            error_message="timed out",
        ),
        call(
            "c4",
            "2026-03-09T23:00:00",
            workflow_name="audit",
            provider="anthropic",
            tier="premium",
            model_id="opus",
            input_tokens=400,
            output_tokens=200,
            estimated_cost=1.00,
            latency_ms=900,
            fallback_used=True,
            original_provider="openai",
            fallback_chain=["openai:premium", "anthropic:premium"],
            circuit_breaker_state="open",
        ),
        call(
            "c5",
            "2026-03-10T11:00:00",
            workflow_name=None,
            provider="ollama",
            tier="local",
            model_id="llama",
            input_tokens=10,
            output_tokens=10,
            estimated_cost=0.0,
            latency_ms=200,
            circuit_breaker_state="closed",
            success=False,
            error_type=None,
        ),
        call(
            "old",
            "2026-02-01T10:00:00",
            provider="openai",
            estimated_cost=5.0,
            latency_ms=50,
            circuit_breaker_state="half-open",
        ),
    ]
    runs = [
        run(
            "r1",
            "review",
            "2026-03-10T09:00:00",
            total_cost=0.40,
            baseline_cost=1.00,
            savings=0.60,
            total_duration_ms=4000,
        ),
        run(
            "r2",
            "review",
            "2026-03-10T10:00:00",
            total_cost=0.20,
            baseline_cost=0.50,
            savings=0.30,
            total_duration_ms=2000,
        ),
        run(
            "r3",
            "audit",
            "2026-03-09T23:00:00",
            total_cost=1.20,
            baseline_cost=1.20,
            savings=0.0,
            total_duration_ms=9000,
        ),
        run("r0", "audit", "2026-01-01T00:00:00", total_cost=9.0, baseline_cost=9.0),
    ]
    write_lines(tdir / "llm_calls.jsonl", calls)
    write_lines(tdir / "workflow_runs.jsonl", runs)
    t = Telemetry([tdir], naive_tz="UTC", workers=1)
    t.refresh()
    return t


def test_overview_numbers(tel: Telemetry) -> None:
    d = tel.dashboard(WindowSpec(range="7d", now=NOW))
    ov = d["overview"]
    assert ov["calls"] == 5
    assert ov["errors"] == 2
    assert ov["success_rate"] == 60.0
    assert ov["total_cost"] == 1.60
    assert ov["input_tokens"] == 1010 and ov["output_tokens"] == 360
    assert ov["avg_latency_ms"] == 400.0  # (100+300+500+900+200)/5
    assert ov["p50_latency_ms"] == 300  # nearest rank: ceil(0.5*5)=3rd of 100,200,300,500,900
    assert ov["p95_latency_ms"] == 900
    assert ov["active_workflows"] == 2


def test_windows_today_since_inclusive_and_until_exclusive(tel: Telemetry) -> None:
    today = tel.dashboard(WindowSpec(range="today", now=NOW))["overview"]
    assert today["calls"] == 4  # c4 was yesterday
    exact = tel.dashboard(
        WindowSpec(since="2026-03-10T09:00:00", until="2026-03-10T10:00:00", now=NOW)
    )
    assert [r["call_id"] for r in exact["recent_calls"]] == ["c2", "c1"]
    assert tel.dashboard(WindowSpec(range="all", now=NOW))["overview"]["calls"] == 6
    assert tel.dashboard(WindowSpec(range="30d", now=NOW))["overview"]["calls"] == 5


def test_by_provider_tier_model(tel: Telemetry) -> None:
    d = tel.dashboard(WindowSpec(range="7d", now=NOW))
    assert d["by_provider"]["anthropic"] == {
        "call_count": 3,
        "total_tokens": 1050,
        "total_cost": 1.4,
        "error_count": 0,
        "avg_latency_ms": 433.333,
        "input_tokens": 700,
        "output_tokens": 350,
    }
    assert list(d["by_provider"]) == ["anthropic", "openai", "ollama"]  # by cost
    assert set(d["by_tier"]) == {"cheap", "capable", "premium", "local"}  # every tier seen
    cap = d["by_tier"]["capable"]
    assert (cap["count"], cap["cost"], cap["tokens"], cap["percent"]) == (2, 0.5, 600, 40.0)
    assert cap["p95_latency_ms"] == 500 and cap["avg_latency_ms"] == 400.0
    assert d["by_model"]["opus"]["provider"] == "anthropic"
    assert d["by_model"]["gpt-4.1"]["error_count"] == 1


def test_cost_series_per_day_and_provider(tel: Telemetry) -> None:
    d = tel.dashboard(WindowSpec(since="2026-03-09", until="2026-03-11", now=NOW))
    assert [p["date"] for p in d["cost_series"]] == ["2026-03-09", "2026-03-10"]
    d9, d10 = d["cost_series"]
    assert d9["cost"] == 1.0 and d9["by_provider"] == {"anthropic": 1.0}
    assert d10["cost"] == 0.6 and d10["by_provider"] == {
        "anthropic": 0.4,
        "ollama": 0.0,
        "openai": 0.2,
    }
    assert d10["calls"] == 4 and d10["errors"] == 2


def test_top_workflows_and_savings_from_runs(tel: Telemetry) -> None:
    d = tel.dashboard(WindowSpec(range="7d", now=NOW))
    assert d["top_workflows"] == [
        {
            "workflow_name": "audit",
            "total_cost": 1.2,
            "run_count": 1,
            "avg_cost": 1.2,
            "total_savings": 0.0,
            "avg_duration_ms": 9000.0,
            "source": "runs",
        },
        {
            "workflow_name": "review",
            "total_cost": 0.6,
            "run_count": 2,
            "avg_cost": 0.3,
            "total_savings": 0.9,
            "avg_duration_ms": 3000.0,
            "source": "runs",
        },
    ]
    assert d["savings"] == {
        "workflow_count": 3,
        "total_actual_cost": 1.8,
        "total_baseline_cost": 2.7,
        "total_savings": 0.9,
        "savings_percent": 33.3333,
        "avg_cost_per_workflow": 0.6,
    }


def test_top_workflows_fall_back_to_calls_without_runs(tdir: Path) -> None:
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call("a", "2026-03-10T09:00:00", workflow_name="x", estimated_cost=0.5, latency_ms=100),
            call(
                "b", "2026-03-10T09:00:01", workflow_name="x", estimated_cost=0.25, latency_ms=300
            ),
            call("c", "2026-03-10T09:00:02", workflow_name="y", estimated_cost=1.0),
        ],
    )
    t = Telemetry([tdir], naive_tz="UTC", workers=1)
    t.refresh()
    top = t.dashboard(WindowSpec(range="all"))["top_workflows"]
    assert [(w["workflow_name"], w["total_cost"], w["run_count"], w["source"]) for w in top] == [
        ("y", 1.0, 1, "calls"),
        ("x", 0.75, 2, "calls"),
    ]
    assert top[1]["avg_duration_ms"] == 200.0


def test_fallback_errors_retries_breakers(tel: Telemetry) -> None:
    d = tel.dashboard(WindowSpec(range="7d", now=NOW))
    fb = d["fallback"]
    assert (fb["total_calls"], fb["fallback_count"], fb["fallback_percent"]) == (5, 1, 20.0)
    assert (fb["error_count"], fb["error_rate"]) == (2, 40.0)
    assert fb["by_original_provider"] == {"openai": 1}
    assert fb["top_chains"] == [{"chain": ["openai:premium", "anthropic:premium"], "count": 1}]
    er = d["errors"]
    assert er["by_type"] == {"timeout": 1, "unknown": 1}
    assert er["retries"] == {"total_retries": 2, "calls_with_retries": 1, "retry_rate": 20.0}
    hours = {h["hour"]: h for h in er["by_hour"]}
    assert (
        hours["2026-03-10T10:00"]["errors"] == 1
        and hours["2026-03-10T10:00"]["error_rate"] == 100.0
    )
    assert len(er["by_hour"]) == 7 * 24 + 1
    cb = d["circuit_breakers"]
    assert cb["anthropic"]["state"] == "open"
    assert cb["anthropic"]["last_opened_at"].startswith("2026-03-09T23:00:00")
    assert cb["openai"]["state"] == "half-open"  # all-time latest, not windowed
    assert cb["ollama"] == {
        "state": "closed",
        "updated_at": "2026-03-10T11:00:00+00:00",
        "last_opened_at": None,
    }


def test_filters(tel: Telemetry) -> None:
    spec = WindowSpec(range="7d", now=NOW)
    d = tel.dashboard(spec, Filters(provider="anthropic"))
    assert d["overview"]["calls"] == 3 and d["overview"]["total_cost"] == 1.4
    assert list(d["circuit_breakers"]) == ["anthropic"]
    d = tel.dashboard(spec, Filters(workflow="review"))
    assert d["overview"]["calls"] == 2
    assert d["savings"]["workflow_count"] == 2
    d = tel.dashboard(spec, Filters(tier="capable", model="sonnet"))
    assert d["overview"]["calls"] == 1
    assert d["top_workflows"][0]["source"] == "calls"  # runs carry no single model
    rows, total = tel.calls_page(0, 10, Filters(provider="openai"))
    assert total == 2 and [r["call_id"] for r in rows] == ["c3", "old"]


def test_activity_paging_covers_whole_history(tel: Telemetry) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        rows, total = tel.calls_page(offset, 2)
        if not rows:
            break
        seen += [r["call_id"] for r in rows]
        offset += len(rows)
    assert total == 6
    assert seen == ["c5", "c3", "c2", "c1", "c4", "old"]


def test_previous_window_for_deltas(tel: Telemetry) -> None:
    w = tel.window(WindowSpec(range="today", now=NOW))
    prev = w.previous()
    assert prev is not None and prev.until == w.since
    assert tel.view(prev).render_overview()["calls"] == 1  # c4 at 23:00 yesterday (12h back)


def test_latency_hist_matches_sorting() -> None:
    rng = random.Random(3)
    vals = [int(rng.lognormvariate(7, 1.2)) for _ in range(5000)] + [CAP + 5, CAP * 3]
    h = LatencyHist()
    for v in vals:
        h.add(v)
    import math

    s = sorted(vals)
    for q in (0.01, 0.5, 0.95, 0.99, 1.0):
        assert h.percentile(q) == s[max(1, math.ceil(q * len(s))) - 1]
    import numpy as np

    h2 = LatencyHist.from_array(np.array(vals))
    assert [h2.percentile(q) for q in (0.5, 0.95, 1.0)] == [
        h.percentile(q) for q in (0.5, 0.95, 1.0)
    ]


def test_incremental_updates_equal_full_rebuild(tdir: Path) -> None:
    from empathy_monitor.demo import generate

    generate(tdir, calls=600, days=3, seed=5, now=__import__("datetime").datetime(2026, 3, 10, 12))
    t = Telemetry([tdir], naive_tz="UTC", workers=1)
    t.refresh()
    spec = WindowSpec(range="7d", now=NOW)
    for filters in (Filters(), Filters(provider="anthropic"), Filters(workflow="code-review")):
        live = t.view(spec, filters)
        before_calls, before_runs = t.tables.calls.n, t.tables.runs.n
        generate(
            tdir,
            calls=300,
            days=1,
            seed=6 + before_calls,
            now=__import__("datetime").datetime(2026, 3, 10, 11, 59),
            write_sources=False,
        )
        r = t.refresh()
        assert r.calls[0] == before_calls and r.runs[0] == before_runs
        live.add_calls(*r.calls)
        live.add_runs(*r.runs)
        fresh = t.view(live.window, filters)
        assert live.render() == fresh.render()


def test_writer_format_is_the_existing_writers(tdir: Path) -> None:
    from empathy_monitor.store import TelemetryStore

    store = TelemetryStore(tdir)
    rec = call("w1", "2026-03-10T09:00:00", workflow_name="naïve", estimated_cost=float("nan"))
    store.log_call(rec)
    store.log_workflow(run("r", "wf", "2026-03-10T09:00:00"))
    line = (tdir / "llm_calls.jsonl").read_text()
    assert line == json.dumps(rec) + "\n"  # key order, ASCII escapes, bare NaN
    assert "\\u00efve" in line and "NaN" in line
    runs_line = json.loads((tdir / "workflow_runs.jsonl").read_text())
    assert (
        "trigger" not in runs_line and "project" not in runs_line
    )  # 3.x readers reject unknown keys


def test_writer_repairs_a_torn_tail(tdir: Path) -> None:
    from empathy_monitor.store import TelemetryStore

    p = tdir / "llm_calls.jsonl"
    p.write_text(json.dumps(call("torn", "2026-03-10T09:00:00"))[:40])
    TelemetryStore(tdir).log_call(call("next", "2026-03-10T09:00:01"))
    lines = p.read_text().split("\n")
    assert lines[1] == json.dumps(call("next", "2026-03-10T09:00:01")) and lines[2] == ""
    t = Telemetry([tdir], naive_tz="UTC", workers=1)
    t.refresh()
    assert t.health()["records"] == 1 and t.health()["malformed"] == 1


def test_overview_only_view_matches_the_full_overview(tel: Telemetry) -> None:
    w = tel.window(WindowSpec(range="7d", now=NOW))
    for filters in (Filters(), Filters(provider="anthropic")):
        full = tel.view(w, filters)
        slim = tel.view(w, filters, overview_only=True)
        assert slim.render_overview() == full.render_overview()
        assert slim.days == {} and slim.tier_hist == {} and slim.recent == []


def test_sliding_a_window_equals_building_it_fresh(tdir: Path) -> None:
    from datetime import datetime

    from empathy_monitor.analytics import Window
    from empathy_monitor.demo import generate
    from empathy_monitor.telemetry import Telemetry

    generate(tdir, calls=1500, days=6, seed=21, now=datetime(2026, 3, 10, 12))
    t = Telemetry([tdir], naive_tz="UTC", workers=1)
    t.refresh()
    base = t.parser.epoch("2026-03-06T00:00:00")
    for filters in (Filters(), Filters(provider="anthropic"), Filters(workflow="code-review")):
        for until in (None, base + 2 * 86400):
            live = t.view(Window("custom", base, until, base + 3 * 86400), filters)
            for step in (60.0, 3600.0, 7 * 3600.0 + 17, 86400.0):
                w = live.window
                since = (w.since or 0) + step
                new_until = None if w.until is None else w.until + step
                live.slide(since, new_until, w.now + step)
                fresh = t.view(live.window, filters)
                assert live.render() == fresh.render(), (filters, until, step)


def test_slide_refuses_to_move_backwards(tel: Telemetry) -> None:
    v = tel.view(WindowSpec(range="7d", now=NOW))
    assert v.window.since is not None
    with pytest.raises(ValueError, match="forward"):
        v.slide(v.window.since - 1, None, v.window.now)
    with pytest.raises(ValueError, match="open"):
        v.slide(v.window.since, v.window.now, v.window.now)
