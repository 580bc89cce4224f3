"""Regenerate tests/fixtures/attune16: files written by the real attune-ai 16.4.0 writer, plus its
own analytics output on them (the parity reference). Run with a Python that has attune-ai==16.4.0:

    python -m venv /tmp/att && /tmp/att/bin/pip install attune-ai==16.4.0
    /tmp/att/bin/python scripts/dev/make_attune_fixture.py

attune-ai is never a dependency of the product; only its output is committed.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from attune.models.telemetry.analytics import TelemetryAnalytics
from attune.models.telemetry.data_models import (
    LLMCallRecord,
    WorkflowRunRecord,
    WorkflowStageRecord,
)
from attune.models.telemetry.storage import TelemetryStore

OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "attune16"
NOW = datetime(2026, 10, 23, 12, 0, 0)
SINCE = (NOW - timedelta(days=7)).replace(tzinfo=timezone.utc)  # their reader reads naive as UTC


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    store = TelemetryStore(str(OUT))
    rng = random.Random(16)
    provs = [
        ("anthropic", "claude-sonnet-4-5"),
        ("openai", "gpt-4.1"),
        ("google", "gemini-2.5-pro"),
    ]
    for i in range(400):
        p, m = rng.choice(provs)
        tier = rng.choice(["cheap", "capable", "premium"])
        ts = NOW - timedelta(seconds=rng.randint(0, 12 * 86400))
        fb = rng.random() < 0.1
        ok = rng.random() > 0.05
        store.log_call(
            LLMCallRecord(
                call_id=f"c{i}",
                timestamp=ts.isoformat(),
                workflow_name=rng.choice(["review", "audit", None]),
                step_name="s",
                provider=p,
                tier=tier,
                model_id=m,
                input_tokens=rng.randint(10, 5000),
                output_tokens=rng.randint(0, 2000),
                estimated_cost=round(rng.random() / 10, 6),
                latency_ms=rng.randint(50, 9000),
                fallback_used=fb,
                original_provider=rng.choice(["openai", "anthropic"]) if fb else None,
                fallback_chain=["openai:capable", f"{p}:capable"] if fb else [],
                success=ok,
                error_type=None if ok else "timeout",
            )
        )
    for i in range(60):
        ts = NOW - timedelta(seconds=rng.randint(0, 12 * 86400))
        cost = round(rng.random(), 6)
        base = round(cost * (1 + rng.random() * 3), 6)
        store.log_workflow(
            WorkflowRunRecord(
                run_id=f"r{i}",
                workflow_name=rng.choice(["review", "audit", "docs"]),
                started_at=ts.isoformat(),
                completed_at=(ts + timedelta(seconds=30)).isoformat(),
                stages=[WorkflowStageRecord(stage_name="a", tier="cheap", model_id="m", cost=cost)],
                total_cost=cost,
                baseline_cost=base,
                savings=round(base - cost, 6),
                total_duration_ms=rng.randint(1000, 60000),
            )
        )
    a = TelemetryAnalytics(store)
    expected = {
        "since": SINCE.isoformat(),
        "provider_usage_summary": a.provider_usage_summary(since=SINCE),
        "tier_distribution": a.tier_distribution(since=SINCE),
        "fallback_stats": a.fallback_stats(since=SINCE),
        "cost_savings_report": a.cost_savings_report(since=SINCE),
        "top_expensive_workflows": a.top_expensive_workflows(n=10, since=SINCE),
    }
    (OUT / "expected_attune_analytics.json").write_text(
        json.dumps(expected, indent=1, sort_keys=True)
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
