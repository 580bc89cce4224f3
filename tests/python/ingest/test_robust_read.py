"""Issue 11: reading never loses or double-counts (tails without newline, encodings, read errors,
rotated names, rewrites in place)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from telemetry_fixtures import call, run

from empathy_monitor.analytics import WindowSpec
from empathy_monitor.cli import main
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


# -- item 4: the same call_id / run_id counted once ------------------------------------------
def _runs(*rids: str) -> str:
    return "".join(json.dumps(run(r, "wf", "2026-01-01T10:00:00")) + "\n" for r in rids)


def test_duplicate_ids_are_counted_once_in_the_fixed_order(tdir: Path, tmp_path: Path) -> None:
    live = tdir / "llm_calls.jsonl"
    live.write_text("".join(rec(x) + "\n" for x in ["a", "b", "a", "c"]))
    (tdir / "archive").mkdir()
    (tdir / "archive" / "llm_calls_2025.jsonl").write_text(rec("b") + "\n" + rec("z") + "\n")
    (tdir / "workflow_runs.jsonl").write_text(_runs("r1", "r2", "r1"))
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert ids(tel) == ["a", "b", "c", "z"]
    assert tel.tables.runs.n == 2
    h = tel.health()
    assert h["records"] == 6
    by = {Path(str(f["path"])).name: f for f in h["files"]}
    # archives are read first: live line 2 ("b") is the first duplicate, line 3 the second
    (note,) = [p for p in by["llm_calls.jsonl"]["problems"] if p["kind"] == "duplicate"]
    assert note["line"] == 2
    assert note["reason"] == f"2 duplicate call_ids ignored (first duplicate at {live}:2)"
    (rnote,) = by["workflow_runs.jsonl"]["problems"]
    assert rnote["reason"].startswith("1 duplicate run_ids ignored") and rnote["line"] == 3
    with live.open("a") as f:  # incremental appends: a known id stays out
        f.write(rec("z") + "\n" + rec("d") + "\n")
    tel.refresh()
    assert ids(tel) == ["a", "b", "c", "d", "z"]
    cache = tmp_path / "index.npz"
    tel.save_cache(cache)
    warm = Telemetry([tdir], naive_tz="UTC", workers=1)
    assert warm.load_cache(cache)
    with live.open("a") as f:
        f.write(rec("a") + "\n" + rec("e") + "\n")
    warm.refresh()
    cold = Telemetry([tdir], naive_tz="UTC", workers=1)
    cold.refresh()
    assert ids(warm) == ids(cold) == ["a", "b", "c", "d", "e", "z"]
    assert warm.health() == cold.health()


def test_dropping_a_file_recounts_the_duplicates_it_hid(tdir: Path) -> None:
    (tdir / "archive").mkdir()
    old = tdir / "archive" / "llm_calls_old.jsonl"
    old.write_text(rec("a") + "\n")
    live = tdir / "llm_calls.jsonl"
    live.write_text(rec("a") + "\n" + rec("b") + "\n")
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert tel.tables.calls.n == 2
    old.unlink()
    tel.refresh()
    assert ids(tel) == ["a", "b"]
    assert tel.tables.calls.col("file").tolist() == [tel.reader._by_path[live]] * 2
    assert all(p["kind"] != "duplicate" for f in tel.health()["files"] for p in f["problems"])


# -- item 6: nothing disappears silently -----------------------------------------------------
def test_unreadable_telemetry_files_show_as_read_errors(tdir: Path) -> None:
    (tdir / "llm_calls.jsonl").symlink_to(tdir / "gone.jsonl")  # a dangling link
    os.mkfifo(tdir / "workflow_runs.jsonl")  # would block an open(); must not be opened
    (tdir / "llm_calls_ok.jsonl").write_text(rec("a") + "\n")
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    errs = {Path(str(f["path"])).name: f["read_error"] for f in tel.health()["files"]}
    assert errs == {
        "llm_calls.jsonl": "FileNotFoundError: No such file or directory",
        "llm_calls_ok.jsonl": None,
        "workflow_runs.jsonl": "not a regular file (FIFO)",
    }
    (tdir / "llm_calls.jsonl").unlink()
    tel.refresh()
    assert len(tel.health()["files"]) == 2


def test_cli_names_the_unreadable_file_instead_of_no_telemetry(
    tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tdir / "llm_calls.jsonl").symlink_to(tdir / "gone.jsonl")
    assert main(["telemetry", "--dir", str(tdir), "--range", "all"]) == 0
    out = capsys.readouterr().out
    assert "No telemetry yet" not in out
    assert "Data health: 0 records from 1 file(s), 1 unreadable" in out
    assert "read error: FileNotFoundError: No such file or directory" in out


# -- item 5: encodings -----------------------------------------------------------------------
def test_utf16_file_is_refused_whole_with_one_clear_line(tdir: Path) -> None:
    text = "".join(rec(f"u{i}") + "\n" for i in range(5))
    (tdir / "llm_calls.jsonl").write_bytes(text.encode("utf-16"))  # with a BOM
    (tdir / "llm_calls_be.jsonl").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert tel.tables.calls.n == 0
    files = tel.health()["files"]
    assert [f["read_error"] for f in files] == ["UTF-16 file: re-save as UTF-8"] * 2
    assert all(f["problems"] == [] and f["malformed"] == 0 for f in files)


def test_utf8_bom_and_crlf_keep_working(tdir: Path) -> None:
    text = "\r\n".join(rec(f"b{i}") for i in range(5)) + "\r\n"
    (tdir / "llm_calls.jsonl").write_bytes(b"\xef\xbb\xbf" + text.encode())
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert ids(tel) == [f"b{i}" for i in range(5)]
    assert tel.health()["malformed"] == 0


# -- item 7: rotated names and rewrites in place ---------------------------------------------
def test_logrotate_names_and_gz_are_read_as_rotated_files(tdir: Path) -> None:
    (tdir / "llm_calls.jsonl").write_text(rec("live") + "\n")
    (tdir / "llm_calls.jsonl.1").write_text(rec("r1") + "\n")
    (tdir / "llm_calls.jsonl.2.gz").write_bytes(gzip.compress((rec("r2") + "\n").encode()))
    (tdir / "llm_calls.jsonl-20261201").write_text(rec("d1") + "\n")
    (tdir / "llm_calls.jsonl-20261130.gz").write_bytes(
        gzip.compress((rec("d0") + "\n" + rec("live")).encode())  # last line: no newline
    )
    (tdir / "llm_calls.jsonl.tmp").write_text(rec("tmp") + "\n")  # not a rotated name
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert ids(tel) == ["d0", "d1", "live", "r1", "r2"]
    # rotated files come first: the live file's "live" is the duplicate
    (f,) = [f for f in tel.health()["files"] if f["duplicates"]]
    assert Path(str(f["path"])).name == "llm_calls.jsonl"
    before = tel.tables.calls.n
    assert not tel.refresh().changed  # a .gz is read once
    assert tel.tables.calls.n == before


def test_rewrite_in_place_before_the_offset_is_detected(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    p.write_text(rec("a") + "\n" + rec("b") + "\n")
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    ino = p.stat().st_ino
    data = p.read_bytes().replace(b'"b"', b'"B"')  # same length, same head, same inode
    with p.open("r+b") as f:
        f.write(data + (rec("c") + "\n").encode())
    assert p.stat().st_ino == ino
    assert tel.refresh().reset
    assert ids(tel) == ["B", "a", "c"]
