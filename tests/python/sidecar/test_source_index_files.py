"""The source index reads only regular, bounded files, and one stuck lookup blocks nothing else."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.bounded import run_bounded
from empathy_monitor.sidecar.client import SidecarClient
from empathy_monitor.sidecar.source_index import MAX_FILE_BYTES, SourceIndex, read_bounded

Start = Callable[[Path], Awaitable[SidecarClient]]
FLOW = 'class Nightly:\n    name = "nightly-audit"\n\n    def scan(self):\n        pass\n'


def hostile_workspace(ws: Path) -> Path:
    """A FIFO and a /dev/zero link named *.py, sorted before and after a real workflow."""
    pkg = ws / "pkg"
    pkg.mkdir(parents=True)
    os.mkfifo(pkg / "aaa_pipe.py")  # read first: today it blocks the worker for good
    (pkg / "flows.py").write_text(FLOW)
    (pkg / "zzz_zero.py").symlink_to("/dev/zero")
    os.mkfifo(pkg / "nightly_audit.py")  # a module named after the workflow: never a source
    return pkg


async def test_fifo_and_dev_zero_named_py_through_the_real_sidecar(
    start_sidecar: Start, workspace: Path
) -> None:
    pkg = hostile_workspace(workspace)
    c = await start_sidecar(workspace)
    await c.initialize(workspace, {"naiveTimezone": "UTC"})
    t0 = time.perf_counter()
    got = await c.request(P.RESOLVE_SOURCE, {"workflowName": "nightly-audit"}, timeout=10)
    assert got == {"uri": (pkg / "flows.py").resolve().as_uri(), "line": 1}
    step = await c.request(
        P.RESOLVE_SOURCE, {"workflowName": "nightly-audit", "stepName": "scan"}, timeout=10
    )
    assert step["line"] == 4
    assert time.perf_counter() - t0 < 5
    fifo = await c.request(P.RESOLVE_SOURCE, {"workflowName": "nightly_audit"}, timeout=10)
    assert fifo["uri"] is None and "no Python definition" in fifo["reason"]
    snap = await c.request(P.SNAPSHOT, {"range": "all"}, timeout=10)  # the worker is free
    assert snap["overview"]["calls"] == 0
    assert await c.close() == 0


def test_only_regular_files_up_to_the_cap_are_read(tmp_path: Path) -> None:
    pkg = hostile_workspace(tmp_path)
    assert read_bounded(pkg / "zzz_zero.py", MAX_FILE_BYTES) is None
    assert read_bounded(pkg / "aaa_pipe.py", MAX_FILE_BYTES) is None  # returns at once
    big = pkg / "big.py"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    assert read_bounded(big, MAX_FILE_BYTES) is None
    assert read_bounded(pkg / "flows.py", MAX_FILE_BYTES) == FLOW.encode()
    index = SourceIndex(tmp_path)
    assert index.find("nightly-audit") == (pkg / "flows.py", 1)


async def test_a_stuck_call_times_out_and_the_next_one_answers() -> None:
    release = threading.Event()
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    with pytest.raises(asyncio.TimeoutError):
        await run_bounded(lambda: release.wait(30), timeout=0.3)
    assert loop.time() - t0 < 2
    assert await run_bounded(lambda: 42, timeout=5) == 42
    with pytest.raises(ZeroDivisionError):
        await run_bounded(lambda: 1 // 0, timeout=5)
    release.set()
