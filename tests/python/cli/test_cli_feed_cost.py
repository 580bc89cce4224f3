"""The CLI's recent calls show the selected cost mode's cost, and "unpriced" instead of $0.00."""

from __future__ import annotations

import json
from pathlib import Path

from cli.test_cli_clear_words import cli, now_iso, workspace
from telemetry_fixtures import call


def _calls() -> list[dict[str, object]]:
    return [
        call("a", now_iso(2), provider="acme", model_id="mystery-1", estimated_cost=0.0,
             input_tokens=500, output_tokens=100),
        # writer 0, 1M input of gpt-4o at list $2.50
        call("b", now_iso(1), provider="openai", model_id="gpt-4o", estimated_cost=0.0,
             input_tokens=1_000_000, output_tokens=0),
    ]  # fmt: skip


def test_terminal_recent_calls_say_unpriced_and_use_the_mode(tmp_path: Path) -> None:
    d = workspace(tmp_path, _calls())
    rc, out, _ = cli("telemetry", "--dir", str(d), "--range", "all", cwd=tmp_path, columns="200")
    assert rc == 0
    recent = out[out.index("Recent calls") :].splitlines()
    cells = {
        ln.split("│")[4].strip(): ln.split("│")[6].strip() for ln in recent if ln.count("│") == 9
    }
    assert cells == {"mystery-1": "unpriced", "gpt-4o": "$2.50"}
    rc, out, _ = cli(
        "telemetry", "--dir", str(d), "--range", "all", "--cost", "writer", cwd=tmp_path,
        columns="200",
    )  # fmt: skip
    recent = out[out.index("Recent calls") :].splitlines()
    cells = {
        ln.split("│")[4].strip(): ln.split("│")[6].strip() for ln in recent if ln.count("│") == 9
    }
    assert cells == {"mystery-1": "unpriced", "gpt-4o": "$0.00"}  # the writer's own figure


def test_json_recent_calls_carry_cost_and_source(tmp_path: Path) -> None:
    d = workspace(tmp_path, _calls())
    rc, out, _ = cli("telemetry", "--dir", str(d), "--range", "all", "--json", cwd=tmp_path)
    assert rc == 0
    rows = {r["call_id"]: r for r in json.loads(out)["recent_calls"]}
    assert (rows["a"]["cost"], rows["a"]["cost_source"]) == (None, "unpriced")
    assert (rows["b"]["cost"], rows["b"]["cost_source"]) == (2.5, "list")
