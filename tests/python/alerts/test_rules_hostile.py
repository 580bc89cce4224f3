"""alerts.yaml written to hurt: alias bombs, deep nesting, non-finite thresholds, huge format widths.

Each is refused fast, at load, as ``alerts.yaml:LINE: reason``; the other rules keep working.
"""

from __future__ import annotations

import json
import time

import pytest

from empathy_monitor.alerts.rules import check_template, load_rules
from empathy_monitor.yamlsafe import safe_load


def billion_laughs() -> str:
    """441 bytes that describe 9**9 strings (the classic alias bomb) inside a rule's payload."""
    lines = ['x: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for c in "bcdefghi":
        lines.append(f"{c}{c}: &{c} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = c
    lines += [
        "alerts:",
        "  - name: bomb",
        "    condition: {metric: cost, threshold: 1}",
        "    actions: [{type: webhook, url: 'https://example.com/h', payload: *i}]",
    ]
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_with_a_located_error() -> None:
    text = billion_laughs()
    assert len(text) < 500
    t0 = time.perf_counter()
    rs = load_rules(text)
    took = time.perf_counter() - t0
    assert took < 0.5, took
    assert rs.rules == []
    assert len(rs.errors) == 1
    err = rs.errors[0]
    assert err.startswith("alerts.yaml:"), err
    line = int(err.split(":")[1])
    assert 1 <= line <= 13
    assert "expands to more than" in err and "aliases" in err


def test_alias_bomb_refused_by_the_shared_loader_too() -> None:
    import yaml

    t0 = time.perf_counter()
    with pytest.raises(yaml.YAMLError, match="expands to more than"):
        safe_load(billion_laughs())
    assert time.perf_counter() - t0 < 0.5


def test_recursive_alias_and_deep_nesting_refused() -> None:
    rs = load_rules("alerts: &a\n  - *a\n")
    assert len(rs.errors) == 1 and rs.errors[0].startswith("alerts.yaml:")
    rs = load_rules("alerts: " + "[" * 5000 + "]" * 5000 + "\n")
    assert len(rs.errors) == 1 and "nested deeper than" in rs.errors[0], rs.errors
    assert rs.errors[0].startswith("alerts.yaml:1: ")


def test_modest_anchors_still_work() -> None:
    text = """\
hook: &hook {type: webhook, url: 'https://example.com/h', payload: {v: "{value:.2f}"}}
alerts:
  - name: a
    condition: {metric: cost, threshold: 1}
    actions: [*hook, stdout]
  - name: b
    condition: {metric: cost, threshold: 2}
    actions: [*hook]
"""
    rs = load_rules(text.replace("hook: &hook", "settings: {}\nx-hook: &hook"))
    # unknown top-level key is reported, but both rules still load with the shared action
    assert [r.name for r in rs.rules] == ["a", "b"]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "-1", "-0.5"])
def test_threshold_must_be_finite_and_not_negative(value: str) -> None:
    text = f"""\
alerts:
  - name: ok
    condition: {{metric: cost, threshold: 1}}
    actions: [stdout]
  - name: bad
    condition:
      metric: error_rate
      threshold: {value}
    actions: [stdout]
"""
    rs = load_rules(text)
    assert [r.name for r in rs.rules] == ["ok"]
    assert len(rs.errors) == 1
    assert rs.errors[0].startswith("alerts.yaml:8: rule 'bad': condition.threshold: "), rs.errors
    assert "finite" in rs.errors[0] or "negative" in rs.errors[0]


@pytest.mark.parametrize(
    "template",
    ["{value:>1500000000}", "{value:.1000f}", "{rule:x<101}", "{value:{samples}}"],
)
def test_format_width_and_precision_bounded(template: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(ValueError):
        check_template(template)
    assert time.perf_counter() - t0 < 0.1
    text = f"""\
alerts:
  - name: wide
    condition: {{metric: cost, threshold: 1}}
    actions:
      - type: stdout
        template: {json.dumps(template)}
"""
    rs = load_rules(text)
    assert rs.rules == []
    assert len(rs.errors) == 1 and rs.errors[0].startswith("alerts.yaml:6: rule 'wide': ")


@pytest.mark.parametrize(
    "template", ["{value:>100}", "{value:.2f}", "{value:08.3f}", "{rule:*^40}"]
)
def test_reasonable_format_specs_still_accepted(template: str) -> None:
    check_template(template)


def test_monitoring_yaml_alias_bomb_is_a_config_error(tmp_path: object) -> None:
    from pathlib import Path

    from empathy_monitor.otel.config import ConfigError, read_yaml_block

    p = Path(str(tmp_path)) / "monitoring.yaml"
    p.write_text(billion_laughs().replace("alerts:", "otel:\n  x: *i\nzz:"))
    t0 = time.perf_counter()
    with pytest.raises(ConfigError, match="expands to more than"):
        read_yaml_block(p)
    assert time.perf_counter() - t0 < 0.5
