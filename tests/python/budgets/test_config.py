"""``budgets.yaml``: located errors while the good entries load, aliases refused, the alert channel
models reused, and ``render_budgets`` round-tripping through the parser."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.alerts.rules import StdoutAction, VSCodeAction, WebhookAction
from empathy_monitor.budgets.config import (
    DEFAULT_LEVELS,
    Budget,
    load_budgets,
    remove_budget,
    render_budgets,
    upsert_budget,
)

GOOD = """\
budgets:
  - name: team-month
    amount: 200
    period: month
    start_day: 31
    time_zone: Europe/Berlin
    workflow: code-review
    provider: anthropic
    levels: [50, 90, 100]
    channels:
      - vscode
      - stdout
      - type: webhook
        url: https://hooks.slack.com/services/T/B/x
        format: slack
  - name: daily
    amount: 12.5
    period: day
  - name: weekly
    amount: 40
    period: week
    week_start: sunday
"""


def test_good_file_loads_every_field() -> None:
    bs = load_budgets(GOOD)
    assert bs.errors == []
    assert [b.name for b in bs.budgets] == ["team-month", "daily", "weekly"]
    team = bs.budgets[0]
    assert team.amount_nd == 200_000_000_000
    assert team.scope == {"workflow": "code-review", "provider": "anthropic"}
    assert team.levels == (50.0, 90.0, 100.0)
    assert isinstance(team.channels[0], VSCodeAction)
    assert isinstance(team.channels[1], StdoutAction)
    assert isinstance(team.channels[2], WebhookAction) and team.channels[2].format == "slack"
    assert team.zone() == ZoneInfo("Europe/Berlin")
    daily = bs.budget("daily")
    assert daily is not None and daily.levels == DEFAULT_LEVELS and daily.channels == ()
    assert daily.scope == {}
    assert daily.zone(ZoneInfo("Asia/Tokyo")) == ZoneInfo("Asia/Tokyo")  # no time_zone: default
    assert bs.budgets[2].week_start == 6


BAD = """\
budgets:
  - name: ok
    amount: 10
    period: day
  - name: negative
    amount: -3
    period: year
  - name: nan
    amount: .nan
    period: day
  - name: zone
    amount: 1
    period: day
    time_zone: Mars/Olympus
  - name: levels
    amount: 1
    period: day
    levels: [80, 50]
  - name: zero-level
    amount: 1
    period: day
    levels: [0, 50]
  - name: channel
    amount: 1
    period: day
    channels: [{type: webhook, url: "ftp://x"}]
  - name: typo
    amount: 1
    period: day
    workflo: x
  - name: ok
    amount: 2
    period: day
  - name: text-amount
    amount: "200"
    period: day
  - name: startday
    amount: 1
    period: month
    start_day: 32
  - just a string
extra: true
"""


def test_bad_entries_are_located_and_the_others_still_load() -> None:
    bs = load_budgets(BAD)
    assert [b.name for b in bs.budgets] == ["ok"]
    e = bs.errors
    assert "budgets.yaml:6: budget 'negative': amount: Input should be greater than 0" in e
    assert (
        "budgets.yaml:7: budget 'negative': period: must be one of 'day', 'week' or 'month'"
        " (got 'year')" in e
    )
    assert "budgets.yaml:9: budget 'nan': amount: Input should be a finite number" in e
    assert any(
        x.startswith("budgets.yaml:14: budget 'zone': time_zone: unknown time zone") for x in e
    )
    assert (
        "budgets.yaml:18: budget 'levels': levels: levels must be listed in increasing order, each once"
        in e
    )
    assert any(x.startswith("budgets.yaml:22: budget 'zero-level': levels: level 0.0") for x in e)
    assert any(x.startswith("budgets.yaml:26: budget 'channel': channels[0].url:") for x in e)
    assert "budgets.yaml:30: budget 'typo': workflo: unknown field" in e
    assert "budgets.yaml:31: budget 'ok': duplicate budget name (the first one is kept)" in e
    assert any(x.startswith("budgets.yaml:35: budget 'text-amount': amount:") for x in e)
    assert any(x.startswith("budgets.yaml:40: budget 'startday': start_day:") for x in e)
    assert "budgets.yaml:41: budgets[11]: must be a mapping" in e
    assert "budgets.yaml:42: unknown top-level key 'extra'" in e
    assert len(e) == 13
    assert e == sorted(e, key=lambda x: int(x.split(":")[1]))


def test_aliases_are_refused_and_only_that_entry_is_dropped() -> None:
    text = """\
budgets:
  - &base
    name: a
    amount: 1
    period: day
  - *base
  - name: b
    amount: 2
    period: day
    channels: [&ch {type: stdout}]
  - name: c
    amount: 3
    period: day
    channels: [*ch]
