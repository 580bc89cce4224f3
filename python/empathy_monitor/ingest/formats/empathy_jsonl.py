"""The Empathy writers' JSONL files (empathy-framework 3.x, attune-ai): ``llm_calls*.jsonl`` and
``workflow_runs*.jsonl`` in a telemetry directory and its ``archive/``.

Two decoding paths, never raising on bad input:

* a fast path: ``orjson.loads`` plus cheap type/range checks, straight into ``array`` columns and
  an interned "combo" (the tuple of categorical dimensions), with no per-record Python object kept;
* a forgiving path for any line the fast path rejects: full pydantic validation (``NaN`` accepted
  via the stdlib parser), torn-line salvage, and a located, human-readable reason for every line
  that cannot be used.

Longer than ~300 lines on purpose: the fast path is one inlined loop (a helper call per line
would cost more than the checks themselves), and it sits next to the forgiving path it must agree
with.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import ValidationError

from ...records import (
    BREAKER_CODE,
    BREAKER_STATES,
    CACHE_KEYS,
    CALL_DEFAULTS,
    MAX_COST_PER_CALL,
    MAX_LATENCY_MS,
    MAX_RETRIES,
    MAX_TOKENS_PER_CALL,
    LLMCallRecord,
    WorkflowRunRecord,
    cache_split,
    call_problems,
    run_problems,
)
from ...store import CALLS_FILE, RUNS_FILE
from ...tables import DEFAULT_SOURCE, NANOS, NO_ACTUAL, CallCombo, Chunk, RunCombo, id_hash
from ...timeparse import OUT_OF_RANGE, TimestampParser, TimestampRangeError
from ...validation import describe, shorten
from ...workspace import ARCHIVE, is_cleared
from ..chunk import ChunkWriter, RecordKind, nanos, split_objects
from .empathy_fast import FastCalls

# The writer's names (store.py) as prefixes: rotated files keep the stem and add to it.
CALL_FILES, RUN_FILES = Path(CALLS_FILE).stem, Path(RUNS_FILE).stem
SUFFIX = Path(CALLS_FILE).suffix
# The keys that say what a record is: a call has a call_id; a run a run_id (or, from old
# writers, only started_at).
CALL_KEY, RUN_KEY, RUN_ALT_KEY = "call_id", "run_id", "started_at"
_GLUE_MARKERS = tuple(b'{"' + k.encode() + b'"' for k in (CALL_KEY, RUN_KEY))
# A writer's name, rotated by logrotate (``.1``, dateext ``-20261201``) and compressed (``.gz``).
_NAME = re.compile(
    rf"^(?:{re.escape(CALL_FILES)}|{re.escape(RUN_FILES)})[^/]*{re.escape(SUFFIX)}"
    r"(?:\.\d+|-\d[\d-]*)?(?:\.gz)?$"
)
_CALL_KINDS: frozenset[RecordKind] = frozenset({"call"})
_RUN_KINDS: frozenset[RecordKind] = frozenset({"run"})
_Rec = TypeVar("_Rec", LLMCallRecord, WorkflowRunRecord)


class EmpathyJsonl:
    """The Empathy JSONL format (satisfies :class:`..format.LogFormat`)."""

    name = "empathy-jsonl"
    source = "empathy"

    def claims(self, path: Path) -> bool:
        """``llm_calls*.jsonl`` / ``workflow_runs*.jsonl`` and logrotate's names for them:
        ``.jsonl.1`` ... ``.jsonl.N``, ``dateext`` (``.jsonl-20261201``), each also ``.gz``."""
        return _NAME.match(path.name) is not None

    def archived(self, path: Path) -> bool:
        """A rotated or archived file (read before the live ones: see the reading order)."""
        return (
            not path.name.endswith(SUFFIX)
            or path.parent.name == ARCHIVE
            or any(p.name == ARCHIVE for p in path.parents)
        )

    def discover(self, directory: Path) -> list[Path]:
        """Claimed files in ``directory`` and, recursively, its ``archive/`` (not cleared ones)."""
        # Every claimed entry, not only regular files: one that cannot be read (a dangling
        # link, a FIFO) is reported by the reader, never silently skipped.
        out = [p for p in directory.glob("*" + SUFFIX + "*") if self.claims(p)]
        arch = directory / ARCHIVE
        if arch.is_dir():
            out.extend(
                p
                for p in arch.rglob("*" + SUFFIX + "*")
                if self.claims(p) and not p.is_dir() and not is_cleared(p, arch)
            )
        return out

    def file_kinds(self, path: Path) -> frozenset[RecordKind]:
        return _CALL_KINDS if path.name.startswith(CALL_FILES) else _RUN_KINDS

    def record_kind(self, obj: Any) -> RecordKind | None:
        if not isinstance(obj, Mapping):
            return None
        if CALL_KEY in obj:
            return "call"
        if RUN_KEY in obj or RUN_ALT_KEY in obj:
            return "run"
        return None

    def decoder(self, parser: TimestampParser, chunk: Chunk) -> Decoder:
        return Decoder(parser, chunk)

    def parse(self, raw: bytes) -> dict[str, Any] | None:
        return decode_record(raw)


def _str_or_none(v: Any) -> bool:
    return v is None or type(v) is str


def _valid_call_combo(c: tuple[Any, ...]) -> bool:
    prov, tier, model, wf, step, task, etype, oprov, chain, _cb, source = c
    return (
        type(source) is str
        and type(prov) is str
        and type(tier) is str
        and type(model) is str
        and _str_or_none(wf)
        and _str_or_none(step)
        and type(task) is str
        and _str_or_none(etype)
        and _str_or_none(oprov)
        and all(type(x) is str for x in chain)
    )


class Decoder:
    """Decodes lines of one Empathy JSONL file into a :class:`Chunk`."""

    def __init__(self, parser: TimestampParser, chunk: Chunk) -> None:
        self.parser = parser
        self.chunk = chunk
        self.out = ChunkWriter(chunk)
        self.fast = FastCalls(parser, chunk, self.out)

    def feed(self, data: bytes, base_off: int, base_line: int) -> int:
        """Decode every complete line in ``data``; return the bytes consumed (through the last newline).

        Lines go to the typed msgspec path first (:mod:`.empathy_fast`); the lines it rejects
        come back, in order, to :meth:`feed_lines`.
        """
        end = data.rfind(b"\n") + 1
        if end == 0:
            return 0
        lines = data[:end].split(b"\n")
        lines.pop()
        self.fast.feed(lines, base_off, base_line, self.feed_lines)
        self.chunk.lines = len(lines)
        return end

    def feed_lines(self, items: list[tuple[bytes, int, int]]) -> None:
        """Decode some lines ``(raw, file offset, line number)`` with orjson, else forgivingly.

        The orjson path for call records is inlined in this loop with pre-bound methods: at a
        million lines every attribute lookup and function call shows up next to the ~2 µs orjson
        parse. Anything it is not sure about goes to the forgiving path, which reports precisely.
        """
        chunk = self.chunk
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        epoch = self.parser.epoch
        combo_ids = self.out.combo_ids
        breaker = BREAKER_CODE
        call_key = CALL_KEY
        a_ts, a_cost, a_in = chunk.c_ts.append, chunk.c_cost.append, chunk.c_in.append
        a_out, a_lat, a_retry = chunk.c_out.append, chunk.c_lat.append, chunk.c_retry.append
        a_ok, a_fb = chunk.c_ok.append, chunk.c_fb.append
        a_combo, a_off = chunk.c_combo.append, chunk.c_off.append
        a_actual, a_cr, a_cw, a_cw1h = (
            chunk.c_actual.append,
            chunk.c_cr.append,
            chunk.c_cw.append,
            chunk.c_cw1h.append,
        )
        a_user, a_session = chunk.c_user.append, chunk.c_session.append
        a_idh, a_runh = chunk.c_idh.append, chunk.c_runh.append
        user_ids, session_ids = self.out.user_ids, self.out.session_ids
        new_user, new_session = self.out.user, self.out.session
        cache_keys = CACHE_KEYS
        hash_id = id_hash
        default_source = DEFAULT_SOURCE
        max_tok, max_lat, max_retry, max_cost = (
            MAX_TOKENS_PER_CALL,
            MAX_LATENCY_MS,
            MAX_RETRIES,
            MAX_COST_PER_CALL,
        )
        dflt = CALL_DEFAULTS
        d_cost, d_in, d_out, d_lat = (
            dflt["estimated_cost"],
            dflt["input_tokens"],
            dflt["output_tokens"],
            dflt["latency_ms"],
        )
        d_rc, d_ok, d_fb = dflt["retry_count"], dflt["success"], dflt["fallback_used"]
        d_prov, d_tier, d_model, d_task = (
            dflt["provider"],
            dflt["tier"],
            dflt["model_id"],
            dflt["task_type"],
        )
        fast = 0
        for raw, off, line_no in items:
            try:
                d = loads(raw)
            except decode_error:
                if raw and not raw.isspace():
                    self.forgive(raw, off, line_no)
                continue
            if type(d) is dict and call_key in d:
                g = d.get
                cost = g("estimated_cost", d_cost)
                tin = g("input_tokens", d_in)
                tout = g("output_tokens", d_out)
                lat = g("latency_ms", d_lat)
                rc = g("retry_count", d_rc)
                ok = g("success", d_ok)
                fb = g("fallback_used", d_fb)
                meta = g("metadata")
                x1, x2, x3, x4 = (
                    g("user_id"),
                    g("session_id"),
                    g("error_message"),
                    g("original_model"),
                )
                act = g("actual_cost")
                if (
                    type(tin) is int
                    and type(tout) is int
                    and type(lat) is int
                    and type(rc) is int
                    and (type(cost) is float or type(cost) is int)
                    and type(ok) is bool
                    and type(fb) is bool
                    and type(d[call_key]) is str
                    and (meta is None or type(meta) is dict)
                    and 0 <= tin <= max_tok
                    and 0 <= tout <= max_tok
                    and 0 <= lat <= max_lat
                    and 0 <= rc <= max_retry
                    and 0.0 <= cost <= max_cost
                    and (x1 is None or type(x1) is str)
                    and (x2 is None or type(x2) is str)
                    and (x3 is None or type(x3) is str)
                    and (x4 is None or type(x4) is str)
                    and (
                        act is None
                        or ((type(act) is float or type(act) is int) and 0.0 <= act <= max_cost)
                    )
                ):
                    # Prompt-cache tokens are rare in old files: look only when a key is there.
                    if d.keys().isdisjoint(cache_keys) and (
                        not meta or meta.keys().isdisjoint(cache_keys)
                    ):
                        split: tuple[int, int, int, int] | None = (tin, 0, 0, 0)
                    else:
                        split = cache_split(d, tin)
                    src = meta.get("source", default_source) if meta else default_source
                    run_ref = meta.get("run_id") if meta else None
                    chain = g("fallback_chain")
                    try:
                        ts = epoch(d["timestamp"])
                        key = (  # CallCombo order, as a plain tuple: cheaper to build and hash
                            g("provider", d_prov),
                            g("tier", d_tier),
                            g("model_id", d_model),
                            g("workflow_name"),
                            g("step_name"),
                            g("task_type", d_task),
                            g("error_type"),
                            g("original_provider"),
                            tuple(chain) if chain else (),
                            breaker[g("circuit_breaker_state")],
                            src,
                        )
                        cid = combo_ids.get(key) if split is not None else -1
                    except (KeyError, TypeError, ValueError, IndexError):
                        cid = -1  # bad timestamp / unhashable value: let validation explain
                    if cid is None:
                        if _valid_call_combo(key) and (chain is None or type(chain) is list):
                            cid = self.out.add_combo(key)
                        else:
                            cid = -1
                    if cid >= 0:
                        assert split is not None
                        a_ts(ts)
                        a_cost(round(cost * NANOS))
                        a_in(split[0])
                        a_cr(split[1])
                        a_cw(split[2])
                        a_cw1h(split[3])
                        a_actual(NO_ACTUAL if act is None else round(act * NANOS))
                        a_user(0 if x1 is None else (user_ids.get(x1) or new_user(x1)))
                        a_session(0 if x2 is None else (session_ids.get(x2) or new_session(x2)))
                        a_idh(hash_id(d[call_key]))
                        a_runh(hash_id(run_ref) if type(run_ref) is str else 0)
                        a_out(tout)
                        a_lat(lat)
                        a_retry(rc)
                        a_ok(ok)
                        a_fb(fb)
                        a_combo(cid)
                        a_off(off)
                        fast += 1
                        continue
            self._forgive_obj(d, raw, off, line_no)
        chunk.records += fast

    # -- forgiving path ---------------------------------------------------------------------
    def forgive(self, raw: bytes, off: int, line_no: int) -> None:
        """A line orjson refused or the fast path doubted: NaN/Infinity, bad UTF-8, torn, glued."""
        try:
            d = json.loads(raw)
        except UnicodeDecodeError:
            self.out.problem(line_no, "malformed", "not valid UTF-8")
            return
        except ValueError as exc:
            if self._split(raw, off, line_no):
                return
            self.out.problem(line_no, "malformed", f"not valid JSON ({shorten(str(exc))})")
            return
        self._forgive_obj(d, raw, off, line_no)

    def _split(self, raw: bytes, off: int, line_no: int) -> bool:
        """Read every whole record on a line of several (``{A}{B}``, or after a torn one).

        Whole records glued together (two writers without a newline between them) are all
        read; only a truly incomplete part is reported, as a torn record.
        """
        pieces = split_objects(raw, _GLUE_MARKERS)
        if pieces is None or not pieces.values:
            return False
        for i, d in pieces.values:
            self._forgive_obj(d, raw[i:], off + i, line_no)
        for a, b in pieces.torn:
            where = f"first {b} bytes" if a == 0 else f"bytes {a}-{b}"
            self.out.problem(
                line_no, "malformed", f"torn record ({where}; a writer stopped mid-line)"
            )
        if pieces.torn:
            n = len(pieces.values)
            self.out.problem(
                line_no, "salvaged", f"{n} whole record{'s' if n > 1 else ''} on the line recovered"
            )
        return True

    def _forgive_obj(self, d: Any, raw: bytes, off: int, line_no: int) -> None:
        if type(d) is not dict:
            self.out.problem(line_no, "malformed", f"not a JSON object ({type(d).__name__})")
            return
        kind = EMPATHY_JSONL.record_kind(d)
        if kind == "call":
            self._call(d, off, line_no)
        elif kind == "run":
            self._run(d, off, line_no)
        elif "timestamp" in d:
            self.out.problem(line_no, "malformed", f"{CALL_KEY}: field required")
        else:
            self.out.problem(
                line_no, "malformed", f"not a telemetry record (no {CALL_KEY} or {RUN_KEY})"
            )

    def _valid(self, model: type[_Rec], d: dict[str, Any], line_no: int) -> _Rec | None:
        try:
            return model.model_validate(d)
        except ValidationError as exc:
            reason = describe(exc, limit=3, lower=True, max_len=200)
            self.out.problem(line_no, "malformed", reason)
            return None

    def _call(self, d: dict[str, Any], off: int, line_no: int) -> None:
        rec = self._valid(LLMCallRecord, d, line_no)
        if rec is None:
            return
        try:
            ts = self.parser.epoch(rec.timestamp)
        except TimestampRangeError:
            self.out.problem(line_no, "malformed", f"{OUT_OF_RANGE} ({shorten(rec.timestamp)})")
            return
        except (ValueError, IndexError):
            self.out.problem(line_no, "malformed", f"timestamp {rec.timestamp!r} is not ISO 8601")
            return
        problems = call_problems(rec)
        cost = 0.0 if "estimated_cost" in problems else rec.estimated_cost
        tin = 0 if "input_tokens" in problems else rec.input_tokens
        split = cache_split(d, tin)
        if split is None:
            problems["cache"] = "prompt-cache token counts are not believable"
            split = (tin, 0, 0, 0)
        tin = split[0]
        actual = (
            NO_ACTUAL
            if rec.actual_cost is None or "actual_cost" in problems
            else nanos(rec.actual_cost)
        )
        meta = rec.metadata
        source = meta.get("source")
        run_ref = meta.get("run_id")
        tout = 0 if "output_tokens" in problems else rec.output_tokens
        lat = -1 if "latency_ms" in problems else rec.latency_ms  # -1: no usable latency
        rc = 0 if "retry_count" in problems else rec.retry_count
        cid = self.out.combo_id(
            CallCombo(
                rec.provider,
                rec.tier,
                rec.model_id,
                rec.workflow_name,
                rec.step_name,
                rec.task_type,
                rec.error_type,
                rec.original_provider,
                tuple(rec.fallback_chain),
                BREAKER_CODE.get(rec.circuit_breaker_state, 0),
                source if isinstance(source, str) else DEFAULT_SOURCE,
            )
        )
        self.out.append_call(
            ts,
            nanos(cost),
            tin,
            tout,
            lat,
            rc,
            rec.success,
            rec.fallback_used,
            cid,
            off,
            actual=actual,
            cache=split[1:],
            user=self.out.user(rec.user_id),
            session=self.out.session(rec.session_id),
            idh=id_hash(rec.call_id),
            runh=id_hash(run_ref) if isinstance(run_ref, str) else 0,
        )
        if rec.circuit_breaker_state not in (None, *BREAKER_STATES, "half_open"):
            problems["circuit_breaker_state"] = (
                f"circuit_breaker_state {rec.circuit_breaker_state!r} unknown"
            )
        self.out.flag(line_no, problems)

    def _run(self, d: dict[str, Any], off: int, line_no: int) -> None:
        rec = self._valid(WorkflowRunRecord, d, line_no)
        if rec is None:
            return
        try:
            ts = self.parser.epoch(rec.started_at)
            end = self.parser.epoch(rec.completed_at) if rec.completed_at else math.nan
        except TimestampRangeError:
            self.out.problem(line_no, "malformed", f"started_at/completed_at: {OUT_OF_RANGE}")
            return
        except (ValueError, IndexError):
            self.out.problem(line_no, "malformed", "started_at/completed_at is not ISO 8601")
            return
        problems = run_problems(rec)
        rid = self.out.run_combo_id(
            RunCombo(
                rec.workflow_name,
                tuple(rec.providers_used),
                tuple(rec.tiers_used),
                rec.project,
            )
        )
        self.out.append_run(
            ts,
            end,
            0 if "total_cost" in problems else nanos(rec.total_cost),
            0 if "baseline_cost" in problems else nanos(rec.baseline_cost),
            0 if "savings" in problems else nanos(rec.savings),
            0 if "total_duration_ms" in problems else rec.total_duration_ms,
            rec.success,
            rid,
            off,
            user=self.out.user(rec.user_id),
            session=self.out.session(rec.session_id),
            idh=id_hash(rec.run_id),
        )
        self.out.flag(line_no, problems)


def decode_record(raw: bytes) -> dict[str, Any] | None:
    """Parse one line to a dict for display (feed rows), tolerant of NaN; ``None`` if unusable.

    On a line of several records (glued, or after a torn one) this is the first whole one:
    a record is addressed by the offset where it starts.
    """
    got = decode_records(raw, first=True)
    return got[0] if got else None


def decode_records(raw: bytes, first: bool = False) -> list[dict[str, Any]]:
    """Every whole record on one line (usually one; several when writers glued them)."""
    try:
        d = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            d = json.loads(raw)
        except ValueError:
            pieces = split_objects(raw, _GLUE_MARKERS)
            values = [] if pieces is None else pieces.values[:1] if first else pieces.values
            return [v for _, v in values if type(v) is dict]
    return [d] if type(d) is dict else []


EMPATHY_JSONL = EmpathyJsonl()
