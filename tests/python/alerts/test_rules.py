"""alerts.yaml loading: the example loads; every mistake is located; good rules keep working."""

from __future__ import annotations

from pathlib import Path

from empathy_monitor.alerts.rules import check_template, load_rules, parse_duration

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "alerts.yaml"


def test_example_loads_without_error() -> None:
    rs = load_rules(EXAMPLE.read_text())
    assert rs.errors == []
    metrics = {r.condition.metric for r in rs.rules}
    from empathy_monitor.alerts.rules import METRICS

    assert metrics == set(METRICS)
    assert {a.type for r in rs.rules for a in r.actions} == {"webhook", "email", "stdout", "vscode"}


def test_syntax_error_has_line() -> None:
    rs = load_rules("alerts:\n  - name: a\n    condition: {metric: cost\n    actions: []\n")
    assert len(rs.errors) == 1 and rs.errors[0].startswith("alerts.yaml:4: invalid YAML")
    assert rs.rules == []


def test_each_mistake_located_and_others_kept() -> None:
    text = """\
alerts:
  - name: good
    condition: {metric: cost, threshold: 5, window: 1h}
    actions: [stdout]
  - name: bad-metric
    condition:
      metric: costs
      threshold: 5
    actions: [stdout]
  - name: bad-template
    condition: {metric: cost, threshold: 5}
    actions:
      - type: webhook
        url: https://example.com/h
        payload: {text: "{value:.2f} {nonsense}"}
  - name: bad-window
    condition: {metric: cost, threshold: 5, window: 5 weeks}
    actions: [stdout]
    colour: red
  - name: good
    condition: {metric: cost, threshold: 1}
    actions: [stdout]
"""
    rs = load_rules(text)
    assert [r.name for r in rs.rules] == ["good"]
    errs = "\n".join(rs.errors)
    assert "alerts.yaml:7: rule 'bad-metric': condition.metric: must be one of" in errs
    assert (
        "alerts.yaml:15: rule 'bad-template': actions[0].payload: unknown placeholder {nonsense}"
        in errs
    )
    assert "alerts.yaml:17: rule 'bad-window': condition.window:" in errs
    assert "alerts.yaml:19: rule 'bad-window': colour: unknown field" in errs
    assert "alerts.yaml:20: rule 'good': duplicate rule name" in errs


def test_settings_errors_fall_back_to_safe_defaults() -> None:
    rs = load_rules("settings:\n  allow_private_network: maybe\nalerts: []\n")
    assert rs.settings.allow_private_network is False
    assert rs.errors and rs.errors[0].startswith("alerts.yaml:2: settings.allow_private_network")


def test_templates_and_durations() -> None:
    check_template("{rule} {value:.2f} {timestamp}")
    for bad in ("{value:.2q}", "{}", "{0}", "{oops}", "{value"):
        try:
            check_template(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
    assert parse_duration("15m") == 900 and parse_duration("7d") == 604800


def test_safe_loader_refuses_python_tags() -> None:
    rs = load_rules("alerts: !!python/object/apply:os.system ['true']\n")
    assert rs.errors and "alerts.yaml:1" in rs.errors[0]
