"""A block of call lines decoded column by column: the fast path's fast path.

:class:`.empathy_fast.FastCalls` decodes each line into a small msgspec struct; a Python loop
that then reads ~20 attributes per line costs several times the decode itself. Here the structs
of a whole block are read a column at a time with C-level iteration (``map`` over an
``attrgetter`` into ``numpy.fromiter``), timestamps are parsed from their bytes with numpy, ids
are hashed with a ``map`` over the checksums and combos are interned by one dict look-up per
row. No Python bytecode runs per row except for the rare rows that carry cache tokens.

All or nothing: :func:`decode_block` returns ``False`` (having appended nothing) when any line
of the block is one the per-line loop would hand to the forgiving path or treat specially (a
line msgspec rejects, a doubtful timestamp, an unknown breaker state, a ``metadata`` or run id
of an unusual type ...); the caller then runs the per-line loop on that block, which locates
every problem. So both give the same rows (``tests/python/ingest/test_fast_decode.py``).
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable
from operator import attrgetter, methodcaller
from typing import Any

import numpy as np
import numpy.typing as npt

from ...records import BREAKER_CODE
from ...tables import NANOS, NO_ACTUAL, Chunk
from ...timeparse import MAX_EPOCH, MAX_YEAR, MIN_EPOCH, MIN_YEAR, TimestampParser
from ..chunk import ChunkWriter

_KEY8 = attrgetter(
    "provider",
    "tier",
    "model_id",
    "workflow_name",
    "step_name",
    "task_type",
    "error_type",
    "original_provider",
)
_G = {
    k: attrgetter(k)
    for k in (
        "call_id",
        "timestamp",
        "user_id",
        "session_id",
        "input_tokens",
        "output_tokens",
        "estimated_cost",
        "actual_cost",
        "latency_ms",
        "retry_count",
        "success",
        "fallback_used",
        "fallback_chain",
        "circuit_breaker_state",
        "metadata",
    )
}
_SOURCE, _RUN = attrgetter("source"), attrgetter("run_id")
_NAN = float("nan")
_ENCODE = methodcaller("encode", "utf-8", "surrogatepass")  # as tables.id_hash encodes
# Where the digits and separators of "YYYY-MM-DDTHH:MM:SS[.ffffff]" are.
_SEPS = {4: b"-", 7: b"-", 10: b"T", 13: b":", 16: b":"}
_DIGITS19 = [i for i in range(19) if i not in _SEPS]
_DIGITS26 = [*_DIGITS19, *range(20, 26)]
_MDAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def hash_ids(ids: list[str]) -> npt.NDArray[np.int64]:
    """``tables.id_hash`` of every id, with the checksums mapped in C."""
    n = len(ids)
    enc = list(map(_ENCODE, ids))
    crc = np.fromiter(map(zlib.crc32, enc), np.uint64, n)
    adl = np.fromiter(map(zlib.adler32, enc), np.uint64, n)
    h = ((crc << np.uint64(32)) | adl).view(np.int64)
    h[h == 0] = 1
    return h


def _num(digits: npt.NDArray[np.int64], a: int, b: int) -> npt.NDArray[np.int64]:
    """The number written by digit columns ``a..b`` (indices into the digit matrix)."""
    out = digits[:, a]
    for i in range(a + 1, b):
        out = out * 10 + digits[:, i]
    return out


def naive_epochs(stamps: list[str], parser: TimestampParser) -> npt.NDArray[np.float64] | None:
    """``parser.epoch`` of naive stamps all shaped ``YYYY-MM-DDTHH:MM:SS[.ffffff]`` (one width),
    parsed from their bytes; ``None`` when any is not (the caller asks ``parser.epoch``).

    The same arithmetic as ``epoch``: whole microseconds since 1970 as a float divided by 10**6,
    minus the zone's offset, which ``parser`` caches per wall-clock hour.
    """
    n = len(stamps)
    width = len(stamps[0])
    if width not in (19, 26) or not all(len(s) == width for s in stamps):
        return None
    try:
        raw = "".join(stamps).encode("ascii")
    except UnicodeEncodeError:
        return None
    m = np.frombuffer(raw, dtype=np.uint8).reshape(n, width)
    seps = {**_SEPS, 19: b"."} if width == 26 else _SEPS
    for col, ch in seps.items():
        if not (m[:, col] == ord(ch)).all():
            return None
    d = m[:, _DIGITS26 if width == 26 else _DIGITS19].astype(np.int64) - ord("0")
    if ((d < 0) | (d > 9)).any():
        return None
    year, month, day = _num(d, 0, 4), _num(d, 4, 6), _num(d, 6, 8)
    hour, minute, sec = _num(d, 8, 10), _num(d, 10, 12), _num(d, 12, 14)
    if not (
        ((year >= MIN_YEAR) & (year <= MAX_YEAR)).all()
        and ((month >= 1) & (month <= 12)).all()
        and (hour <= 23).all()
        and (minute <= 59).all()
        and (sec <= 59).all()
    ):
        return None
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    mdays = _MDAYS[month] - ((month == 2) & ~leap)
    if not ((day >= 1) & (day <= mdays)).all():
        return None
    # days since 1970-01-01 (H. Hinnant's days_from_civil)
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    micros = ((days * 24 + hour) * 60 + minute) * 60 + sec
    micros *= 1_000_000
    if width == 26:
        micros += _num(d, 14, 20)
    hours = (days * 24 + hour).astype(np.int64)
    uniq, first, inv = np.unique(hours, return_index=True, return_inverse=True)
    offsets = np.empty(uniq.size, dtype=np.float64)
    cache = parser._offsets  # the per-hour offsets epoch() fills
    for j, i in enumerate(first.tolist()):
        text = stamps[i]
        if text[:13] not in cache:
            parser.epoch(text)  # fills the cache for this hour (raises as epoch() does)
        offsets[j] = cache[text[:13]]
    t: npt.NDArray[np.float64] = micros.astype(np.float64) / 1e6 - offsets[inv]
    if not ((t >= MIN_EPOCH) & (t <= MAX_EPOCH)).all():
        return None
    return t


def _rows_naming(blob: bytes, word: bytes, starts: npt.NDArray[np.int64]) -> list[int]:
    """The rows (lines of ``blob`` starting at ``starts``) in which ``word`` occurs."""
    hits: list[int] = []
    find = blob.find
    i = find(word)
    while i != -1:
        hits.append(i)
        i = find(word, i + 1)
    if not hits:
        return []
    return sorted({int(r) - 1 for r in np.searchsorted(starts, hits, side="right")})


def _column(get: Callable[[Any], Any], rows: list[Any], dtype: Any) -> npt.NDArray[Any]:
    return np.fromiter(map(get, rows), dtype, len(rows))


def _ints(a: array[int], values: npt.NDArray[Any]) -> None:
    a.frombytes(values.astype(np.int64, copy=False).tobytes())


class Interns:
    """Row-key look-ups that survive across the blocks of one chunk (see :func:`decode_block`)."""

    def __init__(self, out: ChunkWriter, no_meta: Any) -> None:
        self.out = out
        self.no_meta = no_meta  # what a call without ``metadata`` reads as
        # (the 8 string fields, chain, breaker state, source) -> chunk combo id
        self.combos: dict[tuple[Any, ...], int] = {}

    def combo(self, key: tuple[Any, ...]) -> int:
        """A block key's combo id, interned in the writer in the flat ``CallCombo`` order (the
        breaker state is known to be one of ``BREAKER_CODE``'s)."""
        head, chain, state, source = key
        flat = (*head, chain or (), BREAKER_CODE[state], source)
        cid = self.out.combo_ids.get(flat)
        if cid is None:
            cid = self.out.add_combo(flat)
        self.combos[key] = cid
        return cid


