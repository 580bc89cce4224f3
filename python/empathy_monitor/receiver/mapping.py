"""OTLP payloads (already decoded into protobuf messages) to call records. Pure.

What becomes a call:

* a span carrying GenAI usage (``gen_ai.usage.input_tokens`` / ``output_tokens``) or a GenAI
  operation (``gen_ai.operation.name``) — apps and GitHub Copilot;
* a log record that is one agent request: Claude Code ``claude_code.api_request``, Gemini CLI
  ``gemini_cli.api_response``, Codex ``codex.sse_event`` of kind ``response.completed``.

Log records (the agents' usage events) are mapped in ``events.py``, attribute values read by
``values.py``. Only usage metadata is copied (model, token counts, times, ids, cost, status): prompt and response
text (``gen_ai.prompt``, message bodies, tool arguments) is never read into a record. Metrics are
accepted but are aggregates of the same requests, so they add no calls (they would double count).
Token counts follow ``ingest/formats/tokens.py``, the rules the agents' log decoders use too (the
GenAI input includes its cache tokens; Codex output includes reasoning; Gemini adds thoughts).
Every record keeps the agent's own request id (``metadata.request_id``) and its ``call_id`` is
``<source>:<request id>``, so the same request arriving through a transcript and through OTel is
one call. Data whose ``service.name`` is our own exporter's is dropped (no loop).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..ingest.formats.tokens import copilot_provider, genai_usage
from .values import _float, _iso, _num, _str, attrs

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
