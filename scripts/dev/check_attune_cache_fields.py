"""Check that a call line with top-level prompt-cache fields, written by our ``TelemetryStore``,
still reads in the real attune-ai 16.4 reader (a dev check, not a CI test: it installs attune-ai).

    .venv/bin/python scripts/dev/check_attune_cache_fields.py           # makes /tmp/att-cache

It writes the line with this checkout's store, creates a throwaway venv with attune-ai==16.4.0 (as
scripts/dev/make_attune_fixture.py does), reads the file there with attune's TelemetryStore and
TelemetryAnalytics, and prints what that reader saw. Exit 0 when it read the call with its cost.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

VENV = Path("/tmp/att-cache")
READ = """
import json, sys
from attune.models.telemetry.storage import TelemetryStore
from attune.models.telemetry.analytics import TelemetryAnalytics
store = TelemetryStore(sys.argv[1])
calls = store.get_calls()
summary = TelemetryAnalytics(store).provider_usage_summary()
print(json.dumps({"calls": len(calls), "cost": calls[0].estimated_cost if calls else None,
                  "summary": {k: v["total_cost"] for k, v in summary.items()}}))
"""


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    from empathy_monitor.store import TelemetryStore

    d = Path(tempfile.mkdtemp(prefix="att-cache-"))
    TelemetryStore(d).log_call(
        {
            "call_id": "cache-1",
            "timestamp": "2026-10-20T12:00:00",
            "provider": "anthropic",
            "model_id": "claude-sonnet-4-5",
            "tier": "capable",
            "input_tokens": 1200,
            "output_tokens": 300,
            "cache_read_input_tokens": 50_000,
            "cache_creation_input_tokens": 2_000,
            "estimated_cost": 0.0321,
            "latency_ms": 900,
            "success": True,
        }
    )
    line = (d / "llm_calls.jsonl").read_text()
    print("written:", line.strip())
    assert '"cache_read_input_tokens":50000' in line.replace(" ", ""), "store dropped the field"
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "attune-ai==16.4.0"], check=True)
    out = subprocess.run([str(py), "-c", READ, str(d)], capture_output=True, text=True)
    print("attune-ai 16.4 read:", out.stdout.strip() or out.stderr.strip()[-2000:])
    if out.returncode != 0:
        return 1
    got = json.loads(out.stdout)
    return 0 if got["calls"] == 1 and abs(got["cost"] - 0.0321) < 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
