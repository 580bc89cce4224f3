"""What the coding agents' usage logs share (Claude Code, Codex CLI, Gemini CLI, Copilot).

An agent format reads *only usage metadata*: model, token counts, times, ids, cost, the working
folder. Prompt and response text is never copied into a column, a combo, a feed row or a mirror
record: each format picks the few keys it needs out of a parsed line and drops the rest.

Shared here:

* :class:`Usage`, one agent request as the formats see it (already in our conventions: ``tin``
  is *uncached* input; cache reads and 5-minute / 1-hour writes apart);
* :class:`AgentDecoder`, the line loop: a byte marker skips lines that cannot be usage records
  without parsing them (most transcript lines are prompts and tool output), ``orjson`` for the
  rest, a torn last line left for later, a torn line in the middle reported and skipped;
  deduplication by the format's key within a file (state kept per file across reads, so a
  streamed duplicate appended later is still a duplicate);
* :func:`call_dict`: a :class:`Usage` as an Empathy call record (metadata only), the shape of
  feed rows, exports and the durable mirror, with ``call_id`` ``<source>:<request id>`` so one
  request arriving by two paths is one call.

The parts of a format every agent shares (:class:`.agent_format.AgentFormat`: ``home_only``,
not ``splittable``, per-file state kept across reads) are in ``agent_format.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from ...tables import NANOS, NO_ACTUAL, CallCombo, Chunk, id_hash
from ...timeparse import TimestampParser
from ...validation import shorten
from ..chunk import ChunkWriter, RecordKind

CALL_KINDS: frozenset[RecordKind] = frozenset({"call"})


class Usage(NamedTuple):
    """One agent request's usage (no text). ``key`` deduplicates within a file."""

    ts: str
    model: str
    provider: str
    tin: int  # uncached input
    tout: int
    cr: int = 0
    cw: int = 0
    cw1h: int = 0
    cost: float | None = None  # the agent's own cost (Claude Code costUSD): writer cost
    session: str | None = None
    request_id: str = ""
    ok: bool = True
    error_type: str | None = None
    latency_ms: int = -1  # -1: the log does not say
    cwd: str | None = None
    key: Any = None
    extra: tuple[tuple[str, Any], ...] = ()  # more metadata (e.g. sidechain), never text


@dataclass
class FileState:
    """What a decoder remembers about one file between reads."""

    seen: set[Any] = field(default_factory=set)
    model: str | None = None
    session: str | None = None
    cwd: str | None = None
    last_total: Any = None
    duplicates: int = 0
    # Codex: (timestamp, model) of each model change, so a feed row re-read later names the
    # model its turn was counted with, and how often a match key was seen (its ordinal).
    models: list[tuple[str, str]] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)


def count(v: Any) -> int:
    """A token count from a log value (0 when absent or not a believable whole number)."""
    if type(v) is float and v.is_integer():
        v = int(v)
    return v if type(v) is int and 0 <= v <= 100_000_000 else 0


def text(v: Any) -> str | None:
    return v if type(v) is str and v else None


def call_dict(source: str, u: Usage) -> dict[str, Any]:
    """``u`` as an Empathy call record: usage metadata only (no prompt, no response)."""
    meta: dict[str, Any] = {"source": source, "request_id": u.request_id}
    if u.cwd:
        meta["cwd"] = u.cwd
    if u.cw1h:
        meta["cache_creation"] = {
            "ephemeral_5m_input_tokens": u.cw,
            "ephemeral_1h_input_tokens": u.cw1h,
        }
    meta.update(u.extra)
    d: dict[str, Any] = {
        "call_id": f"{source}:{u.request_id}",
        "timestamp": u.ts,
        "workflow_name": None,
        "step_name": None,
        "user_id": None,
        "session_id": u.session,
        "task_type": "chat",
        "provider": u.provider,
        "tier": "capable",
        "model_id": u.model,
        "input_tokens": u.tin,
        "output_tokens": u.tout,
        # None, never 0.0, when the agent gives no cost: the call is list-priced or unpriced by
        # the price book, not a free call (a store writing this record defaults it to 0).
        "estimated_cost": u.cost,
        "actual_cost": None,
        "latency_ms": max(0, u.latency_ms),
        "success": u.ok,
        "error_type": u.error_type,
        "metadata": meta,
    }
    if u.cr:
        d["cache_read_input_tokens"] = u.cr
    if u.cw or u.cw1h:
        d["cache_creation_input_tokens"] = u.cw + u.cw1h
    return d


