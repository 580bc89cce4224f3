"""``--cost writer`` prints exactly what 0.1.0 printed on the upstream-written fixture.

tests/fixtures/v0.1.0 holds 0.1.0's ``telemetry --json`` (two windows) and ``telemetry export``
CSV for tests/fixtures/attune16 (see its README). Every key 0.1.0 printed must be there with the
same value; keys added since (cost sources, prices, dimensions) are extra. The CSV's columns then
are the same, in order, plus ``cost_source``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor.cli import main

FIX = Path(__file__).resolve().parents[2] / "fixtures"
PIN = ["--now", "2026-10-23T12:00:00+00:00", "--tz", "UTC", "--cost", "writer"]


def same_as_before(old: Any, new: Any, path: str = "") -> list[str]:
    """Where ``new`` differs from ``old`` on ``old``'s keys (extra keys in ``new`` are fine)."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [path]
        return [d for k in old for d in same_as_before(old[k], new.get(k, ...), f"{path}.{k}")]
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [path]
        return [
            d
            for i, (a, b) in enumerate(zip(old, new))
            for d in same_as_before(a, b, f"{path}[{i}]")
        ]
    return [] if old == new and type(old) is type(new) else [f"{path}: {old!r} != {new!r}"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["telemetry", *args]) == 0
    return capsys.readouterr().out.replace(str(FIX / "attune16"), "<FIXTURE>")


@pytest.mark.parametrize("rng", ["all", "7d"])
def test_writer_mode_json_is_0_1_0s(rng: str, capsys: pytest.CaptureFixture[str]) -> None:
    old = json.loads((FIX / "v0.1.0" / f"attune16-{rng}.json").read_text())
    new = json.loads(run(capsys, "--json", "--dir", str(FIX / "attune16"), "--range", rng, *PIN))
    assert same_as_before(old, new) == []
    assert {r["cost_source"] for r in new["recent_calls"]} == {"writer"}


def test_writer_mode_csv_is_0_1_0s(capsys: pytest.CaptureFixture[str]) -> None:
    old = list(csv.reader(io.StringIO((FIX / "v0.1.0" / "attune16-all.csv").read_text())))
    out = run(
        capsys, "export", "--dir", str(FIX / "attune16"), "--range", "all", "--format", "csv", *PIN
    )
    new = list(csv.reader(io.StringIO(out)))
    at = new[0].index("cost_source")
    assert new[0][:at] + new[0][at + 1 :] == old[0]
    assert [r[:at] + r[at + 1 :] for r in new[1:]] == old[1:]
    assert {r[at] for r in new[1:]} == {"writer"}
