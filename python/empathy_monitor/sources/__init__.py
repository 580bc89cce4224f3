"""The coding agents as sources: where each one's usage data lives, and what the user enabled.

Opt-in: nothing here opens another tool's file unless its source is enabled. :func:`locate`
and :func:`offers` only ``stat`` / list folder names; :func:`bindings` (enabled sources only)
turns the locations into :class:`~..ingest.bound.SourcePath` s for the reader, and may read an
agent's own settings file to find its outfile (Gemini CLI). Home folders come from ``HOME`` and
each agent's variables (``CLAUDE_CONFIG_DIR``, ``CODEX_HOME``, ``GEMINI_TELEMETRY_OUTFILE``,
``COPILOT_OTEL_FILE_EXPORTER_PATH``), resolved by each format module.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..ingest.bound import SourcePath
from ..ingest.formats import claude_code, codex, copilot, gemini_cli

Env = Mapping[str, str]


@dataclass(frozen=True)
class Source:
    name: str  # the record's source dimension and the setting's value
    label: str
    format: str


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("claude-code", "Claude Code", "claude-code"),
        Source("codex", "Codex CLI", "codex"),
        Source("gemini-cli", "Gemini CLI", "gemini-cli"),
        Source("copilot", "GitHub Copilot", "copilot"),
    )
}


def _env(env: Env | None) -> dict[str, str]:
    return dict(os.environ if env is None else env)


def locate(name: str, workspace: Path | None, env: Env | None = None) -> list[Path]:
    """Where ``name`` keeps data that may be this workspace's (existence by ``stat`` only)."""
    e = _env(env)
    if name == "claude-code":
        return claude_code.project_dirs(workspace, e)
    if name == "codex":
        d = codex.sessions_dir(e)
        return [d] if d.is_dir() else []
    if name == "gemini-cli":
        return [p for p in gemini_cli.outfiles(workspace, e) if p.is_file()]
    if name == "copilot":
        return [p for p in copilot.exporter_files(e) if p.is_file()]
    raise KeyError(name)


def _gemini_configured(workspace: Path | None, e: dict[str, str]) -> list[Path]:
    """Gemini CLI's ``telemetry.outfile`` from its settings (read only once enabled)."""
    home = Path(e.get("HOME") or Path.home())
    out = []
    for cfg in ([workspace / ".gemini"] if workspace else []) + [home / ".gemini"]:
        try:
            data = json.loads((cfg / "settings.json").read_text("utf-8"))
        except (OSError, ValueError):
            continue
        tel = data.get("telemetry") if isinstance(data, dict) else None
        f = tel.get("outfile") if isinstance(tel, dict) else None
        if isinstance(f, str) and f:
            p = Path(f).expanduser()
            out.append(p if p.is_absolute() else (workspace or home) / p)
    return out


def bindings(
    enabled: list[str], workspace: Path | None, env: Env | None = None
) -> list[SourcePath]:
    """The enabled sources' folders/files for the reader (``workspace`` None: every project)."""
    e = _env(env)
    out: list[SourcePath] = []
    for name in dict.fromkeys(enabled):
        src = SOURCES.get(name)
        if src is None:
            continue
        paths = locate(name, workspace, e)
        if name == "gemini-cli":
            paths = list(dict.fromkeys(paths + [p for p in _gemini_configured(workspace, e)]))
        scope = workspace if name in ("claude-code", "codex") else None
        out.extend(SourcePath(p, src.format, scope) for p in paths)
    return out


def offers(workspace: Path, enabled: list[str], env: Env | None = None) -> list[dict[str, str]]:
    """Sources not enabled whose data may be this workspace's: ``{source, label, path}``.

    Claude Code is offered when a project folder named for this workspace exists (a listing of
    folder names); the others when their folder or file exists. Nothing is opened.
    """
    out = []
    for name, src in SOURCES.items():
        if name in enabled:
            continue
        found = locate(name, workspace, env)
        if name == "claude-code":
            found = [p for p in found if p.name == claude_code.encode(workspace)] or found[:0]
        if found:
            out.append({"source": name, "label": src.label, "path": str(found[0])})
    return out
