"""A relative window follows "now" by sliding, and ends up equal to a fresh build."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from empathy_monitor.analytics import Filters, Window
from empathy_monitor.demo import generate
from empathy_monitor.ingest.tailer import ReadResult
from empathy_monitor.sidecar.publisher import Publisher, ViewKey
from empathy_monitor.telemetry import Telemetry


@pytest.mark.parametrize("rng", ["7d", "today"])
def test_relative_window_slides_to_now(tmp_path: Path, rng: str) -> None:
    d = tmp_path / ".empathy"
    generate(d, calls=1200, days=3, seed=8, now=datetime.now().replace(microsecond=0))
    tel = Telemetry([d], workers=1)
    tel.refresh()
    pub = Publisher(tel)
    key = ViewKey(rng, None, None, None, Filters())
    pub.snapshot(key)
    # Pretend the view was built an hour ago: its window (and previous period) are an hour behind.
    now = time.time()
    w = tel.window(key.spec())
    assert w.since is not None
    old = Window(w.range, w.since - 3600, None, now - 3600)
    pub.view = tel.view(old, key.filters, recent=pub.recent, top=pub.top)
    prev_old = old.previous()
    assert prev_old is not None
    pub.prev = tel.view(prev_old, key.filters, recent=1, top=1, overview_only=True)
    n = tel.tables.calls.n
    pub.ingest(ReadResult(calls=(n, n), runs=(tel.tables.runs.n,) * 2))
    assert pub.view is not None and pub.prev is not None
    assert pub.view.window.now >= now  # re-anchored
    fresh = tel.view(pub.view.window, key.filters, recent=pub.recent, top=pub.top)
    assert pub.view.render() == fresh.render()
    fresh_prev = tel.view(pub.view.window.previous() or old, key.filters, overview_only=True)
    assert pub.prev.render_overview() == fresh_prev.render_overview()
