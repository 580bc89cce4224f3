"""A day's sparse sums (``acc._pack``) add back exactly what the dense sums hold, wherever the
cut between the run and the ids falls, for 1-D counts and 2-D sum tables alike."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.analytics.acc import _add_packed, _pack


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 300)), max_size=400),
    st.sampled_from([1, 2, 8, 56]),
    st.booleans(),
)
def test_packed_sums_add_back_exactly(ids: list[tuple[int, int]], per: int, table: bool) -> None:
    n = 3001
    dense = np.zeros((3, n) if table else n, dtype=np.int64)
    for i, v in ids:
        dense[..., i] = v
    nz = np.flatnonzero(dense[0] if table else dense)
    packed = _pack(dense, nz, per)
    _lo, run, rest, _vals = packed
    assert rest.size + (len(np.flatnonzero(run[0] if table else run))) == nz.size
    dst = np.full_like(dense, 7)
    _add_packed(dst, packed)
    assert (dst == dense + 7).all()


def test_a_busy_day_is_one_run_and_a_sparse_tail_stays_ids() -> None:
    busy = np.arange(1, 5001, dtype=np.int64)  # every session has calls
    lo, run, rest, _ = _pack(busy.reshape(1, -1), np.flatnonzero(busy), 8)
    assert (lo, run.shape[-1], rest.size) == (0, 5000, 0)
    lat = np.zeros(100_000, dtype=np.int64)
    lat[100:2100] = 1  # most latencies close together
    lat[[30_000, 60_000, 99_999]] = 1  # a long tail
    lo, run, rest, _ = _pack(lat, np.flatnonzero(lat), 1)
    assert (lo, run.size, rest.tolist()) == (100, 2000, [30_000, 60_000, 99_999])
