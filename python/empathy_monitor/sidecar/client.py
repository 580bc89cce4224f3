"""A minimal asyncio JSON-RPC client over a child process's stdio (tests, benchmark, debugging).

Not used by the sidecar itself. Notifications are queued per method with their arrival time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class RpcError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = int(error.get("code", 0))
        self.message = str(error.get("message", ""))


class SidecarClient:
    """Start ``python -m empathy_monitor sidecar`` and talk LSP-framed JSON-RPC to it."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self.notifications: dict[str, asyncio.Queue[tuple[float, Any]]] = defaultdict(asyncio.Queue)
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(
        cls, cwd: Path | None = None, args: Sequence[str] = (), env: dict[str, str] | None = None
    ) -> SidecarClient:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "empathy_monitor", "sidecar", *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, cwd=cwd, env=env, limit=1 << 26,
        )  # fmt: skip
        return cls(proc)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        out = self.proc.stdout
        while True:
            length = 0
            while True:
                line = await out.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            msg = json.loads(await out.readexactly(length))
            now = time.perf_counter()
            if "id" in msg and "method" not in msg:
                fut = self._pending.pop(msg["id"], None)
                if fut is not None and not fut.done():
                    if "error" in msg:
                        fut.set_exception(RpcError(msg["error"]))
                    else:
                        fut.set_result(msg.get("result"))
            elif "method" in msg:
                if "id" in msg:  # a server->client request (e.g. workspace/configuration)
                    await self._write({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                else:
                    self.notifications[msg["method"]].put_nowait((now, msg.get("params")))

    async def _write(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.proc.stdin.drain()

    async def request(self, method: str, params: Any = None, timeout: float = 30.0) -> Any:
        mid = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[mid] = fut
        await self._write({"jsonrpc": "2.0", "id": mid, "method": method, "params": params})
        return await asyncio.wait_for(fut, timeout)

    async def notify(self, method: str, params: Any = None) -> None:
        await self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def initialize(self, workspace: Path, options: Any = None) -> Any:
        res = await self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": workspace.as_uri(),
                "capabilities": {},
                "initializationOptions": options,
            },
        )
        await self.notify("initialized", {})
        return res

    async def next(self, method: str, timeout: float = 5.0) -> tuple[float, Any]:
        """The next notification of ``method``: (perf_counter at arrival, params)."""
        return await asyncio.wait_for(self.notifications[method].get(), timeout)

    def drain(self, method: str) -> list[Any]:
        q = self.notifications[method]
        out = []
        while not q.empty():
            out.append(q.get_nowait()[1])
        return out

    async def close(self, timeout: float = 10.0) -> int:
        """shutdown + exit; returns the exit code (kills the process if it hangs)."""
        with contextlib.suppress(Exception):
            await self.request("shutdown", None, timeout=timeout)
            await self.notify("exit")
        return await self.wait(timeout)

    async def wait(self, timeout: float = 10.0) -> int:
        try:
            rc = await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            rc = await self.proc.wait()
        self._reader.cancel()
        return rc
