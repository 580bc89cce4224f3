"""Check that call lines our ``TelemetryStore`` writes with prompt-cache tokens still read in the
real attune-ai 16.4 reader (a dev check, not a CI test: it installs attune-ai).

    .venv/bin/python scripts/dev/check_attune_cache_fields.py            # makes /tmp/att-cache
    .venv/bin/python scripts/dev/check_attune_cache_fields.py --update   # refresh the fields file

It writes calls with cache tokens given at the top level and in ``metadata`` (one ``log_call``,
one batched ``log_calls``, as the mirror and the receiver write) and a workflow run with this
checkout's store, creates a throwaway venv with attune-ai==16.4.0 (as
scripts/dev/make_attune_fixture.py does), reads the files there with attune's TelemetryStore and
TelemetryAnalytics, and prints what that reader saw. It also compares attune's record fields with
tests/fixtures/attune16/fields.json, the file that tests/python/ingest/test_store_shape.py holds
every written line to (attune-ai is never installed into the project's venv). Exit 0 when attune
read every call with its cost and the fields file is current.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

VENV = Path("/tmp/att-cache")
REPO = Path(__file__).resolve().parents[2]
FIELDS = REPO / "tests" / "fixtures" / "attune16" / "fields.json"
READ = """
import dataclasses, json, sys
from attune.models.telemetry import data_models as dm
from attune.models.telemetry.storage import TelemetryStore
from attune.models.telemetry.analytics import TelemetryAnalytics
store = TelemetryStore(sys.argv[1])
calls = store.get_calls()
runs = store.get_workflows()
summary = TelemetryAnalytics(store).provider_usage_summary()
names = lambda c: [f.name for f in dataclasses.fields(c)]
print(json.dumps({"calls": {c.call_id: c.estimated_cost for c in calls},
                  "meta": {c.call_id: c.metadata for c in calls},
                  "runs": [r.run_id for r in runs],
                  "summary": {k: v["total_cost"] for k, v in summary.items()},
                  "fields": {"call": names(dm.LLMCallRecord), "run": names(dm.WorkflowRunRecord),
                             "stage": names(dm.WorkflowStageRecord)}}))
"""
BASE = {
    "timestamp": "2026-10-20T12:00:00",
    "provider": "anthropic",
    "model_id": "claude-sonnet-4-5",
    "tier": "capable",
    "input_tokens": 1200,
    "output_tokens": 300,
    "latency_ms": 900,
    "success": True,
}
CALLS = {  # call id -> (extra keys, its cost)
    "cache-top": (
        {"cache_read_input_tokens": 50_000, "cache_creation_input_tokens": 2_000},
        0.0321,
    ),
    "cache-meta": ({"metadata": {"cache_read_input_tokens": 7, "source": "x"}}, 0.01),
    "plain": ({}, 0.02),
}


def write(d: Path) -> None:
    sys.path.insert(0, str(REPO / "python"))
    from empathy_monitor.store import TelemetryStore

    store = TelemetryStore(d)
    first, *rest = [
        {"call_id": cid, **BASE, **extra, "estimated_cost": cost}
        for cid, (extra, cost) in CALLS.items()
    ]
    store.log_call(first)
    store.log_calls(rest)
    stage = {"stage_name": "s", "tier": "capable", "model_id": "claude-sonnet-4-5", "cost": 0.01}
    store.log_workflow(
        {
            "run_id": "r1",
            "workflow_name": "w",
            "started_at": BASE["timestamp"],
            "project": "p",
            "stages": [stage],
            "total_cost": 0.01,
        }
    )


def main() -> int:
    d = Path(tempfile.mkdtemp(prefix="att-cache-"))
    write(d)
    print("written:\n" + (d / "llm_calls.jsonl").read_text())
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "attune-ai==16.4.0"], check=True)
    out = subprocess.run([str(py), "-c", READ, str(d)], capture_output=True, text=True)
    if out.returncode != 0:
        print("attune-ai 16.4 read failed:", out.stderr.strip()[-2000:])
        return 1
    got = json.loads(out.stdout)
    print("attune-ai 16.4 read:", json.dumps({k: got[k] for k in ("calls", "runs", "summary")}))
    ok = got["runs"] == ["r1"] and got["calls"] == {c: cost for c, (_x, cost) in CALLS.items()}
    ok = ok and got["meta"]["cache-top"]["cache_read_input_tokens"] == 50_000
    if "--update" in sys.argv:
        FIELDS.write_text(json.dumps(got["fields"], indent=2) + "\n")
        print("wrote", FIELDS)
    elif json.loads(FIELDS.read_text()) != got["fields"]:
        print(f"{FIELDS} differs from attune-ai 16.4's fields: run with --update")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
