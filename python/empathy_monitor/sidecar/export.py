"""``empathy/exportCsv``: write a window's calls as CSV, only to paths inside the workspace."""

from __future__ import annotations

import os
from pathlib import Path

from ..analytics import Filters, WindowSpec
from ..csvout import write_csv
from ..telemetry import Telemetry
from .source_index import inside


class ExportRefused(ValueError):
    """The target path is outside the workspace or not writable."""


def target(workspace: Path, path: str) -> Path:
    """The real target path; its directory must exist inside the workspace.

    Raises:
        ExportRefused: the path (after resolving symlinks) lies outside the workspace.
    """
    raw = Path(path).expanduser()
    cand = raw if raw.is_absolute() else workspace / raw
    parent = inside(cand.parent, workspace)
    if parent is None:
        raise ExportRefused(f"refusing to write {path}: outside the workspace {workspace}")
    if not parent.is_dir():
        raise ExportRefused(f"refusing to write {path}: directory {parent} does not exist")
    out = parent / cand.name
    if out.is_symlink() and inside(out, workspace) is None:
        raise ExportRefused(f"refusing to write {path}: it links outside the workspace")
    return out


def export_csv(
    tel: Telemetry, workspace: Path, path: str, spec: WindowSpec, filters: Filters
) -> tuple[Path, int]:
    """Write the CSV atomically (temp file + rename); returns (path, rows)."""
    out = target(workspace, path)
    window = tel.window(spec)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            n = write_csv(tel.iter_calls(window, filters), f)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, n
