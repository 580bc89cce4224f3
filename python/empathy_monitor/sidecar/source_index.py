"""Find where a workflow is defined, for ``empathy/resolveSource``.

Order: the call record's own ``metadata.source_file``/``source_line``; else a workspace index of
Python files (a class or function whose ``name``/``workflow_name`` string literal equals the
workflow name, or a module named after it, dashes -> underscores). Only files whose real path is
inside the workspace are ever returned. Parsed files are cached by (mtime, size).

Only regular files are read, and at most ``MAX_FILE_BYTES`` of them: a ``*.py`` that is a FIFO
(opening or reading it would wait for a writer forever) or a link to a device (``/dev/zero``
reports size 0 and never ends) is skipped, never opened for reading without ``O_NONBLOCK``, and
the type is checked again with ``fstat`` on the open file in case it was swapped in between.
"""

from __future__ import annotations

import ast
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .outline import EMPTY, Outline, _declared_names, outline

log = logging.getLogger(__name__)

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        "env",
        "node_modules",
        "__pycache__",
        "site-packages",
        "dist",
        "build",
        ".tox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "out",
    }
)
MAX_FILES = 20_000
MAX_FILE_BYTES = 2 << 20


@dataclass(frozen=True)
class Definition:
    """A workflow defined in a file: its 1-based line, and the lines of its steps (by name)."""

    line: int
    steps: dict[str, int]


def inside(path: Path, root: Path) -> Path | None:
    """The real path of ``path`` if it lies inside the real ``root``, else None."""
    try:
        real = Path(os.path.realpath(path))
        return real if real.is_relative_to(Path(os.path.realpath(root))) else None
    except (OSError, ValueError):
        return None


def _steps(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    steps: dict[str, int] = {}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub is not node:
            steps.setdefault(sub.name, sub.lineno)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 80:
            steps.setdefault(sub.value, sub.lineno)
    return steps


def definitions(tree: ast.Module) -> dict[str, Definition]:
    """Workflow name -> definition, for one parsed module."""
    out: dict[str, Definition] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            for name in _declared_names(node):
                out.setdefault(name, Definition(node.lineno, _steps(node)))
    return out


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, else ``None`` (never blocks).

    ``O_NONBLOCK`` makes opening a FIFO return at once; ``fstat`` on the descriptor then sees what
    was actually opened (the path may have been swapped since the caller's ``stat``); the read is
    capped at ``limit + 1`` bytes whatever the size claims.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return None if got > limit else b"".join(chunks)
    finally:
        os.close(fd)


class SourceIndex:
    """A lazily refreshed index of the workspace's Python files."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self._cache: dict[Path, tuple[tuple[int, int], dict[str, Definition]]] = {}
        self._outlines: dict[Path, tuple[tuple[int, int], Outline]] = {}

    def _files(self) -> list[Path]:
        out: list[Path] = []
        for root, dirs, files in os.walk(self.workspace):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
            out.extend(Path(root) / f for f in files if f.endswith(".py"))
            if len(out) >= MAX_FILES:
                log.warning("source index: stopped after %d files", MAX_FILES)
                break
        return sorted(out)

    def _defs(self, path: Path) -> dict[str, Definition] | None:
        """The file's definitions; ``None`` when it is not a regular file (never a source)."""
        try:
            st = path.stat()
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        sig = (st.st_mtime_ns, st.st_size)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == sig:
            return hit[1]
        defs: dict[str, Definition] = {}
        try:
            data = read_bounded(path, MAX_FILE_BYTES) if st.st_size <= MAX_FILE_BYTES else None
            if data is not None:
                defs = definitions(ast.parse(data, str(path)))
        except (SyntaxError, ValueError, OSError, RecursionError, MemoryError) as exc:
            log.debug("source index: skipping %s: %s", path, exc)
        self._cache[path] = (sig, defs)
        return defs

    def outline(self, path: Path) -> Outline:
        """The code-lens outline of one workspace file (empty if it is outside, not a regular
        file, too big or not Python); parsed once per (mtime, size)."""
        real = inside(path, self.workspace)
        if real is None or real.suffix != ".py":
            return EMPTY
        try:
            st = real.stat()
        except OSError:
            return EMPTY
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return EMPTY
        sig = (st.st_mtime_ns, st.st_size)
        hit = self._outlines.get(real)
        if hit is not None and hit[0] == sig:
            return hit[1]
        out = EMPTY
        try:
            data = read_bounded(real, MAX_FILE_BYTES)
            if data is not None:
                out = outline(ast.parse(data, str(real)), data)
        except (SyntaxError, ValueError, OSError, RecursionError, MemoryError) as exc:
            log.debug("source index: no outline of %s: %s", real, exc)
        if len(self._outlines) >= MAX_FILES:
            self._outlines.clear()
        self._outlines[real] = (sig, out)
        return out

    def find(self, workflow: str, step: str | None = None) -> tuple[Path, int] | None:
        """(file, 1-based line) of the workflow's definition (its step if found), or None."""
        module = workflow.replace("-", "_").replace(" ", "_")
        by_module: Path | None = None
        for path in self._files():
            defs = self._defs(path)
            if defs is None:
                continue
            d = defs.get(workflow)
            if d is not None:
                line = d.line
                if step:  # a step's own def (or literal) if the workflow names it
                    line = d.steps.get(step) or d.steps.get(step.replace("-", "_")) or d.line
                return path, line
            if by_module is None and path.stem == module:
                by_module = path
        return (by_module, 1) if by_module is not None else None


def resolve(
    workspace: Path,
    index: SourceIndex,
    workflow: str | None,
    step: str | None,
    record: dict[str, Any] | None,
) -> dict[str, Any]:
    """``{uri, line}`` inside the workspace, or ``{uri: None, reason}``.

    Without ``workflow`` (a call whose row has no workflow name) the record's own workflow name
    and source are used.
    """
    reasons: list[str] = []
    if not workflow and record is not None and record.get("workflow_name"):
        workflow = str(record["workflow_name"])
    if record is not None and record.get("source_file"):
        raw = Path(str(record["source_file"])).expanduser()
        cand = raw if raw.is_absolute() else workspace / raw
        real = inside(cand, workspace)
        line = record.get("source_line")
        if real is not None and real.is_file():
            return {"uri": real.as_uri(), "line": line if isinstance(line, int) and line > 0 else 1}
        reasons.append(
            f"the record's source_file {raw} is outside the workspace"
            if real is None
            else f"the record's source_file {raw} does not exist"
        )
    if not workflow:
        if record is None:
            reasons.append("the call was not found")
        reasons.append("the call has no workflow name and no source_file in its metadata")
        return {"uri": None, "reason": "; ".join(reasons)}
    found = index.find(workflow, step)
    if found is not None:
        real = inside(found[0], workspace)
        if real is not None:
            return {"uri": real.as_uri(), "line": found[1]}
        reasons.append(f"{found[0]} resolves outside the workspace")
    reasons.append(f"no Python definition of workflow {workflow!r} found in {workspace}")
    return {"uri": None, "reason": "; ".join(reasons)}
