"""Decode JSONL bytes into compact columns, never raising on bad input.

Two paths:
* a fast path: ``orjson.loads`` plus cheap type/range checks, straight into ``array`` columns and
  an interned "combo" (the tuple of categorical dimensions), with no per-record Python object kept;
* a forgiving path for any line the fast path rejects: full pydantic validation (``NaN`` accepted
  via the stdlib parser), torn-line salvage, and a located, human-readable reason for every line
  that cannot be used.
"""

from __future__ import annotations

import json
import math
from array import array
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError

from ..records import (
    BREAKER_STATES,
    MAX_COST_PER_CALL,
    MAX_LATENCY_MS,
    MAX_RETRIES,
    MAX_TOKENS_PER_CALL,
    LLMCallRecord,
    WorkflowRunRecord,
    call_problems,
    run_problems,
)
from ..timeparse import TimestampParser

NANOS = 1_000_000_000
MAX_REPORTED_PROBLEMS = 20
BREAKER_CODE: dict[str | None, int] = {
    None: 0,
    "closed": 1,
    "open": 2,
    "half-open": 3,
    "half_open": 3,
}
_GLUE_MARKERS = (b'{"call_id"', b'{"run_id"')

# A call's categorical dimensions, interned together: (provider, tier, model_id, workflow_name,
# step_name, task_type, error_type, original_provider, fallback_chain, breaker_code).
CallCombo = tuple[
    str, str, str, str | None, str | None, str, str | None, str | None, tuple[str, ...], int
]
# A run's: (workflow_name, providers_used, tiers_used).
RunCombo = tuple[str, tuple[str, ...], tuple[str, ...]]

C_PROV, C_TIER, C_MODEL, C_WF, C_STEP, C_TASK, C_ETYPE, C_OPROV, C_CHAIN, C_CB = range(10)


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
    combos: list[CallCombo] = field(default_factory=list)
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
    run_combos: list[RunCombo] = field(default_factory=list)
    # health
    records: int = 0
    malformed: int = 0
    salvaged: int = 0
    flagged: int = 0
    lines: int = 0
    problems: list[Problem] = field(default_factory=list)


def _nanos(x: float) -> int:
    return round(x * NANOS)


def _str_or_none(v: Any) -> bool:
    return v is None or type(v) is str


def _valid_call_combo(c: tuple[Any, ...]) -> bool:
    return (
        type(c[C_PROV]) is str
        and type(c[C_TIER]) is str
        and type(c[C_MODEL]) is str
        and _str_or_none(c[C_WF])
        and _str_or_none(c[C_STEP])
        and type(c[C_TASK]) is str
        and _str_or_none(c[C_ETYPE])
        and _str_or_none(c[C_OPROV])
        and all(type(x) is str for x in c[C_CHAIN])
    )


