"""OTLP payloads (already decoded into protobuf messages) to call records. Pure.

What becomes a call:

* a span carrying GenAI usage (``gen_ai.usage.input_tokens`` / ``output_tokens``) or a GenAI
  operation (``gen_ai.operation.name``) — apps and GitHub Copilot;
* a log record that is one agent request: Claude Code ``claude_code.api_request``, Gemini CLI
  ``gemini_cli.api_response``, Codex ``codex.sse_event`` of kind ``response.completed``.

Only usage metadata is copied (model, token counts, times, ids, cost, status): prompt and response
text (``gen_ai.prompt``, message bodies, tool arguments) is never read into a record. Metrics are
accepted but are aggregates of the same requests, so they add no calls (they would double count).
Token counts follow ``ingest/formats/tokens.py``, the rules the agents' log decoders use too (the
GenAI input includes its cache tokens; Codex output includes reasoning; Gemini adds thoughts).
Every record keeps the agent's own request id (``metadata.request_id``) and its ``call_id`` is
``<source>:<request id>``, so the same request arriving through a transcript and through OTel is
one call. Data whose ``service.name`` is our own exporter's is dropped (no loop).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..ingest.formats.tokens import (
    codex_request_id,
    copilot_provider,
    gemini_request_id,
    gemini_usage,
    genai_usage,
    openai_usage,
)

# service.name of each agent -> our source name
SERVICE_SOURCES: dict[str, str] = {
    "claude-code": "claude-code",
    "claude_code": "claude-code",
    "codex": "codex",
    "codex_cli_rs": "codex",
    "codex-cli": "codex",
    "gemini-cli": "gemini-cli",
    "gemini_cli": "gemini-cli",
    "github-copilot": "copilot",
    "copilot": "copilot",
    "copilot-chat": "copilot",
    "copilot-cli": "copilot",
}
EVENT_SOURCES: dict[str, str] = {
    "claude_code.api_request": "claude-code",
    "gemini_cli.api_response": "gemini-cli",
    "codex.sse_event": "codex",
}
PROVIDER_OF_SOURCE: dict[str, str] = {
    "claude-code": "anthropic",
    "codex": "openai",
    "gemini-cli": "google",
    "copilot": "github-copilot",
}


@dataclass
class Mapped:
    """What one payload produced."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    items: int = 0  # spans / log records / data points seen
    dropped_own: int = 0  # from our own exporter (loop guard)
    ignored: int = 0  # seen but not a GenAI call


def attr_value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [attr_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: attr_value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind)


def attrs(kvs: Iterable[Any]) -> dict[str, Any]:
    return {kv.key: attr_value(kv.value) for kv in kvs}


def _num(a: dict[str, Any], *keys: str) -> int:
    for k in keys:
        v = a.get(k)
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            return max(0, int(v))
        if isinstance(v, str):
            try:
                return max(0, int(float(v)))
            except ValueError:
                continue
    return 0


def _float(a: dict[str, Any], *keys: str) -> float | None:
    for k in keys:
        v = a.get(k)
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, str):
            try:
                return float(v)
            except ValueError:
                continue
    return None


def _str(a: dict[str, Any], *keys: str) -> str | None:
    for k in keys:
        v = a.get(k)
        if isinstance(v, str) and v:
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
    return None


def _iso(nanos: int) -> str:
    return datetime.fromtimestamp(nanos / 1e9, timezone.utc).isoformat()


def _source(service: str | None, event: str | None = None) -> str:
    if event and event in EVENT_SOURCES:
        return EVENT_SOURCES[event]
    return SERVICE_SOURCES.get((service or "").lower(), "otlp")


