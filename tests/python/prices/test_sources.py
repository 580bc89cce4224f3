"""``classify`` over whole columns equals the cost-source rules applied to each call on its own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.prices.sources import ACTUAL, FREE, LIST, UNPRICED, WRITER, classify

_call = st.tuples(
    st.sampled_from([-3, 0, 0, 5, 7]),  # writer's estimate (nanodollars; <= 0: none)
    st.sampled_from([-1, -1, 0, 9]),  # actual (-1: none; 0 is a billed $0)
    st.booleans(),  # ok
    st.sampled_from([0, 0, 1, 12]),  # tokens
    st.sampled_from([0, 4, 6]),  # list price of the call
    st.booleans(),  # the book prices the model
    st.booleans(),  # the model is free
)


def _one(mode: str, call: tuple[int, int, bool, int, int, bool, bool]) -> tuple[int, int]:
    """The rules of the module docstring for a single call: (source, cost)."""
    writer, actual, ok, tokens, list_cost, priced, free = call
    if mode == "writer":
        return WRITER, writer
    if mode == "auto" and actual >= 0:
        return ACTUAL, actual
    if mode == "auto" and writer > 0:
        return WRITER, writer
    if (writer <= 0 and not ok) or free or (tokens <= 0 and not priced):
        return FREE, 0
    return (LIST, list_cost) if priced else (UNPRICED, 0)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.sampled_from(["auto", "writer", "list"]), st.lists(_call, max_size=40))
def test_classify_is_the_per_call_rule_on_every_call(mode: str, calls: list[tuple]) -> None:
    cols = list(zip(*calls)) if calls else [()] * 7
    writer, actual, tokens, list_cost = (np.array(cols[i], dtype=np.int64) for i in (0, 1, 3, 4))
    ok, priced, free = (np.array(cols[i], dtype=np.bool_) for i in (2, 5, 6))
    src, cost = classify(mode, writer, actual, ok, tokens, list_cost, priced, free)  # type: ignore[arg-type]
    assert src.dtype == np.int8 and cost.dtype == np.int64
    assert list(zip(src.tolist(), cost.tolist())) == [_one(mode, c) for c in calls]
