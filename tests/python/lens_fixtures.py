"""The code-lens tests' workspace (two workflows with steps, a mention file, a plain file), the
codeLenses request and the CLI's numbers for the same window (shared by test_code_lenses and
test_step_filter)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telemetry_fixtures import call, run, write_lines

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]
NOW = "2025-06-10T12:00:00"

FLOWS = '''"""Two workflows in one file."""


class Nightly:
    name = "nightly-audit"

    def scan(self):
        return "scan"

    def run_tests(self):
        return 1

    def helper(self):
        return 2


@workflow(workflow_name="weekly-report")
def weekly():
    def collect():
        pass

    return collect
'''
MENTIONS = 'RUN = "nightly-audit"\nOTHER = "not-a-workflow"\nGHOST = "ghost-flow"\n'


NOW_TS = datetime.fromisoformat(NOW).replace(tzinfo=UTC).timestamp()


def _iso(t: float) -> str:
    """Naive UTC, as the sidecar (naiveTimezone UTC) and the CLI (--tz UTC) read it."""
    return datetime.fromtimestamp(t, UTC).replace(tzinfo=None).isoformat()


def _ts(hours_ago: float) -> str:
    return _iso(NOW_TS - hours_ago * 3600)


def mapping_workspace(ws: Path) -> Path:
    pkg = ws / "pkg"
    pkg.mkdir()
    (pkg / "flows.py").write_text(FLOWS)
    (pkg / "mentions.py").write_text(MENTIONS)
    (pkg / "plain.py").write_text("def nothing():\n    return 'x'\n")
    calls = [
        call(
            "c1",
            _ts(1),
            workflow_name="nightly-audit",
            step_name="scan",
            estimated_cost=0.5,
            latency_ms=100,
        ),
        call(
            "c2",
            _ts(2),
            workflow_name="nightly-audit",
            step_name="run-tests",
            estimated_cost=0.25,
            latency_ms=300,
            success=False,
            error_type="timeout",
        ),
        call(
            "c3",
            _ts(3),
            workflow_name="weekly-report",
            step_name="collect",
            estimated_cost=1.0,
            latency_ms=2000,
        ),
        call("c4", _ts(4), workflow_name="ghost-flow", estimated_cost=9.0, latency_ms=50),
        call(
            "c5",
            _ts(24 * 8),
            workflow_name="nightly-audit",
            step_name="scan",
            estimated_cost=1.0,
            latency_ms=80,
        ),  # previous 7 days
    ]
    write_lines(ws / ".empathy" / "llm_calls.jsonl", calls)
    write_lines(ws / ".empathy" / "workflow_runs.jsonl", [run("r1", "nightly-audit", _ts(1))])
    return pkg


async def lenses(c: SidecarClient, path: Path, **kw: Any) -> dict[str, Any]:
    res: dict[str, Any] = await c.request(
        P.CODE_LENSES, {"uri": path.resolve().as_uri(), "now": NOW, **kw}, timeout=15
    )
    return res


def cli(ws: Path, *args: str, env: dict[str, str]) -> dict[str, Any] | None:
    """The CLI's JSON; None when it says the workflow has nothing in the window (exit 2)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "empathy_monitor",
            "telemetry",
            "--dir",
            str(ws / ".empathy"),
            "--tz",
            "UTC",
            "--json",
            *args,
        ],
        capture_output=True,
        env=env,
    )
    if proc.returncode == 2 and b"matches nothing in this window" in proc.stderr:
        return None
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def cli_numbers(d: dict[str, Any] | None) -> dict[str, Any]:
    if d is None:
        return {
            "calls": 0,
            "errors": 0,
            "runs": 0,
            "cost": 0.0,
            "errorRate": None,
            "p95LatencyMs": None,
        }
    o = d["overview"]
    return {
        "calls": o["calls"],
        "errors": o["errors"],
        "runs": d["savings"]["workflow_count"],
        "cost": o["total_cost"],
        "errorRate": round(100 - o["success_rate"], 4) if o["success_rate"] is not None else None,
        "p95LatencyMs": o["p95_latency_ms"],
    }
