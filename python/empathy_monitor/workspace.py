"""Where telemetry lives in a workspace: the default folders and the ``archive/`` layout.

One place for the folder rule (used by the CLI, ``empathy otel`` and the sidecar's settings) and
for the archive conventions that the reader and Clear History share.
"""

from __future__ import annotations

from pathlib import Path

ARCHIVE = "archive"  # rotated files, read along with the live ones
CLEARED_PREFIX = "cleared-"  # archive/cleared-<ts>/: set aside by "Clear History", not read


def default_dirs(workspace: Path) -> list[Path]:
    """``<workspace>/.empathy``, else ``<workspace>/.attune`` when only that exists."""
    emp, att = workspace / ".empathy", workspace / ".attune"
    return [att] if not emp.exists() and att.exists() else [emp]


def is_cleared(path: Path, archive: Path) -> bool:
    """Whether ``path`` (inside ``archive``) lies in a Clear History folder."""
    rel = path.relative_to(archive).parts
    return len(rel) > 1 and rel[0].startswith(CLEARED_PREFIX)
