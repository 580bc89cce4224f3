"""Users and projects derived from their sessions' sums equal their own sums, and the map steps
aside as soon as one session has two users (or two projects), also when that call is appended
later or a late run moves a session's calls to a project."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor.analytics import WindowSpec, sessionmap
from empathy_monitor.telemetry import Telemetry

from ..telemetry_fixtures import call, run, write_lines

NOW = datetime(2026, 5, 20, 12, tzinfo=timezone.utc)


def _calls(n: int, seed: int, prefix: str = "c") -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        s = rng.randint(0, 40)
        out.append(
            call(
                f"{prefix}{i}",
                (NOW - timedelta(minutes=rng.randint(1, 5000))).isoformat(),
                session_id=f"s{s}",
                user_id=f"u{s % 7}",
                estimated_cost=rng.choice([0.0, 0.004, 0.03]),
                input_tokens=rng.randint(0, 900),
                latency_ms=rng.randint(0, 4000),
                success=rng.random() > 0.1,
                metadata={"run_id": f"r{rng.randint(0, 4)}"},
            )
        )
    return out


def _dims(tel: Telemetry) -> dict[str, Any]:
    r = tel.view(WindowSpec(range="all", now=NOW.timestamp())).render()
    return {k: r[k] for k in ("by_user", "by_project", "by_session", "overview")}


def _both(tel: Telemetry, mp: pytest.MonkeyPatch) -> tuple[dict[str, Any], dict[str, Any]]:
    derived = _dims(tel)
    with mp.context() as m:
        m.setattr(sessionmap, "DERIVED", ())
        m.setattr("empathy_monitor.analytics.blocks.DERIVED", ())
        own = _dims(tel)
    return derived, own


def test_derived_from_sessions_and_stepping_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_lines(tmp_path / "llm_calls.jsonl", _calls(600, 1))
    write_lines(
        tmp_path / "workflow_runs.jsonl",
        [
            run(f"r{k}", "wf", (NOW - timedelta(days=4)).isoformat(), project=f"p{k % 2}")
            for k in range(5)
        ],
    )
    tel = Telemetry([tmp_path], naive_tz="UTC", workers=1)
    tel.refresh()
    smap = sessionmap.session_map(tel.tables)
    assert smap.derivable("user") is not None and smap.derivable("project") is None  # r0..r4 mix
    a, b = _both(tel, monkeypatch)
    assert a == b and len(a["by_user"]) == 7
    # a call putting session s3 under a second user: the user map steps aside
    extra = call(
        "x1",
        (NOW - timedelta(minutes=3)).isoformat(),
        session_id="s3",
        user_id="zed",
        estimated_cost=0.5,
    )
    write_lines(tmp_path / "llm_calls.jsonl", [extra], mode="a")
    tel.refresh()
    assert sessionmap.session_map(tel.tables).derivable("user") is None
    a, b = _both(tel, monkeypatch)
    assert a == b and a["by_user"]["zed"]["call_count"] == 1


def test_projects_derived_and_a_late_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _calls(500, 2)
    for c in calls:  # one run per session: a session is in one project
        c["metadata"] = {"run_id": "run-" + c["session_id"]}
    write_lines(tmp_path / "llm_calls.jsonl", calls)
    write_lines(
        tmp_path / "workflow_runs.jsonl",
        [
            run(f"run-s{k}", "wf", (NOW - timedelta(days=4)).isoformat(), project=f"p{k % 3}")
            for k in range(0, 41, 2)  # the odd sessions' runs come later
        ],
    )
    tel = Telemetry([tmp_path], naive_tz="UTC", workers=1)
    tel.refresh()
    assert sessionmap.session_map(tel.tables).derivable("project") is not None
    a, b = _both(tel, monkeypatch)
    assert a == b and set(a["by_project"]) == {"p0", "p1", "p2", "(none)"}
    write_lines(
        tmp_path / "workflow_runs.jsonl",
        [
            run(f"run-s{k}", "wf", (NOW - timedelta(days=3)).isoformat(), project="late")
            for k in range(1, 41, 2)
        ],
        mode="a",
    )
    tel.refresh()
    a, b = _both(tel, monkeypatch)
    assert a == b and "late" in a["by_project"] and "(none)" not in a["by_project"]
