"""Incremental reading: new bytes only, partial lines, truncation, replacement, rotation."""

from __future__ import annotations

import json
import os
import platform
import random
import sys
from pathlib import Path

import pytest
from telemetry_fixtures import call, run, write_lines

from empathy_monitor.analytics import SECTIONS, WindowSpec
from empathy_monitor.ingest import tailer
from empathy_monitor.ingest.formats.empathy_jsonl import Decoder
from empathy_monitor.store import TelemetryStore
from empathy_monitor.telemetry import Telemetry

ALL = WindowSpec(range="all")


def line(cid: str, minute: int = 0, cost: float = 0.0) -> str:
    return json.dumps(call(cid, f"2026-01-01T10:{minute:02d}:00", estimated_cost=cost))


def ids(tel: Telemetry) -> list[str]:
    rows, _ = tel.calls_page(0, 10_000)
    return sorted(r["call_id"] for r in rows)


def test_partial_last_line_waits_for_its_newline(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    full = line("a", 1)
    second = line("b", 2)
    p.write_text(full + "\n" + second[:30])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    r = tel.refresh()
    assert r.calls == (0, 1)
    assert tel.health()["malformed"] == 0
    with p.open("a") as f:
        f.write(second[30:] + "\n")
    r = tel.refresh()
    assert r.calls == (1, 2) and not r.reset
    assert ids(tel) == ["a", "b"]
    assert tel.reader.files[0].offset == p.stat().st_size


def test_only_new_bytes_are_parsed(tdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tdir / "llm_calls.jsonl"
    write_lines(p, [line(f"c{i}", i) for i in range(50)])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    fed: list[int] = []
    orig = Decoder.feed

    def spy(self: Decoder, data: bytes, base_off: int, base_line: int) -> int:
        fed.append(len(data))
        return orig(self, data, base_off, base_line)

    monkeypatch.setattr(Decoder, "feed", spy)
    write_lines(p, [line("new", 59)], mode="a")
    r = tel.refresh()
    assert r.calls == (50, 51)
    assert fed == [len(line("new", 59)) + 1]


def test_truncation_rereads_from_start(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    write_lines(p, [line(f"old{i}", i, 1.0) for i in range(5)])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    write_lines(p, [line("fresh", 30, 0.5)])  # truncates, smaller than before
    r = tel.refresh()
    assert r.reset
    assert ids(tel) == ["fresh"]
    assert tel.dashboard(ALL)["overview"]["total_cost"] == 0.5


def test_replacement_with_a_new_file_is_detected(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    write_lines(p, [line("a", 1, 1.0)])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    tmp = tdir / "new.tmp"
    write_lines(tmp, [line("x", 1, 2.0), line("y", 2, 3.0)])
    os.replace(tmp, p)  # same path, new inode, larger
    r = tel.refresh()
    assert r.reset
    assert ids(tel) == ["x", "y"]
    assert tel.dashboard(ALL)["overview"]["total_cost"] == 5.0


def test_rewrite_in_place_with_same_size_is_detected(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    write_lines(p, [line("a", 1, 1.0)])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    with p.open("r+") as f:  # same inode, same size, different content
        f.write(line("b", 1, 1.0))
    tel.refresh()
    assert ids(tel) == ["b"]


def test_rotation_into_archive_is_read_once(tdir: Path) -> None:
    p = tdir / "workflow_runs.jsonl"
    write_lines(
        p,
        [
            json.dumps(run(f"r{i}", "wf", f"2026-01-01T10:0{i}:00", total_cost=1.0))
            for i in range(3)
        ],
    )
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert tel.dashboard(ALL)["savings"]["workflow_count"] == 3
    arch = tdir / "archive"
    arch.mkdir()
    os.rename(
        p, arch / "workflow_runs-20260101T100500Z.jsonl"
    )  # what attune-ai 16.x does at 50 MiB
    write_lines(p, [json.dumps(run("r9", "wf", "2026-01-01T11:00:00", total_cost=1.0))])
    r = tel.refresh()
    assert not r.reset  # the rotated file kept its identity and offset
    d = tel.dashboard(ALL)
    assert d["savings"]["workflow_count"] == 4
    assert d["savings"]["total_actual_cost"] == 4.0
    # a fresh reader sees the archive exactly once as well
    tel2 = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel2.refresh()
    assert tel2.dashboard(ALL)["savings"]["workflow_count"] == 4


def test_deleted_file_drops_its_records(tdir: Path) -> None:
    write_lines(tdir / "llm_calls.jsonl", [line("a")])
    write_lines(tdir / "llm_calls_other.jsonl", [line("b")])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    (tdir / "llm_calls_other.jsonl").unlink()
    assert tel.refresh().reset
    assert ids(tel) == ["a"]


def test_non_telemetry_files_are_ignored(tdir: Path) -> None:
    write_lines(tdir / "llm_calls.jsonl", [line("a")])
    write_lines(tdir / "memory.jsonl", ['{"not": "telemetry"}'])
    (tdir / "alerts.db").write_bytes(b"\x00sqlite")
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert [Path(f["path"]).name for f in tel.health()["files"]] == ["llm_calls.jsonl"]


def test_writer_and_tailing_reader_in_random_chunks_read_every_record_once(tdir: Path) -> None:
    rng = random.Random(42)
    store = TelemetryStore(tdir)
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    expected: list[str] = []
    # Write records as a slow writer would: each line in several small writes, with reads between.
    p = tdir / "llm_calls.jsonl"
    for i in range(400):
        rec = call(
            f"id{i:04d}", f"2026-01-01T{i // 60 % 24:02d}:{i % 60:02d}:00", estimated_cost=0.001
        )
        if i % 3 == 0:
            store.log_call(rec)
        else:
            data = (json.dumps(rec) + "\n").encode()
            pos = 0
            while pos < len(data):
                n = rng.randint(1, 90)
                with p.open("ab") as f:
                    f.write(data[pos : pos + n])
                pos += n
                if rng.random() < 0.5:
                    tel.refresh()
        expected.append(f"id{i:04d}")
        if rng.random() < 0.3:
            tel.refresh()
    tel.refresh()
    assert ids(tel) == expected
    d = tel.dashboard(ALL)
    assert d["overview"]["calls"] == 400
    assert d["overview"]["total_cost"] == pytest.approx(0.4, abs=1e-9)
    assert d["health"]["malformed"] == 0


def test_parallel_cold_load_equals_serial(tdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from empathy_monitor.demo import generate

    generate(tdir, calls=1500, days=5, seed=11)
    with (tdir / "llm_calls.jsonl").open("a") as f:
        f.write("garbage line\n" + line("late", 5, 0.1) + "\n")
    serial = Telemetry([tdir], naive_tz="UTC", workers=1)
    serial.refresh()
    monkeypatch.setattr(tailer, "PARALLEL_MIN_BYTES", 1)
    par = Telemetry([tdir], naive_tz="UTC", workers=2)
    par.refresh()
    a = serial.dashboard(ALL)
    b = par.dashboard(ALL)
    for k in SECTIONS:
        if k in ("window", "health"):  # "now" differs; health is compared below
            continue
        assert a[k] == b[k], k
    assert a["health"]["files"] == b["health"]["files"]  # same malformed line number
    bad = [p for f in b["health"]["files"] for p in f["problems"]]
    assert bad and bad[0]["line"] == 1501


def test_a_parallel_read_in_ranges_of_part_bytes_equals_serial(
    tdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big file is cut into ranges of at most PART_BYTES (many more than four per worker) and
    reads the same: every row, the duplicates left out across ranges, a bad line's number."""
    from empathy_monitor.demo import generate

    generate(tdir, calls=1500, days=5, seed=12)
    with (tdir / "llm_calls.jsonl").open("a") as f:
        f.write("garbage line\n" + line("late", 5, 0.1) + "\n" + line("late", 6, 0.1) + "\n")
    serial = Telemetry([tdir], naive_tz="UTC", workers=1)
    serial.refresh()
    size = (tdir / "llm_calls.jsonl").stat().st_size
    monkeypatch.setattr(tailer, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(tailer, "PART_BYTES", 16 << 10)
    asked: list[int] = []
    split = tailer.split_at_lines

    def spy(path: Path, start: int, end: int, parts: int) -> list[tuple[int, int]]:
        asked.append(parts)
        return split(path, start, end, parts)

    monkeypatch.setattr(tailer, "split_at_lines", spy)
    par = Telemetry([tdir], naive_tz="UTC", workers=2)
    par.refresh()
    assert max(asked) == size // (16 << 10) + 1 > 2 * tailer.PARTS_PER_WORKER
    a, b = serial.dashboard(ALL), par.dashboard(ALL)
    for k in SECTIONS:
        if k not in ("window", "health"):
            assert a[k] == b[k], k
    assert a["health"]["files"] == b["health"]["files"]
    dups = [f["duplicates"] for f in b["health"]["files"]]
    assert sum(dups) == 1 and par.tables.calls.n == serial.tables.calls.n


def test_a_bulk_read_maps_large_allocations_on_glibc_and_restores_a_ceiling_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from empathy_monitor.ingest import heap

    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    seen: list[int] = []
    real = heap._lookup()
    assert (real is not None) is glibc
    if real is not None:
        monkeypatch.setattr(heap, "_lookup", lambda: lambda p, v: seen.append(v) or real(p, v))
    with heap.bulk_read() as took:
        assert took is glibc
    assert seen == ([heap.DURING, heap.AFTER, heap.AFTER_TRIM] if glibc else [])


def test_problem_line_numbers_stay_right_across_incremental_reads(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    write_lines(p, [line("a", 1), line("b", 2)])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    write_lines(p, ["{broken", line("c", 3)], mode="a")
    tel.refresh()
    write_lines(p, [line("d", 4), "[1]"], mode="a")
    tel.refresh()
    got = [(x["line"], x["reason"][:14]) for f in tel.health()["files"] for x in f["problems"]]
    assert got == [(3, "not valid JSON"), (6, "not a JSON obj")]


def test_cleared_history_folders_are_not_read_but_rotations_are(tdir: Path) -> None:
    write_lines(
        tdir / "archive" / "cleared-20260101T000000Z" / "llm_calls.jsonl", [line("cleared")]
    )
    write_lines(tdir / "archive" / "llm_calls-20260101T000000Z.jsonl", [line("rotated")])
    write_lines(tdir / "llm_calls.jsonl", [line("live")])
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    assert ids(tel) == ["live", "rotated"]
