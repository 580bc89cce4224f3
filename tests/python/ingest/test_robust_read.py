"""Issue 11: reading never loses or double-counts (tails without newline, encodings, read errors,
rotated names, rewrites in place)."""

from __future__ import annotations

import json
from pathlib import Path

from telemetry_fixtures import call

from empathy_monitor.analytics import WindowSpec
from empathy_monitor.ingest.tailer import TelemetryReader
from empathy_monitor.telemetry import Telemetry
from empathy_monitor.timeparse import TimestampParser

ALL = WindowSpec(range="all")


def rec(cid: str, minute: int = 0) -> str:
    return json.dumps(call(cid, f"2026-01-01T10:{minute:02d}:00"))


def ids(tel: Telemetry) -> list[str]:
    return sorted(r["call_id"] for r in tel.iter_calls(ALL))


# -- item 3: a complete last record without its newline -------------------------------------
def test_whole_last_record_without_newline_is_counted_once(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    p.write_text(rec("a") + "\n" + rec("b"))
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert ids(tel) == ["a", "b"]  # one-shot: counted without waiting
    with p.open("a") as f:
        f.write("\nnot json\n" + rec("c") + "\n")
    tel.refresh()
    assert ids(tel) == ["a", "b", "c"]
    (prob,) = tel.health()["files"][0]["problems"]
    assert prob["line"] == 3  # the late newline is not read as a line of its own
    with p.open("a") as f:
        f.write(rec("d"))
    tel.refresh()
    with p.open("a") as f:
        f.write(rec("e") + "\n")  # glued onto the counted tail
    tel.refresh()
    assert ids(tel) == ["a", "b", "c", "d", "e"]
    fresh = Telemetry([tdir], naive_tz="UTC", workers=1)
    fresh.refresh()
    assert ids(fresh) == ids(tel)


def test_torn_last_line_still_waits(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    p.write_text(rec("a") + "\n" + rec("b")[:-1])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert ids(tel) == ["a"] and tel.health()["malformed"] == 0


def test_sidecar_reader_counts_a_whole_tail_after_the_settle_time(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    p.write_text(rec("a") + "\n" + rec("b"))
    now = [100.0]
    r = TelemetryReader(
        [tdir], TimestampParser("UTC"), workers=1, settle_s=1.0, clock=lambda: now[0]
    )
    res = r.refresh()
    assert r.tables.calls.n == 1 and res.tail_wait == 1.0 and res.tail_paths == [p]
    now[0] += 0.5
    res = r.refresh([p])
    assert r.tables.calls.n == 1 and res.tail_wait == 0.5
    now[0] += 0.6
    res = r.refresh([p])
    assert r.tables.calls.n == 2 and res.tail_wait is None
    with p.open("a") as f:
        f.write("\n")
    r.refresh([p])
    assert r.tables.calls.n == 2
    assert r.files[0].lines == 2 and r.files[0].offset == p.stat().st_size
