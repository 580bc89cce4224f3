"""The typed fast path of the Empathy JSONL calls: each line decoded by msgspec straight into the
fields the columns need, with no dict per line.

``msgspec.json.Decoder(_Call)`` parses a line into a small struct (unknown keys skipped in C) and
checks every type and range the columns rely on (an int that must be an int, a bool a bool, a
token count 0..MAX, a cost 0..MAX dollars, ...). A line it rejects, or whose timestamp, cache
tokens or breaker state the loop doubts, is handed — in order, with consecutive rejects batched —
to the format's orjson path (``empathy_jsonl.Decoder.feed_lines``), which falls back to the
forgiving pydantic path, so every bad line is still located with its reason and glued/torn lines
are still salvaged. Both paths must produce the same row for a line they both accept
(``tests/python/ingest/test_fast_decode.py``).

The struct's defaults are the writers' (``records.CALL_DEFAULTS``): a key that is present but
``null`` where the writers never write one (``provider: null``) is rejected here and left to the
forgiving path, which knows what to make of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import msgspec

from ...records import (
    BREAKER_CODE,
    CALL_DEFAULTS,
    MAX_COST_PER_CALL,
    MAX_LATENCY_MS,
    MAX_RETRIES,
    MAX_TOKENS_PER_CALL,
    cache_split,
)
from ...tables import DEFAULT_SOURCE, NANOS, NO_ACTUAL, Chunk, id_hash
from ...timeparse import TimestampParser
from ..chunk import ChunkWriter

_Tokens = Annotated[int, msgspec.Meta(ge=0, le=MAX_TOKENS_PER_CALL)]
_Cost = Annotated[float, msgspec.Meta(ge=0.0, le=MAX_COST_PER_CALL)]
_D = CALL_DEFAULTS


class _Meta(msgspec.Struct, gc=False):
    """The keys of a call's ``metadata`` the columns read (everything else is skipped)."""

    source: str = DEFAULT_SOURCE
    run_id: Any = None  # hashed when a string (anything else: no run)
    # prompt-cache tokens some writers put here (see records.cache_split)
    cache_read_input_tokens: Any = None
    cache_creation_input_tokens: Any = None
    cache_write_input_tokens: Any = None
    cache_creation: Any = None
    cached_tokens: Any = None
    prompt_tokens_details: Any = None


class _Call(msgspec.Struct, gc=False):
    """One call line as the columns need it (field names are the writers' keys)."""

    call_id: str
    timestamp: str
    workflow_name: str | None = None
    step_name: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    task_type: str = _D["task_type"]
    provider: str = _D["provider"]
    tier: str = _D["tier"]
    model_id: str = _D["model_id"]
    input_tokens: _Tokens = _D["input_tokens"]
    output_tokens: _Tokens = _D["output_tokens"]
    estimated_cost: _Cost = _D["estimated_cost"]
    actual_cost: _Cost | None = None
    latency_ms: Annotated[int, msgspec.Meta(ge=0, le=MAX_LATENCY_MS)] = _D["latency_ms"]
    fallback_used: bool = _D["fallback_used"]
    fallback_chain: list[str] | None = None
    original_provider: str | None = None
    original_model: str | None = None
    retry_count: Annotated[int, msgspec.Meta(ge=0, le=MAX_RETRIES)] = _D["retry_count"]
    circuit_breaker_state: str | None = None
    success: bool = _D["success"]
    error_type: str | None = None
    error_message: str | None = None
    metadata: _Meta | None = None
    cache_read_input_tokens: Any = None
    cache_creation_input_tokens: Any = None
    cache_write_input_tokens: Any = None
    cache_creation: Any = None
    cached_tokens: Any = None
    prompt_tokens_details: Any = None


_CACHE_FIELDS = (
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "cache_write_input_tokens",
    "cache_creation",
    "cached_tokens",
    "prompt_tokens_details",
)
_NO_META = _Meta()

Line = tuple[bytes, int, int]  # raw line, file offset, line number
Slow = Callable[[list[Line]], None]


def _cache(r: _Call, meta: _Meta) -> tuple[int, int, int, int] | None:
    """``cache_split`` of a call that has some cache key (rare): rebuilt as the dicts it reads.

    ``cache_split`` treats a ``null`` as absent, so only the non-null values are passed on.
    """
    top: dict[str, Any] = {k: v for k in _CACHE_FIELDS if (v := getattr(r, k)) is not None}
    inner = {k: v for k in _CACHE_FIELDS if (v := getattr(meta, k)) is not None}
    if inner:
        top["metadata"] = inner
    return cache_split(top, r.input_tokens)


