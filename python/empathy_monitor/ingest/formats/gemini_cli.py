"""Gemini CLI's telemetry outfile: one OpenTelemetry log record per line (``telemetry.outfile``
in ``.gemini/settings.json``, ``--telemetry-outfile``, or ``$GEMINI_TELEMETRY_OUTFILE``).

A ``gemini_cli.api_response`` event carries ``model``, ``input_token_count``,
``output_token_count``, ``cached_content_token_count``, ``thoughts_token_count``,
``duration_ms``, ``status_code``, ``session.id`` and ``response_id`` / ``prompt_id``; the
attributes sit under ``attributes`` (a map, or OTLP's list of ``{key, value}``) or at the top
level. Gemini counts cached tokens inside the prompt and bills thoughts as output, so input is
``input - cached`` and output ``output + thoughts`` (as the OTLP receiver maps the same event).
Read: those counts and ids only; ``response_text`` and prompts, when logged, are never read.
A pretty-printed (multi-line) outfile is not line-delimited and is not read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .agent import FileState, Usage, count, text
from .agent_format import AgentFormat
from .tokens import gemini_request_id, gemini_usage

SOURCE = "gemini-cli"
EVENT = "gemini_cli.api_response"
OUTFILE_ENV = "GEMINI_TELEMETRY_OUTFILE"


def outfiles(workspace: Path | None, env: dict[str, str] | None = None) -> list[Path]:
    """Where Gemini CLI's outfile may be (existing or not); settings files are read by the
    caller only once the source is enabled (see ``sources/``)."""
    e = os.environ if env is None else env
    out = [Path(e[OUTFILE_ENV]).expanduser()] if e.get(OUTFILE_ENV) else []
    home = Path(e.get("HOME") or Path.home())
    if workspace is not None:
        out.append(workspace / ".gemini" / "telemetry.log")
    out.append(home / ".gemini" / "telemetry.log")
    return out


def _attributes(d: dict[str, Any]) -> dict[str, Any]:
    a = d.get("attributes")
    if type(a) is dict:
        return a
    if type(a) is list:  # OTLP JSON: [{"key": k, "value": {"intValue": ...}}]
        out: dict[str, Any] = {}
        for kv in a:
            if type(kv) is dict and type(kv.get("key")) is str and type(kv.get("value")) is dict:
                v = next(iter(kv["value"].values()), None)
                out[kv["key"]] = int(v) if type(v) is str and v.isdigit() else v
        return out
    return d


def _timestamp(d: dict[str, Any], a: dict[str, Any]) -> str:
    from datetime import datetime, timezone

    ts = a.get("event.timestamp") or d.get("timestamp")
    if type(ts) is str:
        return ts
    hr = d.get("hrTime")
    if type(hr) is list and len(hr) == 2:
        return datetime.fromtimestamp(hr[0] + hr[1] / 1e9, timezone.utc).isoformat()
    nanos = d.get("timeUnixNano")
    if isinstance(nanos, (int, str)):
        return datetime.fromtimestamp(int(nanos) / 1e9, timezone.utc).isoformat()
    raise ValueError("timestamp")


class GeminiCli(AgentFormat):
    """Gemini CLI telemetry outfiles (satisfies :class:`..format.LogFormat`)."""

    name = "gemini-cli"
    source = SOURCE
    markers = (EVENT.encode(),)

    def discover(self, directory: Path) -> list[Path]:
        return sorted(p for p in directory.glob("*.log") if p.is_file())

    def extract(self, d: dict[str, Any], st: FileState) -> Usage | None:
        a = _attributes(d)
        name = a.get("event.name") or d.get("name") or d.get("body")
        if name != EVENT:
            return None
        tin, cached, tout = gemini_usage(
            count(a.get("input_token_count")),
            count(a.get("cached_content_token_count")),
            count(a.get("output_token_count")),
            count(a.get("thoughts_token_count")),
        )
        ts = _timestamp(d, a)
        session = text(a.get("session.id"))
        model = text(a.get("model"))
        rid = gemini_request_id(text(a.get("response_id")), session, ts, model)
        status = count(a.get("status_code"))
        err = text(a.get("error"))
        return Usage(
            ts,
            model or "unknown",
            "google",
            tin,
            tout,
            cached,
            session=session,
            request_id=rid,
            ok=err is None and status < 400,
            error_type=f"http_{status}" if status >= 400 else (err[:80] if err else None),
            latency_ms=count(a.get("duration_ms")),
            key=rid,
        )


GEMINI_CLI = GeminiCli()
