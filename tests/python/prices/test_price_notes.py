"""Writer vs list in words: "your writer prices M 2.0× the list price since DATE" for a flagged
model, in the prices section and `empathy prices`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prices.test_costs import SPEC, _call, _tel

from empathy_monitor.analytics.sections.prices import note
from empathy_monitor.cli import main


def _workspace(tmp_path: Path) -> Path:
    d = tmp_path / ".empathy"
    d.mkdir()
    # 1M in @2.5: list $2.50; the writer says $2.70 (+8%, not flagged) and $5 (2.0x, flagged)
    lines = [
        _call("x", "2026-01-01T00:00:00Z", "openai", "gpt-4o", 1_000_000, 0, 2.7),
        _call("y", "2026-01-01T00:00:00Z", "openai", "gpt-4o-2024-08-06", 1_000_000, 0, 5.0),
    ]
    (d / "llm_calls.jsonl").write_text("".join(json.dumps(c) + "\n" for c in lines))
    return d


def test_a_flagged_model_says_how_many_times_the_list_price(tmp_path: Path) -> None:
    tel = _tel(_workspace(tmp_path))
    models = {m["model"]: m for m in tel.dashboard(SPEC)["prices"]["models"]}
    assert models["gpt-4o"]["note"] is None
    flagged = models["gpt-4o-2024-08-06"]
    since = flagged["valid_from"]
    want = "your writer prices gpt-4o-2024-08-06 2.0× the list price"
    assert flagged["note"] == (f"{want} since {since[:10]}" if since else want)


def test_note_words() -> None:
    assert note("m", 2_000, 1_000, "2026-10-01T00:00:00+00:00") == (
        "your writer prices m 2.0× the list price since 2026-10-01"
    )
    assert note("m", 500, 1_000, None) == "your writer prices m at 50% of the list price"
    assert note("m", 4, 60_000, None) == "your writer prices m at 0.00667% of the list price"


def test_empathy_prices_prints_the_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _workspace(tmp_path)
    assert (
        main(["prices", "--dir", str(d), "--range", "all", "--now", "2026-01-02T00:00:00+00:00"])
        == 0
    )
    out = capsys.readouterr().out
    notes = [ln for ln in out.splitlines() if ln.startswith("! ")]
    assert len(notes) == 1 and "gpt-4o-2024-08-06 2.0× the list price" in notes[0]
