"""Claude Code's cold-read path: a typed ``msgspec`` decoder for the few fields a usage line needs.

A transcript is mostly message text: prompts, answers, thinking, tool input and output. The
orjson general path (:class:`.agent.AgentDecoder`) builds a Python object for all of it and then
reads six fields; here :data:`_decode` decodes a line straight into :class:`_Line`, whose
``message`` is a :class:`_Message` with ``id``, ``model`` and ``usage`` only: every other key
(``content`` above all) is skipped by the parser without a Python object being made. Lines without
the ``"usage"`` marker are never parsed, nor even copied (a byte search per line).

:meth:`ClaudeDecoder.feed`'s loop then handles the common assistant line — plain shape (``type``
assistant, string ids, model and timestamp, integer counts), deduplicated by (``message.id``,
``requestId``) *before* anything is built, appended straight to the columns when new, a float
``costUSD`` or none, not an API error (sidechains too: ``sidechain`` is feed metadata, their
rows are the same) — and hands anything else to the general path
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

from ...tables import NANOS, NO_ACTUAL, id_hash
from ...timeparse import MAX_EPOCH
from .agent import AgentDecoder, count
from .claude_time import Clock

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


_decode = msgspec.json.Decoder(_Line).decode
_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError)
_CONST = (  # the columns a fast-path row always has the same value in
    ("c_lat", -1),
    ("c_retry", 0),
    ("c_ok", 1),
    ("c_fb", 0),
    ("c_actual", NO_ACTUAL),
    ("c_user", 0),
    ("c_runh", 0),
)
_VARYING = (  # a fast-path row's tuple, in this order
    *(
        "c_cost",
        "c_ts",
        "c_in",
        "c_out",
        "c_cr",
        "c_cw",
        "c_cw1h",
        "c_session",
        "c_idh",
        "c_combo",
        "c_off",
    ),
)


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
    """The line loop with the typed fast path inlined (see the module docstring).

    Fast-path rows are collected as tuples and added to the chunk's columns in one go
    (:meth:`_flush`) — before any general-path row, so the rows keep their order.
    """

    _clock: Clock  # Claude Code's timestamps to epochs, through per-minute and per-day caches
    # Blocks the reader hands ``feed`` (tailer._decode_span): 1 MB ones stay in the CPU's
    # cache from the read to the last line's decode; the 8 MB default read ~25 % slower here.
    read_block = 1 << 20

    def feed(self, data: bytes, base_off: int, base_line: int) -> int:
        """Line by line with ``bytes.find`` (no split: a line without the ``"usage"`` marker is
        never copied or looked at again); an all-ASCII block is decoded through a memoryview."""
        end = data.rfind(b"\n") + 1
        if end == 0:
            return 0
        marker = self.markers[0]
        find, rfind = data.find, data.rfind
        ascii_only = data.isascii()  # then no line can be invalid UTF-8
        view = memoryview(data) if ascii_only else data
        decode, errors = _decode, _ERRORS
        st, out = self.state, self.out
        if not hasattr(self, "_clock"):
            self._clock = Clock(self.parser)
        clock = self._clock
        minutes = clock.minutes
        seen, add_seen = st.seen, st.seen.add
        self._rows: list[tuple[Any, ...]] = []
        rows = self._rows
        keep = rows.append
        cids: dict[str, int] = {}  # model -> combo id, sessions -> chunk-local id (this feed)
        sids: dict[Any, int] = {}
        b = -1
        line_no = base_line
        while True:
            a = b + 1
            if a >= end:
                break
            b = find(b"\n", a)
            line_no += 1
            if rfind(marker, a, b) < 0:  # from the end: Claude Code writes usage near it
                continue  # a prompt, a tool result, a UI event: never parsed
            try:
                if not ascii_only:
                    data[a:b].decode()  # msgspec skips unknown keys' bytes unchecked; orjson not
                o = decode(view[a:b])
            except errors:
                self._general(data[a:b], base_off + a, line_no)
                continue
            # -- the common assistant line; ``break`` out of this block: the general path
            t, msg = o.type, o.message
            if t != "assistant":
                # extract ignores every other kind of line; an absent type counts as assistant
                if t is UNSET and msg is not None:
                    self._general(data[a:b], base_off + a, line_no)
                continue
            if msg is None or msg.usage is None:
                continue  # no message / no usage object: not usage (extract: None)
            mid, model, rid, ts = msg.id, msg.model, o.requestId, o.timestamp
            if not (mid and rid and model) or ts is None or model == SYNTHETIC:
                self._general(data[a:b], base_off + a, line_no)
                continue
            key = (mid, rid)
            if key in seen:
                # What the general path concludes whatever the line's other fields: extract
                # gives a Usage keyed (mid, rid), already seen. Streaming makes most lines this.
                st.duplicates += 1
                continue
            # A sidechain's row is any other line's (``sidechain`` is feed metadata only); a
            # float ``costUSD`` is taken as ``_use`` takes it; an int, bool or str one, an API
            # error: the general path.
            c = o.costUSD
            if c is UNSET or c is None:
                nanos = 0
            elif type(c) is float:
                nanos = round(c * NANOS) if 0.0 <= c <= 1e6 else 0
            else:
                self._general(data[a:b], base_off + a, line_no)
                continue
            if o.isApiErrorMessage is True:
                self._general(data[a:b], base_off + a, line_no)
                continue
            # the common shape first, inline: "YYYY-MM-DDTHH:MM:SS.mmmZ" of a minute seen before
            base = minutes.get(ts[:16]) if len(ts) == 24 and ts[23] == "Z" else None
            sec, ms = ts[17:19], ts[20:23]
            if (
                base is not None
                and ts[19] == "."
                and ts[16] == ":"
                and ts.isascii()
                and sec.isdigit()
                and ms.isdigit()
                and sec < "60"
            ):
                t_s = (base + int(sec) * 1_000_000 + int(ms) * 1000) / 1_000_000  # as Clock.epoch
                epoch: float | None = t_s if t_s <= MAX_EPOCH else None
            else:
                epoch = clock.epoch(ts)
            if epoch is None:
                self._general(data[a:b], base_off + a, line_no)  # it reports the timestamp
                continue
            add_seen(key)
            u = msg.usage
            cw, cw1h = (
                (u.cache_creation_input_tokens or 0, 0) if u.cache_creation is None else _writes(u)
            )
            cid = cids.get(model)
            if cid is None:
                ck = ("anthropic", "capable", model, None, None, "chat", None, None, (), 0, SOURCE)
                known = out.combo_ids.get(ck)
                cid = cids[model] = out.add_combo(ck) if known is None else known
            session = o.sessionId
            sid = sids.get(session)
            if sid is None:
                sid = sids[session] = (
                    out.session(session) if type(session) is str and session else 0
                )
            keep(
                (
                    nanos,
                    epoch,
                    u.input_tokens,
                    u.output_tokens,
                    u.cache_read_input_tokens or 0,
                    cw,
                    cw1h,
                    sid,
                    id_hash(f"{SOURCE}:{rid}"),
                    cid,
                    base_off + a,
                )
            )
        self._flush()
        self.chunk.lines = line_no - base_line
        return end

    def _flush(self) -> None:
        rows = self._rows
        n = len(rows)
        if not n:
            return
        c = self.chunk
        for name, v in _CONST:
            getattr(c, name).extend([v] * n)
        for name, vals in zip(_VARYING, zip(*rows, strict=True), strict=True):
            getattr(c, name).extend(vals)
        rows.clear()
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
