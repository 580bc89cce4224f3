"""Project, user, session and source as filters and breakdowns: totals computed by hand."""

from __future__ import annotations

from pathlib import Path

from telemetry_fixtures import call, run, write_lines

from empathy_monitor.analytics import Filters, WindowSpec
from empathy_monitor.sidecar.publisher import Publisher, ViewKey
from empathy_monitor.telemetry import Telemetry

NOW = "2026-11-20T12:00:00"
ALL = WindowSpec(range="all", now=NOW)


def _c(
    cid: str,
    cost: float,
    user: str | None,
    session: str | None,
    run_id: str | None = None,
    ok: bool = True,
    lat: int = 100,
    source: str | None = None,
) -> dict[str, object]:
    meta: dict[str, object] = {}
    if run_id:
        meta["run_id"] = run_id
    if source:
        meta["source"] = source
    return call(
        cid,
        "2026-11-20T10:00:00",
        user_id=user,
        session_id=session,
        estimated_cost=cost,
        input_tokens=10,
        output_tokens=5,
        success=ok,
        latency_ms=lat,
        metadata=meta,
        workflow_name="wf",
    )


CALLS = [
    _c("c1", 1.0, "alice", "s1", "r1"),
    _c("c2", 2.0, "alice", "s2", "r2", ok=False, lat=300),
    _c("c3", 4.0, "bob", "s2", "r3"),
    _c("c4", 8.0, None, None),  # no user, session or run: every "(none)" group
    _c("c5", 16.0, "bob", "s3", "r-unknown", source="claude-code"),
]
RUNS = [
    run("r1", "wf", "2026-11-20T10:00:00", project="api", total_cost=1.0),
    run("r2", "wf", "2026-11-20T10:00:00", project="api", total_cost=2.0),
    run("r3", "wf", "2026-11-20T10:00:00", project="web", total_cost=4.0),
]


def _tel(tmp_path: Path, runs_first: bool = False) -> Telemetry:
    d = tmp_path / ".empathy"
    write_lines(d / "llm_calls.jsonl", CALLS)
    write_lines(d / "workflow_runs.jsonl", RUNS)
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    return tel


def _cost(section: dict[str, dict[str, object]]) -> dict[str, object]:
    return {k: v["total_cost"] for k, v in section.items()}


def test_breakdowns_by_hand(tmp_path: Path) -> None:
    d = _tel(tmp_path).dashboard(ALL)
    assert _cost(d["by_user"]) == {"bob": 20.0, "(none)": 8.0, "alice": 3.0}
    assert _cost(d["by_session"]) == {"s3": 16.0, "(none)": 8.0, "s2": 6.0, "s1": 1.0}
    # calls join their run's project through metadata.run_id; no run (or an unknown one): (none)
    assert _cost(d["by_project"]) == {"(none)": 24.0, "web": 4.0, "api": 3.0}
    assert _cost(d["by_source"]) == {"claude-code": 16.0, "empathy": 15.0}
    alice = d["by_user"]["alice"]
    assert alice == {
        "call_count": 2,
        "total_tokens": 30,
        "total_cost": 3.0,
        "error_count": 1,
        "avg_latency_ms": 200.0,
        "unpriced_calls": 0,  # every call here has a price (the writer's)
    }


def test_filters_by_each_dimension(tmp_path: Path) -> None:
    tel = _tel(tmp_path)

    def calls(**f: str) -> tuple[int, float]:
        o = tel.dashboard(ALL, Filters(**f))["overview"]
        return o["calls"], o["total_cost"]

    assert calls(user="alice") == (2, 3.0)
    assert calls(user="(none)") == (1, 8.0)
    assert calls(session="s2") == (2, 6.0)
    assert calls(project="api") == (2, 3.0)
    assert calls(project="(none)") == (2, 24.0)
    assert calls(source="claude-code") == (1, 16.0)
    assert calls(user="bob", project="web") == (1, 4.0)
    assert calls(user="nobody") == (0, 0.0)
    # runs follow a project filter (top workflows from runs)
    tw = tel.dashboard(ALL, Filters(project="api"))["top_workflows"]
    assert [(w["workflow_name"], w["run_count"], w["total_cost"]) for w in tw] == [("wf", 2, 3.0)]
    # and the export / activity path too
    rows, total = tel.calls_page(0, 10, Filters(user="bob"))
    assert total == 2 and {r["call_id"] for r in rows} == {"c3", "c5"}


