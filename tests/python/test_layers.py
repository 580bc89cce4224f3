"""The package's import graph: no cycles, and no arrow from a lower layer up to a higher one.

Every ``import`` in every module counts, including those inside functions, ``TYPE_CHECKING``
blocks and ``if __name__ == "__main__"``: a lazy import still ties the two modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import empathy_monitor

ROOT = Path(empathy_monitor.__file__).parent
PKG = "empathy_monitor"

# Lowest first. A module may import its own layer or a lower one. The key is the first name under
# the package (``ingest`` for ``empathy_monitor.ingest.tailer``); "" is the package itself.
LAYERS: list[tuple[str, set[str]]] = [
    # Values, the record models and the writer side (store, demo) that depends only on them.
    (
        "core",
        {
            "",
            "records",
            "tables",
            "chunks",
            "columns",
            "timeparse",
            "validation",
            "workspace",
            "store",
            "demo",
            "safewrite",
            "prices",
            "redact",
            "words",
            "yamlsafe",
        },
    ),
    ("ingest", {"ingest"}),
    ("analytics", {"analytics"}),
    ("telemetry", {"telemetry", "history"}),
    (
        "front ends",
        {
            "alerts",
            "budgets",
            "otel",
            "receiver",
            "sources",
            "sidecar",
            "cli",
            "cli_views",
            "cli_window",
            "csvout",
            "terminal",
            "__main__",
        },
    ),
]
# (importer, imported) pairs allowed to break the rules, each with its reason.
_CHANNELS = "empathy_monitor.alerts.channels"
EXEMPT: dict[tuple[str, str], str] = {
    (_CHANNELS, f"{_CHANNELS}.{name}"): (
        "make_channel imports each channel lazily, and the channels import DeliveryResult from"
        " the package: a parent/child pair, not two features tied together. Moving the shared"
        " types to channels/base.py removes it (alerts/ is being hardened in parallel)."
    )
    for name in ("email", "stdout", "vscode", "webhook")
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [PKG, *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Package modules that ``name`` imports (resolving relative imports and submodules)."""
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                target = ".".join([*anchor, *(node.module.split(".") if node.module else [])])
            else:
                target = node.module or ""
            subs = {f"{target}.{a.name}" for a in node.names}  # ``from pkg import submodule``
            # ``from . import build`` names only submodules: it needs the package initialised,
            # which it always is first, so it is no edge to the package's own ``__init__``.
            if node.module is not None or not subs <= known:
                out.add(target)
            out.update(subs)
    return {m for m in out if m in known and m != name}


def _layer(module: str) -> int:
    key = module.split(".")[1] if "." in module else ""
    for i, (_, members) in enumerate(LAYERS):
        if key in members:
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: _imports(m, p, known) for m, p in mods.items()}


def test_every_module_has_a_layer() -> None:
    for m in _modules():
        _layer(m)


def test_no_arrow_up() -> None:
    bad = [
        f"{a} ({LAYERS[_layer(a)][0]}) imports {b} ({LAYERS[_layer(b)][0]})"
        for a, deps in sorted(_graph().items())
        for b in sorted(deps)
        if _layer(b) > _layer(a) and (a, b) not in EXEMPT
    ]
    assert bad == []


def test_no_import_cycle() -> None:
    graph = _graph()
    for a, b in EXEMPT:
        graph[a].discard(b)
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_checks_see_a_cycle_and_an_arrow_up() -> None:
    # The checks above are only worth something if they can fail: resolve a known edge.
    graph = _graph()
    assert "empathy_monitor.ingest.tables" not in graph  # sanity: names are real modules
    assert "empathy_monitor.tables" in graph["empathy_monitor.ingest.tailer"]
    assert "empathy_monitor.ingest.format" in graph["empathy_monitor.ingest.tailer"]
    assert _layer("empathy_monitor.tables") < _layer("empathy_monitor.ingest.tailer")
