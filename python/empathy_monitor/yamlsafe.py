"""A YAML loader that cannot be made to exhaust the machine (``alerts.yaml``, ``monitoring.yaml``).

``yaml.SafeLoader`` refuses arbitrary objects but not size: aliases share nodes, so 441 bytes of
anchors (the "billion laughs") describe a billion values, and whatever walks the result —
our line-keeping builder, pydantic, ``json.dumps`` — takes minutes and gigabytes. Deep nesting
(``[[[[...``) exhausts the recursion limit in the composer itself. :class:`BoundedSafeLoader`
refuses both once the node tree is composed, before anything walks it: the size is computed
over the DAG with memoisation (linear in the text), counting a shared node once per use, i.e.
the size the expanded document would have.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 20_000  # a 200-rule alerts.yaml is ~6,000 nodes
MAX_DEPTH = 64


class YAMLTooLarge(yaml.YAMLError):
    """The document is too large or too deep once its aliases are expanded.

    Carries ``problem`` and ``problem_mark`` like PyYAML's own errors, so callers that locate
    YAML errors (``alerts.yaml:LINE: ...``) locate this one too.
    """

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark

    def __str__(self) -> str:
        where = f"line {self.problem_mark.line + 1}: " if self.problem_mark is not None else ""
        return where + self.problem


def expanded_size(node: yaml.Node, limit: int = MAX_NODES) -> int:
    """Nodes in the document once every alias is expanded.

    Raises:
        YAMLTooLarge: past ``limit`` (at the node where the bound was crossed), or when an
            alias refers to a node that contains it (a cycle).
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise YAMLTooLarge("an alias refers to a node that contains it", n.start_mark)
        total = 1
        if isinstance(n, (yaml.SequenceNode, yaml.MappingNode)):
            active.add(key)
            children: list[yaml.Node] = (
                list(n.value)
                if isinstance(n, yaml.SequenceNode)
                else [c for pair in n.value for c in pair]
            )
            for c in children:
                total += size(c)
                if total > limit:
                    raise YAMLTooLarge(
                        f"the document expands to more than {limit:,} values"
                        " (YAML aliases used too often); refused",
                        c.start_mark,
                    )
            active.discard(key)
        sizes[key] = total
        return total

    return size(node)


class BoundedSafeLoader(yaml.SafeLoader):
    """``SafeLoader`` with a bound on nesting depth and on the alias-expanded size."""

    max_nodes = MAX_NODES
    max_depth = MAX_DEPTH

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YAMLTooLarge(f"nested deeper than {self.max_depth} levels; refused", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> yaml.Node | None:
        node: yaml.Node | None = super().get_single_node()
        if node is not None:
            expanded_size(node, self.max_nodes)
        return node


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with the bounds above.

    Raises:
        yaml.YAMLError: syntax errors, and :class:`YAMLTooLarge`.
    """
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
