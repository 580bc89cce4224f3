"""What a decoder produces: one chunk of columns per contiguous byte range, and the values in it.

A decoder (``ingest/``) fills a :class:`Chunk` (plain ``array`` columns, cheap to build and to
send back from a worker process); :meth:`.tables.Tables.add_chunk` appends it to the tables.
Categorical fields go into combos (:class:`CallCombo`, :class:`RunCombo`); ids that only need
comparing (call_id, run_id) are kept as 64-bit hashes (:func:`id_hash`), never as strings.
"""

from __future__ import annotations

import zlib
from array import array
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
    # CallCombo values; a chunk sent back from a read worker carries them as plain tuples in
    # CallCombo order (``__getstate__``): unpickling a NamedTuple costs ~4x a tuple, and on
    # varied data a chunk has ~10k combos. ``Tables`` makes the CallCombo of each new one.
    combos: list[tuple[Any, ...]] = field(default_factory=list)
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

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["combos"] = [tuple(c) for c in self.combos]
        return state
