"""What a new user reads: the real CLI in a subprocess, output piped (not a TTY).

``alerts test`` says in words whether the condition holds; ``otel status`` names both endpoint
variables; a missing ``--dir`` is named; a filter value that matches nothing is refused with the
known values; piped tables wrap rather than cut cells; counts of one are singular.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from telemetry_fixtures import call, write_lines

REPO = Path(__file__).resolve().parents[3]


def cli(*args: str, cwd: Path, columns: str | None = None) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if "OTEL" not in k and k != "COLUMNS"}
    env["PYTHONPATH"] = str(REPO / "python")
    if columns:
        env["COLUMNS"] = columns
    p = subprocess.run(
        [sys.executable, "-m", "empathy_monitor", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return p.returncode, p.stdout, p.stderr


def now_iso(minutes_ago: float = 1) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).isoformat()


def workspace(tmp_path: Path, calls: list[dict[str, object]]) -> Path:
    d = tmp_path / ".empathy"
    write_lines(d / "llm_calls.jsonl", calls)
    return d


def test_alerts_test_says_plainly_whether_the_condition_holds(tmp_path: Path) -> None:
    d = workspace(
        tmp_path,
        [
            call("a", now_iso(), provider="openai", model_id="gpt-4.1", estimated_cost=1.0),
            call("b", now_iso(), provider="openai", model_id="gpt-4.1", estimated_cost=0.66),
        ],
    )
    (d / "alerts.yaml").write_text(
        """\
alerts:
  - name: budget
    condition: {metric: daily_cost, threshold: 5}
    actions: [stdout]
  - name: tight
    condition: {metric: cost, threshold: 1, window: 1h}
    actions: [stdout]
  - name: errors
    condition: {metric: error_rate, threshold: 5, window: 1h}
    actions: [stdout]
"""
    )
    rc, out, _ = cli("alerts", "test", "--rule", "budget", "--dir", str(d), cwd=tmp_path)
    assert rc == 0
    assert "$1.66 — not above $5.00 (ok)" in out, out
    assert "over 24h" not in out and "(today)" not in out
    assert out.count("2 samples") == 1, out
    rc, out, _ = cli("alerts", "test", "--rule", "tight", "--dir", str(d), cwd=tmp_path)
    assert "$1.66 — above $1.00 (BREACHED)" in out, out
    rc, out, _ = cli("alerts", "test", "--rule", "errors", "--dir", str(d), cwd=tmp_path)
    assert "not judged yet, 2 samples of the 10 needed (ok)" in out, out
    assert out.count("samples") == 1, out


def test_one_is_singular(tmp_path: Path) -> None:
    d = workspace(tmp_path, [call("a", now_iso(), provider="openai", estimated_cost=0.5)])
    (d / "alerts.yaml").write_text(
        "alerts:\n  - name: e\n    condition: {metric: error_rate, threshold: 5, window: 1h}\n"
        "    actions: [stdout]\n"
    )
    rc, out, _ = cli("alerts", "test", "--rule", "e", "--dir", str(d), cwd=tmp_path)
    assert "1 sample " in out and "1 samples" not in out, out
    rc, out, _ = cli("telemetry", "--dir", str(d), cwd=tmp_path, columns="200")
    assert rc == 0 and "1 record from 1 file(s)" in out, out
    rc, out, _ = cli("otel", "status", "--dir", str(d), cwd=tmp_path)
    assert "backlog:      1 line (" in out and "1 lines" not in out, out
    assert not re.search(r"\b1 (calls|runs|retries|samples|lines|spans|files|records)\b", out)


def test_otel_status_names_both_endpoint_variables(tmp_path: Path) -> None:
    d = workspace(tmp_path, [])
    rc, out, _ = cli("otel", "status", "--dir", str(d), cwd=tmp_path)
    assert rc == 0
    line = out.splitlines()[0]
    assert "export is off" in line
    assert "EMPATHY_OTEL_ENDPOINT" in line and "OTEL_EXPORTER_OTLP_ENDPOINT" in line


def test_missing_dir_is_named(tmp_path: Path) -> None:
    _rc, out, err = cli("telemetry", "--dir", "/nonexistent", cwd=tmp_path)
    assert "/nonexistent (the folder does not exist)" in out + err


def test_filter_value_matching_nothing_lists_the_known_values(tmp_path: Path) -> None:
    d = workspace(
        tmp_path,
        [
            call("a", now_iso(), provider="openai", model_id="gpt-4.1", tier="capable"),
            call("b", now_iso(), provider="anthropic", model_id="claude-x", tier="premium"),
        ],
    )
    rc, out, err = cli("telemetry", "--dir", str(d), "--provider", "nosuch", cwd=tmp_path)
    assert rc == 2 and out == ""
    assert "--provider 'nosuch' matches nothing in this window; known: anthropic, openai" in err
    rc, out, err = cli("telemetry", "--dir", str(d), "--model", "gpt-5", "--json", cwd=tmp_path)
    assert rc == 2 and "known: claude-x, gpt-4.1" in err
    # known values that just do not meet: the dashboard, and a note that says so
    rc, out, err = cli(
        "telemetry", "--dir", str(d), "--provider", "openai", "--tier", "premium", cwd=tmp_path
    )
    assert rc == 0 and "match these filters together" in err


def test_piped_output_wraps_cells_instead_of_cutting_them(tmp_path: Path) -> None:
    ts = now_iso()
    long_model = "claude-sonnet-4-5-20250929-extended"
    d = workspace(
        tmp_path,
        [call("a", ts, provider="anthropic", model_id=long_model, workflow_name="code-review")],
    )
    rc, out, _ = cli("telemetry", "--dir", str(d), "--range", "all", cwd=tmp_path)
    assert rc == 0
    assert "…" not in out, out
    shown = datetime.fromisoformat(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert shown in out or ts[:19].replace("T", " ") in out, out
    recent = out[out.index("Recent calls") :].splitlines()
    model_cells = [ln.split("│")[4].strip() for ln in recent if ln.count("│") == 9]
    assert long_model in "".join(model_cells), model_cells  # wrapped over lines, whole
    rc, wide, _ = cli("telemetry", "--dir", str(d), "--range", "all", cwd=tmp_path, columns="220")
    assert long_model in wide and max(len(x) for x in wide.splitlines()) > 150
