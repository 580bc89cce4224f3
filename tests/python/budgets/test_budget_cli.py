"""``empathy budget`` in real subprocesses: set, status (table and --json), forecast, remove."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from alert_helpers import NOW, append, call


def empathy(d: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "empathy_monitor", "budget", *args, "--dir", str(d)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_set_status_forecast_remove(tdir: Path) -> None:
    ago = NOW - time.time() + 60  # a call a minute ago (the CLI evaluates at the wall clock)
    append(tdir, [call(ago, estimated_cost=3.0), call(ago, estimated_cost=0.0)])
    assert "no budgets" in empathy(tdir).stdout
    r = empathy(
        tdir,
        "set",
        "team",
        "--amount",
        "200",
        "--period",
        "month",
        "--webhook",
        "https://hooks.slack.com/services/x",
    )
    assert r.returncode == 0, r.stderr
    assert "added budget 'team'" in r.stdout
    text = (tdir / "budgets.yaml").read_text()
    assert "format: slack" in text and "- vscode" in text
    r = empathy(tdir, "set", "team", "--amount", "100")
    assert r.returncode == 2 and "--yes" in r.stderr  # replacing asks; no tty: refused
    assert empathy(tdir, "set", "team", "--amount", "100", "--yes").returncode == 0
    assert (
        empathy(
            tdir, "set", "rev", "--amount", "5", "--workflow", "wf", "--period", "week"
        ).returncode
        == 0
    )
    table = empathy(tdir).stdout
    assert "team" in table and "$3.00" in table and "$100.00" in table
    assert "+ 1 unpriced call not included" in table
    data = json.loads(empathy(tdir, "--json").stdout)
    team = next(b for b in data["budgets"] if b["name"] == "team")
    assert team["spent"] == 3.0 and team["percent"] == 3.0 and team["unpriced_calls"] == 1
    fc = empathy(tdir, "forecast", "team")
    assert fc.returncode == 0
    assert "80%:" in fc.stdout and "Method:" in fc.stdout
    method = fc.stdout.split("Method:", 1)[1].strip()
    assert method.count(". ") + 1 == 2  # the method in two sentences
    fj = json.loads(empathy(tdir, "forecast", "--json").stdout)
    assert {b["name"] for b in fj["budgets"]} == {"team", "rev"}
    assert empathy(tdir, "forecast", "nope").returncode == 2
    r = empathy(tdir, "remove", "rev")
    assert r.returncode == 0 and "removed" in r.stdout
    assert "rev" not in (tdir / "budgets.yaml").read_text()
    assert empathy(tdir, "remove", "rev").returncode == 2


def test_bad_file_is_not_rewritten(tdir: Path) -> None:
    p = tdir / "budgets.yaml"
    p.write_text("budgets:\n  - {name: x, amount: -1, period: month}\n")
    r = empathy(tdir, "set", "y", "--amount", "5")
    assert r.returncode == 2 and "budgets.yaml:2:" in r.stderr
    assert "amount: -1" in p.read_text()
