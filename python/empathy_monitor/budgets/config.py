"""``budgets.yaml``: the budget models, a loader that locates every mistake, and a renderer.

Pure: text in, models and ``budgets.yaml:LINE: reason`` errors out; nothing here opens a file.
The text is composed into a YAML node tree (safe tags only) so each value keeps its line; every
budget is validated on its own, so one bad entry is reported while the others keep working.
YAML aliases are refused (``*name`` would make one edit change several budgets, and alias bombs
make a small file huge). Channels are the alert actions of ``alerts.yaml`` (the same models).

    budgets:
      - name: team-month
        amount: 200            # USD
        period: month          # day | week | month
        start_day: 1           # month: day of the month it starts (31 = the last day)
        week_start: monday     # week: the first day
        time_zone: Europe/Berlin   # default: this machine's zone
        workflow: code-review  # scope filters: workflow, provider, tier, model, project, user
        levels: [50, 80, 100]  # percent of amount; each fires once per period
        channels: [vscode, {type: webhook, url: "https://hooks.slack.com/...", format: slack}]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from empathy_monitor.alerts.rules import Action
from empathy_monitor.analytics.dimensions import DIMENSIONS
from empathy_monitor.budgets.periods import WEEKDAYS, Period, machine_zone, period_bounds, zone
from empathy_monitor.budgets.yamltree import Loc, compose, line_of

# A budget can be scoped to any dimension of analytics/dimensions.py but these: a budget per chat
# session, per log format or per workflow step is not a spending limit anyone sets. Each scope is a typed optional
# field of Budget below; test_config checks the two agree, so a new dimension becomes a scope.
NOT_SCOPES = frozenset({"session", "source", "step"})
SCOPE_KEYS: tuple[str, ...] = tuple(d.name for d in DIMENSIONS if d.name not in NOT_SCOPES)
DEFAULT_LEVELS: tuple[float, ...] = (50.0, 80.0, 100.0)
NANO = 1_000_000_000


class Budget(BaseModel):
    """One budget."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    amount: float = Field(gt=0, allow_inf_nan=False)  # USD
    period: Period
    time_zone: str | None = None
    week_start: int = Field(default=0, ge=0, le=6)  # 0 = Monday
    start_day: int = Field(default=1, ge=1, le=31)
    # scope filters (SCOPE_KEYS, in the dimensions' order)
    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None
    project: str | None = None
    user: str | None = None
    levels: tuple[float, ...] = DEFAULT_LEVELS
    channels: tuple[Action, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("name must not be blank")
        return v

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError("amount must be a number of US dollars, like 200 or 12.5")
        return v

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is not None:
            zone(v)  # raises ValueError with a readable message
        return v

    @field_validator("week_start", mode="before")
    @classmethod
    def _week_start(cls, v: Any) -> Any:
        if isinstance(v, str):
            name = v.strip().lower()
            for i, day in enumerate(WEEKDAYS):
                if name in (day, day[:3]):
                    return i
            raise ValueError(f"week_start must be a weekday name like monday (got {v!r})")
        if isinstance(v, bool):
            raise ValueError("week_start must be a weekday name or 0 (Monday) .. 6 (Sunday)")
        return v

    @field_validator("levels", mode="before")
    @classmethod
    def _levels_in(cls, v: Any) -> Any:
        if isinstance(v, list) and any(isinstance(x, bool) for x in v):
            raise ValueError("levels are percents, like [50, 80, 100]")
        return v

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if not v:
            raise ValueError("at least one level is needed (percent of amount)")
        for x in v:
            if not math.isfinite(x) or x <= 0:
                raise ValueError(f"level {x!r} must be a finite percent above 0")
        if any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError("levels must be listed in increasing order, each once")
        return v

    @field_validator("channels", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # ``- stdout`` / ``- vscode`` as a shorthand for ``- type: stdout`` (as in alerts.yaml).
        if isinstance(v, list):
            return [{"type": a} if isinstance(a, str) else a for a in v]
        return v

    @property
    def amount_nd(self) -> int:
        """The amount in nanodollars (the unit spend is summed in)."""
        return round(self.amount * NANO)

    @property
    def scope(self) -> dict[str, str]:
        """The scope filters that are set (an empty dict: all spend counts)."""
        return {k: v for k in SCOPE_KEYS if (v := getattr(self, k)) is not None}

    def zone(self, default: ZoneInfo | None = None) -> ZoneInfo:
        """The zone of the period boundaries: the file's ``time_zone``, else ``default``, else
        this machine's zone."""
        if self.time_zone is not None:
            return ZoneInfo(self.time_zone)
        return default if default is not None else machine_zone()

    def bounds(self, now: float, default: ZoneInfo | None = None) -> tuple[int, int]:
        """The current period's ``(start, end)`` epochs."""
        return period_bounds(now, self.period, self.zone(default), self.week_start, self.start_day)


@dataclass
class BudgetSet:
    """What loading produced: the usable budgets and every located mistake."""

    budgets: list[Budget] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def budget(self, name: str) -> Budget | None:
        return next((b for b in self.budgets if b.name == name), None)


_TAGS = frozenset({"webhook", "email", "stdout", "vscode"})  # pydantic's discriminator steps


def _messages(
    exc: ValidationError, base: Loc, lines: dict[Loc, int], prefix: str
) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in _TAGS)
        line = line_of(lines, (*base, *loc))
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "literal_error" and "expected" in err.get("ctx", {}):
            msg = f"must be one of {err['ctx']['expected']} (got {err.get('input')!r})"
        out.append((line, f"{prefix}{where + ': ' if where else ''}{msg}"))
    return out


# -- loading and rendering -----------------------------------------------------------------------


def load_budgets(text: str, fname: str = "budgets.yaml") -> BudgetSet:
    """Validate ``budgets.yaml`` text. Never raises: every problem becomes a located error line."""
    bs = BudgetSet()
    try:
        data, tree = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        bs.errors.append(f"{fname}:{line}: invalid YAML: {problem}")
        return bs
    located: list[tuple[int, str]] = []
    bad: set[int] = set()
    for where, line, what in tree.problems:
        if len(where) >= 2 and where[0] == "budgets" and isinstance(where[1], int):
            bad.add(where[1])
            located.append((line, f"budgets[{where[1]}]: {what}"))
        else:
            located.append((line, what))
    if data is not None and not isinstance(data, dict):
        located.append((1, "the file must be a mapping with a 'budgets:' list"))
        data = None
    raw = None
    if isinstance(data, dict):
        for key in data:
            if key != "budgets":
                located.append((line_of(tree.lines, (key,)), f"unknown top-level key {key!r}"))
        raw = data.get("budgets")
        if raw is not None and not isinstance(raw, list):
            located.append((line_of(tree.lines, ("budgets",)), "'budgets' must be a list"))
            raw = None
    seen: set[str] = set()
    for i, item in enumerate(raw or []):
        base: Loc = ("budgets", i)
        name = item.get("name") if isinstance(item, dict) else None
        prefix = f"budget {name!r}: " if isinstance(name, str) else f"budgets[{i}]: "
        if i in bad:
            continue
        if not isinstance(item, dict):
            located.append((line_of(tree.lines, base), f"{prefix}must be a mapping"))
            continue
        try:
            budget = Budget.model_validate(item)
        except ValidationError as exc:
            located.extend(_messages(exc, base, tree.lines, prefix))
            continue
        if budget.name in seen:
            line = line_of(tree.lines, (*base, "name"))
            located.append((line, f"{prefix}duplicate budget name (the first one is kept)"))
            continue
        seen.add(budget.name)
        bs.budgets.append(budget)
    bs.errors.extend(
        f"{fname}:{line}: {what}" for line, what in sorted(located, key=lambda x: x[0])
    )
    return bs


_HEADER = (
    "# Budgets for Empathy Telemetry. `empathy budget set` / `remove` rewrite this file\n"
    "# (comments are not kept).\n"
    "# Fields: name, amount (USD), period (day | week | month), time_zone, week_start, start_day,\n"
    "# scope filters (workflow, provider, tier, model, project, user), levels (percent), channels.\n"
)


def budget_to_dict(b: Budget) -> dict[str, Any]:
    """The YAML shape of one budget: defaults left out, name / amount / period first."""
    d: dict[str, Any] = b.model_dump(mode="json", exclude_defaults=True)
    d.pop("channels", None)
    if b.week_start != 0:
        d["week_start"] = WEEKDAYS[b.week_start]
    if "levels" in d:
        d["levels"] = [int(x) if float(x).is_integer() else x for x in b.levels]
    if b.channels:
        dumped = [c.model_dump(mode="json", exclude_defaults=True) for c in b.channels]
        # A channel with nothing but its type is written as the shorthand (``- vscode``).
        d["channels"] = [c["type"] if c.keys() == {"type"} else c for c in dumped]
    head = {k: d.pop(k) for k in ("name", "amount", "period")}
    if float(head["amount"]).is_integer():
        head["amount"] = int(head["amount"])
    return {**head, **d}


def render_budgets(budgets: Sequence[Budget]) -> str:
    """``budgets.yaml`` text for ``budgets`` (``load_budgets`` reads it back to equal models)."""
    body = yaml.safe_dump(
        {"budgets": [budget_to_dict(b) for b in budgets]},
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    return _HEADER + body


def upsert_budget(budgets: Sequence[Budget], budget: Budget) -> list[Budget]:
    """``budgets`` with ``budget`` replacing the one of the same name (or appended)."""
    out = [b for b in budgets]
    for i, b in enumerate(out):
        if b.name == budget.name:
            out[i] = budget
            return out
    return [*out, budget]


def remove_budget(budgets: Sequence[Budget], name: str) -> list[Budget]:
    """``budgets`` without the one called ``name`` (unchanged when there is none)."""
    return [b for b in budgets if b.name != name]
