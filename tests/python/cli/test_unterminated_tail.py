"""Issue 11 item 3: one-shot reads count a whole last record that has no newline."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from telemetry_fixtures import call

from empathy_monitor.cli import main


def _write(tdir: Path) -> None:
    now = datetime.now().replace(microsecond=0).isoformat()
    a = json.dumps(call("a", now, estimated_cost=1.0))
    b = json.dumps(call("b", now, estimated_cost=1.0))
    (tdir / "llm_calls.jsonl").write_text(a + "\n" + b)  # the last line has no newline


def test_dashboard_export_and_alert_test_count_the_last_record(
    tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tdir)
    assert main(["telemetry", "--dir", str(tdir), "--range", "all", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["overview"]["calls"] == 2
    assert main(["telemetry", "export", "--dir", str(tdir), "--format", "jsonl"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["call_id"] for x in out] == ["a", "b"]
    assert main(["alerts", "init", "--dir", str(tdir), "--metric", "cost", "--threshold", "1.5",
                 "--stdout", "--yes"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["alerts", "test", "--rule", "cost over 1.5", "--dir", str(tdir), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["value"] == pytest.approx(2.0) and d["breached"] is True
