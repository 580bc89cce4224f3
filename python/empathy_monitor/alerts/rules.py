"""Alert rules: the loader of ``alerts.yaml`` that locates every mistake, and the rule models
(``conditions.py``, ``actions.py``, ``templates.py``, re-exported here).

Pure: no IO beyond the text handed in. The file is read with ``yaml.SafeLoader`` into a node tree so
each value keeps its line; every rule is validated on its own, so one bad rule is reported as
``alerts.yaml:LINE: what is wrong`` while the others keep working. Payload and message templates are
checked at load time (``templates.py``), so an unknown ``{placeholder}`` fails now and not at 3 a.m.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from ..yamlsafe import BoundedSafeLoader, YAMLTooLarge
from .actions import (
    MAX_DELIVERY_BUDGET,
    Action,
    EmailAction,
    Settings,
    SmtpSettings,
    StdoutAction,
    VSCodeAction,
    WebhookAction,
)
from .conditions import (
    DEFAULT_MIN_SAMPLES,
    METRICS,
    SPIKE_METRICS,
    Condition,
    Metric,
    Operator,
    Rule,
    RuleSet,
    Severity,
    parse_duration,
)
from .templates import PLACEHOLDERS, SAMPLE_CONTEXT, check_template, template_fields

__all__ = [
    "DEFAULT_MIN_SAMPLES",
    "MAX_DELIVERY_BUDGET",
    "METRICS",
    "PLACEHOLDERS",
    "SAMPLE_CONTEXT",
    "SPIKE_METRICS",
    "Action",
    "Condition",
    "EmailAction",
    "Metric",
    "Operator",
    "Rule",
    "RuleSet",
    "Settings",
    "Severity",
    "SmtpSettings",
    "StdoutAction",
    "VSCodeAction",
    "WebhookAction",
    "check_template",
    "load_rules",
    "parse_duration",
    "parse_yaml_with_lines",
    "template_fields",
]


# -- loading -------------------------------------------------------------------------------------

Loc = tuple[str | int, ...]


def _build(
    node: yaml.Node,
    loader: BoundedSafeLoader,
    path: Loc,
    lines: dict[Loc, int],
    errors: list[tuple[int, str]],
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            key = loader.construct_object(knode, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                errors.append((knode.start_mark.line + 1, "mapping keys must be plain values"))
                continue
            if key in out:
                errors.append((knode.start_mark.line + 1, f"duplicate key {key!r}"))
            sub = (*path, key if isinstance(key, (str, int)) else str(key))
            out[key] = _build(vnode, loader, sub, lines, errors)
            lines[sub] = knode.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, loader, (*path, i), lines, errors) for i, v in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml_with_lines(text: str) -> tuple[Any, dict[Loc, int], list[tuple[int, str]]]:
    """Parse YAML safely; return (data, {path: line}, [(line, duplicate-key error)]).

    Raises:
        yaml.YAMLError: for syntax errors (they carry a ``problem_mark``).
    """
    loader = BoundedSafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Loc, int] = {}
        errors: list[tuple[int, str]] = []
        data = None if node is None else _build(node, loader, (), lines, errors)
        return data, lines, errors
    finally:
        loader.dispose()


def _line_of(lines: dict[Loc, int], loc: Loc) -> int:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)


def _pretty_loc(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        elif p in ("webhook", "email", "stdout", "vscode") and parts and parts[-1].startswith("["):
            continue  # the discriminator tag pydantic adds: not a real key
        else:
            parts.append(("." if parts else "") + ("for" if p == "for_" else str(p)))
    return "".join(parts)


def _validation_messages(
    exc: ValidationError, base: Loc, lines: dict[Loc, int], fname: str, prefix: str
) -> list[str]:
    out: list[str] = []
    for err in exc.errors():
        loc = tuple("for" if p == "for_" else p for p in err["loc"])
        real = tuple(p for p in loc if p not in ("webhook", "email", "stdout", "vscode"))
        line = _line_of(lines, (*base, *real))
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        where = _pretty_loc(loc)
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
            msg = f"must be one of {err['ctx']['expected']} (got {err.get('input')!r})"
        out.append(f"{fname}:{line}: {prefix}{where + ': ' if where else ''}{msg}")
    return out


def load_rules(text: str, fname: str = "alerts.yaml") -> RuleSet:
    """Validate ``alerts.yaml`` text. Never raises: every problem becomes a located error line."""
    rs = RuleSet()
    try:
        data, lines, dup = parse_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        what = "" if isinstance(exc, YAMLTooLarge) else "invalid YAML: "
        rs.errors.append(f"{fname}:{line}: {what}{problem}")
        return rs
    rs.errors.extend(f"{fname}:{ln}: {msg}" for ln, msg in dup)
    if data is None:
        return rs
    if not isinstance(data, dict):
        rs.errors.append(f"{fname}:1: the file must be a mapping with an 'alerts:' list")
        return rs
    for key in data:
        if key not in ("alerts", "settings"):
            rs.errors.append(f"{fname}:{_line_of(lines, (key,))}: unknown top-level key {key!r}")
    raw_settings = data.get("settings")
    if raw_settings is not None:
        try:
            rs.settings = Settings.model_validate(raw_settings)
        except ValidationError as exc:
            rs.errors.extend(_validation_messages(exc, ("settings",), lines, fname, "settings."))
    raw = data.get("alerts")
    if raw is None:
        return rs
    if not isinstance(raw, list):
        rs.errors.append(f"{fname}:{_line_of(lines, ('alerts',))}: 'alerts' must be a list")
        return rs
    seen: set[str] = set()
    for i, item in enumerate(raw):
        base: Loc = ("alerts", i)
        name = item.get("name") if isinstance(item, dict) else None
        prefix = f"rule {name!r}: " if isinstance(name, str) else f"alerts[{i}]: "
        if not isinstance(item, dict):
            rs.errors.append(f"{fname}:{_line_of(lines, base)}: {prefix}must be a mapping")
            continue
        try:
            rule = Rule.model_validate(item)
        except ValidationError as exc:
            rs.errors.extend(_validation_messages(exc, base, lines, fname, prefix))
            continue
        if rule.name in seen:
            ln = _line_of(lines, (*base, "name"))
            rs.errors.append(f"{fname}:{ln}: {prefix}duplicate rule name (first one kept)")
            continue
        seen.add(rule.name)
        rs.rules.append(rule)
    return rs
