"""Folders (or single files) bound to one format: how a coding agent's logs reach the reader.

The workspace's telemetry folders are read by whichever format claims a file's name. An agent's
folders (``~/.claude/projects/...``, ``~/.codex/sessions``, an OTel outfile) are different: the
user enabled them, they are read only by their own format, and for the agents whose records carry
a working folder only the transcripts of ``scope`` (the workspace) are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import format as formats
from .format import LogFormat


@dataclass(frozen=True)
class SourcePath:
    """A folder or file read only by ``format`` (a registered format name)."""

    path: Path
    format: str
    scope: Path | None = None  # read only records whose cwd is inside this folder


class Bindings:
    """Which format reads which bound path (the reader's view of :class:`SourcePath` s)."""

    def __init__(self, items: Iterable[SourcePath] = ()) -> None:
        self.items = [SourcePath(Path(s.path), s.format, s.scope) for s in items]
        self._files: dict[Path, LogFormat] = {}

    def __bool__(self) -> bool:
        return bool(self.items)

    def discover(self) -> list[Path]:
        """Every bound file that exists now (and remembers its format)."""
        found: dict[Path, LogFormat] = {}
        for s in self.items:
            fmt = formats.get(s.format)
            if s.path.is_file():
                found[s.path] = fmt
            elif s.path.is_dir():
                finder = getattr(fmt, "discover_for", None)
                paths = finder(s.path, s.scope) if finder else fmt.discover(s.path)
                for p in paths:
                    found.setdefault(p, fmt)
        # Kept after a file goes, so a deleted transcript is still known as its format's.
        self._files.update(found)
        return sorted(found)

    def format_for(self, path: Path) -> LogFormat | None:
        """The bound format of ``path``: a discovered file, or one under a bound folder."""
        fmt = self._files.get(path)
        if fmt is None and any(path == s.path or s.path in path.parents for s in self.items):
            self.discover()  # a new file under a bound folder: is it in scope?
            fmt = self._files.get(path)
        return fmt

    def watch_paths(self) -> list[Path]:
        """What to watch for changes: bound folders, and the folder of each bound file."""
        return [s.path if not s.path.suffix else s.path.parent for s in self.items]
