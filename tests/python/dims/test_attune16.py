"""attune-ai 16.x zero-config: calls in ./.attune, runs in the shared home folder, one folder rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from telemetry_fixtures import call, run, write_lines

from empathy_monitor.telemetry import Telemetry
from empathy_monitor.workspace import config_dir, default_dirs, default_layout

T = "2026-11-20T10:00:00"


def _cli(ws: Path, home: Path, *args: str, attune_home: Path | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "ATTUNE_HOME"}
    env["HOME"] = str(home)
    env["EMPATHY_CACHE_DIR"] = str(home / "cache")
    if attune_home is not None:
        env["ATTUNE_HOME"] = str(attune_home)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "empathy_monitor",
            "telemetry",
            "--json",
            "--range",
            "all",
            "--now",
            "2026-11-21T00:00:00",
            "--tz",
            "UTC",
            *args,
        ],
        cwd=ws,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    d: dict[str, object] = json.loads(out.stdout)
    return d


def _layout16(tmp_path: Path, ws_name: str = "shop") -> tuple[Path, Path]:
    """A workspace with calls in .attune/ and a home whose runs belong to three projects."""
    ws, home = tmp_path / ws_name, tmp_path / "home"
    write_lines(
        ws / ".attune" / "llm_calls.jsonl",
        [
            call("c1", T, estimated_cost=1.0, user_id="ann", metadata={"run_id": "r1"}),
            call("c2", T, estimated_cost=2.0, user_id="ben"),
        ],
    )
    tel = home / ".attune" / "telemetry"
    write_lines(
        tel / "workflow_runs.jsonl",
        [
            run("r1", "review", T, project=ws_name, total_cost=1.0, baseline_cost=3.0, savings=2.0),
            run("r2", "deploy", T, project="billing", total_cost=9.0),
            run("r3", "deploy", T, project="billing", total_cost=9.0),
        ],
    )
    # rotated by the writer into archive/: read too
    write_lines(
        tel / "archive" / "workflow_runs-20261101T000000Z.jsonl",
        [
            run("r4", "audit", T, project=ws_name, total_cost=4.0),
            run("r5", "x", T, project="infra", total_cost=5.0),
            run("r6", "x", T, total_cost=5.0),  # no project: another project's, for all we know
        ],
    )
    return ws, home


def test_config_only_empathy_does_not_hide_attune(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_lines(ws / ".attune" / "llm_calls.jsonl", [call("a", T, estimated_cost=1.0)])
    assert config_dir(ws) == ws / ".empathy"  # where `alerts init` writes: .attune holds no config
    (ws / ".empathy").mkdir()
    for name in ("alerts.yaml", "prices.yaml", "budgets.yaml", "monitoring.yaml", "alerts.db"):
        (ws / ".empathy" / name).write_text("# config\n")
    (ws / ".empathy" / "otel_cursor.json").write_text("{}")
    assert default_dirs(ws) == [ws / ".attune"]
    tel = Telemetry(default_dirs(ws), naive_tz="UTC", workers=1)
    tel.refresh()
    assert tel.tables.calls.n == 1
    # both hold telemetry: both are read
    write_lines(ws / ".empathy" / "llm_calls.jsonl", [call("b", T, estimated_cost=2.0)])
    assert default_dirs(ws) == [ws / ".empathy", ws / ".attune"]


def test_config_stays_in_attune_when_only_attune_holds_it(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_lines(ws / ".attune" / "llm_calls.jsonl", [call("a", T)])
    (ws / ".attune" / "alerts.yaml").write_text("rules: []\n")
    assert config_dir(ws) == ws / ".attune"
    (ws / ".empathy").mkdir()
    assert config_dir(ws) == ws / ".empathy"


def test_home_runs_of_this_project_only_and_health_counts_the_rest(tmp_path: Path) -> None:
    ws, home = _layout16(tmp_path)
    d = _cli(ws, home)
    tw = {w["workflow_name"]: w for w in d["top_workflows"]}  # type: ignore[attr-defined]
    assert set(tw) == {"review", "audit"} and tw["review"]["source"] == "runs"
    assert d["savings"]["total_savings"] == 2.0  # type: ignore[index]
    assert d["overview"]["calls"] == 2  # type: ignore[index]
    (scope,) = d["health"]["scopes"]  # type: ignore[index]
    assert scope["path"] == str(home / ".attune" / "telemetry")
    assert (scope["project"], scope["matched_by"]) == ("shop", "folder")
    assert (scope["shown_runs"], scope["hidden_runs"], scope["hidden_projects"]) == (2, 4, 3)
    # calls join the home runs' project through metadata.run_id
    assert {k: v["total_cost"] for k, v in d["by_project"].items()} == {  # type: ignore[attr-defined]
        "(none)": 2.0,
        "shop": 1.0,
    }
    # the filter by user still works over this layout
    assert _cli(ws, home, "--user", "ann")["overview"]["calls"] == 1  # type: ignore[index]


def test_project_name_settles_a_folder_name_clash(tmp_path: Path) -> None:
    ws, home = _layout16(tmp_path)
    d = _cli(ws, home, "--project-name", "billing")
    assert [w["workflow_name"] for w in d["top_workflows"]] == ["deploy"]  # type: ignore[attr-defined]
    (scope,) = d["health"]["scopes"]  # type: ignore[index]
    assert (scope["project"], scope["matched_by"], scope["hidden_runs"]) == (
        "billing",
        "setting",
        4,
    )


def test_attune_home_env_and_dir_override(tmp_path: Path) -> None:
    ws, home = _layout16(tmp_path)
    other = tmp_path / "elsewhere"
    (home / ".attune").rename(other)  # $ATTUNE_HOME/telemetry instead of ~/.attune/telemetry
    d = _cli(ws, home, attune_home=other)
    assert d["health"]["scopes"][0]["path"] == str(other / "telemetry")  # type: ignore[index]
    assert len(d["top_workflows"]) == 2  # type: ignore[arg-type]
    # an explicit --dir wins: no home folder, no scope
    d = _cli(ws, home, "--dir", str(ws / ".attune"), attune_home=other)
    assert d["health"]["scopes"] == []  # type: ignore[index]
    assert d["top_workflows"] == [] and d["health"]["records"] == 2  # type: ignore[index]


def test_no_attune_folder_no_home_runs(tmp_path: Path) -> None:
    ws = tmp_path / "plain"
    write_lines(ws / ".empathy" / "llm_calls.jsonl", [call("a", T)])
    lay = default_layout(ws, env={"HOME": str(tmp_path / "home")})
    assert lay.dirs == [ws / ".empathy"] and lay.scopes == {}


def test_scoped_cache_is_per_project(tmp_path: Path, monkeypatch: object) -> None:
    from empathy_monitor.ingest import statecache

    ws, home = _layout16(tmp_path)
    env = {"HOME": str(home)}
    a, b = default_layout(ws, None, env), default_layout(ws, "billing", env)
    assert statecache.cache_path(a.dirs, "UTC", a.scopes) != statecache.cache_path(
        b.dirs, "UTC", b.scopes
    )
    tel = Telemetry.of(a, naive_tz="UTC", workers=1)
    tel.refresh()
    path = tmp_path / "cache.npz"
    tel.save_cache(path)
    warm = Telemetry.of(a, naive_tz="UTC", workers=1)
    assert warm.load_cache(path)
    warm.refresh()
    assert warm.tables.runs.n == 2 and warm.health()["scopes"][0]["hidden_runs"] == 4
    assert (
        warm.dashboard(
            __import__("empathy_monitor.analytics", fromlist=["WindowSpec"]).WindowSpec(
                range="all", now="2026-11-21T00:00:00"
            )
        )["by_project"]["shop"]["total_cost"]
        == 1.0
    )
