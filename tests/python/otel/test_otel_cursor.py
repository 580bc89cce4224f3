"""The cursor: advanced only on acknowledgement; no loss and no duplicates across failures,
restarts, truncation and rotation."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path

import grpc
from otel_helpers import free_port, make_config, write_calls
from otel_receivers import GrpcReceiver, HttpReceiver

from empathy_monitor.otel.exporter import Backoff, CursorState, FileExporter


def _ids(r: GrpcReceiver | HttpReceiver) -> list[str]:
    return [s["attributes"]["llm.call_id"] for s in r.rec.spans()]


def _no_dupes(ids: list[str]) -> None:
    dupes = [k for k, n in Counter(ids).items() if n > 1]
    assert not dupes, f"exported twice: {dupes[:5]}"


def test_collector_down_then_up_loses_nothing(tdir: Path, tmp_path: Path) -> None:
    port = free_port()
    write_calls(tdir, 30)
    cfg = make_config(f"http://127.0.0.1:{port}", tmp_path, EMPATHY_OTEL_TIMEOUT="0.5")
    exp = FileExporter([tdir], cfg)
    down = exp.export_once()
    assert not down.ok and down.spans == 0
    assert down.backlog_bytes == (tdir / "llm_calls.jsonl").stat().st_size
    st = exp.status()
    assert st.last_error is not None and st.backlog_lines == 30
    state = CursorState.load(cfg.cursor_path)  # type: ignore[arg-type]
    assert [f.offset for f in state.files] == [0]

    r = GrpcReceiver(port=port)
    try:
        up = exp.export_once()
        assert up.ok, up.error
        assert up.spans == 30 and up.backlog_bytes == 0
        assert sorted(_ids(r)) == [f"call-{i:06d}" for i in range(30)]
        assert exp.status().backlog_lines == 0
        assert exp.status().last_success_at is not None
    finally:
        r.stop()


def test_refused_batch_is_not_acknowledged(tdir: Path, tmp_path: Path) -> None:
    r = HttpReceiver()
    try:
        write_calls(tdir, 5)
        r.fail_traces = 400  # a permanent refusal: the SDK does not retry it
        exp = FileExporter([tdir], make_config(r.endpoint, tmp_path, "http/protobuf"))
        res = exp.export_once()
        assert not res.ok and "400" in (res.error or "")
        assert exp.status().backlog_lines == 5
        r.fail_traces = None
        assert exp.export_once().spans == 5
        assert sorted(_ids(r)) == [f"call-{i:06d}" for i in range(5)]
    finally:
        r.stop()


def test_restart_resumes_without_duplicates(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    cfg = make_config(grpc_receiver.endpoint, tmp_path)
    write_calls(tdir, 10)
    assert FileExporter([tdir], cfg).export_once().spans == 10
    write_calls(tdir, 5, start=10)
    # A new exporter (a new process) reads the cursor from disk.
    second = FileExporter([tdir], cfg)
    assert second.export_once().spans == 5
    assert FileExporter([tdir], cfg).export_once().spans == 0
    ids = _ids(grpc_receiver)
    _no_dupes(ids)
    assert sorted(ids) == [f"call-{i:06d}" for i in range(15)]
    saved = json.loads(cfg.cursor_path.read_bytes())  # type: ignore[union-attr]
    assert saved["version"] == 1
    assert saved["files"][0]["offset"] == (tdir / "llm_calls.jsonl").stat().st_size
    assert saved["spans_exported"] == 15


def test_partial_last_line_waits_for_its_newline(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    write_calls(tdir, 2)
    path = tdir / "llm_calls.jsonl"
    line = json.dumps({"call_id": "late", "timestamp": "2026-03-01T12:00:00"})
    with path.open("ab") as f:
        f.write(line[:20].encode())
    exp = FileExporter([tdir], make_config(grpc_receiver.endpoint, tmp_path))
    assert exp.export_once().spans == 2
    with path.open("ab") as f:
        f.write(line[20:].encode() + b"\n")
    assert exp.export_once().spans == 1
    assert sorted(_ids(grpc_receiver)) == ["call-000000", "call-000001", "late"]


def test_truncated_file_is_exported_from_the_start(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    cfg = make_config(grpc_receiver.endpoint, tmp_path)
    write_calls(tdir, 10)
    FileExporter([tdir], cfg).export_once()
    path = tdir / "llm_calls.jsonl"
    ino = path.stat().st_ino
    with path.open("r+b") as f:  # "Clear history" in place: same inode, new content
        f.truncate(0)
    write_calls(tdir, 3, start=100)
    assert path.stat().st_ino == ino
    res = FileExporter([tdir], cfg).export_once()
    assert res.spans == 3
    assert sorted(_ids(grpc_receiver)[10:]) == ["call-000100", "call-000101", "call-000102"]


def test_file_rewritten_longer_than_offset_is_detected_by_its_head(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    cfg = make_config(grpc_receiver.endpoint, tmp_path)
    write_calls(tdir, 2)
    FileExporter([tdir], cfg).export_once()
    path = tdir / "llm_calls.jsonl"
    with path.open("r+b") as f:
        f.truncate(0)
    write_calls(tdir, 6, start=200)  # longer than the old offset
    res = FileExporter([tdir], cfg).export_once()
    assert res.spans == 6
    assert sorted(_ids(grpc_receiver)[2:]) == [f"call-{i:06d}" for i in range(200, 206)]


def test_rotation_into_archive_keeps_the_offset(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    cfg = make_config(grpc_receiver.endpoint, tmp_path)
    write_calls(tdir, 4)
    exp = FileExporter([tdir], cfg)
    exp.export_once()
    write_calls(tdir, 2, start=4)  # written before rotation, not yet exported
    (tdir / "archive").mkdir()
    os.replace(tdir / "llm_calls.jsonl", tdir / "archive" / "llm_calls-20260301T100000Z.jsonl")
    write_calls(tdir, 3, start=10)  # the writer's new file
    res = FileExporter([tdir], cfg).export_once()
    assert res.spans == 5
    ids = _ids(grpc_receiver)
    _no_dupes(ids)
    assert sorted(ids) == [f"call-{i:06d}" for i in (0, 1, 2, 3, 4, 5, 10, 11, 12)]
    state = CursorState.load(cfg.cursor_path)  # type: ignore[arg-type]
    assert sorted(Path(f.path).name for f in state.files) == [
        "llm_calls-20260301T100000Z.jsonl",
        "llm_calls.jsonl",
    ]


def test_metrics_refused_spans_not_held_back_nor_resent(tdir: Path, tmp_path: Path) -> None:
    r = GrpcReceiver()
    try:
        write_calls(tdir, 6)
        r.fail_metrics = grpc.StatusCode.INVALID_ARGUMENT
        exp = FileExporter([tdir], make_config(r.endpoint, tmp_path, EMPATHY_OTEL_BATCH_SIZE="2"))
        res = exp.export_once()
        assert not res.ok and (res.error or "").startswith("metrics:")
        assert res.spans == 6  # every span batch went through although metrics were refused
        assert r.rec.metrics() == []
        assert exp.status().backlog_lines == 0
        r.fail_metrics = None
        res = exp.export_once()
        assert res.ok and res.spans == 0 and res.metric_points > 0
        _no_dupes(_ids(r))
        assert len(_ids(r)) == 6
        tokens = [p for p in r.rec.metrics() if p["name"] == "gen_ai.client.token.usage"]
        assert sum(p["count"] for p in tokens) == 12  # 6 calls x (input, output), sent once
    finally:
        r.stop()


def test_corrupt_cursor_is_set_aside(tdir: Path, tmp_path: Path) -> None:
    cursor = tmp_path / "otel_cursor.json"
    cursor.write_text("{not json")
    state = CursorState.load(cursor)
    assert state.files == []
    assert (tmp_path / "otel_cursor.json.corrupt").read_text() == "{not json"


def test_two_exporters_never_send_the_same_batch(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    write_calls(tdir, 300)
    cfg = make_config(grpc_receiver.endpoint, tmp_path, EMPATHY_OTEL_BATCH_SIZE="20")
    results = []

    def go() -> None:
        results.append(FileExporter([tdir], cfg).export_once())

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = _ids(grpc_receiver)
    _no_dupes(ids)
    assert sum(r.spans for r in results) == len(ids)
    assert (
        any(r.error == "another exporter holds the cursor lock" for r in results) or len(ids) == 300
    )
    FileExporter([tdir], cfg).export_once()
    assert len(_ids(grpc_receiver)) == 300


def test_background_worker_retries_with_backoff_and_drains(tdir: Path, tmp_path: Path) -> None:
    port = free_port()
    write_calls(tdir, 8)
    cfg = make_config(f"http://127.0.0.1:{port}", tmp_path, EMPATHY_OTEL_TIMEOUT="0.3")
    exp = FileExporter([tdir], cfg)
    t = exp.start(backoff=Backoff(0.1, 0.4))
    try:
        time.sleep(0.5)
        assert exp.last_result is not None and not exp.last_result.ok
        assert "UNAVAILABLE" in (exp.last_result.error or "")
        r = GrpcReceiver(port=port)
        try:
            deadline = time.monotonic() + 10
            while len(_ids(r)) < 8 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert sorted(_ids(r)) == [f"call-{i:06d}" for i in range(8)]
            write_calls(tdir, 2, start=8)
            exp.notify()  # the sidecar's watcher says: new data
            deadline = time.monotonic() + 10
            while len(_ids(r)) < 10 and time.monotonic() < deadline:
                time.sleep(0.05)
            ids = _ids(r)
            _no_dupes(ids)
            assert len(ids) == 10
        finally:
            r.stop()
    finally:
        exp.stop(timeout=5)
    assert not t.is_alive()


def test_backoff_grows_and_is_capped() -> None:
    b = Backoff(1.0, 8.0)
    delays = [b.next() for _ in range(6)]
    assert 0.8 <= delays[0] <= 1.2
    assert 1.6 <= delays[1] <= 2.4
    assert all(d <= 8.0 * 1.2 for d in delays)
    assert delays[-1] >= 8.0 * 0.8
    b.reset()
    assert b.next() <= 1.2
