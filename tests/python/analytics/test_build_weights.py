"""The per-dimension block sums with the passes ``blocks._skip`` drops (all-zero weights, every
row timed) against plain per-row sums (``np.add.at``), on blocks with and without errors and
unpriced calls."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.analytics.blocks import _dim_block, _skip


@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    st.integers(1, 50),
    st.integers(1, 9),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**31),
)
def test_dim_block_equals_per_row_sums(
    rows: int, nvals: int, errors: bool, untimed: bool, unpriced: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    key = rng.integers(0, nvals, rows)
    err = (rng.random(rows) < 0.3) & errors
    has_lat = ~((rng.random(rows) < 0.3) & untimed)
    unp = (rng.random(rows) < 0.4) & unpriced
    cost, tin, tout = (rng.integers(0, 10**9, rows) for _ in range(3))
    lat = np.where(has_lat, rng.integers(0, 10**5, rows), 0)
    fw = {
        "calls": None,
        "errors": err.astype(np.float64),
        "cost": cost.astype(np.float64),
        "tin": tin.astype(np.float64),
        "tout": tout.astype(np.float64),
        "lat": lat.astype(np.float64),
        "fb": np.zeros(rows),
        "retry": np.zeros(rows),
        "retried": np.zeros(rows),
        "lat_n": has_lat.astype(np.float64),
        "unp": unp.astype(np.float64),
    }
    _skip(fw, has_lat)
    acc = {"user": [np.zeros(nvals, dtype=np.int64) for _ in range(7)]}
    _dim_block(acc, {"user": key}, fw)
    for col, per_row in zip(
        acc["user"], (np.ones(rows), err, cost, tin + tout, lat, has_lat, unp), strict=True
    ):
        want = np.zeros(nvals, dtype=np.int64)
        np.add.at(want, key, per_row.astype(np.int64))
        assert col.tolist() == want.tolist()
