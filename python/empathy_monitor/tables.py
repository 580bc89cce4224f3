"""In-memory columnar tables of every call and run read so far.

One row per record, ~85 bytes each (a million calls ≈ 85 MB): the numbers the analytics need plus
the record's file and byte offset, so a full record (for the activity feed or an export) is read
back from disk on demand instead of being kept in memory. Categorical fields live in a shared
"combo" table (a few thousand distinct tuples even at a million rows); high-cardinality ones (user,
session) are interned on their own so thousands of sessions do not multiply the combos; ids that
only need comparing (call_id, run_id) are kept as 64-bit hashes, never as strings.

This module sits below ``ingest/``: a decoder fills a :class:`Chunk` (plain ``array`` columns,
cheap to build and to send back from a worker process) and :meth:`Tables.add_chunk` appends it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

# Re-exported: most modules import these from here.
from .chunks import DEFAULT_SOURCE as DEFAULT_SOURCE
from .chunks import NANOS as NANOS
from .chunks import NO_ACTUAL as NO_ACTUAL
from .chunks import CallCombo as CallCombo
from .chunks import Chunk as Chunk
from .chunks import Problem as Problem
from .chunks import RunCombo as RunCombo
from .chunks import id_hash as id_hash
from .columns import _CALL_CHUNK_FIELDS as _CALL_CHUNK_FIELDS
from .columns import _NP_FROM_ARRAY, _RUN_CHUNK_FIELDS, FEW_ROWS
from .columns import CALL_COLUMNS as CALL_COLUMNS
from .columns import RUN_COLUMNS as RUN_COLUMNS
from .columns import ColumnTable as ColumnTable
from .columns import Interner as Interner

MAX_RELABELS = 32  # relabel entries kept for views to catch up on (an older view rebuilds)


class Relabel(NamedTuple):
    """Calls whose project changed when their run arrived: their rows and previous project ids."""

    rows: npt.NDArray[np.int64]
    old: npt.NDArray[np.int32]


@dataclass
class _ComboValues:
    """One key's distinct values over the call combos (see ``Tables.call_combo_values``)."""

    values: list[Any] = field(default_factory=list)
    ids: dict[Any, int] = field(default_factory=dict)
    per_combo: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class Tables:
    """Every call and run read, plus their combo dictionaries.

    A call's project is its run's (``calls.runh`` = ``runs.idh``): runs are written when a workflow
    ends, after its calls, so a run arriving re-labels calls already read. ``call_proj`` holds each
    call's project id (``projects``; 0 none) and ``relabels`` logs each change, numbered from
    ``relabel_base``, so a live view moves those calls from their old project to the new one
    instead of rebuilding.
    """

    def __init__(self) -> None:
        self.calls = ColumnTable(CALL_COLUMNS)
        self.runs = ColumnTable(RUN_COLUMNS)
        self.call_combos = Interner(CallCombo._make, CallCombo._fields.index("fallback_chain"))
        self.run_combos = Interner()
        # id 0 is "none" in the user and session columns
        self.users = Interner()
        self.sessions = Interner()
        self.users.id(None)
        self.sessions.id(None)
        self.projects = Interner()
        self.projects.id(None)
        self._proj = np.zeros(0, dtype=np.int32)
        self._run_proj: dict[int, int] = {}  # run idh -> project id
        self.relabels: list[Relabel] = []
        self.relabel_base = 0
        # call_combo_values: per key, (distinct values, value -> index, index per combo)
        self._combo_values: dict[Any, _ComboValues] = {}

    @property
    def relabel_seq(self) -> int:
        """How many relabels have happened (a view remembers this at build)."""
        return self.relabel_base + len(self.relabels)

    def call_proj(self) -> npt.NDArray[np.int32]:
        """Each call's project id (through its run), 0 when unknown."""
        return self._proj[: self.calls.n]

    def _grow_proj(self) -> None:
        if len(self._proj) < self.calls.n:
            new = np.zeros(max(self.calls.n, 2 * len(self._proj), 1024), dtype=np.int32)
            new[: len(self._proj)] = self._proj
            self._proj = new

    def _link_calls(self, start: int, end: int) -> None:
        """Set the project of calls ``[start, end)`` from the runs known so far."""
        self._grow_proj()
        if end <= start or len(self._run_proj) == 0:
            self._proj[start:end] = 0
            return
        runh = self.calls.col("runh")[start:end]
        get = self._run_proj.get
        self._proj[start:end] = np.fromiter(
            (get(h, 0) if h else 0 for h in runh.tolist()), dtype=np.int32, count=end - start
        )

    def _link_runs(self, start: int, end: int, relabel: bool = True) -> None:
        """Record the project of runs ``[start, end)``; re-label calls already read."""
        combos = self.run_combos.items
        fresh: dict[int, int] = {}
        for h, cid in zip(
            self.runs.col("idh")[start:end].tolist(),
            self.runs.col("combo")[start:end].tolist(),
            strict=True,
        ):
            proj = combos[cid].project
            if proj is not None:
                pid = self.projects.id(proj)
                if self._run_proj.get(h) != pid:
                    fresh[h] = pid
        if not fresh:
            return
        self._run_proj.update(fresh)
        if self.calls.n == 0 or not relabel:
            return
        self._grow_proj()
        keys = np.fromiter(fresh, dtype=np.int64, count=len(fresh))
        rows = np.flatnonzero(np.isin(self.calls.col("runh"), keys))
        if rows.size == 0:
            return
        proj = self.call_proj()
        new = np.fromiter(
            (fresh[h] for h in self.calls.col("runh")[rows].tolist()),
            dtype=np.int32,
            count=rows.size,
        )
        changed = proj[rows] != new
        rows, new = rows[changed], new[changed]
        if rows.size:
            self.relabels.append(Relabel(rows, proj[rows].copy()))
            proj[rows] = new
            if len(self.relabels) > MAX_RELABELS:
                drop = len(self.relabels) - MAX_RELABELS
                del self.relabels[:drop]
                self.relabel_base += drop

    def reindex(self) -> None:
        """Recompute every call's project from the runs (after rows were dropped or loaded)."""
        self.relabel_base = self.relabel_seq
        self.relabels = []
        self._run_proj = {}
        self._link_runs(0, self.runs.n, relabel=False)
        self._link_calls(0, self.calls.n)

    def _remap(self, interner: Interner, local: list[str]) -> npt.NDArray[np.int32]:
        """Chunk-local ids (index + 1; 0 = none) to this table's ids."""
        out = np.zeros(len(local) + 1, dtype=np.int32)
        out[1:] = interner.ids(local)
        return out

    def _add_few(
        self, table: ColumnTable, fields: dict[str, str], prefix: str, chunk: Chunk, file_id: int
    ) -> tuple[int, int]:
        """Append a chunk's few rows of one kind (``prefix`` c_ or r_) with scalar stores."""
        n = len(getattr(chunk, prefix + "ts"))
        if n == 0:
            return table.n, table.n
        if prefix == "c_":
            ids = self.call_combos.id
            combos = [ids(c) for c in chunk.combos]
        else:
            ids = self.run_combos.id
            combos = [ids(c) for c in chunk.run_combos]
        users = [0, *map(self.users.id, chunk.users)]
        sessions = [0, *map(self.sessions.id, chunk.sessions)]
        vals: dict[str, Sequence[Any]] = {}
        for col, attr in fields.items():
            arr = getattr(chunk, attr)
            if col == "combo":
                vals[col] = [combos[x] for x in arr]
            elif col == "user":
                vals[col] = [users[x] for x in arr]
            elif col == "session":
                vals[col] = [sessions[x] for x in arr]
            else:
                vals[col] = arr
        return table.append_few(vals, n, file_id)

    def add_chunk(
        self,
        chunk: Chunk,
        file_id: int,
        keep_calls: npt.NDArray[np.bool_] | None = None,
        keep_runs: npt.NDArray[np.bool_] | None = None,
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """Append a decoded chunk; returns the (start, end) row ranges of new calls and runs.

        ``keep_calls``/``keep_runs`` leave rows out (duplicates of ids already held).
        """
        few = len(chunk.c_ts) + len(chunk.r_ts) <= FEW_ROWS  # a live append
        if (
            few
            and (keep_calls is None or keep_calls.all())
            and (keep_runs is None or keep_runs.all())
        ):
            calls = self._add_few(self.calls, _CALL_CHUNK_FIELDS, "c_", chunk, file_id)
            runs = self._add_few(self.runs, _RUN_CHUNK_FIELDS, "r_", chunk, file_id)
            self._link_calls(*calls)
            self._link_runs(*runs)
            return calls, runs
        remap = self.call_combos.ids(chunk.combos)
        n = len(chunk.c_ts)
        vals: dict[str, npt.NDArray[Any]] = {}
        for col, attr in _CALL_CHUNK_FIELDS.items():
            arr = getattr(chunk, attr)
            vals[col] = np.frombuffer(arr, dtype=_NP_FROM_ARRAY[arr.typecode]) if n else np.empty(0)
        if n:
            vals["combo"] = remap[vals["combo"]]
            vals["file"] = np.full(n, file_id, dtype=np.int32)
            users = self._remap(self.users, chunk.users)
            sessions = self._remap(self.sessions, chunk.sessions)
            vals["user"] = users[vals["user"]]
            vals["session"] = sessions[vals["session"]]
            if keep_calls is not None:
                vals = {k: v[keep_calls] for k, v in vals.items()}
                n = int(keep_calls.sum())
        calls = self.calls.append(vals, n)

        rremap = self.run_combos.ids(chunk.run_combos)
        m = len(chunk.r_ts)
        rvals: dict[str, npt.NDArray[Any]] = {}
        for col, attr in _RUN_CHUNK_FIELDS.items():
            arr = getattr(chunk, attr)
            rvals[col] = (
                np.frombuffer(arr, dtype=_NP_FROM_ARRAY[arr.typecode]) if m else np.empty(0)
            )
        if m:
            rvals["combo"] = rremap[rvals["combo"]]
            rvals["file"] = np.full(m, file_id, dtype=np.int32)
            users = self._remap(self.users, chunk.users)
            sessions = self._remap(self.sessions, chunk.sessions)
            rvals["user"] = users[rvals["user"]]
            rvals["session"] = sessions[rvals["session"]]
            if keep_runs is not None:
                rvals = {k: v[keep_runs] for k, v in rvals.items()}
                m = int(keep_runs.sum())
        runs = self.runs.append(rvals, m)
        self._link_calls(*calls)
        self._link_runs(*runs)
        return calls, runs

    def drop_file(self, file_id: int) -> None:
        """Forget every row read from one file identity."""
        if self.calls.n:
            self.calls.keep(self.calls.col("file") != file_id)
        if self.runs.n:
            self.runs.keep(self.runs.col("file") != file_id)
        self.reindex()

    def call_combo_values(
        self, key: Callable[[CallCombo], Any]
    ) -> tuple[list[Any], npt.NDArray[np.int64]]:
        """The distinct values of ``key(combo)`` over the call combos and each combo's index
        into them: a filter then tests each distinct value once, not each of tens of thousands
        of combos. Kept per ``key`` and extended as combos are added (they never go away)."""
        vi = self._combo_values.get(key)
        if vi is None:
            vi = self._combo_values[key] = _ComboValues()
        values, ids = vi.values, vi.ids
        items = self.call_combos.items
        if len(vi.per_combo) == len(items):
            return values, vi.per_combo  # unchanged: handed out as it is (63k combos)
        got = list(map(key, items[len(vi.per_combo) :]))
        for v in dict.fromkeys(got):
            if v not in ids:
                ids[v] = len(values)
                values.append(v)
        new = np.fromiter(map(ids.__getitem__, got), dtype=np.int64, count=len(got))
        vi.per_combo = np.concatenate((vi.per_combo, new))
        vi.per_combo.flags.writeable = False  # shared by every caller until the next combo
        return values, vi.per_combo

    def call_combo_mask(self, pred: Callable[[CallCombo], bool]) -> npt.NDArray[np.bool_]:
        """Boolean array over combo ids: which combos satisfy ``pred``."""
        return np.fromiter(
            (pred(c) for c in self.call_combos.items), dtype=np.bool_, count=len(self.call_combos)
        )

    def run_combo_mask(self, pred: Callable[[RunCombo], bool]) -> npt.NDArray[np.bool_]:
        return np.fromiter(
            (pred(c) for c in self.run_combos.items), dtype=np.bool_, count=len(self.run_combos)
        )
