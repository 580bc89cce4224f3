"""The durable mirror: agent records copied to .empathy as read, never counted twice."""

from __future__ import annotations

import shutil
from pathlib import Path

from empathy_monitor import sources
from empathy_monitor.sources.mirror import Mirror
from empathy_monitor.telemetry import Telemetry

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "agents"
SECRET = b"SECRET-PROMPT-7f3a"
WS = Path("/work/demo")


def setup(tmp: Path) -> tuple[Path, Path, dict[str, str]]:
    home = tmp / "home"
    shutil.copytree(FIX / "claude" / "home", home)
    return home, tmp / ".empathy", {"HOME": str(home)}


def open_tel(emp: Path, env: dict[str, str]) -> Telemetry:
    tel = Telemetry([emp], "UTC", 1, sources.bindings(["claude-code"], WS, env))
    tel.refresh()
    return tel


def test_mirror_copies_metadata_once_and_takes_over_when_transcripts_go(tmp_path: Path) -> None:
    home, emp, env = setup(tmp_path)
    tel = open_tel(emp, env)
    assert Mirror(emp).sync(tel) == 4
    assert Mirror(emp).sync(tel) == 0  # progress is remembered (a restart copies nothing)
    mirror = emp / "llm_calls-claude-code.jsonl"
    body = mirror.read_bytes()
    assert body.count(b"\n") == 4 and SECRET not in body
    # transcripts present: the mirror's copies are shadowed, nothing counts twice
    tel.refresh()
    assert tel.tables.calls.n == 4
    again = open_tel(emp, env)
    assert again.tables.calls.n == 4
    # Claude Code deletes the old transcripts: the mirror's copies count now, same totals
    shutil.rmtree(home / ".claude/projects/-work-demo")
    tel.refresh()
    assert tel.tables.calls.n == 4
    assert int(tel.tables.calls.col("tin").sum()) == 25
    assert int(tel.tables.calls.col("cw1h").sum()) == 100
    assert int(tel.tables.calls.col("cost").sum()) == 250_000_000
    assert {c.source for c in tel.tables.call_combos.items} == {"claude-code"}
    cold = open_tel(emp, env)  # and after a restart
    assert cold.tables.calls.n == 4


def test_receiver_records_in_the_same_file_always_count(tmp_path: Path) -> None:
    _, emp, env = setup(tmp_path)
    emp.mkdir()
    (emp / "llm_calls-claude-code.jsonl").write_text(
        '{"call_id": "claude-code:req_otel", "timestamp": "2025-06-01T12:00:00+00:00",'
        ' "input_tokens": 1, "output_tokens": 2, "metadata": {"source": "claude-code"}}\n'
    )
    tel = open_tel(emp, env)
    assert tel.tables.calls.n == 5
