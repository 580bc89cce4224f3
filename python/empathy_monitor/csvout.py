"""CSV/JSONL export of call rows: RFC 4180 quoting and spreadsheet-formula neutralising."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import IO, Any, TextIO

import orjson

CSV_COLUMNS = (
    "timestamp",
    "call_id",
    "workflow_name",
    "step_name",
    "provider",
    "model_id",
    "tier",
    "task_type",
    "cost",
    "cost_source",
    "input_tokens",
    "output_tokens",
    "latency_ms",
    "success",
    "error_type",
    "error_message",
    "fallback_used",
    "fallback_chain",
    "retry_count",
    "session_id",
    "user_id",
    "run_id",
    "source_file",
    "source_line",
)
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(v: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        v = " > ".join(str(x) for x in v)
    if isinstance(v, str) and v.startswith(_FORMULA_LEAD):
        return "'" + v
    return v


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    w = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    n = 0
    for r in rows:
        w.writerow([safe_cell(r.get(c)) for c in CSV_COLUMNS])
        n += 1
    return n


def csv_bytes(rows: Iterable[dict[str, Any]]) -> Callable[[IO[bytes]], int]:
    """A ``safewrite.atomic_write`` filler that writes ``rows`` as UTF-8 CSV."""

    def fill(out: IO[bytes]) -> int:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        n = write_csv(rows, text)
        text.flush()
        text.detach()  # the caller owns (fsyncs and closes) the binary file
        return n

    return fill


def jsonl_bytes(rows: Iterable[dict[str, Any]]) -> Callable[[IO[bytes]], int]:
    """A ``safewrite.atomic_write`` filler that writes ``rows`` as JSON lines."""
    return lambda out: write_jsonl(rows, out)


def write_jsonl(rows: Iterable[dict[str, Any]], out: io.BufferedIOBase | Any) -> int:
    n = 0
    for r in rows:
        out.write(orjson.dumps(r) + b"\n")
        n += 1
    return n
