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

import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

NANOS = 1_000_000_000  # costs are kept as integer nanodollars
NO_ACTUAL = -1  # the actual-cost column when a record has no actual_cost
DEFAULT_SOURCE = "empathy"  # the ``source`` of records the Empathy writers wrote


def id_hash(text: str) -> int:
    """A stable, non-zero signed 64-bit hash of an id (CRC-32 and Adler-32 side by side).

    Stable across processes and runs (unlike ``hash()``), so worker processes and the index cache
    agree; two C-level checksums cost ~0.2 µs per id. 0 is reserved for "no id".
    """
    b = text.encode("utf-8", "surrogatepass")
    h = (zlib.crc32(b) << 32) | zlib.adler32(b)
    if h >= 1 << 63:
        h -= 1 << 64
    return h or 1


class CallCombo(NamedTuple):
    """A call's categorical dimensions, interned together (one id per distinct combination)."""

    provider: str
    tier: str
    model: str
    workflow: str | None
    step: str | None
    task_type: str
    error_type: str | None
    original_provider: str | None
    fallback_chain: tuple[str, ...]
    breaker: int  # records.BREAKER_CODE
    source: str = DEFAULT_SOURCE  # which log the record came from (empathy, claude-code, ...)


class RunCombo(NamedTuple):
    """A workflow run's categorical dimensions."""

    workflow: str
    providers: tuple[str, ...]
    tiers: tuple[str, ...]
    project: str | None = None  # attune-ai 16.x runs name their project


@dataclass
class Problem:
    """A line that could not be used (malformed) or whose values were partly excluded (flagged)."""

    line: int
    kind: str  # "malformed" | "flagged" | "salvaged"
    reason: str


@dataclass
class Chunk:
    """Columns decoded from one contiguous byte range of one file."""

    file_idx: int
    # calls
    c_ts: array[float] = field(default_factory=lambda: array("d"))
    c_cost: array[int] = field(default_factory=lambda: array("q"))
    c_in: array[int] = field(default_factory=lambda: array("q"))
    c_out: array[int] = field(default_factory=lambda: array("q"))
    c_lat: array[int] = field(default_factory=lambda: array("q"))
    c_retry: array[int] = field(default_factory=lambda: array("q"))
    c_ok: array[int] = field(default_factory=lambda: array("b"))
    c_fb: array[int] = field(default_factory=lambda: array("b"))
    c_combo: array[int] = field(default_factory=lambda: array("q"))
    c_off: array[int] = field(default_factory=lambda: array("q"))
    c_actual: array[int] = field(default_factory=lambda: array("q"))  # NO_ACTUAL when absent
    c_cr: array[int] = field(default_factory=lambda: array("q"))  # cache read tokens
    c_cw: array[int] = field(default_factory=lambda: array("q"))  # cache write, 5-minute
    c_cw1h: array[int] = field(default_factory=lambda: array("q"))  # cache write, 1-hour
    c_user: array[int] = field(default_factory=lambda: array("q"))  # index into users + 1; 0 none
    c_session: array[int] = field(default_factory=lambda: array("q"))  # into sessions + 1
    c_idh: array[int] = field(default_factory=lambda: array("q"))  # id_hash(call_id)
    c_runh: array[int] = field(default_factory=lambda: array("q"))  # id_hash(metadata.run_id)
    combos: list[CallCombo] = field(default_factory=list)
    users: list[str] = field(default_factory=list)  # chunk-local; Tables remaps to its own ids
    sessions: list[str] = field(default_factory=list)
    # runs
    r_ts: array[float] = field(default_factory=lambda: array("d"))
    r_end: array[float] = field(default_factory=lambda: array("d"))
    r_cost: array[int] = field(default_factory=lambda: array("q"))
    r_base: array[int] = field(default_factory=lambda: array("q"))
    r_save: array[int] = field(default_factory=lambda: array("q"))
    r_dur: array[int] = field(default_factory=lambda: array("q"))
    r_ok: array[int] = field(default_factory=lambda: array("b"))
    r_combo: array[int] = field(default_factory=lambda: array("q"))
    r_off: array[int] = field(default_factory=lambda: array("q"))
    r_user: array[int] = field(default_factory=lambda: array("q"))
    r_session: array[int] = field(default_factory=lambda: array("q"))
    r_idh: array[int] = field(default_factory=lambda: array("q"))  # id_hash(run_id)
    run_combos: list[RunCombo] = field(default_factory=list)
    # health
    records: int = 0
    malformed: int = 0
    salvaged: int = 0
    flagged: int = 0
    lines: int = 0
    problems: list[Problem] = field(default_factory=list)


