"""The format registry, file identity and line reading that the tailer, OTel and sidecar share."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from empathy_monitor.ingest import format as formats
from empathy_monitor.ingest.identity import head_hash, safe_head_hash
from empathy_monitor.ingest.lines import (
    LineReader,
    count_lines,
    read_line_at,
    read_lines,
    rfind_lines,
    split_at_lines,
)
from empathy_monitor.records import CALL_DEFAULTS, LLMCallRecord
from empathy_monitor.tables import CallCombo
from empathy_monitor.validation import describe


def touch(p: Path, text: str = "") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_claims_rotated_names_only() -> None:
    for name in ("llm_calls.jsonl", "llm_calls.2026-03-01.jsonl", "workflow_runs-1.jsonl"):
        assert formats.claims(Path(name)), name
    for name in ("llm_calls.json", "alerts.jsonl", "export.jsonl", "otel_cursor.json"):
        assert not formats.claims(Path(name)), name


def test_discover_reads_archive_but_not_cleared(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    live = touch(d / "llm_calls.jsonl")
    rotated = touch(d / "archive" / "2026" / "llm_calls.1.jsonl")
    touch(d / "archive" / "cleared-20260301T000000Z" / "llm_calls.jsonl")
    touch(d / "notes.jsonl")
    assert formats.discover([d, tmp_path / "missing"]) == sorted([live, rotated])


def test_file_and_record_kinds() -> None:
    assert formats.holds(Path("llm_calls.1.jsonl"), "call")
    assert not formats.holds(Path("workflow_runs.jsonl"), "call")
    assert formats.holds(Path("workflow_runs.jsonl"), "run")
    assert not formats.holds(Path("other.jsonl"), "run")
    assert formats.record_kind({"call_id": "c"}) == "call"
    assert formats.record_kind({"run_id": "r"}) == "run"
    assert formats.record_kind({"started_at": "2026-03-01"}) == "run"
    assert formats.record_kind({"timestamp": "x"}) is None
    assert formats.record_kind([1]) is None


def test_call_defaults_come_from_the_model() -> None:
    rec = LLMCallRecord.model_validate({"call_id": "c", "timestamp": "t"})
    for k, v in CALL_DEFAULTS.items():
        assert getattr(rec, k) == v, k
    assert CALL_DEFAULTS["provider"] == "anthropic" and "fallback_chain" not in CALL_DEFAULTS


def test_combo_has_named_fields_and_stays_a_tuple() -> None:
    c = CallCombo("p", "t", "m", None, None, "unknown", None, None, (), 2)
    assert c.source == "empathy"
    assert c.provider == c[0] == "p" and c.breaker == c[9] == 2
    assert c == ("p", "t", "m", None, None, "unknown", None, None, (), 2, "empathy")
    assert hash(c) == hash(tuple(c))


def test_head_hash_identity(tmp_path: Path) -> None:
    p = touch(tmp_path / "llm_calls.jsonl", "a" * 100)
    assert head_hash(p) == head_hash(p, 64) != head_hash(p, 10)
    assert head_hash(p, 0) == b""
    assert safe_head_hash(tmp_path / "gone") is None


def test_lines(tmp_path: Path) -> None:
    p = touch(tmp_path / "f.jsonl", 'one "x"\ntwo\nthree "x"\npartial')
    assert read_line_at(p, 0) == b'one "x"'
    assert read_line_at(p, 8) == b"two"
    assert read_line_at(tmp_path / "gone", 0) is None
    assert list(rfind_lines(p, b'"x"')) == [12, 0]
    lines, end = read_lines(p, 0, p.stat().st_size, 2, 1 << 16)
    assert lines == [(0, b'one "x"'), (8, b"two")] and end == 12
    lines, end = read_lines(p, 12, p.stat().st_size, 10, 1 << 16)
    assert lines == [(12, b'three "x"')] and end == 22  # the partial line waits
    assert count_lines(p, 0, p.stat().st_size) == 3
    ranges = split_at_lines(p, 0, p.stat().st_size, 3)
    assert ranges[0][0] == 0 and ranges[-1][1] == 22
    assert all(a < b for a, b in ranges) and all(r[1] == s[0] for r, s in zip(ranges, ranges[1:]))
    with LineReader() as r:
        assert r.at(p, 8) == b"two" and r.at(p, 0) == b'one "x"'
    with pytest.raises(ValueError):  # an empty file cannot be mapped; callers skip it
        list(rfind_lines(touch(tmp_path / "empty.jsonl"), b"x"))


class _M(BaseModel):
    a: int
    b: int
    c: int
    d: int


def test_one_formatter_three_uses() -> None:
    with pytest.raises(ValidationError) as info:
        _M.model_validate({"a": "x", "b": "y", "c": "z", "d": "w"})
    exc = info.value
    msg = "Input should be a valid integer, unable to parse string as an integer"
    # settings: every error, prefixed, pydantic's wording
    assert describe(exc, "opts") == "; ".join(f"opts.{k}: {msg}" for k in "abcd")
    # decode problems: three, lower-cased, the rest counted, shortened
    three = describe(exc, limit=3, lower=True)
    assert three == "; ".join(f"{k}: {msg.lower()}" for k in "abc") + " (+1 more)"
    short = describe(exc, limit=3, lower=True, max_len=200)
    assert len(short) == 200 and short == three[:199] + "…"
    # OTel skip reasons: the first only
    assert describe(exc, limit=1, count_rest=False, lower=True) == f"a: {msg.lower()}"
    with pytest.raises(ValidationError) as info:
        _M.model_validate(3)
    assert describe(info.value).startswith("record: ")
    assert describe(info.value, "opts").startswith("opts: ")
