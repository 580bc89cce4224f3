"""History pages from the time index equal a stable sort of the whole selection, page by page."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.analytics import timeindex
from empathy_monitor.analytics.timeindex import TimeIndex, _Matches
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


@pytest.mark.parametrize("block", [1 << 16, 7, 1])
def test_pages_match_a_full_stable_sort_through_appends_and_drops(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small blocks: pages and window totals that start, end and span inside and across blocks
    monkeypatch.setattr(timeindex, "_BLOCK", block)
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


def test_only_the_most_recently_paged_filter_sets_are_kept() -> None:
    tables = Tables()
    index = TimeIndex(tables)
    _append(tables, np.arange(100, dtype=np.float64), np.arange(100) % len(COMBOS))
    sets = [
        Filters(provider=p, tier=t, model=m) for p in "ab" for t in "cd" for m in ("m", "z", "y")
    ]
    assert len(sets) > timeindex.MATCHES_KEPT
    for f in sets:
        index.page(0, 5, None, f)
    index.page(0, 5, None, sets[0])  # paged again: now the newest, so kept
    kept = [k[0] for k in index._matches]
    assert len(kept) == timeindex.MATCHES_KEPT
    assert kept[-1] == sets[0] and sets[1] not in kept


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    st.lists(st.booleans(), max_size=60),
    st.integers(1, 9),
    st.integers(0, 70),
    st.integers(0, 70),
)
def test_block_counted_matches_rank_and_find_like_a_flat_scan(
    bits: list[bool], block: int, a: int, b: int
) -> None:
    m = np.array(bits, dtype=np.bool_)
    pos = np.flatnonzero(m)
    old = timeindex._BLOCK
    timeindex._BLOCK = block
    try:
        found = _Matches(m)
        assert found.rank(a) == int(m[:a].sum())
        assert found.positions(a, b).tolist() == pos[a:b].tolist()
    finally:
        timeindex._BLOCK = old
