"""What a dimension is: the one place that names them and says how each record carries one.

A dimension is a way to slice calls and runs: ``workflow``, ``provider``, ``tier``, ``model``,
``step``, ``source`` live in a record's combo (a few thousand distinct tuples); ``user``, ``session`` and
``project`` are per-row ids into ``Tables`` interners (thousands of sessions must not multiply the
combos). A call's project is its run's (``Tables.call_proj``). Filters (``window.Filters``), the
breakdown sections (``by_user``...), the filter options and ``empathy/dimensionValues`` all go
through :data:`DIMENSIONS`; a record without the field groups under :data:`NONE`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import DEFAULT_SOURCE, CallCombo, Interner, RunCombo, Tables

NONE = "(none)"  # the label (and filter value) of records without the field
ROWS_CACHED = 64  # values per dimension whose call rows are kept (a few MB at most)

_I64 = npt.NDArray[np.int64]


@dataclass
class _ValueRows:
    """The call rows of recently filtered values of one dimension, valid for ``state``."""

    state: tuple[int, ...] = ()  # what the rows were computed under (see ``rows_of``)
    n: int = 0  # call rows covered
    rows: dict[int, _I64] = field(default_factory=dict)


# Per tables and dimension; weak so a dropped workspace's tables take their cache with them.
_ROWS: weakref.WeakKeyDictionary[Tables, dict[str, _ValueRows]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Dimension:
    """One dimension: how a call and a run carry it.

    ``call`` / ``run`` read it from a combo (``run`` may give a tuple: a run used several
    providers and matches each). Per-row dimensions instead name a column (``call_col`` /
    ``run_col``, ``"proj"`` meaning ``Tables.call_proj``) and an interner on ``Tables``.
    ``many``: high cardinality; the snapshot carries only the top values by cost.
    """

    name: str
    call: Callable[[CallCombo], str | None] | None = None
    run: Callable[[RunCombo], Any] | None = None
    call_col: str | None = None
    run_col: str | None = None
    interner: str | None = None
    many: bool = False

    @property
    def per_row(self) -> bool:
        return self.interner is not None

    def names(self, tables: Tables) -> Interner:
        """The interner of a per-row dimension (id 0 is None)."""
        assert self.interner is not None
        it: Interner = getattr(tables, self.interner)
        return it

    def label(self, tables: Tables, key: int | str | None) -> str:
        """A display value: an id (per-row) or a combo value; None and id 0 are ``(none)``."""
        if isinstance(key, int) and self.per_row:
            v = self.names(tables).items[key] if 0 <= key < len(self.names(tables)) else None
            return NONE if v is None else str(v)
        return NONE if key is None else str(key)

    def call_ids(self, tables: Tables) -> npt.NDArray[np.int32]:
        """The per-row ids of every call."""
        if self.call_col == "proj":
            return tables.call_proj()
        assert self.call_col is not None
        out: npt.NDArray[np.int32] = tables.calls.col(self.call_col)
        return out

    def rows_of(self, tables: Tables, vid: int) -> _I64:
        """The call rows (ascending) whose id is ``vid``: a filter on a user or session then
        builds from its few rows, not from a mask over every call. Kept per value and extended
        with appended rows; rows dropped (or, for projects, calls re-labelled) recompute it."""
        if vid < 0:
            return np.zeros(0, dtype=np.int64)
        per = _ROWS.setdefault(tables, {})
        c = per.get(self.name)
        state: tuple[int, ...] = (tables.calls.drops,)
        if self.call_col == "proj":  # a call's project moves when its run arrives or reindexes
            state += (tables.relabel_seq, tables.runs.n, tables.runs.drops)
        n = tables.calls.n
        if c is None or c.state != state or c.n > n:
            c = per[self.name] = _ValueRows(state, n)
        elif c.n < n:
            new = self.call_ids(tables)[c.n : n]
            for k, r in c.rows.items():
                c.rows[k] = np.concatenate((r, np.flatnonzero(new == k) + c.n))
            c.n = n
        got = c.rows.pop(vid, None)  # re-inserted: the dict keeps the most recent last
        if got is None:
            got = np.flatnonzero(self.call_ids(tables)[:n] == vid).astype(np.int64)
        c.rows[vid] = got
        while len(c.rows) > ROWS_CACHED:
            c.rows.pop(next(iter(c.rows)))
        return got

    def id_of(self, tables: Tables, value: str) -> int:
        """The id of a per-row value (``(none)`` is 0); -1 when no record has it."""
        if value == NONE:
            return 0
        ids: dict[Any, int] = self.names(tables)._ids
        return ids.get(value, -1)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("workflow", call=lambda c: c.workflow, run=lambda r: r.workflow),
    Dimension("provider", call=lambda c: c.provider, run=lambda r: r.providers),
    Dimension("tier", call=lambda c: c.tier, run=lambda r: r.tiers),
    # runs carry no single model: a model filter answers from calls only
    Dimension("model", call=lambda c: c.model, run=None),
    # runs have stages, not steps: a step filter answers from calls only, as a model filter does
    # (run counts are 0; top_workflows falls back to the step's calls grouped by workflow)
    Dimension("step", call=lambda c: c.step, run=None),
    # runs come from the Empathy writers' workflow_runs files
    Dimension("source", call=lambda c: c.source, run=lambda r: DEFAULT_SOURCE),
    Dimension("project", call_col="proj", run=lambda r: r.project, interner="projects"),
    Dimension("user", call_col="user", run_col="user", interner="users", many=True),
    Dimension("session", call_col="session", run_col="session", interner="sessions", many=True),
)
BY_NAME: dict[str, Dimension] = {d.name: d for d in DIMENSIONS}
ROW_DIMS: tuple[Dimension, ...] = tuple(d for d in DIMENSIONS if d.call_col is not None)
# breakdown sections beyond the long-standing provider/tier/model/workflow ones
BREAKDOWNS: tuple[str, ...] = ("project", "user", "session", "source")


def combo_value_matches(value: Any, want: str) -> bool:
    """Whether a combo's value (a str, None, or a tuple of them for runs) matches a filter."""
    if isinstance(value, tuple):
        return want in value or (want == NONE and not value)
    return (value is None and want == NONE) or value == want