CALL_COLUMNS: dict[str, type[Any]] = {
    "ts": np.float64,
    "cost": np.int64,  # nanodollars: integer sums are exact and order-independent
    "tin": np.int32,  # ≤ 100M per call (larger values are flagged and zeroed)
    "tout": np.int32,
    "lat": np.int32,  # ≤ 24 h in ms
    "retry": np.int16,
    "ok": np.bool_,
    "fb": np.bool_,
    "combo": np.int32,
    "file": np.int32,
    "off": np.int64,
    "actual": np.int64,  # nanodollars, NO_ACTUAL when the record has none
    "cr": np.int32,  # cache read input tokens
    "cw": np.int32,  # cache write (5-minute) input tokens
    "cw1h": np.int32,  # cache write (1-hour) input tokens
    "user": np.int32,  # Tables.users id (0: none)
    "session": np.int32,  # Tables.sessions id (0: none)
    "idh": np.int64,  # id_hash(call_id)
    "runh": np.int64,  # id_hash(metadata.run_id), 0: none
}
RUN_COLUMNS: dict[str, type[Any]] = {
    "ts": np.float64,
    "end": np.float64,
    "cost": np.int64,
    "base": np.int64,
    "save": np.int64,
    "dur": np.int64,
    "ok": np.bool_,
    "combo": np.int32,
    "file": np.int32,
    "off": np.int64,
    "user": np.int32,
    "session": np.int32,
    "idh": np.int64,  # id_hash(run_id)
}
_CALL_CHUNK_FIELDS = {
    "ts": "c_ts",
    "cost": "c_cost",
    "tin": "c_in",
    "tout": "c_out",
    "lat": "c_lat",
    "retry": "c_retry",
    "ok": "c_ok",
    "fb": "c_fb",
    "combo": "c_combo",
    "off": "c_off",
    "actual": "c_actual",
    "cr": "c_cr",
    "cw": "c_cw",
    "cw1h": "c_cw1h",
    "user": "c_user",
    "session": "c_session",
    "idh": "c_idh",
    "runh": "c_runh",
}
_RUN_CHUNK_FIELDS = {
    "ts": "r_ts",
    "end": "r_end",
    "cost": "r_cost",
    "base": "r_base",
    "save": "r_save",
    "dur": "r_dur",
    "ok": "r_ok",
    "combo": "r_combo",
    "off": "r_off",
    "user": "r_user",
    "session": "r_session",
    "idh": "r_idh",
}
FEW_ROWS = 16  # a chunk this small is appended with scalar stores (see ColumnTable.append_few)
_NP_FROM_ARRAY = {"d": np.float64, "q": np.int64, "b": np.int8}


