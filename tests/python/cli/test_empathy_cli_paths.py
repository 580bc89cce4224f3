"""`empathy` top-level paths: default folder, user mistakes, JSONL export, bare command, terminal details."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from telemetry_fixtures import call, write_lines

from empathy_monitor import terminal
from empathy_monitor.analytics import WindowSpec
from empathy_monitor.cli import main
from empathy_monitor.telemetry import Telemetry
from empathy_monitor.workspace import default_dirs


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_default_dir_falls_back_to_attune_only_when_empathy_is_missing(tmp_path: Path) -> None:
    assert default_dirs(tmp_path) == [tmp_path / ".empathy"]
    (tmp_path / ".attune").mkdir()
    assert default_dirs(tmp_path) == [tmp_path / ".attune"]
    (tmp_path / ".empathy").mkdir()
    assert default_dirs(tmp_path) == [tmp_path / ".empathy"]


def test_telemetry_reads_attune_from_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_lines(tmp_path / ".attune" / "llm_calls.jsonl", [call("a", "2026-03-10T09:00:00")])
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(["telemetry", "--range", "all", "--json"], capsys)
    assert rc == 0
    assert json.loads(out)["overview"]["calls"] == 1


def test_dir_that_is_a_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "not-a-dir"
    f.write_text("x")
    rc, out, err = run(["telemetry", "--dir", str(f)], capsys)
    assert rc == 2 and out == ""
    assert err.strip() == f"empathy: error: --dir {f}: not a directory"


def test_export_jsonl_to_file(
    tdir: Path, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    write_lines(
        tdir / "llm_calls.jsonl",
        [call("b", "2026-03-10T10:00:00", estimated_cost=0.25), call("a", "2026-03-10T09:00:00")],
    )
    out_file = tmp_path / "calls.jsonl"
    rc = main(["telemetry", "export", "--dir", str(tdir), "--range", "all", "--format", "jsonl",
               "--out", str(out_file), "--tz", "UTC"])  # fmt: skip
    assert rc == 0
    rows = [json.loads(x) for x in out_file.read_text().splitlines()]
    assert [r["call_id"] for r in rows] == ["a", "b"]  # oldest first
    assert rows[1]["cost"] == 0.25 and rows[1]["timestamp"] == "2026-03-10T10:00:00+00:00"
    assert "wrote 2 rows" in capfdbinary.readouterr().err.decode()


def test_export_jsonl_stdout(tdir: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    write_lines(tdir / "llm_calls.jsonl", [call("a", "2026-03-10T09:00:00", provider="openai")])
    rc = main(["telemetry", "export", "--dir", str(tdir), "--range", "all", "--format", "jsonl",
               "--provider", "openai"])  # fmt: skip
    assert rc == 0
    lines = capfdbinary.readouterr().out.decode().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["provider"] == "openai"


def test_demo_rejects_bad_now_and_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = str(tmp_path / ".empathy")
    rc, _, err = run(["demo", "--dir", d, "--now", "yesterday"], capsys)
    assert rc == 2 and "--now 'yesterday': not an ISO 8601 date-time" in err
    rc, _, err = run(["demo", "--dir", d, "--calls", "0"], capsys)
    assert rc == 2 and "at least 1" in err
    assert not (tmp_path / ".empathy").exists()


def test_demo_is_reproducible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a" / ".empathy", tmp_path / "b" / ".empathy"
    for d in (a, b):
        rc, out, _ = run(["demo", "--dir", str(d), "--calls", "50", "--days", "2",
                          "--now", "2026-03-10T12:00:00"], capsys)  # fmt: skip
        assert rc == 0 and out.startswith("wrote 50 calls")
    assert (a / "llm_calls.jsonl").read_bytes() == (b / "llm_calls.jsonl").read_bytes()


def test_bare_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run([], capsys)
    assert rc == 2 and out == ""
    assert "telemetry" in err and "demo" in err


def test_broken_pipe_is_a_quiet_exit(monkeypatch: pytest.MonkeyPatch, tdir: Path) -> None:
    import empathy_monitor.cli as cli

    def boom(_args: object) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "cmd_telemetry", boom)
    assert cli.main(["telemetry", "--dir", str(tdir)]) == 0


def test_terminal_lists_problem_lines_and_counts(tdir: Path) -> None:
    (tdir / "llm_calls.jsonl").write_text(
        json.dumps(call("a", "2026-03-10T09:00:00", estimated_cost=float("nan"))) + "\n"
        "not json\n"
        + json.dumps(call("b", "2026-03-10T09:01:00"))[:40]
        + json.dumps(call("c", "2026-03-10T09:02:00"))
        + "\n"
    )
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    dash = tel.dashboard(WindowSpec(range="all"))
    buf = io.StringIO()
    terminal.render(dash, Console(file=buf, width=160, color_system=None), top=5)
    text = buf.getvalue()
    assert "Data health: 2 records from 1 file(s), 2 malformed, 1 salvaged, 1 flagged" in text
    assert "llm_calls.jsonl:1: flagged: estimated_cost is nan" in text
    assert "llm_calls.jsonl:2: malformed: not valid JSON" in text


def test_terminal_formatting_helpers() -> None:
    assert terminal.money(None) == "—"
    assert terminal.money(0) == "$0.00"
    assert terminal.money(0.0042) == "$0.0042"
    assert terminal.money(1234.5) == "$1,234.50"
    assert terminal.num(None) == "—" and terminal.num(2140, " ms") == "2,140 ms"
    assert terminal.sparkline([]) == ""
    assert terminal.sparkline([0, 0]) == "▁▁"
    assert terminal.sparkline([0, 1, 2]) == "▁▅█"