def _interned(
    names: list[str | None], ids: dict[str, int], new: Callable[[str | None], int]
) -> npt.NDArray[np.int64]:
    got: list[int | None] = list(map(ids.get, names))  # type: ignore[arg-type]
    if None in got:
        got = [new(names[i]) if v is None else v for i, v in enumerate(got)]
    return np.array(got, dtype=np.int64)


def decode_block(
    rows: list[Any],  # empathy_fast._Call structs (not imported: that module imports this)
    lines: list[bytes],
    base_off: int,
    parser: TimestampParser,
    interns: Interns,
    cache_of: Callable[[Any], tuple[int, int, int, int] | None],
) -> bool:
    """Append the decoded ``rows`` of ``lines`` (the first at ``base_off``) to the chunk, or
    return False having appended nothing (see the module docstring).

    ``cache_of(row)`` is a row's (tin, cr, cw, cw1h), ``None`` when its cache tokens are
    doubtful; it is asked only of the rows whose line names "cache".
    """
    n = len(rows)
    if n == 0:
        return True
    states = list(map(_G["circuit_breaker_state"], rows))
    if not BREAKER_CODE.keys() >= set(states):
        return False  # let the forgiving path explain
    stamps = list(map(_G["timestamp"], rows))
    try:
        ts = naive_epochs(stamps, parser)
        if ts is None:  # aware or mixed stamps: one call each
            ts = np.fromiter(map(parser.epoch, stamps), np.float64, n)
    except ValueError:
        return False
    metas = list(map(_G["metadata"], rows))
    if None in metas:
        metas = [interns.no_meta if m is None else m for m in metas]
    tin = _column(_G["input_tokens"], rows, np.int64)
    cr, cw, cw1h = (np.zeros(n, dtype=np.int64) for _ in range(3))
    lens = np.fromiter(map(len, lines), np.int64, n) + 1
    starts = np.cumsum(lens) - lens
    for i in _rows_naming(b"\n".join(lines), b"cache", starts):
        # Cache tokens are rare in old files: an exact check only for the rows that may have
        # some (every cache key has "cache" in it; a false hit costs just the check).
        split = cache_of(rows[i])
        if split is None:
            return False
        tin[i], cr[i], cw[i], cw1h[i] = split
    keys = list(
        zip(
            map(_KEY8, rows),
            map(_G["fallback_chain"], rows),
            states,
            map(_SOURCE, metas),
            strict=True,
        )
    )
    combos = interns.combos
    got: list[int | None] = list(map(combos.get, keys))
    if None in got:
        got = [interns.combo(keys[i]) if v is None else v for i, v in enumerate(got)]
    out = interns.out
    users = _interned(list(map(_G["user_id"], rows)), out.user_ids, out.user)
    sessions = _interned(list(map(_G["session_id"], rows)), out.session_ids, out.session)
    runs = list(map(_RUN, metas))
    if set(map(type, runs)) == {str}:
        runh = hash_ids(runs)
    else:  # a run id that is no string is no run (as in the per-line loop)
        runh = np.zeros(n, dtype=np.int64)
        named = [i for i, r in enumerate(runs) if type(r) is str]
        runh[named] = hash_ids([runs[i] for i in named])
    acts: list[float | None] = list(map(_G["actual_cost"], rows))
    if None in acts:
        acts = [_NAN if a is None else a for a in acts]
    act = np.fromiter(acts, np.float64, n)
    act = np.where(np.isnan(act), NO_ACTUAL, np.rint(act * NANOS))
    offs = starts + base_off
    c: Chunk = out.chunk
    c.c_ts.frombytes(ts.tobytes())
    _ints(c.c_cost, np.rint(_column(_G["estimated_cost"], rows, np.float64) * NANOS))
    _ints(c.c_in, tin)
    _ints(c.c_cr, cr)
    _ints(c.c_cw, cw)
    _ints(c.c_cw1h, cw1h)
    _ints(c.c_actual, act)
    _ints(c.c_user, users)
    _ints(c.c_session, sessions)
    _ints(c.c_idh, hash_ids(list(map(_G["call_id"], rows))))
    _ints(c.c_runh, runh)
    _ints(c.c_out, _column(_G["output_tokens"], rows, np.int64))
    _ints(c.c_lat, _column(_G["latency_ms"], rows, np.int64))
    _ints(c.c_retry, _column(_G["retry_count"], rows, np.int64))
    c.c_ok.frombytes(_column(_G["success"], rows, np.bool_).tobytes())
    c.c_fb.frombytes(_column(_G["fallback_used"], rows, np.bool_).tobytes())
    _ints(c.c_combo, np.array(got, dtype=np.int64))
    _ints(c.c_off, offs)
    c.records += n
    return True