"""
    bs = load_budgets(text)
    assert [b.name for b in bs.budgets] == ["a", "b"]  # an anchor alone is harmless
    assert bs.errors == [
        "budgets.yaml:6: budgets[1]: YAML aliases (*base) are not allowed",
        "budgets.yaml:14: budgets[3]: YAML aliases (*ch) are not allowed",
    ]


def test_duplicate_keys_syntax_errors_and_empty_files() -> None:
    dup = load_budgets("budgets:\n  - name: a\n    amount: 1\n    amount: 2\n    period: day\n")
    assert dup.budgets == [] and dup.errors == [
        "budgets.yaml:4: budgets[0]: duplicate key 'amount'"
    ]
    syntax = load_budgets("budgets: [\n", fname=".empathy/budgets.yaml")
    assert syntax.budgets == [] and syntax.errors[0].startswith(
        ".empathy/budgets.yaml:2: invalid YAML"
    )
    assert load_budgets("").errors == [] and load_budgets("budgets:\n").budgets == []
    assert load_budgets("- 1\n").errors == [
        "budgets.yaml:1: the file must be a mapping with a 'budgets:' list"
    ]
    assert load_budgets("budgets: 3\n").errors == ["budgets.yaml:1: 'budgets' must be a list"]


def test_render_round_trips_and_set_remove_helpers() -> None:
    bs = load_budgets(GOOD)
    text = render_budgets(bs.budgets)
    again = load_budgets(text)
    assert again.errors == [] and again.budgets == bs.budgets
    assert "week_start: sunday" in text and "- vscode" in text and "levels:" in text
    assert text.count("levels:") == 1  # defaults are left out
    new = Budget(name="daily", amount=99, period="day")
    replaced = upsert_budget(bs.budgets, new)
    assert [b.name for b in replaced] == ["team-month", "daily", "weekly"]
    assert replaced[1].amount == 99
    added = upsert_budget(bs.budgets, Budget(name="x", amount=1, period="week"))
    assert [b.name for b in added][-1] == "x"
    assert [b.name for b in remove_budget(bs.budgets, "daily")] == ["team-month", "weekly"]
    assert load_budgets(render_budgets([])).budgets == []


NAMES = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
SCOPE = st.none() | st.sampled_from(["code-review", "yes", "null", "1.5", "a: b", "#x", "~"])
LEVELS = st.lists(
    st.floats(min_value=0.5, max_value=500, allow_nan=False).map(lambda x: round(x, 2)),
    min_size=1,
    max_size=5,
    unique=True,
).map(sorted)
CHANNELS = st.lists(
    st.sampled_from(
        [
            VSCodeAction(type="vscode"),
            StdoutAction(type="stdout"),
            StdoutAction(type="stdout", template="{rule}: {value}"),
            WebhookAction(type="webhook", url="https://example.com/h?x=1", format="discord"),
        ]
    ),
    max_size=3,
)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    names=st.lists(NAMES, min_size=1, max_size=4, unique=True),
    amount=st.floats(min_value=0.01, max_value=1e6, allow_nan=False),
    period=st.sampled_from(["day", "week", "month"]),
    tz=st.none() | st.sampled_from(["Europe/Berlin", "Australia/Lord_Howe", "UTC"]),
    week_start=st.integers(0, 6),
    start_day=st.integers(1, 31),
    workflow=SCOPE,
    user=SCOPE,
    levels=LEVELS,
    channels=CHANNELS,
)
def test_render_round_trips_any_budget(
    names: list[str],
    amount: float,
    period: str,
    tz: str | None,
    week_start: int,
    start_day: int,
    workflow: str | None,
    user: str | None,
    levels: list[float],
    channels: list[object],
) -> None:
    budgets = [
        Budget.model_validate(
            {
                "name": n,
                "amount": amount,
                "period": period,
                "time_zone": tz,
                "week_start": week_start,
                "start_day": start_day,
                "workflow": workflow,
                "user": user,
                "levels": levels,
                "channels": channels,
            }
        )
        for n in names
    ]
    loaded = load_budgets(render_budgets(budgets))
    assert loaded.errors == []
    assert loaded.budgets == budgets


def test_scope_keys_are_the_dimensions_and_budget_fields() -> None:
    from empathy_monitor.analytics.dimensions import DIMENSIONS
    from empathy_monitor.analytics.window import Filters
    from empathy_monitor.budgets.config import NOT_SCOPES, SCOPE_KEYS, Budget

    assert SCOPE_KEYS == ("workflow", "provider", "tier", "model", "project", "user")
    assert set(SCOPE_KEYS) | NOT_SCOPES == {d.name for d in DIMENSIONS}
    fields = Budget.model_fields
    assert all(k in fields and fields[k].default is None for k in SCOPE_KEYS)
    assert all(k in Filters.__dataclass_fields__ for k in SCOPE_KEYS)  # each is a filter