def _record(
    source: str,
    request_id: str,
    ts_nanos: int,
    model: str,
    provider: str | None,
    a: dict[str, Any],
    *,
    tin: int,
    tout: int,
    cache_read: int,
    cache_write: int,
    latency_ms: int,
    ok: bool,
    error_type: str | None,
    cost: float | None,
    session: str | None,
    service: str | None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"source": source, "request_id": request_id}
    if service:
        meta["service_name"] = service
    if cache_read:
        meta["cache_read_input_tokens"] = cache_read
    if cache_write:
        meta["cache_creation_input_tokens"] = cache_write
    return {
        "call_id": f"{source}:{request_id}",
        "timestamp": _iso(ts_nanos),
        "workflow_name": _str(a, "gen_ai.agent.name") if source == "otlp" else None,
        "session_id": session,
        "user_id": _str(a, "user.id", "user.email", "user.account_uuid"),
        "task_type": _str(a, "gen_ai.operation.name") or "chat",
        "provider": provider or PROVIDER_OF_SOURCE.get(source, "unknown"),
        "tier": "capable",
        "model_id": model,
        "input_tokens": tin,
        "output_tokens": tout,
        # 0 when the event gives no cost: the reader prices it or counts it unpriced (the feed
        # shows an agent record's 0 as no cost, never $0)
        "estimated_cost": cost if cost is not None and cost >= 0 else 0.0,
        "latency_ms": latency_ms,
        "success": ok,
        "error_type": error_type,
        "metadata": meta,
    }


def _items(
    resources: Iterable[Any], scopes: str, field: str, own_service: str, out: Mapped
) -> Iterator[tuple[str | None, Any]]:
    """(service.name, item) for every span / log record of an OTLP request, counted in ``out``;
    the items of our own exporter's resources are counted as dropped, never yielded (no loop)."""
    for r in resources:
        service = _str(attrs(r.resource.attributes), "service.name")
        groups = getattr(r, scopes)
        n = sum(len(getattr(g, field)) for g in groups)
        out.items += n
        if service == own_service:
            out.dropped_own += n
            continue
        for g in groups:
            for item in getattr(g, field):
                yield service, item


def span_calls(req: Any, own_service: str, out: Mapped) -> None:
    """``ExportTraceServiceRequest`` -> calls (GenAI spans only)."""
    for service, sp in _items(req.resource_spans, "scope_spans", "spans", own_service, out):
        a = attrs(sp.attributes)
        model = _str(a, "gen_ai.response.model", "gen_ai.request.model")
        has_usage = "gen_ai.usage.input_tokens" in a or "gen_ai.usage.output_tokens" in a
        if not has_usage and ("gen_ai.operation.name" not in a or not model):
            out.ignored += 1
            continue
        source = _source(service)
        # Copilot's invoke_agent / execute_tool spans repeat their children's usage.
        op = _str(a, "gen_ai.operation.name")
        if op in ("invoke_agent", "execute_tool", "create_agent"):
            out.ignored += 1
            continue
        req_id = _str(a, "gen_ai.response.id") or sp.span_id.hex()
        failed = sp.status.code == 2
        # The GenAI convention: the input includes cache reads and writes (tokens.py).
        tin, cache_read, cache_write = genai_usage(
            _num(a, "gen_ai.usage.input_tokens"),
            _num(
                a,
                "gen_ai.usage.cache_read.input_tokens",
                "gen_ai.usage.cache_read_input_tokens",
            ),
            _num(
                a,
                "gen_ai.usage.cache_creation.input_tokens",
                "gen_ai.usage.cache_creation_input_tokens",
            ),
        )
        provider = _str(a, "gen_ai.provider.name", "gen_ai.system")
        dur = max(0, (sp.end_time_unix_nano - sp.start_time_unix_nano) // 1_000_000)
        out.calls.append(
            _record(
                source,
                req_id,
                sp.start_time_unix_nano,
                model or "",
                copilot_provider(provider, model) if source == "copilot" else provider,
                a,
                tin=tin,
                tout=_num(a, "gen_ai.usage.output_tokens"),
                cache_read=cache_read,
                cache_write=cache_write,
                latency_ms=int(dur),
                ok=not failed,
                error_type=_str(a, "error.type") if failed else None,
                cost=_float(a, "llm.cost", "gen_ai.usage.cost"),
                session=_str(a, "session.id", "gen_ai.conversation.id"),
                service=service,
            )
        )


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


def metric_points(req: Any, out: Mapped) -> None:
    """``ExportMetricsServiceRequest``: counted, never turned into calls (aggregates)."""
    for rm in req.resource_metrics:
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                kind = m.WhichOneof("data")
                points = getattr(getattr(m, kind), "data_points", []) if kind else []
                out.items += len(points)
                out.ignored += len(points)


def iter_calls(mapped: Iterable[Mapped]) -> Iterator[dict[str, Any]]:
    for m in mapped:
        yield from m.calls
