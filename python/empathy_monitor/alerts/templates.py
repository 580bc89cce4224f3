"""Payload and message templates of alert actions: the placeholders a template may name, and the
check that runs at load time, so an unknown ``{placeholder}`` or a format spec that cannot apply
fails when alerts.yaml is read and not at 3 a.m. Pure.
"""

from __future__ import annotations

import re
import string
from typing import Any

PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "rule",
        "description",
        "metric",
        "value",
        "threshold",
        "operator",
        "window",
        "severity",
        "status",
        "timestamp",
        "workflow_name",
        "provider",
        "message",
        "fingerprint",
        "samples",
    }
)
SAMPLE_CONTEXT: dict[str, Any] = {
    "rule": "rule",
    "description": "",
    "metric": "cost",
    "value": 1.5,
    "threshold": 1.0,
    "operator": "gt",
    "window": "1h",
    "severity": "warning",
    "status": "firing",
    "timestamp": "2026-01-01T00:00:00+00:00",
    "workflow_name": "wf",
    "provider": "anthropic",
    "message": "m",
    "fingerprint": "0" * 16,
    "samples": 1,
}


def template_fields(template: str) -> list[str]:
    """The placeholder names used by a ``str.format`` template.

    Raises:
        ValueError: when the template is malformed (e.g. an unmatched brace).
    """
    out: list[str] = []
    for _, name, _spec, _conv in string.Formatter().parse(template):
        if name is None:
            continue
        root = re.split(r"[.\[]", name, maxsplit=1)[0]
        out.append(root)
    return out


MAX_SPEC_NUMBER = 100  # width / precision: ``{value:>1500000000}`` would allocate 1.5 GB
_SPEC_NUMBER_RE = re.compile(r"\d+")


def _check_spec(template: str, spec: str) -> None:
    # Every digit run of a format spec is a fill character, a width or a precision (a fill is
    # always followed by an align character), so bounding each run bounds width and precision.
    if "{" in spec or "}" in spec:
        raise ValueError(f"template {template!r}: a format spec cannot contain a placeholder")
    for m in _SPEC_NUMBER_RE.finditer(spec):
        if len(m.group()) > 3 or int(m.group()) > MAX_SPEC_NUMBER:
            raise ValueError(
                f"template {template!r}: width and precision are at most {MAX_SPEC_NUMBER}"
                f" (got {m.group()[:12]})"
            )


def check_template(template: str) -> None:
    """Raise ValueError for unknown placeholders or a format spec that cannot apply."""
    try:
        names = template_fields(template)
        for _, name, spec, _conv in string.Formatter().parse(template):
            if name is not None and spec:
                _check_spec(template, spec)
    except ValueError as exc:
        if str(exc).startswith(f"template {template!r}"):
            raise
        raise ValueError(f"template {template!r}: {exc}") from exc
    for n in names:
        if n == "" or n.isdigit():
            raise ValueError(f"template {template!r}: positional '{{}}' is not allowed; name it")
        if n not in PLACEHOLDERS:
            known = ", ".join(sorted(PLACEHOLDERS))
            raise ValueError(f"unknown placeholder {{{n}}} in {template!r} (known: {known})")
    try:
        template.format(**SAMPLE_CONTEXT)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        raise ValueError(f"template {template!r} cannot be formatted: {exc}") from exc


def _check_templates_in(value: Any) -> None:
    if isinstance(value, str):
        check_template(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                check_template(k)
            _check_templates_in(v)
    elif isinstance(value, list):
        for v in value:
            _check_templates_in(v)
