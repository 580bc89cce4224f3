"""The step filter end to end: a step lens's numbers equal the panel's snapshot filtered to its
workflow and step, and ``empathy telemetry --workflow W --step S --json``; runs have stages, not
steps, so a step filter counts no runs and top_workflows comes from the step's calls."""

from __future__ import annotations

from pathlib import Path

from lens_fixtures import NOW, Start, cli, cli_numbers, lenses, mapping_workspace

from empathy_monitor.sidecar import protocol as P


async def test_a_step_lens_equals_the_panel_filtered_to_workflow_and_step_and_the_cli(
    start_sidecar: Start, workspace: Path, env: dict[str, str]
) -> None:
    pkg = mapping_workspace(workspace)
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    got = await lenses(c, pkg / "flows.py", range="7d")
    by_step = {(x["workflow"], x["step"]): x["stats"]["current"] for x in got["lenses"]}
    # by hand (mapping_workspace): in the last 7 days scan is c1 ($0.50, 100 ms; c5 is 8 days
    # old), run-tests is c2 ($0.25, 300 ms, failed); nightly-audit's one run r1 has no step
    want = {
        "scan": {"calls": 1, "errors": 0, "runs": 0, "cost": 0.5, "errorRate": 0.0},
        "run-tests": {"calls": 1, "errors": 1, "runs": 0, "cost": 0.25, "errorRate": 100.0},
    }
    p95 = {"scan": 100, "run-tests": 300}
    for step, nums in want.items():
        hand = {**nums, "p95LatencyMs": p95[step]}
        assert by_step[("nightly-audit", step)] == hand
        flt = {"workflow": "nightly-audit", "step": step}
        snap = await c.request(P.SNAPSHOT, {"range": "7d", "now": NOW, "filters": flt})
        assert cli_numbers(snap) == hand  # the snapshot has the CLI's --json sections
        # no run carries a step: top_workflows is the step's calls grouped by workflow
        assert [
            (w["workflow_name"], w["run_count"], w["source"]) for w in snap["top_workflows"]
        ] == [("nightly-audit", 1, "calls")]
        # the step options: the filtered workflow's steps, by cost (unfiltered by step)
        assert snap["filter_options"]["step"] == [
            {"value": "scan", "calls": 1, "cost": 0.5},
            {"value": "run-tests", "calls": 1, "cost": 0.25},
        ]
        args = ("--workflow", "nightly-audit", "--step", step, "--range", "7d", "--now", NOW)
        assert cli_numbers(cli(workspace, *args, env=env)) == hand
    # without a workflow filter every step is offered, summed by name
    snap = await c.request(P.SNAPSHOT, {"range": "7d", "now": NOW})
    assert [o["value"] for o in snap["filter_options"]["step"]] == ["collect", "scan", "run-tests"]
    # a step filter alone spans workflows; an unknown step matches nothing and stays listed
    snap = await c.request(
        P.SNAPSHOT, {"range": "7d", "now": NOW, "filters": {"step": "no-such-step"}}
    )
    assert snap["overview"]["calls"] == 0
    assert {"value": "no-such-step", "calls": 0, "cost": 0.0} in snap["filter_options"]["step"]
    assert await c.close() == 0
