"""Where telemetry and configuration live in a workspace: the one folder rule, the attune-ai home
folder, and the ``archive/`` layout.

One place for the folder rule (the CLI, ``empathy otel``, ``empathy alerts`` and the sidecar's
settings all ask :func:`default_layout` / :func:`default_dirs` / :func:`config_dir`) and for the
archive conventions that the reader and Clear History share:

* every telemetry folder present is read: ``.empathy`` and ``.attune`` when both hold telemetry;
  a folder holding only configuration (:data:`CONFIG_FILES`, cursors, locks) never hides the
  other one's telemetry;
* configuration lives in ``.empathy/``, unless only ``.attune/`` exists and already holds some;
* attune-ai 16.x writes calls to ``./.attune/`` but runs to ``$ATTUNE_HOME/telemetry`` (default
  ``~/.attune/telemetry``), shared by every project on the machine: when the workspace has
  ``.attune/``, that folder is read too, for the runs of this workspace's project only
  (:class:`RunScope`; the reader applies it and counts what it leaves out).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ARCHIVE = "archive"  # rotated files, read along with the live ones
CLEARED_PREFIX = "cleared-"  # archive/cleared-<ts>/: set aside by "Clear History", not read
EMPATHY, ATTUNE = ".empathy", ".attune"
# Files that configure the monitor (never telemetry): a folder holding only these is empty of data.
CONFIG_FILES = frozenset(
    {"alerts.yaml", "alerts.db", "prices.yaml", "budgets.yaml", "monitoring.yaml"}
)
_CONFIG_SUFFIXES = ("cursor.json", ".lock", "-wal", "-shm", "-journal")


def is_config(name: str) -> bool:
    """Whether a file name in a telemetry folder is configuration or bookkeeping, not data."""
    return (
        name in CONFIG_FILES
        or name.startswith(".")
        or any(name.endswith(s) for s in _CONFIG_SUFFIXES)
    )


def holds_telemetry(folder: Path) -> bool:
    """Whether ``folder`` holds anything but configuration (a file, or a non-empty archive)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for e in entries:
        if e.name == ARCHIVE and e.is_dir():
            if holds_telemetry(Path(e.path)):
                return True
        elif not is_config(e.name):
            return True
    return False


def default_dirs(workspace: Path) -> list[Path]:
    """The workspace's telemetry folders: ``.empathy`` and/or ``.attune``, whichever hold
    telemetry (a configuration-only folder never hides the other); when neither does yet,
    ``.attune`` if only it exists, else ``.empathy``."""
    emp, att = workspace / EMPATHY, workspace / ATTUNE
    with_data = [d for d in (emp, att) if holds_telemetry(d)]
    if with_data:
        return with_data
    return [att] if not emp.exists() and att.exists() else [emp]


def config_dir(workspace: Path) -> Path:
    """Where configuration (alerts.yaml, prices.yaml, budgets.yaml, monitoring.yaml, cursors)
    lives and is created: ``.empathy/``, unless only ``.attune/`` exists and already holds some."""
    emp, att = workspace / EMPATHY, workspace / ATTUNE
    if not emp.exists() and att.is_dir():
        try:
            if any(is_config(n) and not n.startswith(".") for n in os.listdir(att)):
                return att
        except OSError:
            pass
    return emp


def find_config(workspace: Path, name: str) -> Path:
    """The folder holding an existing ``name`` (config_dir first, then the telemetry folders),
    else :func:`config_dir` (where it is created)."""
    first = config_dir(workspace)
    for d in (first, *default_dirs(workspace), workspace / EMPATHY, workspace / ATTUNE):
        if (d / name).is_file():
            return d
    return first


def config_dirs(workspace: Path) -> list[Path]:
    """Folders searched for configuration files, :func:`config_dir` first."""
    out = [config_dir(workspace)]
    for d in (*default_dirs(workspace), workspace / EMPATHY, workspace / ATTUNE):
        if d not in out:
            out.append(d)
    return out


def attune_home_telemetry(env: Mapping[str, str] | None = None) -> Path:
    """attune-ai 16.x's shared run folder: ``$ATTUNE_HOME/telemetry``, else
    ``~/.attune/telemetry``."""
    env = os.environ if env is None else env
    home = env.get("ATTUNE_HOME")
    base = Path(home).expanduser() if home else Path(env.get("HOME") or Path.home()) / ATTUNE
    return base / "telemetry"


@dataclass(frozen=True)
class RunScope:
    """A shared folder read for one project's runs only (its calls, if any, are not read)."""

    project: str
    matched_by: Literal["folder", "setting"]  # the workspace folder's name, or empathy.project


@dataclass(frozen=True)
class Layout:
    """The folders to read and, for shared ones, the project whose runs are kept."""

    dirs: list[Path]
    scopes: dict[Path, RunScope] = field(default_factory=dict)


def project_of(workspace: Path, project: str | None) -> RunScope:
    """The project this workspace's runs carry: the setting, else the folder's name."""
    if project:
        return RunScope(project, "setting")
    return RunScope(workspace.resolve().name, "folder")


def default_layout(
    workspace: Path, project: str | None = None, env: Mapping[str, str] | None = None
) -> Layout:
    """:func:`default_dirs`, plus attune-ai 16.x's home run folder when the workspace has
    ``.attune/`` (scoped to this workspace's project)."""
    dirs = default_dirs(workspace)
    if not (workspace / ATTUNE).is_dir():
        return Layout(dirs)
    home = attune_home_telemetry(env)
    if any(_same(home, d) for d in dirs):
        return Layout(dirs)
    return Layout([*dirs, home], {home: project_of(workspace, project)})


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def is_cleared(path: Path, archive: Path) -> bool:
    """Whether ``path`` (inside ``archive``) lies in a Clear History folder."""
    rel = path.relative_to(archive).parts
    return len(rel) > 1 and rel[0].startswith(CLEARED_PREFIX)
