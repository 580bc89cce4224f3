"""Where each call's dollar figure comes from, and the cost a mode shows.

Sources, per call:

* ``actual``   — the record's ``actual_cost`` (what the provider billed);
* ``writer``   — the writer's ``estimated_cost`` when it is above 0;
* ``list``     — the writer wrote 0 or nothing, but the price book knows the model;
* ``free``     — a local/free model, a failed call the writer costed at 0 (it was not billed and
  is never repriced), or a call with no tokens at all;
* ``unpriced`` — tokens but no price anywhere: counted apart, never added as $0.
* ``subscription`` — a call of a source billed by subscription (``billing.py``): $0 spent in
  every mode; its list-price equivalent is summed apart (``columns.subscription_value``).

Modes: ``auto`` (actual → writer → list → free/unpriced), ``writer`` (exactly the writer's
``estimated_cost``, the 0.1.0 numbers) and ``list`` (every call at list price, except those that
were not billed). Pure numpy over whole columns.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

CostMode = Literal["auto", "writer", "list"]
COST_MODES: tuple[CostMode, ...] = ("auto", "writer", "list")

ACTUAL, WRITER, LIST, FREE, UNPRICED, SUBSCRIPTION = range(6)
SOURCE_NAMES = ("actual", "writer", "list", "free", "unpriced", "subscription")
NO_ACTUAL = -1  # the actual-cost column's "null"


def classify(
    mode: CostMode,
    writer: npt.NDArray[np.int64],
    actual: npt.NDArray[np.int64],
    ok: npt.NDArray[np.bool_],
    tokens: npt.NDArray[Any],
    list_cost: npt.NDArray[np.int64],
    list_priced: npt.NDArray[np.bool_],
    list_free: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    """(source code, cost in nanodollars) per call under ``mode``.

    ``list_priced`` says the book has a price for the call's model at its date; ``list_free``
    that the model is free (local, or ``free: true`` in prices.yaml).
    """
    n = writer.shape
    if mode == "writer":
        return np.full(n, WRITER, dtype=np.int8), writer.copy()
    # Each call's case as 4 bits (actual, writer > 0, free, listed), then its source and which
    # cost it takes from two 16-entry tables: a few passes, where masked stores made one or two
    # per source (~45% less time on a third of a million calls).
    unbilled = (writer <= 0) & ~ok  # failed and costed 0: not billed, never repriced
    free = unbilled | list_free | ((tokens <= 0) & ~list_priced)  # when nothing above applies
    case = free.view(np.uint8) << 1
    case |= list_priced.view(np.uint8)
    if mode == "auto":
        case |= (actual >= 0).view(np.uint8) << 3
        case |= (writer > 0).view(np.uint8) << 2
    return _CASE_SOURCE[case], np.choose(
        _CASE_COST[case], (np.zeros_like(writer), actual, writer, list_cost)
    )


def _case_source(case: int) -> tuple[int, int]:
    """(source, which cost: 0 none, 1 actual, 2 writer, 3 list) of a ``classify`` case."""
    if case & 8:
        return ACTUAL, 1
    if case & 4:
        return WRITER, 2
    if case & 2:
        return FREE, 0
    return (LIST, 3) if case & 1 else (UNPRICED, 0)


_CASE_SOURCE = np.array([_case_source(c)[0] for c in range(16)], dtype=np.int8)
_CASE_COST = np.array([_case_source(c)[1] for c in range(16)], dtype=np.int8)
