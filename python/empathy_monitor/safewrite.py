"""Writing exports without destroying history: refuse telemetry files, replace atomically.

An export path typed by a user (``--out``) or chosen in a save dialog can name the very history it
is exported from (``.empathy/llm_calls.jsonl``). Those targets are refused outright, ``--force``
or not: the CSV would replace every record. Any other existing file is replaced only when the
caller says the user agreed (``--force``, or the save dialog's "Replace?" confirmation).

The bytes go to a temporary file in the target's directory and are renamed over the target, so a
failed export leaves the old file (or none), never half a file. A rename also leaves any other
hard link to the old file untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

# Directories whose whole content belongs to the telemetry writers and this monitor.
TELEMETRY_DIR_NAMES = frozenset({".empathy", ".attune"})
# Files a telemetry folder holds, protected wherever they are: config, state and cursors.
PROTECTED_NAMES = frozenset({"alerts.yaml", "alerts.db", "monitoring.yaml", "otel_cursor.json"})
# History files, with their rotated / compressed forms (llm_calls.jsonl.1, -20261201, .gz).
HISTORY_PREFIXES = ("llm_calls", "workflow_runs")


class WriteRefused(ValueError):
    """The target is telemetry (or config/state next to it), or exists and no overwrite was given."""


def _protected_name(name: str) -> bool:
    if name in PROTECTED_NAMES or name.startswith(HISTORY_PREFIXES):
        return True
    if name.startswith("alerts.db"):  # SQLite's -wal, -shm and -journal files
        return True
    return "cursor" in name and name.endswith((".json", ".ids"))  # .ids: otel/sent.py


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def protected_reason(path: Path, telemetry_dirs: Iterable[Path]) -> str | None:
    """Why ``path`` must not be written by an export, or ``None`` when it may be.

    Both the path as given and its real location (symlinks resolved) are checked, so a link named
    ``out.csv`` pointing into ``.empathy`` is refused too.
    """
    dirs = [Path(d).expanduser() for d in telemetry_dirs]
    roots = {d.absolute() for d in dirs} | {d.resolve() for d in dirs}
    for cand in {path.absolute(), path.resolve()}:
        if _protected_name(cand.name):
            return f"{cand.name} is a telemetry, alert or cursor file"
        if any(p.name in TELEMETRY_DIR_NAMES for p in cand.parents):
            return "it is inside a telemetry folder (.empathy / .attune)"
        for root in roots:
            if _within(cand, root):
                return f"it is inside the telemetry folder {root}"
        if cand.suffix == ".jsonl" or ".jsonl." in cand.name:
            with contextlib.suppress(OSError):  # a *.jsonl next to history files is history
                if any(_protected_name(p.name) for p in cand.parent.iterdir()):
                    return "it is a .jsonl file in a telemetry folder"
    return None


def check_target(path: Path, telemetry_dirs: Iterable[Path], *, overwrite: bool, hint: str) -> Path:
    """The real file to write for an export to ``path``.

    Args:
        path: the target as the user named it.
        telemetry_dirs: the configured telemetry directories.
        overwrite: the user agreed to replace an existing (non-telemetry) file.
        hint: how the user gives that agreement, for the refusal message (e.g. ``"pass --force"``).

    Raises:
        WriteRefused: the target is protected, or exists and ``overwrite`` is false.
    """
    reason = protected_reason(path, telemetry_dirs)
    if reason is not None:
        raise WriteRefused(f"refusing to write {path}: {reason}; exports never replace history")
    real = path.resolve()
    if real.exists() and not real.is_dir() and not overwrite:
        raise WriteRefused(f"refusing to write {path}: the file exists ({hint} to replace it)")
    return real


def atomic_write(path: Path, fill: Callable[[IO[bytes]], int]) -> int:
    """Write ``path`` via a temp file in its directory and a rename; returns ``fill``'s count.

    An existing target keeps its permission bits. On any failure the temp file is removed and the
    target is left as it was.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    keep: int | None = None
    with contextlib.suppress(OSError):
        st = path.stat()
        if stat.S_ISREG(st.st_mode):
            keep = stat.S_IMODE(st.st_mode)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "wb") as f:
            if keep is not None:
                os.fchmod(f.fileno(), keep)
            n = fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return n
