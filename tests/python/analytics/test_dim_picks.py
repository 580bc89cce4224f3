"""The top values of a high-cardinality dimension picked from the last pick and the values that
grew (an append) are the values a pick over every value gives, through growth, shrinking (a
window sliding) and new values; the per-value stats kept between renders follow their sums."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.analytics import sums as sums_mod
from empathy_monitor.analytics.sections import by_dimension
from empathy_monitor.analytics.sums import CallSums, Sums

folds = st.lists(
    st.tuples(st.integers(0, 40), st.integers(-1, 3), st.integers(0, 5)), min_size=1, max_size=120
)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(folds=folds, top=st.integers(1, 8), log_max=st.sampled_from([3, 4096]))
def test_picks_from_the_last_pick_equal_a_full_pick(
    folds: list[tuple[int, int, int]], top: int, log_max: int
) -> None:
    old = sums_mod.DIM_LOG_MAX
    sums_mod.DIM_LOG_MAX = log_max
    try:
        s = Sums()
        memo: dict[str, Any] = {}
        for session, sign, cost in folds:
            if sign < 0 and session not in s.dims["session"]:
                continue  # only what was folded in can leave
            n = 1 if sign >= 0 else -1
            s.fold_dims(0, 0, session, CallSums(calls=n, cost=n * cost))
            table = s.dims["session"]
            got = by_dimension._top_rows(table, top, s, "session", memo)
            full = by_dimension._top_rows(table, top, s, "session", None)
            assert sorted(k for k, _ in got) == sorted(k for k, _ in full)
    finally:
        sums_mod.DIM_LOG_MAX = old
