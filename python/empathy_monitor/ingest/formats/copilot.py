"""GitHub Copilot's OpenTelemetry JSON-lines file exporter (``COPILOT_OTEL_FILE_EXPORTER_PATH``).

One span per line: ``name``, ``attributes`` (a map or OTLP's ``{key, value}`` list), start/end
time (``startTime``/``endTime`` as ``[seconds, nanos]``, or ``startTimeUnixNano``) and a span id.
A ``chat`` span (``gen_ai.operation.name``) is one model request with ``gen_ai.usage.*``; the
``invoke_agent`` / ``execute_tool`` spans above and beside it repeat their children's usage and are
not counted. ``call_id`` is ``copilot:<gen_ai.response.id or span id>``, as the OTLP receiver
maps the same span. Read: the model, token counts, ids and times; never ``gen_ai.input.messages``
/ ``gen_ai.output.messages`` (present when content capture is on).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .agent import FileState, Usage, count, text
from .agent_format import AgentFormat
from .gemini_cli import _attributes
from .tokens import copilot_provider, genai_usage

SOURCE = "copilot"
PATH_ENV = "COPILOT_OTEL_FILE_EXPORTER_PATH"
_NOT_CALLS = ("invoke_agent", "execute_tool", "create_agent")


def exporter_files(env: dict[str, str] | None = None) -> list[Path]:
    e = os.environ if env is None else env
    return [Path(e[PATH_ENV]).expanduser()] if e.get(PATH_ENV) else []


def _nanos(v: Any) -> int | None:
    if type(v) is list and len(v) == 2:
        return int(v[0]) * 1_000_000_000 + int(v[1])
    if type(v) in (int, str) and str(v).isdigit():
        return int(v)
    return None


class Copilot(AgentFormat):
    """Copilot's OTel file-exporter spans (satisfies :class:`..format.LogFormat`)."""

    name = "copilot"
    source = SOURCE
    markers = (b"gen_ai.usage",)

    def discover(self, directory: Path) -> list[Path]:
        return sorted(p for p in directory.glob("*.jsonl") if p.is_file())

    def extract(self, d: dict[str, Any], st: FileState) -> Usage | None:
        a = _attributes(d)
        if a is d:
            return None
        op = text(a.get("gen_ai.operation.name"))
        if op in _NOT_CALLS or not (
            "gen_ai.usage.input_tokens" in a or "gen_ai.usage.output_tokens" in a
        ):
            return None
        start = _nanos(d.get("startTime", d.get("startTimeUnixNano")))
        end = _nanos(d.get("endTime", d.get("endTimeUnixNano")))
        if start is None:
            raise ValueError("startTime")
        ts = datetime.fromtimestamp(start / 1e9, timezone.utc).isoformat()
        ctx = d.get("spanContext")
        span = (
            text(ctx.get("spanId") if isinstance(ctx, dict) else d.get("spanId"))
            or text(d.get("span_id"))
            or ts
        )
        rid = text(a.get("gen_ai.response.id")) or span
        tin, cr, cw = genai_usage(
            count(a.get("gen_ai.usage.input_tokens")),
            count(a.get("gen_ai.usage.cache_read.input_tokens")),
            count(a.get("gen_ai.usage.cache_creation.input_tokens")),
        )
        status = d.get("status")
        failed = type(status) is dict and status.get("code") == 2
        model = (
            text(a.get("gen_ai.response.model")) or text(a.get("gen_ai.request.model")) or "unknown"
        )
        return Usage(
            ts,
            model,
            copilot_provider(text(a.get("gen_ai.provider.name")), model),
            tin,  # the GenAI convention: cached tokens are part of the input (tokens.py)
            count(a.get("gen_ai.usage.output_tokens")),
            cr,
            cw,
            session=text(a.get("gen_ai.conversation.id")) or text(a.get("session.id")),
            request_id=rid,
            ok=not failed,
            error_type=text(a.get("error.type")) if failed else None,
            latency_ms=max(0, (end - start) // 1_000_000) if end is not None else -1,
            key=rid,
        )


COPILOT = Copilot()