def test_a_run_arriving_later_moves_its_calls_to_its_project_live(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    write_lines(d / "llm_calls.jsonl", CALLS)
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    pub = Publisher(tel)
    for flt in (Filters(), Filters(project="api"), Filters(project="(none)")):
        pub.snapshot(ViewKey("all", None, None, NOW, flt))
    snap = pub.snapshot(ViewKey("all", None, None, NOW, Filters()))
    assert _cost(snap["by_project"]) == {"(none)": 31.0}
    write_lines(d / "workflow_runs.jsonl", RUNS)  # the runs end after their calls
    upd = pub.ingest(tel.refresh())
    assert upd is not None
    assert _cost(upd.changed["by_project"]) == {"(none)": 24.0, "web": 4.0, "api": 3.0}
    # cached views with a project filter catch up too, and agree with a fresh build
    for flt in (Filters(project="api"), Filters(project="(none)")):
        live = pub.snapshot(ViewKey("all", None, None, NOW, flt))
        fresh = tel.dashboard(ALL, flt)
        assert live["overview"]["total_cost"] == fresh["overview"]["total_cost"]
        assert live["by_user"] == fresh["by_user"]


def test_dimension_values_search_the_rest(tmp_path: Path) -> None:
    tel = _tel(tmp_path)
    pub = Publisher(tel)
    pub.snapshot(ViewKey("all", None, None, NOW, Filters(user="alice")))
    rows, total = pub.dimension_values("session", "s", 2)
    assert total == 3 and rows == [("s3", 1, 16.0), ("s2", 2, 6.0)]
    assert pub.dimension_values("user", "AL", 10) == ([("alice", 2, 3.0)], 1)
    # unfiltered: bob is offered although the view is filtered to alice
    assert [r[0] for r in pub.dimension_values("user", "", 10)[0]] == ["bob", "(none)", "alice"]
    assert [r[0] for r in pub.dimension_values("project", "", 10)[0]] == ["(none)", "web", "api"]


def test_every_workflow_is_in_the_table_section(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    write_lines(
        d / "workflow_runs.jsonl",
        [run(f"r{i}", f"wf{i}", "2026-11-20T10:00:00", total_cost=float(i)) for i in range(8)],
    )
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    snap = Publisher(tel, top=5).snapshot(ViewKey("all", None, None, NOW, Filters()))
    assert len(snap["top_workflows"]) == 5
    assert [w["workflow_name"] for w in snap["workflows"]] == [f"wf{i}" for i in range(7, -1, -1)]


def test_cli_filters_and_json_breakdowns(tmp_path: Path) -> None:
    """``empathy telemetry --json --project/--user/--session`` over the same hand-made data."""
    import json
    import os
    import subprocess
    import sys

    _tel(tmp_path)  # writes the files

    def cli(*args: str) -> dict[str, object]:
        env = {**os.environ, "HOME": str(tmp_path), "EMPATHY_CACHE_DIR": str(tmp_path / "c")}
        env.pop("ATTUNE_HOME", None)
        cmd = [sys.executable, "-m", "empathy_monitor", "telemetry", "--json", "--range", "all"]
        cmd += ["--now", NOW, "--tz", "UTC", "--dir", str(tmp_path / ".empathy"), *args]
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        got: dict[str, object] = json.loads(out.stdout)
        return got

    d = cli()
    assert _cost(d["by_project"]) == {"(none)": 24.0, "web": 4.0, "api": 3.0}  # type: ignore[arg-type]
    assert d["by_user"]["bob"] == {  # type: ignore[index]
        "call_count": 2,
        "total_tokens": 30,
        "total_cost": 20.0,
        "error_count": 0,
        "avg_latency_ms": 100.0,
        "unpriced_calls": 0,
    }
    assert _cost(d["by_session"]) == {"s3": 16.0, "(none)": 8.0, "s2": 6.0, "s1": 1.0}  # type: ignore[arg-type]
    assert cli("--project", "api")["overview"]["total_cost"] == 3.0  # type: ignore[index]
    assert cli("--session", "s2")["overview"]["calls"] == 2  # type: ignore[index]
    both = cli("--user", "bob", "--session", "s3")
    assert both["overview"]["total_cost"] == 16.0  # type: ignore[index]
    assert _cost(both["by_user"]) == {"bob": 16.0}  # type: ignore[arg-type]
