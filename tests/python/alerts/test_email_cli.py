"""Email through a real aiosmtpd server on 127.0.0.1; the CLI end to end."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from alert_helpers import NOW, Inbox, append, call, email_note, free_port, write_rules

from empathy_monitor.alerts.channels.email import EmailChannel
from empathy_monitor.alerts.rules import EmailAction, SmtpSettings
from empathy_monitor.cli import main


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    c = Controller(inbox, hostname="127.0.0.1", port=port)
    c.start()
    yield inbox, port
    c.stop()


NOTE = email_note()


def test_email_delivered(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    ch = EmailChannel(
        EmailAction(type="email", to=["ops@example.com"]),
        SmtpSettings(host="127.0.0.1", port=port, security="none"),
    )
    res = ch.send(NOTE)
    assert res.delivered, res.error
    env = inbox.messages[0]
    assert env.rcpt_tos == ["ops@example.com"]
    text = env.content.decode()
    assert "Subject: [critical] Budget: cost $3.50 > $1.00 over 1h" in text
    assert "Threshold: gt 1.0" in text


def test_email_down_is_retryable_and_password_never_in_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMPATHY_SMTP_PASSWORD", "hunter2")
    ch = EmailChannel(
        EmailAction(type="email", to=["a@b.c"]),
        SmtpSettings(
            host="127.0.0.1",
            port=free_port(),
            security="starttls",
            username="u",
            timeout_seconds=2,
        ),
    )
    res = ch.send(NOTE)
    assert not res.delivered and res.retryable and "hunter2" not in (res.error or "")


def run_cli(*args: str) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        rc = main(["alerts", *args])
    return rc, buf.getvalue()


def test_cli_init_list_test_trigger_history(tdir: Path, smtp: tuple[Inbox, int]) -> None:
    d = str(tdir)
    rc, out = run_cli(
        "init",
        "--dir",
        d,
        "--metric",
        "cost",
        "--threshold",
        "0.5",
        "--email",
        "me@example.com",
        "--yes",
    )
    assert rc == 0 and (tdir / "alerts.yaml").exists()
    # point SMTP at the test server
    text = (
        (tdir / "alerts.yaml")
        .read_text()
        .replace(
            "settings:\n  allow_private_network: false",
            f"settings:\n  allow_private_network: false\n  smtp: {{host: 127.0.0.1, port: {smtp[1]},"
            " security: none}",
        )
    )
    (tdir / "alerts.yaml").write_text(text)
    rc, out = run_cli("list", "--dir", d, "--json")
    st = json.loads(out)
    assert rc == 0 and st["rules"][0]["metric"] == "cost" and st["errors"] == []
    append(tdir, [call(NOW - __import__("time").time() + 60, estimated_cost=0.1)])
    rc, out = run_cli("test", "--dir", d, "--rule", "cost over 0.5", "--json")
    assert rc == 0 and json.loads(out)["breached"] is False
    assert not (tdir / "alerts.db").exists()  # test sends and stores nothing
    rc, _ = run_cli("trigger", "--dir", d, "--rule", "cost over 0.5", "--test")
    assert rc == 0 and len(smtp[0].messages) == 1
    rc, out = run_cli("history", "--dir", d, "--json")
    assert json.loads(out)[0]["delivered"] is True
    rc, _ = run_cli("init", "--dir", d, "--yes")
    assert rc == 1  # refuses to overwrite


def test_cli_init_wizard(tdir: Path) -> None:
    import argparse

    from empathy_monitor.alerts.cli import cmd_init

    answers = iter(["error_rate", "15", "stdout"])
    args = argparse.Namespace(
        dir=str(tdir),
        metric=None,
        threshold=None,
        webhook=None,
        email=None,
        stdout=False,
        yes=False,
        force=False,
    )
    with redirect_stdout(io.StringIO()):
        assert cmd_init(args, read=lambda _p: next(answers)) == 0
    from empathy_monitor.alerts.rules import load_rules

    rs = load_rules((tdir / "alerts.yaml").read_text())
    assert rs.errors == [] and rs.rules[0].condition.threshold == 15
    assert rs.rules[0].actions[0].type == "stdout"


def test_nothing_created_without_config(tdir: Path) -> None:
    rc, out = run_cli("list", "--dir", str(tdir))
    assert rc == 0 and "no alerts configured" in out
    rc, _ = run_cli("history", "--dir", str(tdir))
    assert rc == 0 and not (tdir / "alerts.db").exists()


def test_watch_once_fires_to_stdout(tdir: Path) -> None:
    import time

    write_rules(
        tdir,
        """
alerts:
  - name: spend
    condition: {metric: cost, threshold: 1, window: 1h}
    actions: [stdout]
""",
    )
    append(tdir, [call(NOW - time.time() + 30, estimated_cost=2.0)])
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "empathy_monitor",
            "alerts",
            "watch",
            "--once",
            "--dir",
            str(tdir),
            "--tz",
            "UTC",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert "firing spend: cost $2.00 > $1.00" in p.stdout


def test_watcher_event_driven_and_stop(tdir: Path) -> None:
    import time

    write_rules(
        tdir,
        """
alerts:
  - name: spend
    condition: {metric: cost, threshold: 1, window: 1h}
    actions: [stdout]
""",
    )
    append(tdir, [call(NOW - time.time() + 30, estimated_cost=0.5)])
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "empathy_monitor",
            "alerts",
            "watch",
            "--dir",
            str(tdir),
            "--interval",
            "300",
            "--tz",
            "UTC",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not (tdir / "alerts-watch.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        t0 = time.monotonic()
        append(tdir, [call(NOW - time.time() + 1, estimated_cost=1.0)])  # crosses $1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (tdir / "alerts.db").exists():
                from empathy_monitor.alerts.state import AlertStore

                s = AlertStore(tdir / "alerts.db")
                h = s.history()
                s.close()
                if h:
                    break
            time.sleep(0.05)
        latency = time.monotonic() - t0
        assert h and h[0]["delivered"], "no notification after the append"
        assert latency < 2.0
        _rc, out = run_cli("stop", "--dir", str(tdir))
        assert "stopped watcher" in out
        proc.wait(timeout=10)
        assert "firing spend" in (proc.stdout.read() if proc.stdout else "")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_install_service_writes_unit(tdir: Path, tmp_path: Path) -> None:
    from empathy_monitor.alerts.service import install_service

    p, start = install_service(tdir, platform="linux", home=tmp_path)
    assert p.parent == tmp_path / ".config/systemd/user" and "alerts watch" in p.read_text()
    assert "systemctl --user" in start
    p2, _start2 = install_service(tdir, platform="darwin", home=tmp_path)
    assert p2.suffix == ".plist" and "<string>watch</string>" in p2.read_text()


def test_cli_init_wizard_rejects_a_non_numeric_threshold(tdir: Path) -> None:
    import argparse

    from empathy_monitor.alerts.cli import cmd_init

    answers = iter(["daily_cost", "abc"])
    args = argparse.Namespace(
        dir=str(tdir),
        metric=None,
        threshold=None,
        webhook=None,
        email=None,
        stdout=False,
        yes=False,
        force=False,
    )
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        assert cmd_init(args, read=lambda _p: next(answers)) == 2
    assert "threshold 'abc' is not a number" in err.getvalue()
    assert not (tdir / "alerts.yaml").exists()
