"""Long alert windows slide forward minute by minute instead of being rebuilt, with equal values."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from empathy_monitor.alerts.metrics import MetricContext, ViewCache, evaluate_metric
from empathy_monitor.alerts.rules import Condition
from empathy_monitor.demo import generate
from empathy_monitor.telemetry import Telemetry

CONDS = [
    Condition(metric="cost", threshold=1, window="7d"),
    Condition(metric="error_rate", threshold=5, window="24h", provider="anthropic"),
    Condition(metric="latency", threshold=900, window="7d", statistic="p95"),
    Condition(metric="latency_spike", threshold=2, window="24h", baseline="7d"),
    Condition(metric="token_spike", threshold=2, window="1d", baseline="3d"),
    Condition(metric="daily_cost", threshold=5, window="today"),
]


@pytest.fixture
def tel(tmp_path: Path) -> Telemetry:
    d = tmp_path / ".empathy"
    generate(d, calls=2500, days=10, seed=4, now=datetime(2026, 3, 10, 12))
    t = Telemetry([d], naive_tz="UTC", workers=1)
    t.refresh()
    return t


def test_cached_views_slide_and_match_fresh_evaluation(tel: Telemetry) -> None:
    cache = ViewCache()
    start = tel.parser.epoch("2026-03-10T09:00:30")
    for minute in range(0, 6 * 60, 37):  # evaluations spread over six hours
        now = start + minute * 60
        slid = [evaluate_metric(c, MetricContext(tel, now, cache)) for c in CONDS]
        fresh = [evaluate_metric(c, MetricContext(tel, now)) for c in CONDS]
        assert [r.value for r in slid] == pytest.approx([r.value for r in fresh])
        assert [r.samples for r in slid] == [r.samples for r in fresh]
        cache.sweep()
    assert cache.slid > 0
    # Each slot (filters, window kind, length) was built once; later minutes only slid. Slots:
    # open 7d (cost + latency share it), open 24h anthropic, open 24h (latency_spike + token_spike
    # share it), closed 7d baseline, closed 3d baseline, today.
    assert cache.rebuilt == 6
