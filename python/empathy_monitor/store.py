"""The writer: append one record per line, in one ``write``, in the existing writers' format.

Lines are ``json.dumps(record) + "\\n"`` with the writers' key order and ASCII escapes, so the
empathy-framework / attune-ai readers keep working on files we write. If the file does not end
with a newline (a writer was killed mid-line), a newline is written first so the new record is
never glued onto the torn one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .records import LLMCallRecord, WorkflowRunRecord

CALLS_FILE = "llm_calls.jsonl"
RUNS_FILE = "workflow_runs.jsonl"
# Keys that only attune-ai 16.x knows; the 3.x reader rejects unknown keys, so omit them when unset.
_RUN_OPTIONAL_KEYS = ("trigger", "project")


def _line(d: dict[str, Any]) -> bytes:
    return (json.dumps(d) + "\n").encode("ascii")


def append_line(path: Path, data: bytes) -> None:
    """Append ``data`` (one or more complete lines) with O_APPEND, repairing a torn tail first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        os.write(fd, data)
    finally:
        os.close(fd)


def call_dict(record: LLMCallRecord | dict[str, Any]) -> dict[str, Any]:
    rec = record if isinstance(record, LLMCallRecord) else LLMCallRecord.model_validate(record)
    return rec.model_dump()


def run_dict(record: WorkflowRunRecord | dict[str, Any]) -> dict[str, Any]:
    rec = (
        record
        if isinstance(record, WorkflowRunRecord)
        else WorkflowRunRecord.model_validate(record)
    )
    d = rec.model_dump()
    for k in _RUN_OPTIONAL_KEYS:
        if d.get(k) is None:
            d.pop(k, None)
    return d


class TelemetryStore:
    """Appends call and run records under one telemetry directory."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.calls_file = self.dir / CALLS_FILE
        self.workflows_file = self.dir / RUNS_FILE

    def log_call(self, record: LLMCallRecord | dict[str, Any]) -> None:
        """Validate and append one LLM call."""
        append_line(self.calls_file, _line(call_dict(record)))

    def log_workflow(self, record: WorkflowRunRecord | dict[str, Any]) -> None:
        """Validate and append one workflow run."""
        append_line(self.workflows_file, _line(run_dict(record)))
