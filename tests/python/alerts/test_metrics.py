"""Every metric against hand-computed data."""

from __future__ import annotations

from pathlib import Path

import pytest
from alert_helpers import NOW, append, call, run

from empathy_monitor.alerts.metrics import MetricContext, evaluate_metric
from empathy_monitor.alerts.rules import Condition
from empathy_monitor.telemetry import Telemetry

H = 3600.0
D = 86400.0


def tel_for(d: Path) -> Telemetry:
    t = Telemetry(dirs=[d], naive_tz="UTC", workers=1)
    t.refresh()
    return t


def value(t: Telemetry, **cond: object) -> float | None:
    c = Condition.model_validate({"threshold": 0, **cond})
    return evaluate_metric(c, MetricContext(t, NOW), 0).value


def test_cost_windows_and_daily_cost(tdir: Path) -> None:
    # NOW is 08:00 UTC: 10 min ago, 2 h ago, 7 h ago (today) and 9 h ago (yesterday).
    append(
        tdir,
        [
            call(600, estimated_cost=1.25),
            call(2 * H, estimated_cost=2.0),
            call(7 * H, estimated_cost=4.0),
            call(9 * H, estimated_cost=8.0),
            call(8 * D, estimated_cost=100.0),
        ],
    )
    t = tel_for(tdir)
    assert value(t, metric="cost", window="15m") == 1.25
    assert value(t, metric="cost", window="1h") == 1.25
    assert value(t, metric="cost", window="24h") == 15.25
    assert value(t, metric="cost", window="7d") == 15.25
    assert value(t, metric="daily_cost") == 7.25
    # the same number the panel shows
    dash = t.dashboard(
        t.window(
            __import__("empathy_monitor.analytics", fromlist=["WindowSpec"]).WindowSpec(
                range="today", now=NOW
            )
        )
    )
    assert dash["overview"]["total_cost"] == 7.25


def test_rules_scope_by_project_user_session_and_source(tdir: Path) -> None:
    meta = {"metadata": {"run_id": "r1", "source": "claude-code"}}
    append(
        tdir,
        [
            call(600, estimated_cost=1.0, user_id="ann", session_id="s1", **meta),
            call(700, estimated_cost=2.0, user_id="bob", session_id="s1"),
            call(800, estimated_cost=4.0, user_id="ann", session_id="s2"),
        ],
        runs=[{**run(600, "review", 1.0), "run_id": "r1", "project": "api"}],
    )
    t = tel_for(tdir)
    assert value(t, metric="cost", window="1h", user="ann") == 5.0
    assert value(t, metric="cost", window="1h", session="s1") == 3.0
    assert value(t, metric="cost", window="1h", project="api") == 1.0  # through the run id
    assert value(t, metric="cost", window="1h", project="(none)") == 6.0
    assert value(t, metric="cost", window="1h", source="claude-code") == 1.0
    assert value(t, metric="cost", window="1h", user="bob", session="s2") == 0.0


def test_token_usage(tdir: Path) -> None:
    append(tdir, [call(60, input_tokens=1000, output_tokens=234), call(2 * H)])
    assert value(tel_for(tdir), metric="token_usage", window="1h") == 1234


def test_error_rate_and_fallback_rate(tdir: Path) -> None:
    calls = [call(60 * i, success=i % 4 != 0, fallback_used=i % 5 == 0) for i in range(1, 21)]
    append(tdir, calls)  # 20 calls in the last 20 min: 5 errors (i=4,8,..), 4 fallbacks
    t = tel_for(tdir)
    assert value(t, metric="error_rate", window="1h") == 25.0
    assert value(t, metric="fallback_rate", window="1h") == 20.0
    assert value(t, metric="error_rate", window="1h", provider="openai") is None


def test_latency_avg_and_p95(tdir: Path) -> None:
    append(tdir, [call(60, latency_ms=ms) for ms in range(100, 2100, 100)])  # 100..2000
    t = tel_for(tdir)
    assert value(t, metric="latency", window="1h") == 1050.0
    assert value(t, metric="latency", window="1h", statistic="p95") == 1900.0


