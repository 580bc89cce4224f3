"""The real CLI in a subprocess, reading a Claude Code transcript with text planted in it: the
calls are there, the planted prompt/response text is in no output and in no file written.

HOME, XDG_CACHE_HOME and EMPATHY_CACHE_DIR all point into the temp folder, so anything the CLI
writes (the export, an index cache) lands where it is grepped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from agent_fixtures import ANSWER, SECRET, claude_home

REPO = Path(__file__).resolve().parents[3]


def _run(args: list[str], ws: Path, env: dict[str, str]) -> str:
    p = subprocess.run(
        [sys.executable, "-m", "empathy_monitor", *args],
        cwd=ws,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    return p.stdout + p.stderr


def test_cli_outputs_and_written_files_hold_no_planted_text(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / ".empathy").mkdir(parents=True)
    home = claude_home(tmp_path / "home", ws)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "OTEL_"))}
    env |= {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "EMPATHY_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": str(REPO / "python"),
        "TZ": "UTC",
    }
    window = ["--range", "all", "--now", "2026-11-21T00:00:00", "--tz", "UTC"]
    dash = _run(["telemetry", "--source", "claude-code", "--json", *window], ws, env)
    out = tmp_path / "out" / "calls.csv"
    out.parent.mkdir()
    exported = _run(
        [
            "telemetry",
            "export",
            "--source",
            "claude-code",
            "--format",
            "csv",
            "--out",
            str(out),
            *window,
        ],
        ws,
        env,
    )
    jsonl = _run(
        ["telemetry", "export", "--source", "claude-code", "--format", "jsonl", *window], ws, env
    )
    found = _run(["sources", "--json", "--source", "claude-code"], ws, env)

    # The outputs say what they should: two calls (req_A streamed twice counts once).
    assert json.loads(dash)["overview"]["calls"] == 2
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert sorted(r["call_id"] for r in rows) == ["claude-code:req_A", "claude-code:req_B"]
    assert "wrote 2 rows" in exported
    assert len(jsonl.strip().splitlines()) == 2
    rep = json.loads(found)
    claude = next(s for s in rep["sources"] if s["source"] == "claude-code")
    assert claude["enabled"] and claude["records"] == 2

    planted = b"".join(p.read_bytes() for p in home.rglob("*.jsonl"))
    assert SECRET.encode() in planted and ANSWER.encode() in planted  # the test can fail
    written = [p for p in tmp_path.rglob("*") if p.is_file() and home not in p.parents]
    assert out in written
    for secret in (SECRET, ANSWER):
        for text in (dash, exported, jsonl, found):
            assert secret not in text
        for p in written:
            assert secret.encode() not in p.read_bytes(), p
