"""The same call exported once (issue 11 item 4 for the exporter's own cursor): a call_id already
acknowledged is not sent again from a copied line, a repeat in the same file or a copied rotated
file, across restarts, and its metrics count once. Against the real OTLP receiver."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
from otel_helpers import call, make_config, run, write_calls
from otel_receivers import GrpcReceiver

from empathy_monitor.otel import sent
from empathy_monitor.otel.exporter import CursorState, FileExporter
from empathy_monitor.otel.sent import SentIds
from empathy_monitor.safewrite import protected_reason
from empathy_monitor.store import TelemetryStore


def _ids(r: GrpcReceiver) -> Counter[str]:
    return Counter(s["attributes"]["llm.call_id"] for s in r.rec.spans() if s["kind"] == "client")


def test_a_line_copied_into_another_file_is_exported_once(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    write_calls(tdir, 4)
    (tdir / "archive").mkdir()
    # a restored backup: the same lines in an archive file, plus one call of its own
    backup = tdir / "archive" / "llm_calls-20260301T100000Z.jsonl"
    shutil.copy(tdir / "llm_calls.jsonl", backup)
    with backup.open("ab") as f:
        f.write(json.dumps(call(99)).encode() + b"\n")
    exp = FileExporter([tdir], make_config(grpc_receiver.endpoint, tmp_path))
    res = exp.export_once()
    assert res.ok, res.error
    assert _ids(grpc_receiver) == Counter({f"call-{i:06d}": 1 for i in (0, 1, 2, 3, 99)})
    assert res.spans == 5 and res.duplicates == 4
    assert res.records_skipped == 0  # a duplicate is not a bad line
    assert exp.status().duplicates_skipped == 4


def test_a_repeat_in_the_same_file_and_a_glued_repeat_are_exported_once(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    a, b = json.dumps(call(1)).encode(), json.dumps(call(2)).encode()
    (tdir / "llm_calls.jsonl").write_bytes(a + b"\n" + b + b"\n" + a + b"\n" + b + a + b"\n")
    cfg = make_config(grpc_receiver.endpoint, tmp_path, EMPATHY_OTEL_BATCH_SIZE="2")
    res = FileExporter([tdir], cfg).export_once()
    assert res.ok and res.batches >= 2  # repeats across batches, not only within one
    assert _ids(grpc_receiver) == Counter({"call-000001": 1, "call-000002": 1})
    assert res.duplicates == 3


def test_a_restart_does_not_export_a_copy_again(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    cfg = make_config(grpc_receiver.endpoint, tmp_path)
    write_calls(tdir, 3)
    assert FileExporter([tdir], cfg).export_once().spans == 3
    saved = json.loads((tmp_path / "otel_cursor.json").read_text())
    assert saved["span_ids"] == 3
    assert (tmp_path / "otel_cursor.json.spans.ids").stat().st_size == 3 * 8  # hashes, no ids
    # after the restart: a rotated file *copied* (a new inode) and a new call in the live file
    (tdir / "archive").mkdir()
    shutil.copy(tdir / "llm_calls.jsonl", tdir / "archive" / "llm_calls.jsonl.1")
    write_calls(tdir, 1, start=3)
    res = FileExporter([tdir], cfg).export_once()
    assert res.ok and res.spans == 1 and res.duplicates == 3
    assert _ids(grpc_receiver) == Counter({f"call-{i:06d}": 1 for i in range(4)})
    assert FileExporter([tdir], cfg).export_once().spans == 0


def test_metrics_of_a_duplicated_call_count_once(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    write_calls(tdir, 2)
    with (tdir / "llm_calls.jsonl").open("ab") as f:
        f.write(json.dumps(call(0)).encode() + b"\n")
    res = FileExporter([tdir], make_config(grpc_receiver.endpoint, tmp_path)).export_once()
    assert res.ok
    tokens = [p for p in grpc_receiver.rec.metrics() if p["name"] == "gen_ai.client.token.usage"]
    inp = [p for p in tokens if p["attributes"]["gen_ai.token.type"] == "input"]
    assert sum(p["count"] for p in inp) == 2 and sum(p["sum"] for p in inp) == 1200 + 1201


def test_a_repeated_run_record_is_one_trace(
    grpc_receiver: GrpcReceiver, tdir: Path, tmp_path: Path
) -> None:
    store = TelemetryStore(tdir)
    store.log_workflow(run("run-A"))
    store.log_workflow(run("run-A"))
    res = FileExporter([tdir], make_config(grpc_receiver.endpoint, tmp_path)).export_once()
    assert res.ok and res.duplicates == 1
    roots = [s for s in grpc_receiver.rec.spans() if s["parent_span_id"] is None]
    assert len(roots) == 1 and res.spans == 4  # one root + its 3 stages


def test_hashes_past_the_cursor_count_are_cut_on_load(tmp_path: Path) -> None:
    """A crash after the hashes were appended but before the cursor counted them: that batch
    is sent again, so its hashes must not count as sent."""
    p = tmp_path / "c.spans.ids"
    ids = SentIds(p, 0)
    ids.add([11, 22])
    ids.add([33])
    again = SentIds(p, 2)  # the cursor saved after the first batch only
    assert (11 in again, 22 in again, 33 in again) == (True, True, False)
    assert p.stat().st_size == 2 * 8
    again.add([44])
    assert 44 in SentIds(p, 3) and 33 not in SentIds(p, 3)


def test_the_hashes_kept_are_bounded_newest_first(tmp_path: Path) -> None:
    p = tmp_path / "c.spans.ids"
    ids = SentIds(p, 0, limit=8)
    for start in range(1, 12, 3):
        ids.add(range(start, start + 3))  # 1..12 in four batches
    assert ids.count <= 8 and p.stat().st_size == ids.count * 8
    kept = [h for h in range(1, 13) if h in ids]
    assert kept == list(range(13 - len(kept), 13))  # the newest ones
    reloaded = SentIds(p, ids.count + 100, limit=8)  # a cursor counting the old, longer file
    assert [h for h in range(1, 13) if h in reloaded] == kept
    # in memory: sorted int64 arrays only, a few batches apart from one merge
    assert all(a.dtype == np.int64 for a in (ids._main, ids._recent))
    assert sent.LIMIT * 8 <= 16 << 20


def test_an_old_cursor_without_hashes_still_loads(tmp_path: Path) -> None:
    cursor = tmp_path / "otel_cursor.json"
    cursor.write_text(json.dumps({"files": [], "spans_exported": 7, "version": 1}))
    state = CursorState.load(cursor)
    assert (state.spans_exported, state.span_ids, state.duplicates_skipped) == (7, 0, 0)


def test_an_export_never_overwrites_the_hashes(tmp_path: Path) -> None:
    """Issue 11 item 10's rule covers the new state file as it covers the cursor."""
    why = protected_reason(tmp_path / "otel_cursor.json.spans.ids", [])
    assert why is not None and "cursor" in why
