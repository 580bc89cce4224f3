"""Claude Code transcripts: ``<config>/projects/<project>/<session>.jsonl`` and the subagents'
``<project>/<session>/subagents/*.jsonl``.

``<config>`` is each of ``$CLAUDE_CONFIG_DIR`` (comma-separated) or, when unset, ``~/.claude``
and ``$XDG_CONFIG_HOME/claude`` (``~/.config/claude``). The project folder's name is the session's
starting folder with every non-alphanumeric character replaced by ``-``, a lossy encoding
(``/a/b-c`` and ``/a/b/c`` share it), so a transcript belongs to a workspace by the ``cwd`` its
records carry; the folder name only narrows the search.

An assistant line carries ``message.{id, model, usage}``, ``requestId``, ``sessionId``,
``timestamp``, ``cwd``, ``isSidechain`` and, from older versions, ``costUSD``. Streaming writes
one line per content block with the same message and usage, and resumed sessions replay earlier
messages: a request is counted once per (``message.id``, ``requestId``) within a file, and its
``call_id`` (``claude-code:<requestId>``, as the OTel ``claude_code.api_request`` event's
``request_id``) lets the reader count it once across files and paths. Read: usage metadata only;
``message.content`` (prompts, answers, tool calls) is never looked at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import orjson

from .agent import FileState, Usage, count, text
from .agent_format import AgentFormat
from .claude_fast import SOURCE, SYNTHETIC, ClaudeDecoder, cache_writes

__all__ = ["CLAUDE_CODE", "SOURCE", "ClaudeCode", "ClaudeDecoder", "cache_writes"]

PROJECTS = "projects"
SUBAGENTS = "subagents"
_CWD = re.compile(rb'"cwd":\s*"((?:[^"\\]|\\.)*)"')
HEAD_BYTES = 256 << 10  # where a transcript's first cwd is looked for


def config_dirs(env: dict[str, str] | None = None) -> list[Path]:
    """Claude Code's configuration folders (existing or not), as Claude Code resolves them."""
    e = os.environ if env is None else env
    custom = [s.strip() for s in e.get("CLAUDE_CONFIG_DIR", "").split(",") if s.strip()]
    if custom:
        return [Path(s).expanduser() for s in custom]
    home = Path(e.get("HOME") or Path.home())
    xdg = Path(e["XDG_CONFIG_HOME"]) if e.get("XDG_CONFIG_HOME") else home / ".config"
    return [home / ".claude", xdg / "claude"]


def encode(folder: Path) -> str:
    """A project folder's name as Claude Code writes it."""
    return re.sub(r"[^A-Za-z0-9]", "-", str(folder))


def project_dirs(workspace: Path | None, env: dict[str, str] | None = None) -> list[Path]:
    """Project folders that may hold ``workspace``'s transcripts (all, when ``None``).

    A ``stat``/``listdir`` of folder names only: no transcript is opened here.
    """
    out: list[Path] = []
    for cfg in config_dirs(env):
        root = cfg / PROJECTS
        if not root.is_dir():
            continue
        if workspace is None:
            out.append(root)
            continue
        enc = encode(workspace)
        try:
            names = sorted(os.listdir(root))
        except OSError:
            continue
        out.extend(root / n for n in names if n == enc or n.startswith(enc + "-"))
    return out


def first_cwd(path: Path) -> str | None:
    """The ``cwd`` of a transcript's first record that has one (a bounded read of its head)."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return None
    m = _CWD.search(head)
    if m is None:
        return None
    try:
        v = orjson.loads(b'"' + m.group(1) + b'"')
    except orjson.JSONDecodeError:
        return None
    return v if isinstance(v, str) else None


def inside(cwd: str, workspace: Path) -> bool:
    ws = str(workspace).rstrip(os.sep)
    return cwd == ws or cwd.startswith(ws + os.sep)


class ClaudeCode(AgentFormat):
    """Claude Code transcripts (satisfies :class:`..format.LogFormat`)."""

    name = "claude-code"
    source = SOURCE
    markers = (b'"usage"',)
    decoder_class = ClaudeDecoder

    def __init__(self) -> None:
        super().__init__()
        self._cwd: dict[tuple[str, int], str | None] = {}

    def discover(self, directory: Path) -> list[Path]:
        """Transcripts and subagent transcripts under a projects root or one project folder."""
        return sorted(p for p in directory.rglob("*.jsonl") if p.is_file())

    def discover_for(self, directory: Path, workspace: Path | None) -> list[Path]:
        """The transcripts under ``directory`` whose records' ``cwd`` is inside ``workspace``.

        A transcript without a ``cwd`` in its head belongs to the folder its name encodes.
        """
        files = self.discover(directory)
        if workspace is None:
            return files
        out = []
        for p in files:
            try:
                key = (str(p), p.stat().st_ino)
            except OSError:
                continue
            if key not in self._cwd:
                self._cwd[key] = first_cwd(p)
            cwd = self._cwd[key]
            if cwd is not None:
                if inside(cwd, workspace):
                    out.append(p)
            elif _project_of(p) == encode(workspace):
                out.append(p)
        return out

    def extract(self, d: dict[str, Any], st: FileState) -> Usage | None:
        msg = d.get("message")
        if type(msg) is not dict or d.get("type", "assistant") != "assistant":
            return None
        usage = msg.get("usage")
        if type(usage) is not dict:
            return None
        model = text(msg.get("model")) or "unknown"
        tin, tout = count(usage.get("input_tokens")), count(usage.get("output_tokens"))
        cr = count(usage.get("cache_read_input_tokens"))
        cw, cw1h = cache_writes(usage)
        if model == SYNTHETIC and not (tin or tout or cr or cw or cw1h):
            return None  # a message Claude Code made up itself (no API call)
        mid, rid = text(msg.get("id")), text(d.get("requestId"))
        session = text(d.get("sessionId"))
        ts = d.get("timestamp")
        if type(ts) is not str:
            raise ValueError("timestamp")
        request = rid or mid or f"{session}:{text(d.get('uuid')) or ts}"
        cost = d.get("costUSD")
        api_error = d.get("isApiErrorMessage") is True
        extra: tuple[tuple[str, Any], ...] = ()
        if d.get("isSidechain") is True:
            extra = (("sidechain", True),)
        return Usage(
            ts,
            model,
            "anthropic",
            tin,
            tout,
            cr,
            cw,
            cw1h,
            float(cost) if isinstance(cost, (int, float)) and not isinstance(cost, bool) else None,
            session,
            request,
            not api_error,
            "api_error" if api_error else None,
            -1,
            text(d.get("cwd")),
            (mid, rid) if (mid or rid) else None,
            extra,
        )


def _project_of(path: Path) -> str | None:
    parts = path.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == PROJECTS and i + 1 < len(parts):
            return parts[i + 1]
    return None


CLAUDE_CODE = ClaudeCode()
