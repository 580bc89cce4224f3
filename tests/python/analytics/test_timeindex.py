"""History pages from the time index equal a stable sort of the whole selection, page by page."""

from __future__ import annotations

import numpy as np

from empathy_monitor.analytics.timeindex import TimeIndex
from empathy_monitor.analytics.window import Filters, Window
from empathy_monitor.tables import CallCombo, Tables

COMBOS = [CallCombo(p, t, "m", None, None, "x", None, None, (), 0) for p in "ab" for t in "cd"]


def _append(tables: Tables, ts: np.ndarray, combos: np.ndarray) -> None:
    for c in COMBOS:
        tables.call_combos.id(c)
    vals = {k: np.zeros(ts.size, dtype=t) for k, t in tables.calls.schema.items()}
    vals["ts"], vals["combo"] = ts, combos.astype(np.int32)
    tables.calls.append(vals, ts.size)


def _expected(tables: Tables, off: int, lim: int, w: Window | None, f: Filters | None):
    t = tables.calls
    sel = np.ones(t.n, dtype=np.bool_)
    if w is not None and (m := w.mask(t.col("ts"))) is not None:
        sel &= m
    if f is not None and f.active:
        sel &= tables.call_combo_mask(f.match_call)[t.col("combo")]
    idx = np.flatnonzero(sel)
    order = np.argsort(-t.col("ts")[idx], kind="stable")[off : off + lim]
    return idx[order].tolist(), int(idx.size)


def test_pages_match_a_full_stable_sort_through_appends_and_drops() -> None:
    rng = np.random.default_rng(7)
    tables = Tables()
    index = TimeIndex(tables)
    windows = [None, Window("all", 100.0, 300.0, 400.0), Window("all", 250.0, None, 400.0)]
    filters = [None, Filters(), Filters(provider="a"), Filters(provider="b", tier="d")]
    for step in range(12):
        n = int(rng.integers(1, 300))
        # nearly sorted, with exact ties and a few late arrivals
        ts = np.sort(rng.integers(0, 400, n)).astype(np.float64)
        ts[rng.random(n) < 0.1] -= 50
        _append(tables, ts, rng.integers(0, len(COMBOS), n))
        if step == 6:  # a dropped file: row numbers change
            tables.calls.keep(rng.random(tables.calls.n) < 0.7)
        for w in windows:
            for f in filters:
                for off, lim in ((0, 10), (37, 25), (tables.calls.n - 5, 50), (10**6, 5)):
                    rows, total = index.page(off, lim, w, f)
                    assert (rows.tolist(), total) == _expected(tables, off, lim, w, f)
