"""A hostile alerts.yaml in an untrusted workspace: the real sidecar refuses it fast and stays up."""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.client import SidecarClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "alerts"))
from test_rules_hostile import billion_laughs

Start = Callable[..., Awaitable[SidecarClient]]


async def test_alias_bomb_in_untrusted_workspace_is_refused_fast(
    start_sidecar: Start, workspace: Path
) -> None:
    (workspace / ".empathy" / "alerts.yaml").write_text(billion_laughs())
    c = await start_sidecar(workspace)
    t0 = time.perf_counter()
    await c.initialize(workspace, {"naiveTimezone": "UTC", "alertActions": False})
    st = await c.request(P.ALERTS, {}, timeout=10)
    snap = await c.request(P.SNAPSHOT, {"range": "all"}, timeout=10)
    took = time.perf_counter() - t0
    assert st["rules"] == []
    assert len(st["errors"]) == 1 and "expands to more than" in st["errors"][0]
    assert st["errors"][0].startswith("alerts.yaml:")
    assert snap["overview"]["calls"] == 0
    # process start-up included (seconds on a loaded CI machine); unbounded expansion never ends
    assert took < 15.0, took
    assert await c.close() == 0
