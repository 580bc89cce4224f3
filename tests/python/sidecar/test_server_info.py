"""The sidecar reports its version at ``initialize``: the extension checks it (issue 19)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from empathy_monitor import __version__
from empathy_monitor.sidecar.client import SidecarClient

Start = Callable[[Path], Awaitable[SidecarClient]]


async def test_initialize_result_carries_the_package_version(
    start_sidecar: Start, workspace: Path
) -> None:
    c = await start_sidecar(workspace)
    res = await c.initialize(workspace, {})
    assert res["serverInfo"] == {"name": "empathy-sidecar", "version": __version__}
