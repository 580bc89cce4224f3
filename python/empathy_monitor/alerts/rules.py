"""Alert rules: the pydantic models of ``alerts.yaml`` and a loader that locates every mistake.

Pure: no IO beyond the text handed in. The file is read with ``yaml.SafeLoader`` into a node tree so
each value keeps its line; every rule is validated on its own, so one bad rule is reported as
``alerts.yaml:LINE: what is wrong`` while the others keep working. Payload and message templates are
checked here, at load time, so an unknown ``{placeholder}`` fails now and not at 3 a.m.
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..redact import check_header, redact_url
from ..yamlsafe import BoundedSafeLoader, YAMLTooLarge

Metric = Literal[
    "daily_cost",
    "cost",
    "workflow_cost",
    "workflow_cost_spike",
    "provider_cost_anomaly",
    "error_rate",
    "latency",
    "latency_spike",
    "fallback_rate",
    "token_usage",
    "unpriced_calls",
    "token_spike",
    "circuit_breaker_open",
    "unusual_workflow_activity",
    "budget_percent",
    "forecast_percent",
]
METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]
Operator = Literal["gt", "lt", "eq", "gte", "lte"]
Severity = Literal["info", "warning", "critical"]

# Metrics whose value is a ratio of a window to its trailing baseline (threshold = a multiple).
SPIKE_METRICS = frozenset(
    {
        "workflow_cost_spike",
        "provider_cost_anomaly",
        "latency_spike",
        "token_spike",
        "unusual_workflow_activity",
    }
)
# Rate-like metrics: judged only with enough samples (calls) in the window.
DEFAULT_MIN_SAMPLES: dict[str, int] = {
    "error_rate": 10,
    "fallback_rate": 10,
    "latency": 5,
    "latency_spike": 5,
    "workflow_cost_spike": 3,  # earlier runs of the workflow in the baseline
    "provider_cost_anomaly": 1,
    "token_spike": 1,
    "unusual_workflow_activity": 5,
}

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

MAX_DELIVERY_BUDGET = 300.0  # the outbox claim lease is derived from it (state.CLAIM_SECONDS)

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str | float | int) -> float:
    """``"15m"`` / ``"1h"`` / ``"7d"`` / ``"30s"`` (or a number of seconds) -> seconds.

    Raises:
        ValueError: when the text is not such a duration.
    """
    if isinstance(text, bool):
        raise ValueError("expected a duration like 15m, 1h, 24h or 7d")
    if isinstance(text, (int, float)):
        if text < 0:
            raise ValueError("a duration cannot be negative")
        return float(text)
    m = _DURATION_RE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a duration like 15m, 1h, 24h or 7d")
    return float(m.group(1)) * _UNIT[m.group(2)]


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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Model):
    """When a rule is breached: ``metric operator threshold`` over ``window``."""

    metric: Metric
    operator: Operator = "gt"
    threshold: float
    window: str = "24h"
    statistic: Literal["avg", "p95"] = "avg"  # latency / latency_spike
    baseline: str = "7d"  # spike metrics: the trailing period before the window
    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None
    # the per-row dimensions (``analytics.dimensions``); "(none)" scopes records without one
    project: str | None = None
    user: str | None = None
    session: str | None = None
    source: str | None = None
    budget: str | None = None  # budget_percent / forecast_percent: a budgets.yaml name

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError(f"threshold must be a finite number (got {v})")
        # Every metric is a cost, count, token total, rate, duration or ratio: none is negative,
        # so a negative threshold is a typo that would make ``gt`` always and ``lt`` never true.
        if v < 0:
            raise ValueError(f"threshold cannot be negative (got {v:g}): no metric is")
        return v

    @field_validator("window")
    @classmethod
    def _window(cls, v: str) -> str:
        if v == "today":
            return v
        if parse_duration(v) <= 0:
            raise ValueError("window must be longer than 0")
        return v

    @field_validator("baseline")
    @classmethod
    def _baseline(cls, v: str) -> str:
        if parse_duration(v) <= 0:
            raise ValueError("baseline must be longer than 0")
        return v

    @property
    def window_seconds(self) -> float | None:
        """None for ``today`` (it starts at local midnight)."""
        return None if self.window == "today" else parse_duration(self.window)

    @property
    def baseline_seconds(self) -> float:
        return parse_duration(self.baseline)


class WebhookAction(_Model):
    type: Literal["webhook"]
    url: str
    format: Literal["json", "slack", "discord"] = "json"
    payload: dict[str, Any] | list[Any] | str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    secret: str | None = None  # HMAC-SHA256 key (prefer secret_env)
    secret_env: str | None = None
    signature_header: str = "X-Empathy-Signature"
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)  # one whole attempt
    max_retries: int = Field(default=3, ge=0, le=10)
    # All attempts and waits of one notification; then it goes back to the outbox (retried later).
    budget_seconds: float = Field(default=60.0, gt=0, le=MAX_DELIVERY_BUDGET)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v, re.IGNORECASE):
            raise ValueError("url must start with http:// or https:// and name a host")
        return v

    @field_validator("headers")
    @classmethod
    def _headers(cls, v: dict[str, str]) -> dict[str, str]:
        # http.client would raise "Invalid header value b'<the secret>'" at send time, and that
        # text used to reach the history; refuse at load, naming the header only.
        for name, value in v.items():
            check_header(name, value, "headers")
        return v

    @field_validator("signature_header")
    @classmethod
    def _sig_header(cls, v: str) -> str:
        check_header(v, "", "signature_header")
        return v

    @field_validator("payload")
    @classmethod
    def _payload(cls, v: Any) -> Any:
        _check_templates_in(v)
        return v

    def describe(self) -> str:
        return f"webhook {redact_url(self.url)}"


class EmailAction(_Model):
    type: Literal["email"]
    to: list[str]
    subject: str = "[{severity}] {rule}: {message}"

    @field_validator("to", mode="before")
    @classmethod
    def _to(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("to")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("at least one address is needed")
        for a in v:
            if not re.match(r"^[^@\s<>]+@[^@\s<>]+$", a):
                raise ValueError(f"{a!r} is not an email address")
        return v

    @field_validator("subject")
    @classmethod
    def _subject(cls, v: str) -> str:
        check_template(v)
        return v

    def describe(self) -> str:
        return "email " + ", ".join(self.to)


class StdoutAction(_Model):
    type: Literal["stdout"]
    template: str = "[{severity}] {status} {rule}: {message}"

    @field_validator("template")
    @classmethod
    def _tpl(cls, v: str) -> str:
        check_template(v)
        return v

    def describe(self) -> str:
        return "stdout"


class VSCodeAction(_Model):
    type: Literal["vscode"]

    def describe(self) -> str:
        return "vscode"


Action = Annotated[
    WebhookAction | EmailAction | StdoutAction | VSCodeAction, Field(discriminator="type")
]


class Rule(_Model):
    """One alert rule."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    condition: Condition
    actions: list[Action] = Field(min_length=1)
    enabled: bool = True
    cooldown_minutes: float = Field(default=60.0, ge=0)
    for_: str = Field(default="0s", alias="for")
    severity: Severity = "warning"
    min_samples: int | None = Field(default=None, ge=0)
    send_resolved: bool = True

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("actions", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # ``- stdout`` / ``- vscode`` as a shorthand for ``- type: stdout``.
        if isinstance(v, list):
            return [{"type": a} if isinstance(a, str) else a for a in v]
        return v

    @field_validator("for_", mode="before")
    @classmethod
    def _for(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = f"{v}s"
        if isinstance(v, str):
            parse_duration(v)
        return v

    @model_validator(mode="after")
    def _metric_fit(self) -> Rule:
        c = self.condition
        if c.metric == "daily_cost" and c.window not in ("today", "24h"):
            raise ValueError("daily_cost is always today's cost: leave window out or use cost")
        return self

    @property
    def for_seconds(self) -> float:
        return parse_duration(self.for_)

    @property
    def cooldown_seconds(self) -> float:
        return self.cooldown_minutes * 60.0

    @property
    def effective_min_samples(self) -> int:
        if self.min_samples is not None:
            return self.min_samples
        return DEFAULT_MIN_SAMPLES.get(self.condition.metric, 0)


class SmtpSettings(_Model):
    host: str = "localhost"
    port: int | None = None  # 587 for starttls, 465 for ssl, 25 for none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: str | None = None  # prefer password_env
    username_env: str = "EMPATHY_SMTP_USERNAME"
    password_env: str = "EMPATHY_SMTP_PASSWORD"
    from_addr: str = "empathy-alerts@localhost"
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    ca_file: str | None = None  # a private CA for a self-hosted relay

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return {"starttls": 587, "ssl": 465, "none": 25}[self.security]


class Settings(_Model):
    allow_private_network: bool = False
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)


@dataclass
class RuleSet:
    """What loading produced: the usable rules, the settings, and every located mistake."""

    rules: list[Rule] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    errors: list[str] = field(default_factory=list)

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)


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
