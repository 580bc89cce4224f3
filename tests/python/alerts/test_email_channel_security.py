"""The email channel's credential rules and error mapping, against a stand-in SMTP client."""

from __future__ import annotations

import smtplib
from typing import Any, ClassVar

import pytest

from empathy_monitor.alerts.channels import email as email_mod
from empathy_monitor.alerts.channels.email import EmailChannel
from empathy_monitor.alerts.notification import Notification
from empathy_monitor.alerts.rules import EmailAction, SmtpSettings

NOTE = Notification(
    rule="Daily budget", kind="firing", fingerprint="f" * 16, description="stop the bleeding", severity="critical", metric="daily_cost",
    value=12.5, threshold=10.0, operator="gt", window="today", timestamp=1_700_000_000.0,
    message="daily_cost $12.50 > $10.00",
)  # fmt: skip


class FakeSMTP:
    """Records what the channel does; raises ``fail`` on send when set."""

    instances: ClassVar[list[FakeSMTP]] = []
    fail: ClassVar[BaseException | None] = None

    def __init__(self, host: str, port: int, timeout: float, **_kw: Any) -> None:
        self.host, self.port = host, port
        self.calls: list[str] = []
        FakeSMTP.instances.append(self)

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append("quit")

    def starttls(self, context: Any = None) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(f"login:{user}")

    def send_message(self, msg: Any) -> None:
        if FakeSMTP.fail is not None:
            raise FakeSMTP.fail
        self.calls.append(f"send:{msg['To']}")


@pytest.fixture
def fake_smtp(monkeypatch: pytest.MonkeyPatch) -> type[FakeSMTP]:
    FakeSMTP.instances = []
    FakeSMTP.fail = None
    monkeypatch.setattr(email_mod.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(email_mod.smtplib, "SMTP_SSL", FakeSMTP)
    monkeypatch.delenv("EMPATHY_SMTP_USERNAME", raising=False)
    monkeypatch.delenv("EMPATHY_SMTP_PASSWORD", raising=False)
    return FakeSMTP


def channel(**smtp: Any) -> EmailChannel:
    return EmailChannel(EmailAction(type="email", to="ops@example.com"), SmtpSettings(**smtp))


def test_no_password_over_plain_smtp_to_a_remote_host(fake_smtp: type[FakeSMTP]) -> None:
    res = channel(host="smtp.example.com", security="none", username="u", password="secret").send(
        NOTE
    )
    assert not res.delivered
    assert "refusing to send SMTP credentials without TLS" in (res.error or "")
    assert fake_smtp.instances[0].calls == ["quit"]  # no login, nothing sent
    assert fake_smtp.instances[0].port == 25


def test_plain_smtp_with_credentials_is_allowed_to_loopback(
    fake_smtp: type[FakeSMTP], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPATHY_SMTP_USERNAME", "env-user")
    monkeypatch.setenv("EMPATHY_SMTP_PASSWORD", "env-pass")
    for host in ("localhost", "127.0.0.1", "::1"):
        assert channel(host=host, security="none").send(NOTE).delivered
    assert [i.calls for i in fake_smtp.instances] == [
        ["login:env-user", "send:ops@example.com", "quit"]
    ] * 3


def test_starttls_and_ssl_ports_and_order(fake_smtp: type[FakeSMTP]) -> None:
    assert channel(host="smtp.example.com", username="u", password="p").send(NOTE).delivered
    assert channel(host="smtp.example.com", security="ssl").send(NOTE).delivered
    starttls, ssl_ = fake_smtp.instances
    assert (starttls.port, starttls.calls) == (
        587,
        ["starttls", "login:u", "send:ops@example.com", "quit"],
    )
    assert (ssl_.port, ssl_.calls) == (465, ["send:ops@example.com", "quit"])


@pytest.mark.parametrize(
    ("exc", "text", "retryable"),
    [
        (smtplib.SMTPAuthenticationError(535, b"bad"), "SMTP authentication failed (535)", False),
        (smtplib.SMTPRecipientsRefused({}), "SMTP server refused the recipients", False),
        (smtplib.SMTPServerDisconnected("gone"), "SMTP SMTPServerDisconnected", True),
        (smtplib.SMTPDataError(554, b"no"), "SMTP SMTPDataError", True),
    ],
)
def test_errors_map_to_results(
    fake_smtp: type[FakeSMTP], exc: BaseException, text: str, retryable: bool
) -> None:
    fake_smtp.fail = exc
    res = channel(host="smtp.example.com", username="u", password="hunter2").send(NOTE)
    assert not res.delivered
    assert (res.error or "").startswith(text)
    assert "hunter2" not in (res.error or "")
    assert res.retryable is retryable
