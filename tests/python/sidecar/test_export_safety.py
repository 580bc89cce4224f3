"""``empathy/exportCsv`` through the real sidecar never replaces history or unconfirmed files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]
INVALID_PARAMS = -32602


async def test_export_csv_onto_history_is_refused_and_overwrite_needs_confirmation(
    start_sidecar: Start, workspace: Path
) -> None:
    tdir = workspace / ".empathy"
    history = tdir / "llm_calls.jsonl"
    write_lines(history, [call(f"c{i}", f"2026-11-19T10:00:{i:02d}") for i in range(7)])
    (tdir / "alerts.yaml").write_text("rules: []\n")
    kept = (history, tdir / "alerts.yaml")
    before = [p.read_bytes() for p in kept]
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    assert (await c.request(P.SNAPSHOT, {"range": "all"}))["overview"]["calls"] == 7
    for path in (
        ".empathy/llm_calls.jsonl",
        str(history),
        ".empathy/alerts.yaml",
        ".empathy/x.csv",
    ):
        for confirmed in ({}, {"overwrite": True}):
            with pytest.raises(RpcError) as err:
                await c.request(P.EXPORT_CSV, {"range": "all", "path": path, **confirmed})
            assert err.value.code == INVALID_PARAMS
            assert "never replace history" in err.value.message
    assert [p.read_bytes() for p in kept] == before
    assert not (tdir / "x.csv").exists()
    assert not [p for p in tdir.iterdir() if p.name.endswith(".tmp")]
    assert (await c.request(P.SNAPSHOT, {"range": "all"}))["overview"]["calls"] == 7

    out = workspace / "report.csv"
    out.write_bytes(b"mine\n")
    with pytest.raises(RpcError) as err:
        await c.request(P.EXPORT_CSV, {"range": "all", "path": "report.csv"})
    assert err.value.code == INVALID_PARAMS and "the file exists" in err.value.message
    assert out.read_bytes() == b"mine\n"
    res = await c.request(P.EXPORT_CSV, {"range": "all", "path": "report.csv", "overwrite": True})
    assert res == {"path": str(out.resolve()), "rows": 7}
    assert len(out.read_text().splitlines()) == 8
    assert sorted(p.name for p in workspace.iterdir()) == [".empathy", "report.csv"]
    assert await c.close() == 0
