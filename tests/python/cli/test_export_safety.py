"""Exports never destroy history: telemetry targets are refused, existing files need --force."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.cli import main
from empathy_monitor.safewrite import atomic_write

REPO = Path(__file__).resolve().parents[3]


def export(tdir: Path, out: Path, *extra: str, fmt: str = "csv") -> list[str]:
    return ["telemetry", "export", "--dir", str(tdir), "--range", "all", "--tz", "UTC",
            "--format", fmt, "--out", str(out), *extra]  # fmt: skip


@pytest.fixture
def history(tdir: Path) -> Path:
    p = tdir / "llm_calls.jsonl"
    write_lines(p, [call(f"c{i}", f"2026-03-10T09:00:{i:02d}") for i in range(5)])
    return p


def test_export_onto_the_history_file_is_refused_by_the_real_cli(history: Path, tdir: Path) -> None:
    before = history.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
    for fmt in ("csv", "jsonl"):
        for extra in ((), ("--force",)):
            proc = subprocess.run(
                [sys.executable, "-m", "empathy_monitor", *export(tdir, history, *extra, fmt=fmt)],
                capture_output=True, text=True, env=env, timeout=60,
            )  # fmt: skip
            assert proc.returncode == 2, proc.stderr
            assert "refusing to write" in proc.stderr and "never replace history" in proc.stderr
            assert "Traceback" not in proc.stderr
    assert history.read_bytes() == before
    assert sorted(p.name for p in tdir.iterdir()) == ["llm_calls.jsonl"]  # no temp file left


@pytest.mark.parametrize(
    "name",
    ["alerts.yaml", "alerts.db", "alerts.db-wal", "monitoring.yaml", "otel_cursor.json",
     "workflow_runs.jsonl", "llm_calls.jsonl.1", "llm_calls.jsonl-20261201.gz", "new.csv"],
)  # fmt: skip
def test_every_file_of_the_telemetry_folder_is_refused(
    history: Path, tdir: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tdir / name
    if name != "new.csv":
        target.write_bytes(b"precious\n")
    assert main(export(tdir, target, "--force")) == 2
    assert "refusing to write" in capsys.readouterr().err
    assert not target.exists() if name == "new.csv" else target.read_bytes() == b"precious\n"


def test_links_and_other_configured_dirs_are_refused(
    history: Path, tdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = history.read_bytes()
    link = tmp_path / "out.csv"
    link.symlink_to(history)
    assert main(export(tdir, link, "--force")) == 2
    assert history.read_bytes() == before and link.is_symlink()
    plain = tmp_path / "telem"  # a configured dir with any name is telemetry too
    write_lines(plain / "llm_calls.jsonl", [call("x", "2026-03-10T09:00:00")])
    assert main(export(plain, plain / "report.csv")) == 2
    other = tmp_path / "copy"  # a *.jsonl next to history elsewhere is history
    write_lines(other / "llm_calls.jsonl", [call("y", "2026-03-10T09:00:00")])
    (other / "old.jsonl").write_bytes(b"keep\n")
    assert main(export(tdir, other / "old.jsonl", "--force", fmt="jsonl")) == 2
    assert (other / "old.jsonl").read_bytes() == b"keep\n"
    assert capsys.readouterr().err.count("refusing to write") == 3


def test_existing_file_needs_force(
    history: Path, tdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.csv"
    out.write_bytes(b"mine\n")
    out.chmod(0o600)
    assert main(export(tdir, out)) == 2
    err = capsys.readouterr().err
    assert "the file exists (pass --force to replace it)" in err
    assert out.read_bytes() == b"mine\n"
    assert main(export(tdir, out, "--force")) == 0
    assert len(out.read_text().splitlines()) == 6 and out.stat().st_mode & 0o777 == 0o600
    assert main(export(tdir, tmp_path / "nodir" / "x.csv")) == 2
    assert "No such file or directory" in capsys.readouterr().err


def test_a_failed_export_leaves_the_old_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    out.write_bytes(b"old report\n")

    def fill(f: IO[bytes]) -> int:
        f.write(b"half a rep")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(out, fill)
    assert out.read_bytes() == b"old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
