"""The step filter in the analytics and the CLI, with numbers worked out by hand: ``--step`` gives
the overview of the panel's view filtered the same way, runs (which have stages, not steps) count
0 and top_workflows groups the step's calls, and the step options follow appends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from telemetry_fixtures import call, run, write_lines

from empathy_monitor.analytics import Filters, WindowSpec
from empathy_monitor.sidecar.publisher import Publisher, ViewKey
from empathy_monitor.telemetry import Telemetry

REPO = Path(__file__).resolve().parents[3]
ALL = WindowSpec(range="all", now="2026-11-21T00:00:00")


def _c(cid: str, wf: str, step: str | None, cost: float, lat: int, ok: bool = True) -> Any:
    return call(
        cid,
        f"2026-11-20T10:00:0{len(cid) % 10}",
        workflow_name=wf,
        step_name=step,
        estimated_cost=cost,
        latency_ms=lat,
        success=ok,
        error_type=None if ok else "timeout",
    )


CALLS = [
    _c("r1", "review", "analyze", 0.50, 100),
    _c("r2", "review", "analyze", 0.25, 300, ok=False),
    _c("r3", "review", "critique", 1.00, 200),
    _c("d1", "docs", "analyze", 2.00, 50),
    _c("n1", "review", None, 0.10, 10),
]


def _ws(tmp_path: Path) -> Path:
    d = tmp_path / ".empathy"
    write_lines(d / "llm_calls.jsonl", CALLS)
    write_lines(d / "workflow_runs.jsonl", [run("w1", "review", "2026-11-20T10:00:00")])
    return d


def _cli(d: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if "OTEL" not in k}
    env["PYTHONPATH"] = str(REPO / "python")
    window = ("--tz", "UTC", "--range", "all", "--now", "2026-11-21T00:00:00")
    return subprocess.run(
        [sys.executable, "-m", "empathy_monitor", "telemetry", "--dir", str(d), *window, *args],
        cwd=d.parent, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _overview(o: dict[str, Any]) -> tuple[Any, ...]:
    return (o["calls"], o["errors"], o["total_cost"], o["p95_latency_ms"])


def test_step_overview_equals_the_cli_and_runs_count_none(tmp_path: Path) -> None:
    d = _ws(tmp_path)
    tel = Telemetry([d], naive_tz="UTC")
    tel.refresh()
    cases = {
        # review/analyze: r1 + r2 = $0.75, 1 error, p95 of [100, 300] (nearest rank 2 of 2)
        ("review", "analyze"): ((2, 1, 0.75, 300), [("review", 2, "calls")]),
        # analyze across workflows: r1 + r2 + d1 = $2.75; docs ($2.00) first by cost
        (None, "analyze"): ((3, 1, 2.75, 300), [("docs", 1, "calls"), ("review", 2, "calls")]),
        ("review", "critique"): ((1, 0, 1.0, 200), [("review", 1, "calls")]),
    }
    for (wf, step), (want, want_tops) in cases.items():
        dash = tel.dashboard(ALL, Filters(workflow=wf, step=step))
        assert _overview(dash["overview"]) == want
        assert dash["savings"]["workflow_count"] == 0  # runs have no steps
        # top_workflows: no run carries a step, so the step's calls grouped by workflow
        tops = [(w["workflow_name"], w["run_count"], w["source"]) for w in dash["top_workflows"]]
        assert tops == want_tops
        flags = (["--workflow", wf] if wf else []) + ["--step", step, "--json"]
        p = _cli(d, *flags)
        assert p.returncode == 0, p.stderr
        assert _overview(json.loads(p.stdout)["overview"]) == want
    # without a step the workflow still counts its run
    assert tel.dashboard(ALL, Filters(workflow="review"))["savings"]["workflow_count"] == 1


def test_an_unknown_step_is_refused_with_the_known_steps(tmp_path: Path) -> None:
    p = _cli(_ws(tmp_path), "--workflow", "review", "--step", "analyse")
    assert p.returncode == 2 and p.stdout == ""
    assert "--step 'analyse' matches nothing in this window; known: analyze, critique" in p.stderr


def test_step_options_list_the_workflows_steps_and_follow_appends(tmp_path: Path) -> None:
    d = _ws(tmp_path)
    tel = Telemetry([d], naive_tz="UTC")
    tel.refresh()
    pub = Publisher(tel)
    key = ViewKey("all", None, None, ALL.now, Filters(workflow="review", step="analyze"))
    snap = pub.snapshot(key)
    opt = lambda v, n, c: {"value": v, "calls": n, "cost": c}  # noqa: E731
    assert snap["filter_options"]["step"] == [opt("critique", 1, 1.0), opt("analyze", 2, 0.75)]
    assert pub.snapshot(ViewKey("all", None, None, ALL.now, Filters()))["filter_options"][
        "step"
    ] == [opt("analyze", 3, 2.75), opt("critique", 1, 1.0)]
    pub.snapshot(key)  # the view followed below
    write_lines(d / "llm_calls.jsonl", [_c("r4", "review", "critique", 0.5, 70)], mode="a")
    write_lines(d / "llm_calls.jsonl", [_c("r5", "review", "summarize", 3.0, 70)], mode="a")
    upd = pub.ingest(tel.refresh())
    assert upd is not None
    want = [opt("summarize", 1, 3.0), opt("critique", 2, 1.5), opt("analyze", 2, 0.75)]
    assert upd.changed["filter_options"]["step"] == want
    # the appended rows folded one by one equal a fresh build of the same files
    fresh = Telemetry([d], naive_tz="UTC")
    fresh.refresh()
    assert Publisher(fresh).snapshot(key)["filter_options"]["step"] == want