class ColumnTable:
    """Growable numpy columns (capacity doubling, so appends are amortised O(1))."""

    def __init__(self, schema: dict[str, type[Any]]) -> None:
        self.schema = schema
        self.n = 0
        self._cap = 0
        self._cols: dict[str, npt.NDArray[Any]] = {
            k: np.empty(0, dtype=t) for k, t in schema.items()
        }
        self.version = 0  # bumps on every structural change (append, drop)
        self.drops = 0  # bumps when rows are dropped (row numbers then change meaning)

    def col(self, name: str) -> npt.NDArray[Any]:
        """A view of the live rows of one column."""
        return self._cols[name][: self.n]

    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        self._resize(max(need, self._cap * 2, 1024))

    def _resize(self, cap: int) -> None:
        for k, arr in self._cols.items():
            new = np.empty(cap, dtype=arr.dtype)
            new[: self.n] = arr[: self.n]
            self._cols[k] = new
            del arr  # one column at a time: the old and new tables are never all held
        self._cap = cap

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` rows at once (a bulk read that knows about how many are
        coming): growing by doubling would hold the old and the new columns together."""
        if rows > self._cap:
            self._resize(rows)

    def append(self, values: dict[str, npt.NDArray[Any]], count: int) -> tuple[int, int]:
        """Append ``count`` rows; returns the new rows' index range."""
        start = self.n
        if count == 0:
            return start, start
        self._grow(start + count)
        for k, arr in values.items():
            self._cols[k][start : start + count] = arr
        self.n = start + count
        self.version += 1
        return start, self.n

    def append_few(
        self, values: dict[str, Sequence[Any]], count: int, file_id: int
    ) -> tuple[int, int]:
        """:meth:`append` for a handful of rows (a live append): scalar stores, no numpy arrays.

        Building one array per column costs ~2 µs each; a scalar store ~0.3 µs.
        """
        start = self.n
        self._grow(start + count)
        cols = self._cols
        for k, vals in values.items():
            dst = cols[k]
            for i in range(count):
                dst[start + i] = vals[i]
        cols["file"][start : start + count] = file_id
        self.n = start + count
        self.version += 1
        return start, self.n

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Drop the rows where ``mask`` is False (used when a file is truncated or replaced)."""
        n = int(mask.sum())
        for k in self._cols:
            self._cols[k][:n] = self._cols[k][: self.n][mask]
        self.n = n
        self.version += 1
        self.drops += 1


class Interner:
    """Distinct tuples with stable integer ids."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._ids: dict[Any, int] = {}

    def id(self, item: Any) -> int:
        i = self._ids.get(item)
        if i is None:
            i = len(self.items)
            self.items.append(item)
            self._ids[item] = i
        return i

    def __len__(self) -> int:
        return len(self.items)


MAX_RELABELS = 32  # relabel entries kept for views to catch up on (an older view rebuilds)


class Relabel(NamedTuple):
    """Calls whose project changed when their run arrived: their rows and previous project ids."""

    rows: npt.NDArray[np.int64]
    old: npt.NDArray[np.int32]


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
        self.call_combos = Interner()
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
        self._combo_values: dict[Any, tuple[list[Any], dict[Any, int], list[int]]] = {}

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
        for i, v in enumerate(local):
            out[i + 1] = interner.id(v)
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
        remap = np.fromiter(
            (self.call_combos.id(c) for c in chunk.combos), dtype=np.int32, count=len(chunk.combos)
        )
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

        rremap = np.fromiter(
            (self.run_combos.id(c) for c in chunk.run_combos),
            dtype=np.int32,
            count=len(chunk.run_combos),
        )
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
            vi = self._combo_values[key] = ([], {}, [])
        values, ids, per_combo = vi
        items = self.call_combos.items
        for c in items[len(per_combo) :]:
            v = key(c)
            i = ids.get(v)
            if i is None:
                i = ids[v] = len(values)
                values.append(v)
            per_combo.append(i)
        return values, np.array(per_combo, dtype=np.int64)

    def call_combo_mask(self, pred: Callable[[CallCombo], bool]) -> npt.NDArray[np.bool_]:
        """Boolean array over combo ids: which combos satisfy ``pred``."""
        return np.fromiter(
            (pred(c) for c in self.call_combos.items), dtype=np.bool_, count=len(self.call_combos)
        )

    def run_combo_mask(self, pred: Callable[[RunCombo], bool]) -> npt.NDArray[np.bool_]:
        return np.fromiter(
            (pred(c) for c in self.run_combos.items), dtype=np.bool_, count=len(self.run_combos)
        )
