"""The spike metrics judge against a robust baseline (median / MAD of ``budgets.anomaly``), so one
earlier spike does not lift "usual". Hand-computed medians, MADs and scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from alert_helpers import NOW, append, call, run

from empathy_monitor.alerts.baselines import span, usual
from empathy_monitor.alerts.metrics import MetricContext, evaluate_metric
from empathy_monitor.alerts.rules import Condition
from empathy_monitor.telemetry import Telemetry

H = 3600.0


def tel_for(d: Path) -> Telemetry:
    t = Telemetry(dirs=[d], naive_tz="UTC", workers=1)
    t.refresh()
    return t


def test_token_spike_baseline_is_the_median_hour(tdir: Path) -> None:
    # One call in each of the 24 baseline hours: 150 tokens, but 15,000 in one of them. The old
    # mean rate was (23 x 150 + 15,000) / 24 = 768.75/h (1,500 now: 1.95x); the median is 150/h,
    # MAD 0, so the scale is the floor 0.1 x 150 = 15 and the score (1500 - 150) / 15 = 90.
    base = [call(H + 60 + i * H, input_tokens=100, output_tokens=50) for i in range(24)]
    base[5] = call(H + 60 + 5 * H, input_tokens=10_000, output_tokens=5_000)
    append(tdir, [*base, call(60, input_tokens=1000, output_tokens=500)])
    t = tel_for(tdir)
    c = Condition(metric="token_spike", threshold=3, window="1h", baseline="24h")
    r = evaluate_metric(c, MetricContext(t, NOW), 0)
    assert r.value == pytest.approx(10.0)
    assert "150 tokens/h usual" in r.detail and "robust score 90.0" in r.detail
    assert r.baseline_samples == 24


def test_workflow_cost_spike_against_the_median_run(tdir: Path) -> None:
    # review's baseline runs: 0.10 x 4 and one 1.00 -> median 0.10 (mean 0.28: 1.79x); MAD 0 ->
    # scale 0.01, score (0.50 - 0.10) / 0.01 = 40.
    append(
        tdir,
        runs=[run(2 * H + i * 600, "review", 0.10) for i in range(4)]
        + [run(3 * H, "review", 1.0), run(300, "review", 0.50)],
    )
    c = Condition(metric="workflow_cost_spike", threshold=3, window="1h", baseline="24h")
    r = evaluate_metric(c, MetricContext(tel_for(tdir), NOW), 3)
    assert r.value == pytest.approx(5.0)
    assert "robust score 40.0" in r.detail


def test_buckets_sit_on_a_grid_the_size_of_the_window() -> None:
    # A 1 h window ending at 08:00 with a 24 h baseline: the 24 whole hours before 07:00.
    first, k, blen = span(NOW - H, NOW, 24 * H)
    assert (k, blen) == (24, H) and first * blen == NOW - 25 * H
    # 15 minutes into the window the baseline still ends where the window starts (minute grain)
    assert span(NOW - H + 900, NOW + 900, 24 * H)[0] == first
    # median / MAD of the buckets with data (zeros are no data): [2, 4, 6, 100] per hour
    u = usual(np.array([0.0, 2 * H, 4 * H, 6 * H, 100 * H]), H)
    assert u is not None and (u.buckets, u.median, u.mad) == (4, 5.0, 2.0)
    ratio, score = u.judge(20.0)
    assert ratio == pytest.approx(4.0) and score == pytest.approx(15 / (1.4826 * 2))
