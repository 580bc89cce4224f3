"""Email over real TLS: STARTTLS with login, implicit SSL, and an untrusted certificate refused.

The server is aiosmtpd on 127.0.0.1 with a self-signed certificate made by ``openssl`` here; the
client trusts it only through ``smtp.ca_file``, as a self-hosted relay would be configured.
"""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from alert_helpers import Inbox, email_note, free_port

from empathy_monitor.alerts.channels.email import EmailChannel
from empathy_monitor.alerts.rules import EmailAction, SmtpSettings

NOTE = email_note()


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(crt), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key


def _server_ctx(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"alerts", b"s3cret")
    return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)


@pytest.fixture
def starttls_server(cert: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    c = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="127.0.0.1",
        tls_context=_server_ctx(cert), require_starttls=True, authenticator=_auth,
        auth_required=True, auth_require_tls=True,
    )  # fmt: skip
    c.start()
    yield inbox, port
    c.stop()


@pytest.fixture
def ssl_server(cert: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    c = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="127.0.0.1",
        ssl_context=_server_ctx(cert),
    )  # fmt: skip
    c.start()
    yield inbox, port
    c.stop()


def test_starttls_with_login(
    starttls_server: tuple[Inbox, int], cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = starttls_server
    monkeypatch.setenv("EMPATHY_SMTP_USERNAME", "alerts")
    monkeypatch.setenv("EMPATHY_SMTP_PASSWORD", "s3cret")
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="starttls", ca_file=str(cert[0]))
    res = EmailChannel(EmailAction(type="email", to=["ops@example.com"]), smtp).send(NOTE)
    assert res.delivered, res.error
    envelope, (over_tls, login) = inbox.messages[0], inbox.sessions[0]
    assert over_tls and login == b"alerts"
    assert "Budget" in envelope.content.decode()


def test_starttls_wrong_password_is_reported_without_the_secret(
    starttls_server: tuple[Inbox, int], cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, port = starttls_server
    monkeypatch.setenv("EMPATHY_SMTP_USERNAME", "alerts")
    monkeypatch.setenv("EMPATHY_SMTP_PASSWORD", "not-it")
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="starttls", ca_file=str(cert[0]))
    res = EmailChannel(EmailAction(type="email", to=["ops@example.com"]), smtp).send(NOTE)
    assert not res.delivered
    assert res.error is not None and "authentication failed" in res.error
    assert "not-it" not in res.error


def test_implicit_ssl(ssl_server: tuple[Inbox, int], cert: tuple[Path, Path]) -> None:
    inbox, port = ssl_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="ssl", ca_file=str(cert[0]))
    res = EmailChannel(EmailAction(type="email", to=["ops@example.com"]), smtp).send(NOTE)
    assert res.delivered, res.error
    assert len(inbox.messages) == 1
    # TLS from the first byte: the same server does not talk to a plain-SMTP client
    plain = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout_seconds=1)
    assert (
        not EmailChannel(EmailAction(type="email", to=["x@example.com"]), plain)
        .send(NOTE)
        .delivered
    )
    assert len(inbox.messages) == 1


def test_untrusted_certificate_is_refused(ssl_server: tuple[Inbox, int]) -> None:
    inbox, port = ssl_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="ssl", timeout_seconds=5)
    res = EmailChannel(EmailAction(type="email", to=["ops@example.com"]), smtp).send(NOTE)
    assert not res.delivered
    assert res.error is not None and "CERTIFICATE_VERIFY_FAILED" in res.error.upper().replace(
        " ", "_"
    )
    assert inbox.messages == []