def test_latency_spike(tdir: Path) -> None:
    # baseline (the 24h before the last hour): avg 200 ms; last hour: avg 600 ms
    append(
        tdir,
        [call(2 * H + i, latency_ms=200) for i in range(10)]
        + [call(60 + i, latency_ms=600) for i in range(5)],
    )
    t = tel_for(tdir)
    assert value(t, metric="latency_spike", window="1h", baseline="24h") == pytest.approx(3.0)


def test_token_spike(tdir: Path) -> None:
    # baseline 24h: 24 calls of 150 tokens = 150 tokens/h; last hour: 1500 tokens -> 10x
    append(
        tdir,
        [call(H + 60 + i * H * 0.99, input_tokens=100, output_tokens=50) for i in range(24)]
        + [call(60, input_tokens=1000, output_tokens=500)],
    )
    t = tel_for(tdir)
    assert value(t, metric="token_spike", window="1h", baseline="24h") == pytest.approx(10.0)


def test_provider_cost_anomaly(tdir: Path) -> None:
    # openai: $0.24 over the 24h baseline = $0.01/h; $0.05 in the last hour -> 5x.
    # anthropic: steady $0.01/h -> 1x. The anomaly names openai.
    base = [
        call(H + 60 + i * H * 0.99, provider=p, estimated_cost=0.01)
        for i in range(24)
        for p in ("openai", "anthropic")
    ]
    now = [
        call(120, provider="openai", estimated_cost=0.05),
        call(120, provider="anthropic", estimated_cost=0.01),
    ]
    append(tdir, base + now)
    t = tel_for(tdir)
    c = Condition(metric="provider_cost_anomaly", threshold=2, window="1h", baseline="24h")
    r = evaluate_metric(c, MetricContext(t, NOW), 1)
    assert r.value == pytest.approx(5.0)
    assert r.labels == {"provider": "openai"}


def test_unusual_workflow_activity(tdir: Path) -> None:
    # wf "a": 1 call/h in the baseline, 6 in the last hour; wf "b": steady.
    base = [call(H + 60 + i * H * 0.99, workflow_name=w) for i in range(24) for w in "ab"]
    now = [call(60 + i, workflow_name="a") for i in range(6)] + [call(60, workflow_name="b")]
    append(tdir, base + now)
    t = tel_for(tdir)
    c = Condition(metric="unusual_workflow_activity", threshold=3, window="1h", baseline="24h")
    r = evaluate_metric(c, MetricContext(t, NOW), 1)
    assert r.value == pytest.approx(6.0)
    assert r.labels == {"workflow_name": "a"}


def test_workflow_cost_single_run(tdir: Path) -> None:
    append(
        tdir, runs=[run(300, "review", 0.40), run(600, "summarise", 2.50), run(2 * D, "huge", 99.0)]
    )
    t = tel_for(tdir)
    c = Condition(metric="workflow_cost", threshold=1, window="1h")
    r = evaluate_metric(c, MetricContext(t, NOW), 0)
    assert r.value == 2.5
    assert r.labels == {"workflow_name": "summarise"}
    assert r.samples == 2


def test_workflow_cost_spike(tdir: Path) -> None:
    # "review" usually costs $0.10 (4 runs in the baseline); one run now costs $0.50 -> 5x.
    append(
        tdir,
        runs=[run(2 * H + i * 600, "review", 0.10) for i in range(4)]
        + [run(2 * H, "other", 1.0)] * 3
        + [run(300, "review", 0.50), run(300, "other", 1.0)],
    )
    t = tel_for(tdir)
    c = Condition(metric="workflow_cost_spike", threshold=3, window="1h", baseline="24h")
    r = evaluate_metric(c, MetricContext(t, NOW), 3)
    assert r.value == pytest.approx(5.0)
    assert r.labels == {"workflow_name": "review"}


def test_circuit_breaker_open(tdir: Path) -> None:
    append(
        tdir,
        [
            call(600, provider="openai", circuit_breaker_state="closed"),
            call(300, provider="openai", circuit_breaker_state="open"),
            call(300, provider="anthropic", circuit_breaker_state="open"),
            call(60, provider="anthropic", circuit_breaker_state="closed"),
        ],
    )
    t = tel_for(tdir)
    c = Condition(metric="circuit_breaker_open", threshold=0, window="1h")
    r = evaluate_metric(c, MetricContext(t, NOW), 0)
    assert r.value == 1.0
    assert r.labels == {"provider": "openai"}
