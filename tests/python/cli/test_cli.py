"""The `empathy` command: JSON keys, window flags, errors, empty state, export, demo."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.analytics import SECTIONS
from empathy_monitor.cli import main
from empathy_monitor.telemetry import Telemetry

KEYS = list(SECTIONS)  # the order `empathy telemetry --json` promises


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_json_has_every_section(tdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_lines(tdir / "llm_calls.jsonl", [call("a", "2026-03-10T09:00:00", estimated_cost=0.5)])
    rc, out, _ = run_cli(
        [
            "telemetry",
            "--dir",
            str(tdir),
            "--json",
            "--range",
            "today",
            "--now",
            "2026-03-10T12:00:00",
            "--tz",
            "UTC",
        ],
        capsys,
    )
    assert rc == 0
    d = json.loads(out)
    assert list(d) == KEYS
    assert d["overview"]["calls"] == 1 and d["overview"]["total_cost"] == 0.5
    assert set(d["overview"]) >= {
        "calls",
        "errors",
        "success_rate",
        "total_cost",
        "input_tokens",
        "output_tokens",
        "avg_latency_ms",
        "p50_latency_ms",
        "p95_latency_ms",
        "active_workflows",
    }


def test_terminal_dashboard_renders(tdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from empathy_monitor.demo import generate

    generate(tdir, calls=200, days=3, seed=2)
    rc, out, _ = run_cli(["telemetry", "--dir", str(tdir), "--range", "all"], capsys)
    assert rc == 0
    assert "Total cost" in out and "By provider" in out and "Data health: 200 calls" not in out
    assert "records from 2 file(s)" in out


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (["--range", "yesterday"], "--range 'yesterday': use one of today, 7d, 30d, all"),
        (
            ["--since", "last tuesday"],
            "--since: 'last tuesday' is not an ISO 8601 date or date-time",
        ),
        (["--since", "2026-03-10", "--until", "2026-03-01"], "--until must be after --since"),
        (["--tz", "Mars/Olympus"], "--tz: unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tdir: Path, capsys: pytest.CaptureFixture[str], args: list[str], msg: str
) -> None:
    rc, _out, err = run_cli(["telemetry", "--dir", str(tdir), *args], capsys)
    assert rc == 2
    assert err.strip().startswith("empathy: error: " + msg)
    assert len(err.strip().splitlines()) == 1


def test_dir_that_is_a_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    rc, _, err = run_cli(["telemetry", "--dir", str(f)], capsys)
    assert rc == 2 and "not a directory" in err


def test_missing_dir_is_friendly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run_cli(["telemetry", "--dir", str(tmp_path / "none")], capsys)
    assert rc == 0
    assert "No telemetry yet" in out and "empathy demo" in out


def test_default_dir_prefers_empathy_then_attune(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from empathy_monitor.workspace import default_dirs

    (tmp_path / ".attune").mkdir()
    assert default_dirs(tmp_path) == [tmp_path / ".attune"]
    (tmp_path / ".empathy").mkdir()
    assert default_dirs(tmp_path) == [tmp_path / ".empathy"]


def test_csv_export_quotes_and_neutralises_formulas(
    tdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call(
                "a",
                "2026-03-10T09:00:00",
                workflow_name='=HYPERLINK("http://x")',
                step_name='a,b\n"c"',
                estimated_cost=0.25,
            ),
            call("b", "2026-03-10T09:00:01", workflow_name="@SUM(A1)", error_message="-1+2"),
            call("c", "2026-03-10T09:00:02", workflow_name="plain"),
        ],
    )
    out = tmp_path / "x.csv"
    rc, _, err = run_cli(
        [
            "telemetry",
            "export",
            "--dir",
            str(tdir),
            "--range",
            "all",
            "--format",
            "csv",
            "--out",
            str(out),
            "--tz",
            "UTC",
        ],
        capsys,
    )
    assert rc == 0 and "wrote 3 rows" in err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert [r["call_id"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["workflow_name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["step_name"] == 'a,b\n"c"'
    assert rows[0]["cost"] == "0.25"
    assert rows[1]["workflow_name"] == "'@SUM(A1)" and rows[1]["error_message"] == "'-1+2"
    rc, out_s, _ = run_cli(
        [
            "telemetry",
            "export",
            "--dir",
            str(tdir),
            "--range",
            "all",
            "--format",
            "jsonl",
            "--provider",
            "anthropic",
        ],
        capsys,
    )
    assert [json.loads(x)["call_id"] for x in out_s.splitlines()] == ["a", "b", "c"]


def test_demo_is_reproducible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a" / ".empathy", tmp_path / "b" / ".empathy"
    for d in (a, b):
        rc, out, _ = run_cli(
            [
                "demo",
                "--dir",
                str(d),
                "--calls",
                "300",
                "--days",
                "4",
                "--seed",
                "9",
                "--now",
                "2026-03-10T12:00:00",
            ],
            capsys,
        )
        assert rc == 0 and "wrote 300 calls" in out
    assert (a / "llm_calls.jsonl").read_bytes() == (b / "llm_calls.jsonl").read_bytes()
    from empathy_monitor.analytics import WindowSpec

    t = Telemetry([a], naive_tz="UTC", workers=1)
    t.refresh()
    d = t.dashboard(WindowSpec(range="all"))
    assert set(d["by_provider"]) == {"anthropic", "openai", "google", "ollama"}
    assert set(d["by_tier"]) == {"cheap", "capable", "premium"}
    assert 0 < d["fallback"]["fallback_percent"] < 20 and 0 < d["errors"]["error_rate"] < 12
    assert len(d["top_workflows"]) >= 6 and d["errors"]["retries"]["total_retries"] > 0
    assert d["health"]["malformed"] == 0
    newest = d["recent_calls"][0]["timestamp"]
    assert "2026-03-10T11:00" <= newest < "2026-03-10T12:00"  # data runs right up to --now
    runs = [json.loads(x) for x in (a / "workflow_runs.jsonl").read_text().splitlines()]
    assert all(2 <= len(r["stages"]) <= 4 for r in runs)
    failed = [r for r in runs if not r["success"]]
    assert failed and all(
        any(s["skipped"] for s in r["stages"]) or not r["stages"][-1]["success"] for r in failed
    )
    src = d["recent_calls"][0]
    assert (
        (a.parent / src["source_file"])
        .read_text()
        .splitlines()[src["source_line"] - 1]
        .lstrip()
        .startswith("def ")
    )


def test_module_entry_point(tdir: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "empathy_monitor", "telemetry", "--dir", str(tdir), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and json.loads(r.stdout)["overview"]["calls"] == 0
