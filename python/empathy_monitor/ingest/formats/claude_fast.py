"""Claude Code's cold-read path: a typed ``msgspec`` decoder for the few fields a usage line needs.

A transcript is mostly message text: prompts, answers, thinking, tool input and output. The
orjson general path (:class:`.agent.AgentDecoder`) builds a Python object for all of it and then
reads six fields; here :data:`_decode` decodes a line straight into :class:`_Line`, whose
``message`` is a :class:`_Message` with ``id``, ``model`` and ``usage`` only: every other key
(``content`` above all) is skipped by the parser without a Python object being made. Lines without
the ``"usage"`` marker are never parsed at all (``AgentDecoder.feed``'s byte prefilter).

:meth:`ClaudeDecoder._line` then handles the common assistant line — plain shape (``type``
assistant, string ids, model and timestamp, integer counts), deduplicated by (``message.id``,
``requestId``) *before* anything is built, appended straight to the columns when new, no
``costUSD``, not an API error, not a sidechain — and hands anything else to the general path
(the line parsed again by orjson, then ``ClaudeCode.extract``), so both paths make the same rows:
``tests/python/sources/test_claude_fast_path.py`` compares them on every fixture and on lines
with each checked field bent out of shape. A line msgspec refuses but orjson reads takes the
general path too (as does a line that is not valid UTF-8: msgspec does not check the bytes of
keys it skips); one neither reads is reported as the general path reports it.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import orjson

from ...tables import NO_ACTUAL, id_hash
from .agent import AgentDecoder, count

SOURCE = "claude-code"
SYNTHETIC = "<synthetic>"  # Claude Code's own placeholder messages (no API call)
MAX_COUNT = 100_000_000  # as agent.count
UNSET: Any = msgspec.UNSET
# A count the general path takes as it is (agent.count); any other value fails validation here,
# and the line takes the general path.
Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_COUNT)]


class _Split(msgspec.Struct):
    ephemeral_5m_input_tokens: Count | msgspec.UnsetType = UNSET
    ephemeral_1h_input_tokens: Count | msgspec.UnsetType = UNSET


class _Usage(msgspec.Struct):
    input_tokens: Count
    output_tokens: Count
    cache_read_input_tokens: Count | None = None
    cache_creation_input_tokens: Count | None = None
    cache_creation: _Split | None = None


class _Message(msgspec.Struct):
    id: str | None = None
    model: str | None = None
    usage: _Usage | None = None


class _Line(msgspec.Struct):
    """The top-level keys the fast path reads, named as the log names them."""

    type: Any = UNSET  # absent: taken as an assistant line by extract
    message: _Message | None = None
    requestId: str | None = None
    timestamp: str | None = None
    sessionId: Any = None
    costUSD: Any = UNSET  # present at all (even null): the general path decides
    isApiErrorMessage: Any = None
    isSidechain: Any = None


_decode = msgspec.json.Decoder(_Line).decode
_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError)
_CONST = (  # the columns a fast-path row always has the same value in
    ("c_cost", 0),
    ("c_lat", -1),
    ("c_retry", 0),
    ("c_ok", 1),
    ("c_fb", 0),
    ("c_actual", NO_ACTUAL),
    ("c_user", 0),
    ("c_runh", 0),
)
_VARYING = ("c_ts", "c_in", "c_out", "c_cr", "c_cw", "c_cw1h", "c_session", "c_idh", "c_combo")


def cache_writes(usage: dict[str, Any]) -> tuple[int, int]:
    """(5-minute, 1-hour) cache writes: the TTL split when given, else all 5-minute."""
    total_cw = count(usage.get("cache_creation_input_tokens"))
    split = usage.get("cache_creation")
    if type(split) is dict and (
        "ephemeral_5m_input_tokens" in split or "ephemeral_1h_input_tokens" in split
    ):
        cw1h = count(split.get("ephemeral_1h_input_tokens"))
        return max(count(split.get("ephemeral_5m_input_tokens")), total_cw - cw1h), cw1h
    return total_cw, 0


def _writes(u: _Usage) -> tuple[int, int]:
    """:func:`cache_writes` of a validated usage."""
    total = u.cache_creation_input_tokens or 0
    s = u.cache_creation
    if s is None:
        return total, 0
    e5, e1h = s.ephemeral_5m_input_tokens, s.ephemeral_1h_input_tokens
    if type(e5) is not int and type(e1h) is not int:
        return total, 0  # neither key given
    cw1h = e1h if type(e1h) is int else 0
    return max(e5 if type(e5) is int else 0, total - cw1h), cw1h


class ClaudeDecoder(AgentDecoder):
    """The line loop with the typed fast path (see the module docstring).

    Fast-path rows are collected in plain lists and added to the chunk's columns in one go
    (:meth:`_flush`) — before any general-path row, so the rows keep their order.
    """

    def feed(self, data: bytes, base_off: int, base_line: int) -> int:
        """Jump from one ``"usage"`` marker to the next (``bytes.find``): the lines between are
        never split out, copied or looked at; newlines are only counted (for line numbers)."""
        end = data.rfind(b"\n") + 1
        if end == 0:
            return 0
        marker = self.markers[0]
        find, rfind, lines_in = data.find, data.rfind, data.count
        decode, errors, general, line = _decode, _ERRORS, self._general, self._line
        self._rows: list[list[Any]] = [[] for _ in _VARYING]
        self._offs: list[int] = []
        self._last: tuple[Any, int, Any, int] = (None, -1, None, 0)  # model, combo, session, id
        pos = 0  # the start of the first line not looked at yet
        line_no = base_line  # the number of the line before ``pos``
        while True:
            i = find(marker, pos, end)
            if i < 0:
                break
            a = rfind(b"\n", pos, i) + 1 or pos  # this line's start
            b = find(b"\n", i, end)  # its newline (there is one: ``end`` follows a newline)
            line_no += lines_in(b"\n", pos, a) + 1
            raw = data[a:b]
            pos = b + 1
            try:
                if not raw.isascii():
                    raw.decode()  # msgspec skips unknown keys' bytes unchecked; orjson does not
                o = decode(raw)
            except errors:
                general(raw, base_off + a, line_no)
                continue
            if not line(o, base_off + a):
                general(raw, base_off + a, line_no)
        self._flush()
        self.chunk.lines = line_no - base_line + lines_in(b"\n", pos, end)
        return end

    def _flush(self) -> None:
        n = len(self._offs)
        if not n:
            return
        c = self.chunk
        for name, v in _CONST:
            getattr(c, name).extend([v] * n)
        for name, vals in zip(_VARYING, self._rows, strict=True):
            getattr(c, name).extend(vals)
            vals.clear()
        c.c_off.extend(self._offs)
        self._offs.clear()
        c.records += n

    def _general(self, raw: bytes, off: int, line_no: int) -> None:
        """The orjson path for a line the typed one does not take (as ``AgentDecoder.feed``)."""
        self._flush()
        try:
            d = orjson.loads(raw)
        except orjson.JSONDecodeError:
            self.forgive(raw, off, line_no)
            return
        self._use(d, off, line_no)

    def _line(self, o: _Line, off: int) -> bool:
        """Handle the common assistant line; False: the general path must decide."""
        t, msg = o.type, o.message
        if t != "assistant":
            # extract ignores every other kind of line; an absent type counts as assistant
            return t is not UNSET or msg is None
        if msg is None or msg.usage is None:
            return True  # no message / no usage object: not usage (extract: None)
        mid, model, rid, ts = msg.id, msg.model, o.requestId, o.timestamp
        if not (mid and rid and model) or ts is None or model == SYNTHETIC:
            return False
        st = self.state
        key = (mid, rid)
        if key in st.seen:
            # What the general path concludes for this line whatever its other fields: extract
            # gives a Usage keyed (mid, rid), already seen. Streaming makes most lines this.
            st.duplicates += 1
            return True
        if o.costUSD is not UNSET or o.isApiErrorMessage is True or o.isSidechain is True:
            return False
        try:
            epoch = self.parser.epoch(ts)
        except (ValueError, IndexError):
            return False  # the general path reports it
        st.seen.add(key)
        u = msg.usage
        cw, cw1h = _writes(u)
        last_model, cid, last_session, sid = self._last
        if model != last_model:
            ckey = ("anthropic", "capable", model, None, None, "chat", None, None, (), 0, SOURCE)
            known = self.out.combo_ids.get(ckey)
            cid = self.out.add_combo(ckey) if known is None else known
        session = o.sessionId
        if session != last_session:
            sid = self.out.session(session) if type(session) is str and session else 0
        self._last = (model, cid, session, sid)
        r = self._rows
        r[0].append(epoch)
        r[1].append(u.input_tokens)
        r[2].append(u.output_tokens)
        r[3].append(u.cache_read_input_tokens or 0)
        r[4].append(cw)
        r[5].append(cw1h)
        r[6].append(sid)
        r[7].append(id_hash(f"{SOURCE}:{rid}"))
        r[8].append(cid)
        self._offs.append(off)
        return True
