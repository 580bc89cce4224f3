"""The exact shape of the lines our store writes: what attune-ai 16.4's reader accepts.

attune-ai 16.4 builds each record with ``cls(**data)`` from its dataclasses, so a line with one
top-level key it does not know is refused (``unexpected keyword argument``). Its field names are
taken from the real package into ``tests/fixtures/attune16/fields.json`` by
``scripts/dev/check_attune_cache_fields.py`` (which also reads our lines with attune itself);
attune-ai is never installed into the project. Here every written line is held to those fields
with the same ``cls(**data)`` rule, and read back by our reader with its cache tokens.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from empathy_monitor.store import TelemetryStore
from empathy_monitor.telemetry import Telemetry

FIELDS = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "attune16" / "fields.json").read_text()
)
CALL = {
    "call_id": "c1",
    "timestamp": "2026-10-20T12:00:00",
    "provider": "anthropic",
    "model_id": "claude-sonnet-4-5",
    "input_tokens": 1200,
    "output_tokens": 300,
    "estimated_cost": 0.0321,
}


def attune_reads(kind: str, data: dict[str, Any]) -> Any:
    """attune-ai 16.4's ``from_dict``: its dataclass called with the line's keys."""
    names = FIELDS[kind]
    cls = dataclasses.make_dataclass(
        kind, [(n, Any, dataclasses.field(default=None)) for n in names]
    )
    return cls(**data)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_a_call_with_top_level_cache_tokens_is_written_in_attunes_shape(tmp_path: Path) -> None:
    store = TelemetryStore(tmp_path)
    store.log_call({**CALL, "cache_read_input_tokens": 50_000, "cache_creation_input_tokens": 2000})
    store.log_calls(
        [{**CALL, "call_id": "c2", "cache_read_input_tokens": 9, "metadata": {"source": "x"}}],
        file_name="llm_calls-x.jsonl",
    )
    (one,) = lines(tmp_path / "llm_calls.jsonl")
    (two,) = lines(tmp_path / "llm_calls-x.jsonl")
    for d in (one, two):
        assert list(d) == FIELDS["call"]  # every key, in the writers' order, nothing else
        assert attune_reads("call", d).call_id == d["call_id"]
    assert one["metadata"] == {
        "cache_read_input_tokens": 50_000,
        "cache_creation_input_tokens": 2000,
    }
    assert two["metadata"] == {"source": "x", "cache_read_input_tokens": 9}


def test_a_top_level_value_wins_over_metadata_as_when_read(tmp_path: Path) -> None:
    store = TelemetryStore(tmp_path)
    store.log_call(
        {**CALL, "cache_read_input_tokens": 5, "metadata": {"cache_read_input_tokens": 1}}
    )
    (d,) = lines(tmp_path / "llm_calls.jsonl")
    assert d["metadata"] == {"cache_read_input_tokens": 5}


def test_written_lines_read_back_with_their_cache_tokens(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    store = TelemetryStore(d)
    store.log_call({**CALL, "cache_read_input_tokens": 50_000, "cache_creation_input_tokens": 2000})
    store.log_call({**CALL, "call_id": "c2", "metadata": {"cached_tokens": 200}})
    with (d / "llm_calls.jsonl").open("a") as f:  # another writer's line: cache keys at top level
        f.write(json.dumps({**CALL, "call_id": "c3", "cache_read_input_tokens": 70}) + "\n")
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    c = tel.tables.calls
    assert c.col("cr").tolist() == [50_000, 200, 70]
    assert c.col("cw").tolist() == [2000, 0, 0]
    assert c.col("tin").tolist() == [1200, 1000, 1200]


def test_run_and_stage_lines_hold_only_attunes_keys(tmp_path: Path) -> None:
    store = TelemetryStore(tmp_path)
    stage = {"stage_name": "s", "tier": "capable", "model_id": "m", "cost": 0.01}
    store.log_workflow({"run_id": "r", "workflow_name": "w", "started_at": CALL["timestamp"]})
    store.log_workflow(
        {
            "run_id": "r2",
            "workflow_name": "w",
            "started_at": CALL["timestamp"],
            "project": "p",
            "trigger": "manual",
            "stages": [stage],
        }
    )
    for d in lines(tmp_path / "workflow_runs.jsonl"):
        assert set(d) <= set(FIELDS["run"])
        for s in d["stages"]:
            assert list(s) == FIELDS["stage"]
            attune_reads("stage", s)
        attune_reads("run", {**d, "stages": []})
