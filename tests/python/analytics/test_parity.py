"""Same files, same numbers as the existing attune-ai analytics (fixture written by its real writer).

tests/fixtures/attune16 was produced by scripts/dev/make_attune_fixture.py with attune-ai 16.4.0:
the JSONL files by its TelemetryStore, expected_attune_analytics.json by its TelemetryAnalytics.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathy_monitor.analytics import WindowSpec
from empathy_monitor.telemetry import Telemetry

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "attune16"


@pytest.fixture(scope="module")
def ours_and_theirs() -> tuple[dict, dict]:  # type: ignore[type-arg]
    theirs = json.loads((FIX / "expected_attune_analytics.json").read_text())
    tel = Telemetry([FIX], naive_tz="UTC", workers=1)  # their reader reads naive stamps as UTC
    tel.refresh()
    ours = tel.dashboard(WindowSpec(since=theirs["since"]), top=10)
    assert ours["health"]["malformed"] == 0 and ours["health"]["flagged"] == 0
    return ours, theirs


def test_provider_summary(ours_and_theirs: tuple[dict, dict]) -> None:  # type: ignore[type-arg]
    ours, theirs = ours_and_theirs
    exp = theirs["provider_usage_summary"]
    assert set(ours["by_provider"]) == set(exp)
    for p, e in exp.items():
        o = ours["by_provider"][p]
        assert o["call_count"] == e["call_count"]
        assert o["total_tokens"] == e["total_tokens"]
        assert o["error_count"] == e["error_count"]
        assert o["total_cost"] == pytest.approx(e["total_cost"], abs=1e-9)
        assert o["avg_latency_ms"] > 0  # theirs is always 0; we compute it


def test_tier_distribution(ours_and_theirs: tuple[dict, dict]) -> None:  # type: ignore[type-arg]
    ours, theirs = ours_and_theirs
    for t, e in theirs["tier_distribution"].items():
        o = ours["by_tier"][t]
        assert (o["count"], o["tokens"]) == (e["count"], e["tokens"])
        assert o["cost"] == pytest.approx(e["cost"], abs=1e-9)
        assert o["percent"] == pytest.approx(e["percent"], abs=1e-3)


def test_fallback_stats(ours_and_theirs: tuple[dict, dict]) -> None:  # type: ignore[type-arg]
    ours, theirs = ours_and_theirs
    e = theirs["fallback_stats"]
    o = ours["fallback"]
    for k in ("total_calls", "fallback_count", "error_count", "by_original_provider"):
        assert o[k] == e[k], k
    assert o["fallback_percent"] == pytest.approx(e["fallback_percent"], abs=1e-3)
    assert o["error_rate"] == pytest.approx(e["error_rate"], abs=1e-3)


def test_savings_and_top_workflows(ours_and_theirs: tuple[dict, dict]) -> None:  # type: ignore[type-arg]
    ours, theirs = ours_and_theirs
    e = theirs["cost_savings_report"]
    o = ours["savings"]
    assert o["workflow_count"] == e["workflow_count"]
    for k in ("total_actual_cost", "total_baseline_cost", "total_savings", "avg_cost_per_workflow"):
        assert o[k] == pytest.approx(e[k], abs=1e-8), k
    assert o["savings_percent"] == pytest.approx(e["savings_percent"], abs=1e-3)
    exp_top = theirs["top_expensive_workflows"]
    assert [w["workflow_name"] for w in ours["top_workflows"]] == [
        w["workflow_name"] for w in exp_top
    ]
    for o_w, e_w in zip(ours["top_workflows"], exp_top, strict=True):
        assert o_w["run_count"] == e_w["run_count"]
        assert o_w["total_cost"] == pytest.approx(e_w["total_cost"], abs=1e-8)
        assert o_w["total_savings"] == pytest.approx(e_w["total_savings"], abs=1e-8)
        assert o_w["avg_cost"] == pytest.approx(e_w["avg_cost"], abs=1e-8)
        assert o_w["avg_duration_ms"] > 0  # theirs is always 0
