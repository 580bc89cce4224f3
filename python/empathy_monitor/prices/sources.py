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
    src = np.full(n, UNPRICED, dtype=np.int8)
    cost = np.zeros(n, dtype=np.int64)
    unbilled = (writer <= 0) & ~ok  # failed and costed 0: not billed, never repriced
    no_tokens = tokens <= 0
    if mode == "auto":
        has_actual = actual >= 0
        writer_set = ~has_actual & (writer > 0)
        rest = ~has_actual & ~writer_set
        src[has_actual] = ACTUAL
        cost[has_actual] = actual[has_actual]
        src[writer_set] = WRITER
        cost[writer_set] = writer[writer_set]
    else:  # list
        rest = np.ones(n, dtype=np.bool_)
    free = rest & (unbilled | list_free | (no_tokens & ~list_priced))
    src[free] = FREE
    priced = rest & ~free & list_priced
    src[priced] = LIST
    cost[priced] = list_cost[priced]
    return src, cost
