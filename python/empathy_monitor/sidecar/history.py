"""Clear History and its Undo: move telemetry files aside and back. Nothing is ever deleted.

``clear`` moves every telemetry file of each directory (top level, and rotated files under
``archive/``) into ``<dir>/archive/cleared-<UTC yyyymmddTHHMMSSZ>/``, keeping paths relative to the
directory; the reader ignores ``archive/cleared-*/``. ``undo`` moves them back; where a writer has
since created a fresh file at the original path, the restored file lands next to it as
``<stem>.restored-<ts>.jsonl`` so both are read and nothing is rewritten. Moves are renames within
one directory tree, so file identities (device, inode) survive and the OTel cursor sends nothing
twice.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from ..ingest.format import discover
from ..workspace import ARCHIVE, CLEARED_PREFIX


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")


def clear(dirs: Sequence[Path], now: datetime | None = None) -> tuple[str, list[str]]:
    """Move every telemetry file aside; (archive dir of the first directory, moved paths)."""
    name = CLEARED_PREFIX + _stamp(now)
    moved: list[str] = []
    first = ""
    for d in dirs:
        target = d / ARCHIVE / name
        first = first or str(target)
        for src in discover([d]):
            dest = target / src.relative_to(d)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.rename(src, dest)
            moved.append(str(src))
    if not first:
        raise ValueError("no telemetry directory configured")
    return first, moved


def archive_name(archive_dir: str, dirs: Sequence[Path]) -> str:
    """The ``cleared-<ts>`` name of ``archive_dir``, which must be inside one of ``dirs``.

    Raises:
        ValueError: anything but ``<telemetry dir>/archive/cleared-<ts>``.
    """
    p = Path(archive_dir).expanduser()
    ok = p.name.startswith(CLEARED_PREFIX) and p.parent.name == ARCHIVE
    if not ok or not any(p.parent.parent.resolve() == d.resolve() for d in dirs):
        raise ValueError(f"{archive_dir} is not a Clear History archive of this workspace")
    if not any((d / ARCHIVE / p.name).is_dir() for d in dirs):
        raise ValueError(f"{archive_dir} does not exist (already restored?)")
    return p.name


def undo(dirs: Sequence[Path], name: str, now: datetime | None = None) -> list[str]:
    """Move the files of ``archive/<name>`` back; returns where each one landed."""
    ts = _stamp(now)
    restored: list[str] = []
    for d in dirs:
        src_root = d / ARCHIVE / name
        if not src_root.is_dir():
            continue
        for src in sorted(p for p in src_root.rglob("*") if p.is_file()):
            dest = d / src.relative_to(src_root)
            if dest.exists():
                dest = dest.with_name(f"{dest.stem}.restored-{ts}{dest.suffix}")
            n = 1
            while dest.exists():  # two undos within one second
                dest = dest.with_name(f"{dest.stem}-{n}{dest.suffix}")
                n += 1
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.rename(src, dest)
            restored.append(str(dest))
        for sub in sorted((p for p in src_root.rglob("*") if p.is_dir()), reverse=True):
            _rmdir_if_empty(sub)
        _rmdir_if_empty(src_root)
    return restored


def _rmdir_if_empty(p: Path) -> None:
    with contextlib.suppress(OSError):
        p.rmdir()  # only ever an empty directory