class FastCalls:
    """The msgspec loop over a block of call lines; rejects go to ``slow`` in order."""

    def __init__(self, parser: TimestampParser, chunk: Chunk, out: ChunkWriter) -> None:
        self.parser = parser
        self.chunk = chunk
        self.out = out
        self.decode = msgspec.json.Decoder(_Call).decode

    def feed(self, lines: list[bytes], base_off: int, base_line: int, slow: Slow) -> None:
        """Decode ``lines`` (without their newlines; the first at file offset ``base_off``).

        Inlined with pre-bound methods, like the orjson loop: at a million lines every attribute
        lookup and call shows next to the ~0.7 µs decode.
        """
        chunk, out = self.chunk, self.out
        decode, decode_error = self.decode, msgspec.DecodeError
        epoch = self.parser.epoch
        combo_ids, add_combo = out.combo_ids, out.add_combo
        breaker, no_meta = BREAKER_CODE, _NO_META
        a_ts, a_cost, a_in = chunk.c_ts.append, chunk.c_cost.append, chunk.c_in.append
        a_out, a_lat, a_retry = chunk.c_out.append, chunk.c_lat.append, chunk.c_retry.append
        a_ok, a_fb = chunk.c_ok.append, chunk.c_fb.append
        a_combo, a_off = chunk.c_combo.append, chunk.c_off.append
        a_actual, a_cr = chunk.c_actual.append, chunk.c_cr.append
        a_cw, a_cw1h = chunk.c_cw.append, chunk.c_cw1h.append
        a_user, a_session = chunk.c_user.append, chunk.c_session.append
        a_idh, a_runh = chunk.c_idh.append, chunk.c_runh.append
        user_ids, session_ids = out.user_ids, out.session_ids
        new_user, new_session = out.user, out.session
        hash_id = id_hash
        pending: list[Line] = []
        last_run: Any = None
        last_runh = 0
        fast = 0
        off = base_off
        line_no = base_line
        for raw in lines:
            line_no += 1
            here = off
            off += len(raw) + 1
            try:
                r = decode(raw)
                ts = epoch(r.timestamp)
                meta = r.metadata or no_meta
                # Cache tokens: twelve attribute checks inline, 0.2 µs (a search of the line's
                # bytes for "cache" took 0.7: JSON is full of c's).
                if (
                    r.cache_read_input_tokens is None
                    and r.cache_creation_input_tokens is None
                    and r.cache_write_input_tokens is None
                    and r.cache_creation is None
                    and r.cached_tokens is None
                    and r.prompt_tokens_details is None
                    and (
                        meta is no_meta
                        or (
                            meta.cache_read_input_tokens is None
                            and meta.cache_creation_input_tokens is None
                            and meta.cache_write_input_tokens is None
                            and meta.cache_creation is None
                            and meta.cached_tokens is None
                            and meta.prompt_tokens_details is None
                        )
                    )
                ):
                    tin, cr, cw, cw1h = r.input_tokens, 0, 0, 0
                else:
                    split = _cache(r, meta)
                    if split is None:
                        raise ValueError("cache tokens")  # let the forgiving path explain
                    tin, cr, cw, cw1h = split
                chain = r.fallback_chain
                key = (  # CallCombo order, as a plain tuple: cheaper to build and hash
                    r.provider,
                    r.tier,
                    r.model_id,
                    r.workflow_name,
                    r.step_name,
                    r.task_type,
                    r.error_type,
                    r.original_provider,
                    tuple(chain) if chain else (),
                    breaker[r.circuit_breaker_state],
                    meta.source,
                )
            except (decode_error, KeyError, ValueError, IndexError, TypeError):
                pending.append((raw, here, line_no))
                continue
            if pending:  # keep the file's order: earlier rejects first
                slow(pending)
                pending = []
            cid = combo_ids.get(key)
            if cid is None:
                cid = add_combo(key)
            a_ts(ts)
            a_cost(round(r.estimated_cost * NANOS))
            a_in(tin)
            a_cr(cr)
            a_cw(cw)
            a_cw1h(cw1h)
            act = r.actual_cost
            a_actual(NO_ACTUAL if act is None else round(act * NANOS))
            x = r.user_id
            a_user(0 if x is None else (user_ids.get(x) or new_user(x)))
            x = r.session_id
            a_session(0 if x is None else (session_ids.get(x) or new_session(x)))
            a_idh(hash_id(r.call_id))
            run_ref = meta.run_id
            if run_ref != last_run:  # a run's calls are usually adjacent: hash it once
                last_run = run_ref
                last_runh = hash_id(run_ref) if type(run_ref) is str else 0
            a_runh(last_runh)
            a_out(r.output_tokens)
            a_lat(r.latency_ms)
            a_retry(r.retry_count)
            a_ok(r.success)
            a_fb(r.fallback_used)
            a_combo(cid)
            a_off(here)
            fast += 1
        if pending:
            slow(pending)
        chunk.records += fast
