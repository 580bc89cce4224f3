"""The writer: append one record per line, in one ``write``, in the existing writers' format.

Lines are ``json.dumps(record) + "\\n"`` with the writers' key order and ASCII escapes, so the
empathy-framework / attune-ai readers keep working on files we write. If the file does not end
with a newline (a writer was killed mid-line), a newline is written first so the new record is
never glued onto the torn one.

The tail check (read the last byte, then write) is two steps, so between our own writers it is
done under an exclusive ``flock`` on the file: without it, a writer can read a last byte that
another writer's append is still filling in and add a spurious blank line (4 processes x 5,000
records gave ~40 extra lines). Other writers (empathy-framework, attune-ai) take no lock; their
appends are single ``write`` calls with ``O_APPEND``, which stay safe alongside ours. Where
``flock`` is unavailable (Windows, some network filesystems) we append unlocked, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; append unlocked there
    fcntl = None  # type: ignore[assignment]

from .records import CALL_OPTIONAL_KEYS, LLMCallRecord, WorkflowRunRecord

CALLS_FILE = "llm_calls.jsonl"
RUNS_FILE = "workflow_runs.jsonl"
# Keys that only attune-ai 16.x knows; the 3.x reader rejects unknown keys, so omit them when unset.
_RUN_OPTIONAL_KEYS = ("trigger", "project")


def _line(d: dict[str, Any]) -> bytes:
    return (json.dumps(d) + "\n").encode("ascii")


@contextlib.contextmanager
def _exclusive(fd: int) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``fd`` if the platform and filesystem allow one."""
    locked = False
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            locked = True
        except OSError:  # ENOLCK / EOPNOTSUPP (NFS, some FUSE mounts): degrade to unlocked
            pass
    try:
        yield
    finally:
        if locked:
            fcntl.flock(fd, fcntl.LOCK_UN)


def append_line(path: Path, data: bytes) -> None:
    """Append ``data`` (one or more complete lines) with O_APPEND, repairing a torn tail first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        with _exclusive(fd):
            size = os.fstat(fd).st_size
            if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data
            os.write(fd, data)  # still one write per record: readers never see half of ours
    finally:
        os.close(fd)


def call_dict(record: LLMCallRecord | dict[str, Any]) -> dict[str, Any]:
    """A call as the line we write: exactly the writers' top-level keys.

    Prompt-cache tokens given at the top level are written under ``metadata`` instead: the
    writers' readers build their dataclass with ``cls(**data)`` and refuse any other top-level key
    (attune-ai 16.4: ``unexpected keyword argument 'cache_read_input_tokens'``), while our reader
    finds them in either place (``records.cache_split``). A top-level value wins over one already
    in ``metadata``, as it does when read.
    """
    rec = record if isinstance(record, LLMCallRecord) else LLMCallRecord.model_validate(record)
    d = rec.model_dump()
    cache = {k: v for k in CALL_OPTIONAL_KEYS if (v := d.pop(k, None)) is not None}
    if cache:
        d["metadata"] = {**d["metadata"], **cache}
    return d


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

    def log_calls(
        self, records: Sequence[LLMCallRecord | dict[str, Any]], file_name: str = CALLS_FILE
    ) -> None:
        """Validate and append many calls in one ``write`` (each still one whole line).

        ``file_name`` lets a source keep its own call file (e.g. ``llm_calls-claude-code.jsonl``),
        which the reader picks up like ``llm_calls.jsonl``.
        """
        if not records:
            return
        if (
            "/" in file_name
            or not file_name.startswith("llm_calls")
            or not file_name.endswith(".jsonl")
        ):
            raise ValueError(f"not a call file name: {file_name!r}")
        append_line(self.dir / file_name, b"".join(_line(call_dict(r)) for r in records))
