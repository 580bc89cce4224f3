"""`empathy alerts ...` paths the end-to-end alert tests do not take: refusals, errors, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.alerts import cli as alerts_cli
from empathy_monitor.cli import build_parser, main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def init_stdout(tdir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> None:
    rc, _, _ = run(
        ["alerts", "init", "--dir", str(tdir), "--metric", "cost", "--threshold", "1",
         "--stdout", "--yes", *extra], capsys,
    )  # fmt: skip
    assert rc == 0


def test_build_rule_picks_webhook_format_and_window() -> None:
    slack = alerts_cli.build_rule("error_rate", 5, "https://hooks.slack.com/services/x", None, True)
    assert slack["actions"] == [
        {"type": "webhook", "url": "https://hooks.slack.com/services/x", "format": "slack"},
        {"type": "stdout"},
    ]
    assert slack["condition"] == {"metric": "error_rate", "operator": "gt", "threshold": 5,
                                  "window": "1h"}  # fmt: skip
    discord = alerts_cli.build_rule("cost", 2, "https://discord.com/api/webhooks/1/t", None, False)
    assert discord["actions"][0]["format"] == "discord"
    plain = alerts_cli.build_rule("token_spike", 3, "https://example.com/hook", None, False)
    assert plain["actions"] == [
        {"type": "webhook", "url": "https://example.com/hook", "format": "json"}
    ]
    mail = alerts_cli.build_rule("daily_cost", 10, None, "ops@example.com", False)
    assert mail["actions"] == [{"type": "email", "to": ["ops@example.com"]}]
    assert "window" not in mail["condition"]  # daily_cost is always "today"


def test_init_refuses_to_overwrite_then_force(
    tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init_stdout(tdir, capsys)
    rc, _, err = run(["alerts", "init", "--dir", str(tdir), "--stdout", "--yes"], capsys)
    assert rc == 1 and "already exists" in err
    init_stdout(tdir, capsys, "--force")
    assert "cost over 1" in (tdir / "alerts.yaml").read_text()


def test_wizard_rejects_unknown_metric(tdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["alerts", "init", "--dir", str(tdir)])
    answers = iter(["no_such_metric"])
    rc = alerts_cli.cmd_init(args, read=lambda _prompt: next(answers))
    assert rc == 2
    assert "unknown metric 'no_such_metric'" in capsys.readouterr().err
    assert not (tdir / "alerts.yaml").exists()


def test_wizard_email_answer_becomes_email_action(
    tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["alerts", "init", "--dir", str(tdir)])
    answers = iter(["latency", "", "ops@example.com"])  # empty threshold = the metric's default
    assert alerts_cli.cmd_init(args, read=lambda _prompt: next(answers)) == 0
    text = (tdir / "alerts.yaml").read_text()
    assert "metric: latency" in text and "threshold: 5000.0" in text
    assert "type: email" in text and "ops@example.com" in text


def test_commands_without_config_say_run_init(
    tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for sub in (["test", "--rule", "x"], ["trigger", "--rule", "x", "--test"], ["watch", "--once"],
                ["install-service"]):  # fmt: skip
        rc, _, err = run(["alerts", *sub, "--dir", str(tdir)], capsys)
        assert rc == 2, sub
        assert "run `empathy alerts init` first" in err
    rc, out, _ = run(["alerts", "list", "--dir", str(tdir)], capsys)
    assert rc == 0 and "no alerts configured" in out
    assert not (tdir / "alerts.db").exists()  # opt-in: nothing created


def test_unknown_rule_is_exit_2(tdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    init_stdout(tdir, capsys)
    for sub in (["test", "--rule", "nope"], ["trigger", "--rule", "nope", "--test"]):
        rc, _, err = run(["alerts", *sub, "--dir", str(tdir)], capsys)
        assert rc == 2 and "no rule named 'nope'" in err


def test_test_json_reports_value_and_breach(tdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    init_stdout(tdir, capsys)
    from datetime import datetime

    now = datetime.now().replace(microsecond=0)
    write_lines(tdir / "llm_calls.jsonl", [call("a", now.isoformat(), estimated_cost=1.5)])
    rc, out, _ = run(
        ["alerts", "test", "--rule", "cost over 1", "--dir", str(tdir), "--json"], capsys
    )
    assert rc == 0
    d = json.loads(out)
    assert d["breached"] is True
    assert d["value"] == pytest.approx(1.5)


def test_list_reports_config_errors_with_exit_1(
    tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tdir / "alerts.yaml").write_text(
        "alerts:\n"
        "  - name: good\n    condition: {metric: cost, threshold: 1}\n    actions: [stdout]\n"
        "  - name: bad\n    condition: {metric: no_such_metric, threshold: 1}\n    actions: [stdout]\n"
    )
    rc, out, err = run(["alerts", "list", "--dir", str(tdir)], capsys)
    assert rc == 1
    assert "good: cost gt 1" in out
    assert "alerts.yaml:" in err and "no_such_metric" in err
    rc, out, _ = run(["alerts", "list", "--dir", str(tdir), "--json"], capsys)
    st = json.loads(out)
    assert [r["name"] for r in st["rules"]] == ["good"] and st["errors"]


def test_history_json_after_trigger(tdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    init_stdout(tdir, capsys)
    rc, _, err = run(
        ["alerts", "trigger", "--rule", "cost over 1", "--test", "--dir", str(tdir)], capsys
    )
    assert rc == 0 and "delivered" in err
    rc, out, _ = run(["alerts", "history", "--dir", str(tdir), "--json", "--limit", "5"], capsys)
    rows = json.loads(out)
    assert rc == 0 and len(rows) == 1
    assert rows[0]["rule"] == "cost over 1" and rows[0]["delivered"] in (True, 1)


def test_stop_without_watcher(tdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["alerts", "stop", "--dir", str(tdir)], capsys)
    assert rc == 0 and out.strip() == "no watcher running"


def test_bare_alerts_prints_help_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(["alerts"], capsys)
    assert rc == 2 and "install-service" in err
