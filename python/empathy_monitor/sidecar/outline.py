"""What one Python file holds for the code lenses: workflow definitions, their steps, and the
string literals that could name a workflow.

A definition is a class or function whose ``name``/``workflow_name`` is a string literal (the rule
lives here; the source index's ``resolveSource`` uses it too); its steps are the functions defined inside it, by name (a telemetry step
``run-tests`` maps to ``def run_tests``). Literals are single-line string constants with their
position in VS Code's terms: 0-based line and UTF-16 columns (``ast`` gives UTF-8 byte offsets).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

NAME_KEYS = ("name", "workflow_name")
MAX_LITERAL = 200  # a workflow name is short; longer strings are never one
MAX_LITERALS = 5000


@dataclass(frozen=True)
class WorkflowDef:
    """A workflow defined in the file: 1-based line of its ``class``/``def`` (or its first
    decorator), and its steps by def name."""

    name: str
    line: int
    steps: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Literal:
    """A string constant on one line: its text, 0-based line, UTF-16 start and end columns."""

    text: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Outline:
    workflows: tuple[WorkflowDef, ...] = ()
    literals: tuple[Literal, ...] = ()


EMPTY = Outline()


def _str_const(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _declared_names(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """String literals bound to ``name``/``workflow_name`` in the body or the decorators."""
    out: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name) and t.id in NAME_KEYS and (v := _str_const(stmt.value)):
                    out.add(v)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if stmt.target.id in NAME_KEYS and (v := _str_const(stmt.value)):
                out.add(v)
    for dec in node.decorator_list:
        if isinstance(dec, ast.Call):
            for kw in dec.keywords:
                if kw.arg in NAME_KEYS and (v := _str_const(kw.value)):
                    out.add(v)
    return out


def _utf16(line: bytes, byte_col: int) -> int:
    return len(line[:byte_col].decode("utf-8", "replace").encode("utf-16-le")) // 2


def _steps(
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
) -> tuple[tuple[str, int], ...]:
    seen: dict[str, int] = {}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub is not node:
            seen.setdefault(sub.name, sub.lineno)
    return tuple(sorted(seen.items(), key=lambda kv: kv[1]))


def outline(tree: ast.Module, data: bytes) -> Outline:
    """The workflow definitions (in line order) and short one-line string literals of a module."""
    defs: dict[str, WorkflowDef] = {}
    lits: list[Literal] = []
    lines = data.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            # above its decorators, where VS Code's own lenses (tests, references) sit
            top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            for name in sorted(_declared_names(node)):
                defs.setdefault(name, WorkflowDef(name, top, _steps(node)))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and 0 < len(node.value) <= MAX_LITERAL
            and node.end_lineno == node.lineno
            and node.end_col_offset is not None
            and len(lits) < MAX_LITERALS
            and 0 < node.lineno <= len(lines)
        ):
            raw = lines[node.lineno - 1]
            lits.append(
                Literal(
                    node.value,
                    node.lineno - 1,
                    _utf16(raw, node.col_offset),
                    _utf16(raw, node.end_col_offset),
                )
            )
    wfs = tuple(sorted(defs.values(), key=lambda d: (d.line, d.name)))
    lits.sort(key=lambda x: (x.line, x.start))
    return Outline(wfs, tuple(lits))
