"""What every format's decoder shares: appending records to a :class:`Chunk`, and problems.

A decoder (one per format, see :mod:`.format`) turns lines into values; a :class:`ChunkWriter`
interns their combos, appends them to the chunk's columns and counts and locates every line that
could not be used, so health reporting is the same for every format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from ..columns import SharedStrings
from ..tables import NANOS, NO_ACTUAL, CallCombo, Chunk, Problem, RunCombo

MAX_REPORTED_PROBLEMS = 20
_CHAIN = CallCombo._fields.index("fallback_chain")
RecordKind = Literal["call", "run"]  # what a format says one decoded record is


def nanos(x: float) -> int:
    """Dollars as integer nanodollars (the cost columns' unit)."""
    return round(x * NANOS)


class ChunkWriter:
    """Appends decoded calls and runs to one chunk; one instance per chunk being built."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        # Keyed by plain tuples too: a fast path looks a combo up before building a CallCombo.
        self.combo_ids: dict[tuple[Any, ...], int] = {}
        self.run_combo_ids: dict[tuple[Any, ...], int] = {}
        # chunk-local ids of users and sessions: index in chunk.users/sessions + 1 (0 = none)
        self.user_ids: dict[str, int] = {}
        self.session_ids: dict[str, int] = {}
        self._strings = SharedStrings()  # one object per distinct combo string

    def user(self, name: str | None) -> int:
        """The chunk-local id of a user (0 for none)."""
        if name is None:
            return 0
        i = self.user_ids.get(name)
        if i is None:
            self.chunk.users.append(name)
            i = self.user_ids[name] = len(self.chunk.users)
        return i

    def session(self, name: str | None) -> int:
        """The chunk-local id of a session (0 for none)."""
        if name is None:
            return 0
        i = self.session_ids.get(name)
        if i is None:
            self.chunk.sessions.append(name)
            i = self.session_ids[name] = len(self.chunk.sessions)
        return i

    def add_combo(self, key: tuple[Any, ...]) -> int:
        """Intern a new call combo (``key`` in :class:`CallCombo` order); returns its id.

        Its strings are the chunk's shared ones: a chunk's ~10k combos on varied data then
        hold a few hundred names, and pickling sends each once (~3.5x smaller, faster to load).
        """
        cid = len(self.chunk.combos)
        self.chunk.combos.append(CallCombo._make(self._strings.share_combo(key, _CHAIN)))
        self.combo_ids[key] = cid
        return cid

    def combo_id(self, key: CallCombo) -> int:
        cid = self.combo_ids.get(key)
        return self.add_combo(key) if cid is None else cid

    def run_combo_id(self, key: RunCombo) -> int:
        rid = self.run_combo_ids.get(key)
        if rid is None:
            rid = len(self.chunk.run_combos)
            self.chunk.run_combos.append(key)
            self.run_combo_ids[key] = rid
        return rid

    def append_call(
        self,
        ts: float,
        cost: int,
        tin: int,
        tout: int,
        lat: int,
        rc: int,
        ok: bool,
        fb: bool,
        cid: int,
        off: int,
        actual: int = NO_ACTUAL,
        cache: tuple[int, int, int] = (0, 0, 0),
        user: int = 0,
        session: int = 0,
        idh: int = 0,
        runh: int = 0,
    ) -> None:
        """One call row (``cost``/``actual`` in nanodollars, ``lat`` -1 when unusable; ``cache``
        is (read, write 5m, write 1h) tokens; ``user``/``session`` chunk-local ids); counts it."""
        c = self.chunk
        c.c_actual.append(actual)
        c.c_cr.append(cache[0])
        c.c_cw.append(cache[1])
        c.c_cw1h.append(cache[2])
        c.c_user.append(user)
        c.c_session.append(session)
        c.c_idh.append(idh)
        c.c_runh.append(runh)
        c.c_ts.append(ts)
        c.c_cost.append(cost)
        c.c_in.append(tin)
        c.c_out.append(tout)
        c.c_lat.append(lat)
        c.c_retry.append(rc)
        c.c_ok.append(ok)
        c.c_fb.append(fb)
        c.c_combo.append(cid)
        c.c_off.append(off)
        c.records += 1

    def append_run(
        self,
        ts: float,
        end: float,
        cost: int,
        base: int,
        save: int,
        dur: int,
        ok: bool,
        rid: int,
        off: int,
        user: int = 0,
        session: int = 0,
        idh: int = 0,
    ) -> None:
        """One run row (money in nanodollars, ``end`` NaN when not completed); counts a record."""
        c = self.chunk
        c.r_user.append(user)
        c.r_session.append(session)
        c.r_idh.append(idh)
        c.r_ts.append(ts)
        c.r_end.append(end)
        c.r_cost.append(cost)
        c.r_base.append(base)
        c.r_save.append(save)
        c.r_dur.append(dur)
        c.r_ok.append(ok)
        c.r_combo.append(rid)
        c.r_off.append(off)
        c.records += 1

    def problem(self, line: int, kind: str, reason: str) -> None:
        """Count a malformed / flagged / salvaged line; the first few are kept with their reason."""
        c = self.chunk
        if kind == "malformed":
            c.malformed += 1
        elif kind == "flagged":
            c.flagged += 1
        else:
            c.salvaged += 1
        if len(c.problems) < MAX_REPORTED_PROBLEMS:
            c.problems.append(Problem(line, kind, reason))

    def flag(self, line: int, problems: dict[str, str]) -> None:
        """A used record with unbelievable values (each left out of the sums), if any."""
        if problems:
            self.problem(line, "flagged", "; ".join(problems.values()) + " (excluded from sums)")


def glued_starts(raw: bytes, markers: tuple[bytes, ...]) -> list[int]:
    """Where a record may start inside ``raw`` after a torn one (a writer stopped mid-line)."""
    out: list[int] = []
    for marker in markers:
        i = raw.find(marker, 1)
        while i != -1:
            out.append(i)
            i = raw.find(marker, i + 1)
    return sorted(out)


_JSON = json.JSONDecoder()  # the stdlib parser: accepts NaN/Infinity like the forgiving path
_WS = " \t\r\n"


@dataclass
class Pieces:
    """What one line that is not a single JSON value holds (see :func:`split_objects`)."""

    values: list[tuple[int, Any]]  # (byte offset in the line, value), in line order
    torn: list[tuple[int, int]]  # (start, end) byte ranges that are no complete value


def split_objects(raw: bytes, markers: tuple[bytes, ...]) -> Pieces | None:
    """Every complete JSON value glued on one line (``{A}{B}``, ``{torn{A}``, ``{A}{torn``).

    A value is tried at the start and right after each complete one; after a part that is not
    a complete value (a writer stopped mid-line) the next ``markers`` position is tried, so only
    a truly incomplete part is "torn". ``None`` when the line is not UTF-8. Only lines the fast
    path rejected come here, so the cost (a decode and a scan) is off the hot path.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    ascii_only = len(text) == len(raw)
    out = Pieces([], [])
    starts = glued_starts(raw, markers)
    pos, n = 0, len(text)
    while pos < n:
        while pos < n and text[pos] in _WS:
            pos += 1
        if pos >= n:
            break
        bpos = pos if ascii_only else len(text[:pos].encode("utf-8"))
        try:
            val, end = _JSON.raw_decode(text, pos)
        except ValueError:
            nxt = next((b for b in starts if b > bpos), None)
            out.torn.append((bpos, len(raw) if nxt is None else nxt))
            if nxt is None:
                break
            pos = nxt if ascii_only else len(raw[:nxt].decode("utf-8", "replace"))
            continue
        out.values.append((bpos, val))
        pos = end
    return out


def whole_tail(tail: bytes) -> bool:
    """Whether an unterminated last line is whole: one or more complete JSON objects/arrays.

    Such a line cannot grow into a different record (a JSON object is never the prefix of a
    longer one), so it is safe to count before its newline arrives.
    """
    t = tail.strip()
    if not t.endswith((b"}", b"]")):
        return False
    pieces = split_objects(t, ())
    return pieces is not None and bool(pieces.values) and not pieces.torn
