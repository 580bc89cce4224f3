"""Big rows stay out of the hot path: clipped in snapshots, updates and pages; whole on demand."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]
BIG = 50 << 20  # 52,428,800 characters
MARKER = "… [truncated, 52,428,800 chars]"


def size(obj: object) -> int:
    return len(json.dumps(obj, ensure_ascii=False).encode())


async def test_a_50_mb_error_message_is_clipped_on_the_wire_and_whole_in_call_detail(
    start_sidecar: Start, workspace: Path
) -> None:
    calls = workspace / ".empathy" / "llm_calls.jsonl"
    big = "Traceback: " + "x" * (BIG - len("Traceback: "))
    write_lines(
        calls,
        [
            call("old", "2026-11-19T09:00:00", error_message="small"),
            call("big", "2026-11-19T10:00:00", success=False, error_message=big),
            call("after", "2026-11-19T10:00:01"),
        ],
    )
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC", "activityLimit": 2})
    snap = await c.request(P.SNAPSHOT, {"range": "all"})
    assert [r["call_id"] for r in snap["recent_calls"]] == ["after", "big"]
    row = snap["recent_calls"][1]
    # what kept every snapshot at 8.8 s was sending the 50 MB text: the wire now carries < 200 KB
    assert size(row) < 100_000 and size(snap) < 200_000
    assert row["error_message"].startswith("Traceback: xxx") and row["error_message"].endswith(
        MARKER
    )

    write_lines(calls, [call("new", "2026-11-19T10:00:02")], mode="a")
    _, upd = await c.next(P.DID_UPDATE, 30)
    assert size(upd) < 200_000
    feed = upd["changed"]["recent_calls"]
    assert [r["call_id"] for r in feed] == ["new", "after"]
    page = await c.request(P.ACTIVITY, {"offset": 0, "limit": 10})
    assert [r["call_id"] for r in page["rows"]] == ["new", "after", "big", "old"]
    assert size(page) < 200_000 and page["rows"][2]["error_message"].endswith(MARKER)

    # "big" has left the in-memory feed: its full record is read back from the file.
    detail = await c.request(P.CALL_DETAIL, {"callId": "big"}, timeout=60)
    assert detail["call_id"] == "big" and detail["success"] is False
    assert detail["error_message"] == big
    assert (await c.request(P.CALL_DETAIL, {"callId": "old"}))["error_message"] == "small"
    with pytest.raises(RpcError) as err:
        await c.request(P.CALL_DETAIL, {"callId": "nope"})
    assert err.value.code == -32602 and "nope" in err.value.message
    assert await c.close() == 0


def test_clip_row_clips_every_long_text_and_keeps_identity() -> None:
    from empathy_monitor.sidecar.clip import MAX_CHAIN, MAX_TEXT, clip_row

    short = {"call_id": "a", "error_message": "fine", "fallback_chain": ["x", "y"]}
    assert clip_row(short) is short
    long_id = "i" * (MAX_TEXT + 5)
    row = {
        "call_id": long_id,
        "workflow_name": "w" * (MAX_TEXT + 1),
        "fallback_chain": ["p" * (MAX_TEXT * 2)] + ["q"] * (MAX_CHAIN + 10),
        "cost": 0.5,
    }
    got = clip_row(row)
    assert got["call_id"] == long_id and got["cost"] == 0.5
    assert got["workflow_name"] == "w" * MAX_TEXT + "… [truncated, 2,049 chars]"
    assert len(got["fallback_chain"]) == MAX_CHAIN + 1
    assert got["fallback_chain"][0].endswith("… [truncated, 4,096 chars]")
    assert got["fallback_chain"][-1] == "… [truncated, 61 entries]"
    assert row["workflow_name"] == "w" * (MAX_TEXT + 1)  # the caller's row is untouched