class Decoder:
    """Decodes lines of one file into a :class:`Chunk`; one instance per chunk being built."""

    def __init__(self, parser: TimestampParser, chunk: Chunk) -> None:
        self.parser = parser
        self.chunk = chunk
        self._combo_ids: dict[tuple[Any, ...], int] = {}
        self._run_combo_ids: dict[tuple[Any, ...], int] = {}

    # -- public -----------------------------------------------------------------------------
    def feed(self, data: bytes, base_off: int, base_line: int) -> int:
        """Decode every complete line in ``data``; return the bytes consumed (through the last newline).

        The fast path for call records is inlined in this loop with pre-bound methods: at a million
        lines every attribute lookup and function call shows up next to the ~2 µs orjson parse.
        Anything it is not sure about goes to the forgiving path, which reports precisely.
        """
        end = data.rfind(b"\n") + 1
        if end == 0:
            return 0
        pos = 0
        line_no = base_line
        chunk = self.chunk
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        epoch = self.parser.epoch
        combo_ids = self._combo_ids
        breaker = BREAKER_CODE
        a_ts, a_cost, a_in = chunk.c_ts.append, chunk.c_cost.append, chunk.c_in.append
        a_out, a_lat, a_retry = chunk.c_out.append, chunk.c_lat.append, chunk.c_retry.append
        a_ok, a_fb = chunk.c_ok.append, chunk.c_fb.append
        a_combo, a_off = chunk.c_combo.append, chunk.c_off.append
        max_tok, max_lat, max_retry, max_cost = (
            MAX_TOKENS_PER_CALL,
            MAX_LATENCY_MS,
            MAX_RETRIES,
            MAX_COST_PER_CALL,
        )
        fast = 0
        for raw in data[:end].split(b"\n")[:-1]:
            line_no += 1
            off = base_off + pos
            pos += len(raw) + 1
            try:
                d = loads(raw)
            except decode_error:
                if raw and not raw.isspace():
                    self._slow(raw, off, line_no)
                continue
            if type(d) is dict and "call_id" in d:
                g = d.get
                cost = g("estimated_cost", 0.0)
                tin = g("input_tokens", 0)
                tout = g("output_tokens", 0)
                lat = g("latency_ms", 0)
                rc = g("retry_count", 0)
                ok = g("success", True)
                fb = g("fallback_used", False)
                meta = g("metadata")
                x1, x2, x3, x4 = (
                    g("user_id"),
                    g("session_id"),
                    g("error_message"),
                    g("original_model"),
                )
                if (
                    type(tin) is int
                    and type(tout) is int
                    and type(lat) is int
                    and type(rc) is int
                    and (type(cost) is float or type(cost) is int)
                    and type(ok) is bool
                    and type(fb) is bool
                    and type(d["call_id"]) is str
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
                ):
                    chain = g("fallback_chain")
                    try:
                        ts = epoch(d["timestamp"])
                        key = (
                            g("provider", "anthropic"),
                            g("tier", "capable"),
                            g("model_id", ""),
                            g("workflow_name"),
                            g("step_name"),
                            g("task_type", "unknown"),
                            g("error_type"),
                            g("original_provider"),
                            tuple(chain) if chain else (),
                            breaker[g("circuit_breaker_state")],
                        )
                        cid = combo_ids.get(key)
                    except (KeyError, TypeError, ValueError, IndexError):
                        cid = -1  # bad timestamp / unhashable value: let validation explain
                    if cid is None:
                        if _valid_call_combo(key) and (chain is None or type(chain) is list):
                            cid = self._add_combo(key)
                        else:
                            cid = -1
                    if cid >= 0:
                        a_ts(ts)
                        a_cost(round(cost * NANOS))
                        a_in(tin)
                        a_out(tout)
                        a_lat(lat)
                        a_retry(rc)
                        a_ok(ok)
                        a_fb(fb)
                        a_combo(cid)
                        a_off(off)
                        fast += 1
                        continue
            self._slow_obj(d, raw, off, line_no)
        chunk.records += fast
        chunk.lines = line_no - base_line
        return end

    def _add_combo(self, key: tuple[Any, ...]) -> int:
        cid = len(self.chunk.combos)
        self.chunk.combos.append(key)
        self._combo_ids[key] = cid
        return cid

    def _append_call(
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
    ) -> None:
        c = self.chunk
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

    # -- forgiving path ---------------------------------------------------------------------
    def _problem(self, line: int, kind: str, reason: str) -> None:
        c = self.chunk
        if kind == "malformed":
            c.malformed += 1
        elif kind == "flagged":
            c.flagged += 1
        else:
            c.salvaged += 1
        if len(c.problems) < MAX_REPORTED_PROBLEMS:
            c.problems.append(Problem(line, kind, reason))

    def _slow(self, raw: bytes, off: int, line_no: int) -> None:
        """A line orjson refused: NaN/Infinity, bad UTF-8, a torn line, or not JSON at all."""
        try:
            d = json.loads(raw)
        except UnicodeDecodeError:
            self._problem(line_no, "malformed", "not valid UTF-8")
            return
        except ValueError as exc:
            if self._salvage(raw, off, line_no):
                return
            self._problem(line_no, "malformed", f"not valid JSON ({_short(str(exc))})")
            return
        self._slow_obj(d, raw, off, line_no)

    def _salvage(self, raw: bytes, off: int, line_no: int) -> bool:
        """Recover a full record glued after a torn one: ``{"call_id": ...TRUNC{"call_id": ...}``."""
        starts = sorted(i for marker in _GLUE_MARKERS for i in _find_all(raw, marker) if i > 0)
        for i in starts:
            try:
                d = json.loads(raw[i:])
            except ValueError:
                continue
            if type(d) is dict:
                before = self.chunk.records
                self._slow_obj(d, raw[i:], off + i, line_no)
                if self.chunk.records > before:
                    self._problem(
                        line_no,
                        "malformed",
                        f"torn record (first {i} bytes; a writer stopped mid-line)",
                    )
                    self._problem(line_no, "salvaged", f"record glued after byte {i} recovered")
                    return True
        return False

    def _slow_obj(self, d: Any, raw: bytes, off: int, line_no: int) -> None:
        if type(d) is not dict:
            self._problem(line_no, "malformed", f"not a JSON object ({type(d).__name__})")
            return
        if "call_id" in d:
            self._slow_call(d, off, line_no)
        elif "run_id" in d or "started_at" in d:
            self._slow_run(d, off, line_no)
        elif "timestamp" in d:
            self._problem(line_no, "malformed", "call_id: field required")
        else:
            self._problem(line_no, "malformed", "not a telemetry record (no call_id or run_id)")

    def _slow_call(self, d: dict[str, Any], off: int, line_no: int) -> None:
        try:
            rec = LLMCallRecord.model_validate(d)
        except ValidationError as exc:
            self._problem(line_no, "malformed", _pydantic_reason(exc))
            return
        try:
            ts = self.parser.epoch(rec.timestamp)
        except (ValueError, IndexError):
            self._problem(line_no, "malformed", f"timestamp {rec.timestamp!r} is not ISO 8601")
            return
        problems = call_problems(rec)
        cost = 0.0 if "estimated_cost" in problems else rec.estimated_cost
        tin = 0 if "input_tokens" in problems else rec.input_tokens
        tout = 0 if "output_tokens" in problems else rec.output_tokens
        lat = -1 if "latency_ms" in problems else rec.latency_ms  # -1: no usable latency
        rc = 0 if "retry_count" in problems else rec.retry_count
        key = (
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
        )
        cid = self._combo_ids.get(key)
        if cid is None:
            cid = self._add_combo(key)
        self._append_call(
            ts, _nanos(cost), tin, tout, lat, rc, rec.success, rec.fallback_used, cid, off
        )
        self.chunk.records += 1
        if rec.circuit_breaker_state not in (None, *BREAKER_STATES, "half_open"):
            problems["circuit_breaker_state"] = (
                f"circuit_breaker_state {rec.circuit_breaker_state!r} unknown"
            )
        if problems:
            self._problem(
                line_no, "flagged", "; ".join(problems.values()) + " (excluded from sums)"
            )

    def _slow_run(self, d: dict[str, Any], off: int, line_no: int) -> None:
        try:
            rec = WorkflowRunRecord.model_validate(d)
        except ValidationError as exc:
            self._problem(line_no, "malformed", _pydantic_reason(exc))
            return
        try:
            ts = self.parser.epoch(rec.started_at)
            end = self.parser.epoch(rec.completed_at) if rec.completed_at else math.nan
        except (ValueError, IndexError):
            self._problem(line_no, "malformed", "started_at/completed_at is not ISO 8601")
            return
        problems = run_problems(rec)
        c = self.chunk
        key = (rec.workflow_name, tuple(rec.providers_used), tuple(rec.tiers_used))
        rid = self._run_combo_ids.get(key)
        if rid is None:
            rid = len(c.run_combos)
            c.run_combos.append(key)
            self._run_combo_ids[key] = rid
        c.r_ts.append(ts)
        c.r_end.append(end)
        c.r_cost.append(0 if "total_cost" in problems else _nanos(rec.total_cost))
        c.r_base.append(0 if "baseline_cost" in problems else _nanos(rec.baseline_cost))
        c.r_save.append(0 if "savings" in problems else _nanos(rec.savings))
        c.r_dur.append(0 if "total_duration_ms" in problems else rec.total_duration_ms)
        c.r_ok.append(rec.success)
        c.r_combo.append(rid)
        c.r_off.append(off)
        c.records += 1
        if problems:
            self._problem(
                line_no, "flagged", "; ".join(problems.values()) + " (excluded from sums)"
            )


def _find_all(data: bytes, needle: bytes) -> list[int]:
    out: list[int] = []
    i = data.find(needle)
    while i != -1:
        out.append(i)
        i = data.find(needle, i + 1)
    return out


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pydantic_reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        parts.append(f"{loc}: {err['msg'].lower()}")
    more = exc.error_count() - 3
    return _short("; ".join(parts) + (f" (+{more} more)" if more > 0 else ""), 200)


def decode_record(raw: bytes) -> dict[str, Any] | None:
    """Parse one line to a dict for display (feed rows), tolerant of NaN; ``None`` if unusable."""
    try:
        d = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            d = json.loads(raw)
        except ValueError:
            for marker in _GLUE_MARKERS:
                i = raw.rfind(marker)
                if i > 0:
                    return decode_record(raw[i:])
            return None
    return d if type(d) is dict else None
