"""What an export pass did, ``empathy otel status`` (no network), and the retry backoff."""

from __future__ import annotations

import random
import stat
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..ingest.format import discover
from ..ingest.lines import count_lines
from .config import OtelConfig
from .cursor import CursorState, head_text


@dataclass
class ExportResult:
    """What one :meth:`FileExporter.export_once` did."""

    spans: int = 0
    metric_points: int = 0
    batches: int = 0
    records_skipped: int = 0
    duplicates: int = 0  # records not sent: their call_id / run_id was exported already
    backlog_bytes: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class FileBacklog:
    path: str
    size: int
    offset: int
    metrics_offset: int
    backlog_bytes: int
    backlog_lines: int


@dataclass
class StatusReport:
    """``empathy otel status``: where export goes, what is left, what went wrong last."""

    config: dict[str, Any]
    cursor_path: str | None
    files: list[FileBacklog]
    backlog_bytes: int
    backlog_lines: int
    last_error: str | None
    last_error_at: float | None
    last_success_at: float | None
    spans_exported: int
    records_skipped: int
    last_skip_reason: str | None
    duplicates_skipped: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Backoff:
    """Exponential backoff with ±20 % jitter: 1, 2, 4 … up to ``maximum`` seconds."""

    def __init__(self, initial: float = 1.0, maximum: float = 60.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self.failures = 0

    def next(self) -> float:
        delay: float = min(self.maximum, self.initial * 2.0**self.failures)
        self.failures += 1
        return delay * random.uniform(0.8, 1.2)

    def reset(self) -> None:
        self.failures = 0


def status_report(dirs: Sequence[Path], cursor_path: Path, config: OtelConfig) -> StatusReport:
    """Endpoint, backlog per file and the last error, read from the cursor (no network)."""
    state = CursorState.load(cursor_path)
    files: list[FileBacklog] = []
    for path in discover(dirs):
        try:
            st = path.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        offset = mo = 0
        for cur in state.files:
            if (cur.dev, cur.ino) == (st.st_dev, st.st_ino):
                try:
                    same = head_text(path, cur.head_len) == cur.head
                except OSError:
                    same = False
                if same and st.st_size >= cur.offset:
                    offset, mo = cur.offset, cur.metrics_offset
                break
        files.append(
            FileBacklog(
                path=str(path),
                size=st.st_size,
                offset=offset,
                metrics_offset=mo,
                backlog_bytes=st.st_size - offset,
                backlog_lines=count_lines(path, offset, st.st_size),
            )
        )
    return StatusReport(
        config=config.redacted(),
        cursor_path=str(cursor_path),
        files=files,
        backlog_bytes=sum(f.backlog_bytes for f in files),
        backlog_lines=sum(f.backlog_lines for f in files),
        last_error=state.last_error,
        last_error_at=state.last_error_at,
        last_success_at=state.last_success_at,
        spans_exported=state.spans_exported,
        records_skipped=state.records_skipped,
        last_skip_reason=state.last_skip_reason,
        duplicates_skipped=state.duplicates_skipped,
    )
