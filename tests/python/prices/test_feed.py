"""The activity feed's per-call cost: the view's cost mode, and "unpriced" never as $0.

Same hand-computed window as ``test_costs.py`` (its table lists every call's cost per mode).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from prices.test_costs import CALLS, EXPECTED, SOURCES, SPEC, _call, _tel, csv_bytes_text, ws  # noqa: F401

from empathy_monitor.prices.feed import TAIL, RowFinder
from empathy_monitor.sidecar.clip import clip_rows

MODES = ("auto", "writer", "list")


def _want(mode: str, cid: str) -> float | None:
    if SOURCES[mode][cid] == "unpriced":
        return None
    return EXPECTED[mode].get(cid, 0.0)


@pytest.mark.parametrize("mode", MODES)
def test_feed_rows_carry_the_modes_cost_and_source(ws: Path, mode: str) -> None:  # noqa: F811
    tel = _tel(ws)
    dash = tel.dashboard(SPEC, recent=len(CALLS), cost_mode=mode)  # type: ignore[arg-type]
    rows = {r["call_id"]: r for r in dash["recent_calls"]}
    assert set(rows) == {c["call_id"] for c in CALLS}
    for cid, r in rows.items():
        assert r["cost_source"] == SOURCES[mode][cid], cid
        want = _want(mode, cid)
        assert r["cost"] == (None if want is None else pytest.approx(want, abs=1e-9)), cid
    # the sum of the rows that have a cost is the Total cost card, to the nanodollar
    shown = sum(r["cost"] for r in rows.values() if r["cost"] is not None)
    assert shown == pytest.approx(dash["overview"]["total_cost"], abs=1e-9)
    # the unpriced call is null, never $0 (auto and list would otherwise have said 0.0)
    assert rows["g"]["cost"] is None and rows["g"]["cost_source"] == "unpriced"


@pytest.mark.parametrize("mode", MODES)
def test_activity_pages_and_wire_rows_agree_with_the_feed(ws: Path, mode: str) -> None:  # noqa: F811
    tel = _tel(ws)
    page, total = tel.calls_page(0, 4, cost_mode=mode)  # type: ignore[arg-type]
    page2, _ = tel.calls_page(4, 100, cost_mode=mode)  # type: ignore[arg-type]
    assert total == len(CALLS) and len(page) + len(page2) == len(CALLS)
    for r in page + page2:
        assert r["cost_source"] == SOURCES[mode][r["call_id"]]
        want = _want(mode, r["call_id"])
        assert r["cost"] == (None if want is None else pytest.approx(want, abs=1e-9))
    v = tel.view(SPEC, recent=len(CALLS), cost_mode=mode)  # type: ignore[arg-type]
    wire = clip_rows(tel.recent_rows(v.recent_refs(), mode="json", cost_mode=v.cost_mode))
    assert {r["call_id"]: (r["cost"], r["cost_source"]) for r in wire} == {
        r["call_id"]: (r["cost"], r["cost_source"]) for r in page + page2
    }


def test_writer_mode_rows_keep_the_records_own_figure(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    d.mkdir()
    odd = 0.012345678912  # more digits than a nanodollar: shown exactly as written
    (d / "llm_calls.jsonl").write_text(
        json.dumps(_call("x", "2025-06-11T10:00:00Z", "openai", "gpt-4o", 10, 10, odd)) + "\n"
    )
    tel = _tel(d)
    (row,) = tel.dashboard(SPEC, cost_mode="writer")["recent_calls"]
    assert row["cost"] == odd and row["cost_source"] == "writer"
    (auto,) = tel.dashboard(SPEC)["recent_calls"]
    assert auto["cost"] == odd and auto["cost_source"] == "writer"


def test_csv_leaves_an_unpriced_calls_cost_empty(ws: Path) -> None:  # noqa: F811
    tel = _tel(ws)
    for mode in MODES:
        rows = {r["call_id"]: r for r in csv.DictReader(io.StringIO(csv_bytes_text(tel, mode)))}
        assert rows["g"]["cost"] == "" and rows["g"]["cost_source"] == "unpriced"
        assert rows["e"]["cost"] == "0.0" and rows["e"]["cost_source"] == "free"


def test_the_feed_follows_appends_and_a_rewritten_file(ws: Path) -> None:  # noqa: F811
    tel = _tel(ws)
    extra = [
        _call(f"n{i}", "2025-06-11T23:00:00Z", "acme", "mystery-1", 5, 5, 0.0) for i in range(3)
    ]
    with (ws / "llm_calls.jsonl").open("a") as f:
        f.write("".join(json.dumps(c) + "\n" for c in extra))
    tel.refresh()
    rows = tel.dashboard(SPEC, recent=3)["recent_calls"]
    assert [(r["cost"], r["cost_source"]) for r in rows] == [(None, "unpriced")] * 3
    # the file replaced by a shorter one: rows renumbered, offsets reused by other calls
    (ws / "llm_calls.jsonl").write_text(
        json.dumps(_call("z", "2025-06-11T23:30:00Z", "openai", "o3", 1_000_000, 0, 0.0)) + "\n"
    )
    tel.refresh()
    (row,) = tel.dashboard(SPEC, recent=5)["recent_calls"]
    assert (row["call_id"], row["cost"], row["cost_source"]) == ("z", 2.0, "list")


def test_row_finder_looks_past_the_tail_and_says_when_a_call_is_gone(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    d.mkdir()
    n = TAIL + 50
    lines = [
        _call(f"c{i}", "2025-06-11T10:00:00Z", "openai", "gpt-4o", 1, 1, 0.1) for i in range(n)
    ]
    (d / "llm_calls.jsonl").write_text("".join(json.dumps(c) + "\n" for c in lines))
    tel = _tel(d)
    t = tel.tables.calls
    refs = [(int(t.col("file")[i]), int(t.col("off")[i])) for i in (0, 7, n - 1)]
    f = RowFinder()
    assert f.rows(t, [*refs, (refs[0][0], 10**9)]) == [0, 7, n - 1, -1]
    assert f.rows(t, refs) == [0, 7, n - 1]  # kept, and still checked against the columns
