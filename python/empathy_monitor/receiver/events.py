"""OTLP log records that are one agent request each: Claude Code ``claude_code.api_request``,
Gemini CLI ``gemini_cli.api_response``, Codex ``codex.sse_event`` of kind ``response.completed``.

Each becomes a call record as ``mapping.py`` describes (usage metadata only), with the token rules
and ids of ``ingest/formats/tokens.py`` so the agent's own log of the same request gives the same
call. Pure.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from ..ingest.formats.tokens import codex_request_id, gemini_request_id, gemini_usage, openai_usage
from .mapping import EVENT_SOURCES, PROVIDER_OF_SOURCE, Mapped, _items, _record
from .values import _float, _iso, _num, _str, attrs


def _event_name(lr: Any, a: dict[str, Any]) -> str | None:
    name = _str(a, "event.name") or (lr.event_name if hasattr(lr, "event_name") else None)
    if name:
        return str(name)
    body = lr.body.string_value if lr.body.WhichOneof("value") == "string_value" else ""
    return body if body in EVENT_SOURCES else None


def log_calls(req: Any, own_service: str, out: Mapped) -> None:
    """``ExportLogsServiceRequest`` -> calls (the agents' per-request usage events)."""
    for service, lr in _items(req.resource_logs, "scope_logs", "log_records", own_service, out):
        a = attrs(lr.attributes)
        event = _event_name(lr, a)
        if event not in EVENT_SOURCES:
            out.ignored += 1
            continue
        if event == "codex.sse_event" and _str(a, "event.kind") != "response.completed":
            out.ignored += 1
            continue
        rec = _event_call(event, a, lr, service)
        if rec is None:
            out.ignored += 1
        else:
            out.calls.append(rec)


def _event_call(
    event: str, a: dict[str, Any], lr: Any, service: str | None
) -> dict[str, Any] | None:
    source = EVENT_SOURCES[event]
    ts = lr.time_unix_nano or lr.observed_time_unix_nano
    stamp = _str(a, "event.timestamp")
    if stamp:
        with contextlib.suppress(ValueError):
            ts = int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1e9)
    model = _str(a, "model")
    if source == "claude-code":
        tin = _num(a, "input_tokens")
        tout = _num(a, "output_tokens")
        cread = _num(a, "cache_read_tokens")
        cwrite = _num(a, "cache_creation_tokens")
        req_id = _str(a, "request_id")
        cost = _float(a, "cost_usd")
        session = _str(a, "session.id")
    elif source == "gemini-cli":
        # Cached tokens are inside the prompt count; thoughts are billed as output (tokens.py).
        tin, cread, tout = gemini_usage(
            _num(a, "input_token_count"),
            _num(a, "cached_content_token_count"),
            _num(a, "output_token_count"),
            _num(a, "thoughts_token_count"),
        )
        cwrite = 0
        session = _str(a, "session.id")
        # The outfile decoder's id for the same event: event.timestamp as written, else the time.
        req_id = gemini_request_id(_str(a, "response_id"), session, stamp or _iso(ts), model)
        cost = None
    else:  # codex: OpenAI's convention, output_token_count already includes reasoning
        raw = (
            _num(a, "input_token_count"),
            _num(a, "cached_token_count", "cached_input_token_count"),
            _num(a, "output_token_count"),
        )
        tin, cread, tout = openai_usage(*raw)
        cwrite = 0
        cost = None
        session = _str(a, "conversation.id")
        # No response id in Codex's event: the session log's match key for the same response.
        req_id = _str(a, "response_id", "request_id") or (
            codex_request_id(session, *raw) if session else None
        )
    if req_id is None:
        # No id of its own: derive one from what is stable in the event.
        req_id = f"{session or ''}:{ts}"
    err = _str(a, "error", "error.type")
    status = _num(a, "status_code")
    return _record(
        source,
        req_id,
        int(ts),
        model or "",
        PROVIDER_OF_SOURCE.get(source),
        a,
        tin=tin,
        tout=tout,
        cache_read=cread,
        cache_write=cwrite,
        latency_ms=_num(a, "duration_ms"),
        ok=err is None and status < 400,
        error_type=("http_" + str(status)) if status >= 400 else (err[:80] if err else None),
        cost=cost,
        session=session,
        service=service,
    )
