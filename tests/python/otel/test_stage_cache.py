"""Prompt-cache tokens on workflow stages: read with the call's names and conventions, exported on
the stage span, never written back (attune-ai's stage dataclass has no place for them)."""

from __future__ import annotations

import json
from pathlib import Path

from otel_helpers import run

from empathy_monitor.otel.mapping import run_to_spans
from empathy_monitor.records import WorkflowRunRecord
from empathy_monitor.store import TelemetryStore
from empathy_monitor.timeparse import TimestampParser

FIELDS = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "attune16" / "fields.json").read_text()
)
CREATE = "gen_ai.usage.cache_creation.input_tokens"
READ = "gen_ai.usage.cache_read.input_tokens"


def _stage(name: str, **kw: object) -> dict[str, object]:
    return {"stage_name": name, "tier": "capable", "model_id": "m", "input_tokens": 1000,
            "output_tokens": 10, "latency_ms": 5, **kw}  # fmt: skip


STAGES = [
    # Anthropic: reads and writes apart from input; the TTL split counts both writes
    _stage("a", cache_read_input_tokens=400,
           cache_creation={"ephemeral_5m_input_tokens": 30, "ephemeral_1h_input_tokens": 20}),
    # OpenAI: the prompt includes cached_tokens
    _stage("b", prompt_tokens_details={"cached_tokens": 250}),
    _stage("c", cache_write_input_tokens=7),
    _stage("d"),  # none
    _stage("e", cache_read_input_tokens="9"),  # not a count: left out, the stage still reads
]  # fmt: skip


def test_stage_cache_tokens_reach_the_stage_spans() -> None:
    rec = WorkflowRunRecord.model_validate(run("r1", stages=STAGES))
    assert [s.cache() for s in rec.stages] == [
        (1000, 400, 30, 20), (750, 250, 0, 0), (1000, 0, 7, 0), None, None,
    ]  # fmt: skip
    _root, *spans = run_to_spans(rec, TimestampParser("UTC"))
    got = [(s.attributes.get(READ), s.attributes.get(CREATE)) for s in spans]
    assert got == [(400, 50), (250, None), (None, 7), (None, None), (None, None)]
    assert spans[1].attributes["workflow.stage.input_tokens"] == 1000  # the record's own figure


def test_stage_cache_keys_are_never_written(tmp_path: Path) -> None:
    TelemetryStore(tmp_path).log_workflow(run("r1", stages=STAGES))
    (d,) = [json.loads(x) for x in (tmp_path / "workflow_runs.jsonl").read_text().splitlines()]
    assert [list(s) for s in d["stages"]] == [FIELDS["stage"]] * len(STAGES)
