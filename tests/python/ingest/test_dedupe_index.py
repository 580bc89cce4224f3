"""The id index behind "the same call counted once": exact, whatever the chunking, and small.

It holds no copy of the ids: a sort order of the table's own ``idh`` column (int32 row numbers).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.ingest import dedupe
from empathy_monitor.ingest.dedupe import IdIndex
from empathy_monitor.tables import ColumnTable


@contextmanager
def small_blocks(
    merge: int, block: int, seg: int, sparse: int = 1 << 10, few: int = 1
) -> Iterator[None]:
    """Tiny merge / block / segment sizes, so a few dozen ids cross every boundary."""
    old = dedupe.MERGE, dedupe.BLOCK, dedupe.SEG, dedupe.SPARSE, dedupe.FEW, dedupe.FENCE
    dedupe.MERGE, dedupe.BLOCK, dedupe.SEG, dedupe.SPARSE = merge, block, seg, sparse
    dedupe.FEW, dedupe.FENCE = few, min(seg, 3)
    try:
        yield
    finally:
        dedupe.MERGE, dedupe.BLOCK, dedupe.SEG, dedupe.SPARSE, dedupe.FEW, dedupe.FENCE = old


def _append(table: ColumnTable, idx: IdIndex, h: np.ndarray, seen: set[int]) -> None:
    """What the reader does with one chunk, checked against a plain set."""
    keep = idx.first_seen(h)
    expect = []
    for x in h.tolist():
        expect.append(x == 0 or x not in seen)
        if x:
            seen.add(x)
    got = [True] * h.size if keep is None else keep.tolist()
    assert got == expect
    kept = h if keep is None else h[keep]
    table.append({"idh": kept}, int(kept.size))
    idx.sync()


chunks = st.lists(st.lists(st.integers(-4, 40), min_size=0, max_size=30), min_size=1, max_size=12)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    chunks=chunks,
    merge=st.integers(1, 8),
    block=st.integers(1, 8),
    seg=st.integers(1, 8),
    drop_at=st.integers(-1, 11),
    sparse=st.sampled_from([1, 4, 1 << 10]),  # bisected lookups as well as segment gathers
    few=st.sampled_from([1, 5, 32]),  # one by one as well as vectorised
)
def test_first_occurrence_exactly_as_a_set_would(
    chunks: list[list[int]],
    merge: int,
    block: int,
    seg: int,
    drop_at: int,
    sparse: int,
    few: int,
) -> None:
    table = ColumnTable({"idh": np.int64})
    idx = IdIndex(table)
    seen: set[int] = set()
    with small_blocks(merge, block, seg, sparse, few):
        for i, c in enumerate(chunks):
            _append(table, idx, np.array(c, dtype=np.int64), seen)
            if i == drop_at and table.n:
                # a file dropped: its rows go, the index re-sorts what is left
                mask = np.arange(table.n) % 2 == 0
                table.keep(mask)
                seen = {x for x in table.col("idh").tolist() if x}


def test_a_bulk_load_holds_four_bytes_an_id() -> None:
    """200k ids in four chunks: the index holds only int32 row numbers, and its merges stay
    within a few MB of temporaries (no second sorted copy of the 8-byte hashes)."""
    rng = np.random.default_rng(7)
    table = ColumnTable({"idh": np.int64})
    idx = IdIndex(table)
    tracemalloc.start()
    try:
        for _ in range(4):
            h = rng.integers(-(2**62), 2**62, 50_000, dtype=np.int64)
            h[::100] = h[0]  # repeats within the chunk
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            keep = idx.first_seen(h)
            first = tracemalloc.get_traced_memory()[1] - base
            kept = h if keep is None else h[keep]
            table.append({"idh": kept}, int(kept.size))
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            idx.sync()
            merge = tracemalloc.get_traced_memory()[1] - base
            # the chunk's own sort and lookup (~45 bytes an id, freed before the rows are added),
            # then one new copy of the int32 order
            assert first < 48 * h.size, first
            assert merge < 4 * table.n + 16 * h.size, merge
    finally:
        tracemalloc.stop()
    assert table.n == 4 * 49_501  # 499 repeats of h[0] left out of each chunk
    order = idx._order
    assert order.dtype == np.int32 and order.size == table.n  # 4 bytes an id held
    assert np.all(np.diff(table.col("idh")[order]) > 0)  # sorted, no id twice


def test_small_chunks_after_a_large_load_exactly_as_a_set_would() -> None:
    """Many small files after a big one (a transcript folder): each chunk's ids are placed by
    the fence (a few dozen windows gathered) and checked against the unmerged tail by a sort,
    with the real block sizes."""
    rng = np.random.default_rng(16)
    table = ColumnTable({"idh": np.int64})
    idx = IdIndex(table)
    seen: set[int] = set()
    _append(table, idx, rng.integers(1, 1 << 40, 20_000, dtype=np.int64), seen)
    held = np.array(sorted(seen), dtype=np.int64)
    for n in [17, 20, 40, 64, 100, 150] * 8:
        fresh = rng.integers(1, 1 << 40, n, dtype=np.int64)
        old = rng.choice(held, n // 4)
        recent = table.col("idh")[-min(table.n, 50) :][: n // 5]  # not merged yet
        h = np.concatenate([fresh, old, recent, fresh[: n // 6], [0]])
        _append(table, idx, rng.permutation(h), seen)
