"""OpenAI Codex CLI session logs: ``$CODEX_HOME/sessions/**/rollout-*.jsonl`` (``~/.codex``).

Lines are ``{"timestamp", "type", "payload"}``. ``session_meta`` opens a file (``payload.id``,
``payload.cwd``); ``turn_context`` carries the model of the turns that follow; an ``event_msg``
whose ``payload.type`` is ``token_count`` carries ``info.last_token_usage`` (this turn) and
``info.total_token_usage`` (the session so far). Only the per-turn usage is counted, never the
cumulative totals; a ``token_count`` whose total did not move (Codex repeats the event, e.g. for a
rate-limit update) or that has no ``info`` adds nothing. OpenAI's convention: ``input_tokens``
include ``cached_input_tokens``, and ``output_tokens`` include the reasoning tokens.

A Codex response has no id in the log nor in its OTel event: its ``call_id`` is
``codex:<session>:<input>:<cached>:<output>`` (:func:`.tokens.codex_request_id`), which the OTLP
receiver derives from the same response's ``codex.sse_event``, so a response arriving by both paths
is counted once; stable across re-reads and the mirror. Read: usage metadata only (no
instructions, no messages).
"""

from __future__ import annotations

import os
from bisect import bisect_right
from pathlib import Path
from typing import Any

from .agent import FileState, Usage, count, text
from .agent_format import AgentFormat
from .tokens import codex_request_id, openai_usage

SOURCE = "codex"
_TOTAL_KEYS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens")
MAX_MODELS = 4096  # model changes remembered per file (for feed rows re-read later)


def sessions_dir(env: dict[str, str] | None = None) -> Path:
    """Where Codex keeps its session logs (existing or not)."""
    e = os.environ if env is None else env
    home = e.get("CODEX_HOME")
    base = Path(home).expanduser() if home else Path(e.get("HOME") or Path.home()) / ".codex"
    return base / "sessions"


def _total(info: dict[str, Any]) -> tuple[int, ...] | None:
    t = info.get("total_token_usage")
    return tuple(count(t.get(k)) for k in _TOTAL_KEYS) if type(t) is dict else None


class Codex(AgentFormat):
    """Codex CLI rollout files (satisfies :class:`..format.LogFormat`)."""

    name = "codex"
    source = SOURCE
    markers = (b"token_count", b"turn_context", b"session_meta")

    def discover(self, directory: Path) -> list[Path]:
        return sorted(p for p in directory.rglob("rollout-*.jsonl") if p.is_file())

    def discover_for(self, directory: Path, workspace: Path | None) -> list[Path]:
        """Sessions started inside ``workspace`` (by their ``session_meta`` cwd)."""
        from .claude_code import first_cwd, inside

        files = self.discover(directory)
        if workspace is None:
            return files
        return [p for p in files if (c := first_cwd(p)) is not None and inside(c, workspace)]

    def extract(self, d: dict[str, Any], st: FileState) -> Usage | None:
        kind, p = d.get("type"), d.get("payload")
        if type(p) is not dict:
            return None
        if kind == "session_meta":
            st.session = text(p.get("id")) or st.session
            st.cwd = text(p.get("cwd")) or st.cwd
            return None
        if kind == "turn_context":
            model = text(p.get("model"))
            ts = d.get("timestamp")
            if model and model != st.model and type(ts) is str and len(st.models) < MAX_MODELS:
                st.models.append((ts, model))
            st.model = model or st.model
            st.cwd = text(p.get("cwd")) or st.cwd
            return None
        if kind != "event_msg" or p.get("type") != "token_count":
            return None
        info = p.get("info")
        if type(info) is not dict:
            return None  # a rate-limit-only update
        total = _total(info)
        if total is not None and total == st.last_total:
            return None  # the same turn reported again
        if total is not None:
            st.last_total = total
        last = info.get("last_token_usage")
        if type(last) is not dict:
            return None
        raw = (
            count(last.get("input_tokens")),
            count(last.get("cached_input_tokens")),
            count(last.get("output_tokens")),  # reasoning included (tokens.py)
        )
        tin, cached, tout = openai_usage(*raw)
        if not (tin or tout):
            return None
        ts = d.get("timestamp")
        if type(ts) is not str:
            raise ValueError("timestamp")
        model = text(info.get("model")) or st.model or "unknown"
        session = st.session
        rid = codex_request_id(session, *raw) if session else f":{ts}"
        seen = st.keys.get(rid, 0) + 1
        st.keys[rid] = seen
        if seen > 1:  # the same usage again in this session: another response (see tokens.py)
            rid = f"{rid}#{seen}"
        return Usage(
            ts,
            model,
            "openai",
            tin,
            tout,
            cached,
            session=session,
            request_id=rid,
            cwd=st.cwd,
            key=None,  # repeats are caught by the cumulative total above
        )

    def parse(self, raw: bytes, st: FileState | None = None) -> dict[str, Any] | None:
        """A feed row as counted: with the model in effect at the line's time, not the latest."""
        d = super().parse(raw, st)
        if d is None or st is None:
            return d
        ts = d["timestamp"]
        if st.models:
            i = bisect_right(st.models, (ts, "\uffff")) - 1
            if i >= 0:
                d["model_id"] = st.models[i][1]
        return d


CODEX = Codex()
