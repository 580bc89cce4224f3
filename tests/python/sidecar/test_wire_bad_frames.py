"""The real sidecar over stdio survives bad frames: raw bytes written to its stdin.

Each bad frame (Content-Length too large, too small, non-numeric, missing; junk between frames)
is logged, its request (when one can be found) gets an error reply, and the next good frame is
answered — the sidecar never goes deaf. LSP requests whose params fail validation get an
``InvalidParams`` error and one log line, not a traceback.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import RpcError, SidecarClient

Start = Callable[..., Awaitable[SidecarClient]]


def body(mid: int, method: str = P.ALERTS, params: Any = None) -> bytes:
    msg = {"jsonrpc": "2.0", "id": mid, "method": method, "params": params or {}}
    return json.dumps(msg).encode()


def frame(b: bytes, name: str = "Content-Length") -> bytes:
    return f"{name}: {len(b)}\r\n\r\n".encode() + b


def expect(c: SidecarClient, mid: int) -> asyncio.Future[Any]:
    fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    c._pending[mid] = fut
    return fut


async def send_raw(c: SidecarClient, data: bytes) -> None:
    assert c.proc.stdin is not None
    c.proc.stdin.write(data)
    await c.proc.stdin.drain()


async def outcome(fut: asyncio.Future[Any], timeout: float = 5.0) -> str:
    try:
        await asyncio.wait_for(fut, timeout)
    except RpcError as exc:
        return f"error {exc.code}: {exc.message}"
    return "ok"


BAD_FRAMES: dict[str, Callable[[bytes], bytes]] = {
    "too large": lambda b: f"Content-Length: {len(b) + 4000}\r\n\r\n".encode() + b,
    "huge": lambda b: b"Content-Length: 99999999999999\r\n\r\n" + b,
    "too small": lambda b: f"Content-Length: {len(b) // 2}\r\n\r\n".encode() + b,
    "non-numeric": lambda b: b"Content-Length: twelve\r\n\r\n" + b,
    "missing": lambda b: b"Content-Type: application/json\r\n\r\n" + b,
    "junk before": lambda b: b"\x00\xff garbage \r\n\r\n" + frame(b),
}


@pytest.mark.parametrize("case", list(BAD_FRAMES))
async def test_bad_frame_is_answered_and_the_next_frame_too(
    start_sidecar: Start, workspace: Path, case: str
) -> None:
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    bad, good = expect(c, 1001), expect(c, 1002)
    await send_raw(c, BAD_FRAMES[case](body(1001)) + frame(body(1002)))
    got_good = await outcome(good)
    assert got_good == "ok", got_good
    if case == "junk before":
        assert await outcome(bad) == "ok"  # the junk is skipped, the frame after it is fine
    else:
        res = await outcome(bad)
        assert res.startswith("error -32600: bad frame"), res
    # still listening afterwards
    assert (await c.request(P.ALERTS, {}, timeout=5))["enabled"] is False
    assert await c.close() == 0
    assert c.proc.stderr is not None
    err = (await c.proc.stderr.read()).decode()
    if case != "junk before":
        assert "bad frame" in err
    assert "Traceback" not in err


async def test_header_names_are_case_insensitive(start_sidecar: Start, workspace: Path) -> None:
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    futs = [expect(c, 2000 + i) for i in range(3)]
    await send_raw(
        c,
        frame(body(2000), "content-length")
        + frame(body(2001), "CONTENT-LENGTH")
        + b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
        + frame(body(2002)),
    )
    for f in futs:
        assert await outcome(f) == "ok"
    assert await c.close() == 0


async def test_invalid_lsp_params_get_an_error_reply_and_one_log_line(
    start_sidecar: Start, workspace: Path
) -> None:
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    hover = expect(c, 3000)
    await send_raw(c, frame(body(3000, "textDocument/hover", {})))
    res = await outcome(hover)
    assert res.startswith("error -32602: textDocument/hover"), res
    # a notification with bad params: no reply expected, and the sidecar keeps answering
    note = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"x": 1}}
    await send_raw(c, frame(json.dumps(note).encode()))
    assert (await c.request(P.ALERTS, {}, timeout=5))["enabled"] is False
    assert await c.close() == 0
    assert c.proc.stderr is not None
    err = (await c.proc.stderr.read()).decode()
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if "invalid params" in ln]
    assert len(lines) == 2, err
    assert any("textDocument/hover" in ln for ln in lines)


async def test_stdin_closed_mid_frame_ends_the_process(
    start_sidecar: Start, workspace: Path
) -> None:
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    await send_raw(c, b'Content-Length: 500\r\n\r\n{"jsonrpc"')
    assert c.proc.stdin is not None
    c.proc.stdin.close()
    rc = await asyncio.wait_for(c.proc.wait(), 10)
    assert rc == 0
