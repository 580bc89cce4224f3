"""A build's rows summed on two threads (and the day cube made on two) give exactly the numbers
of one thread: every section and the feed, unfiltered, filtered by combo and by a per-row
dimension, overview-only views, and with the cube."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from empathy_monitor.analytics import Filters, WindowSpec, cube, threads
from empathy_monitor.demo import generate
from empathy_monitor.telemetry import Telemetry

NOW = datetime(2026, 5, 20, 15, 30, tzinfo=timezone.utc).timestamp()


def _render(tel: Telemetry, spec: WindowSpec, flt: Filters, **kw: Any) -> dict[str, Any]:
    v = tel.view(spec, flt, **kw)
    return {**v.render(dashboard_only=False), "refs": v.recent_refs()}


@pytest.mark.parametrize("with_cube", [False, True])
def test_two_threads_sum_what_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_cube: bool
) -> None:
    generate(tmp_path, calls=3000, days=12, seed=3, now=datetime.fromtimestamp(NOW, timezone.utc))
    tel = Telemetry([tmp_path], naive_tz="Europe/Berlin", workers=1)
    tel.refresh()
    monkeypatch.setattr(threads, "PARALLEL_MIN_ROWS", 0)
    if with_cube:
        monkeypatch.setattr(cube, "CUBE_MIN_ROWS", 0)
        monkeypatch.setattr(cube, "MIN_SHARE", 0.0)
    early = WindowSpec(range="custom", since=NOW - 12.5 * 86400, until=NOW - 6.2 * 86400, now=NOW)
    cases = [
        (spec, flt, kw)
        for spec in (WindowSpec(range="7d", now=NOW), WindowSpec(range="all", now=NOW), early)
        for flt in (Filters(), Filters(provider="openai"), Filters(user="alice"))
        for kw in ({}, {"overview_only": True}, {"recent": 3, "dim_top": 2})
    ]
    seen: list[int] = []
    real = threads.both
    monkeypatch.setattr(
        threads, "both", lambda fn, items: seen.append(len(items)) or real(fn, items)
    )
    monkeypatch.setattr(threads, "THREADS", 2)
    two = [_render(tel, s, f, **kw) for s, f, kw in cases]
    assert seen and all(n == 2 for n in seen)  # the rows were split
    cube._CUBES.clear()
    cube._made.clear()
    monkeypatch.setattr(threads, "THREADS", 1)
    one = [_render(tel, s, f, **kw) for s, f, kw in cases]
    for a, b in zip(two, one, strict=True):
        assert a["overview"]["calls"] == b["overview"]["calls"]
        for k in b:
            assert a[k] == b[k], k