Extract = Callable[[Any, FileState], "Usage | None"]


class AgentDecoder:
    """Decodes one agent file's lines into a chunk (see the module docstring)."""

    def __init__(
        self,
        source: str,
        markers: tuple[bytes, ...],
        extract: Extract,
        parser: TimestampParser,
        chunk: Chunk,
        state: FileState,
    ) -> None:
        self.source = source
        self.markers = markers
        self.extract = extract
        self.parser = parser
        self.chunk = chunk
        self.state = state
        self.out = ChunkWriter(chunk)

    def feed(self, data: bytes, base_off: int, base_line: int) -> int:
        end = data.rfind(b"\n") + 1
        if end == 0:
            return 0
        pos = 0
        line_no = base_line
        markers = self.markers
        one = markers[0] if len(markers) == 1 else None  # one `in` test, no generator per line
        loads, bad = orjson.loads, orjson.JSONDecodeError
        for raw in data[:end].split(b"\n")[:-1]:
            line_no += 1
            off = base_off + pos
            pos += len(raw) + 1
            if (one not in raw) if one is not None else not any(m in raw for m in markers):
                continue  # a prompt, a tool result, a UI event: never parsed
            try:
                d = loads(raw)
            except bad:
                self.forgive(raw, off, line_no)
                continue
            self._use(d, off, line_no)
        self.chunk.lines = line_no - base_line
        return end

    def forgive(self, raw: bytes, off: int, line_no: int) -> None:
        """A line with a usage marker that is not JSON: torn by a killed writer, or garbage."""
        if not raw.lstrip().startswith(b"{"):
            return  # a fragment of a pretty-printed object (not ours to read)
        try:
            orjson.loads(raw.decode("utf-8", "replace").encode())
        except orjson.JSONDecodeError as exc:
            reason = shorten(str(exc).split(":")[0])
            self.out.problem(line_no, "malformed", f"not valid JSON ({reason}; a torn line?)")
            return
        self.out.problem(line_no, "malformed", "not valid UTF-8")

    def _use(self, d: Any, off: int, line_no: int) -> None:
        if type(d) is not dict:
            return
        try:
            u = self.extract(d, self.state)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            self.out.problem(line_no, "malformed", f"usage not readable ({type(exc).__name__})")
            return
        if u is None:
            return
        st = self.state
        if u.key is not None:
            if u.key in st.seen:
                st.duplicates += 1
                return
            st.seen.add(u.key)
        try:
            ts = self.parser.epoch(u.ts)
        except (ValueError, IndexError):
            self.out.problem(line_no, "malformed", f"timestamp {u.ts[:40]!r} is not ISO 8601")
            return
        out = self.out
        cid = out.combo_id(
            CallCombo(
                u.provider, "capable", u.model, None, None, "chat", None, None, (), 0, self.source
            )
        )
        cost = u.cost if u.cost is not None and 0.0 <= u.cost <= 1e6 else 0.0
        out.append_call(
            ts,
            round(cost * NANOS),
            u.tin,
            u.tout,
            u.latency_ms,
            0,
            u.ok,
            False,
            cid,
            off,
            actual=NO_ACTUAL,
            cache=(u.cr, u.cw, u.cw1h),
            session=out.session(u.session),
            idh=id_hash(f"{self.source}:{u.request_id}"),
        )
