"""YAML text to plain data plus the line of every value, with aliases refused (pure).

``compose`` builds the data from PyYAML's node tree (safe tags only) and records, for each path
(``("budgets", 0, "amount")``), the line it starts on, so a validation error can name its line.
An alias (``*name``) becomes a located problem instead of a copy of the anchored value, and a
duplicate key a located problem instead of a silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Loc = tuple[str | int, ...]
ALIAS_TAG = "!empathy/alias"


class Loader(yaml.SafeLoader):
    """A safe loader whose aliases come back as a marker node instead of the anchored value."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            ev = self.get_event()  # type: ignore[no-untyped-call]
            return yaml.ScalarNode(ALIAS_TAG, str(ev.anchor), ev.start_mark, ev.end_mark)
        return super().compose_node(parent, index)


@dataclass
class Tree:
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[tuple[Loc, int, str]] = field(default_factory=list)  # (where, line, what)


def build(node: yaml.Node, loader: Loader, path: Loc, tree: Tree) -> Any:
    tree.lines.setdefault(path, node.start_mark.line + 1)
    if node.tag == ALIAS_TAG:
        line = node.start_mark.line + 1
        tree.problems.append((path, line, f"YAML aliases (*{node.value}) are not allowed"))
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            kline = knode.start_mark.line + 1
            key = build(knode, loader, (*path, "<key>"), tree)
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                tree.problems.append((path, kline, "mapping keys must be plain names"))
                continue
            if key in out:
                tree.problems.append((path, kline, f"duplicate key {key!r}"))
                continue
            sub = (*path, key if isinstance(key, (str, int)) else str(key))
            tree.lines[sub] = kline
            out[key] = build(vnode, loader, sub, tree)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [build(v, loader, (*path, i), tree) for i, v in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def line_of(lines: dict[Loc, int], loc: Loc) -> int:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)


def compose(text: str) -> tuple[Any, Tree]:
    """Parse ``text``; return (data, tree of lines and problems).

    Raises:
        yaml.YAMLError: for syntax errors (they carry a ``problem_mark``).
    """
    loader = Loader(text)
    tree = Tree()
    try:
        root = loader.get_single_node()
        return (None if root is None else build(root, loader, (), tree)), tree
    finally:
        loader.dispose()
