"""``empathy/exportCsv``: write a window's calls as CSV, only to paths inside the workspace.

Never onto telemetry (history, alert config/state, cursors) and never onto an existing file
unless the user confirmed replacing it in the save dialog (``overwrite``); see ``safewrite``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..analytics import Filters, WindowSpec
from ..csvout import csv_bytes
from ..prices.sources import CostMode
from ..safewrite import WriteRefused, atomic_write, check_target
from ..telemetry import Telemetry
from .source_index import inside


class ExportRefused(WriteRefused):
    """The target path is outside the workspace, telemetry, or an unconfirmed overwrite."""


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
    tel: Telemetry,
    workspace: Path,
    path: str,
    spec: WindowSpec,
    filters: Filters,
    telemetry_dirs: Sequence[Path] = (),
    overwrite: bool = False,
    cost_mode: CostMode | None = None,
) -> tuple[Path, int]:
    """Write the CSV atomically (temp file + rename); returns (path, rows).

    Raises:
        ExportRefused: see :func:`target`; or the target is telemetry, or exists and
            ``overwrite`` is false.
    """
    out = target(workspace, path)
    try:
        out = check_target(
            out, telemetry_dirs, overwrite=overwrite, hint="confirm the overwrite in the dialog"
        )
    except WriteRefused as exc:
        raise ExportRefused(str(exc)) from exc
    window = tel.window(spec)
    return out, atomic_write(out, csv_bytes(tel.iter_calls(window, filters, cost_mode)))
