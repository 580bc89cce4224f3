"""The email channel: smtplib with STARTTLS or implicit TLS; credentials never logged.

Credentials come from the environment (``username_env`` / ``password_env``) or, second, the
settings block. A password is never sent over a plain connection except to a loopback relay.
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import ssl
from email.message import EmailMessage

from ..notification import Notification
from ..rules import EmailAction, SmtpSettings
from . import DeliveryResult


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def render_email(action: EmailAction, smtp: SmtpSettings, note: Notification) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = action.subject.format(**note.context()).replace("\n", " ")[:200]
    msg["From"] = smtp.from_addr
    msg["To"] = ", ".join(action.to)
    lines = [
        note.headline(),
        "",
        f"Rule:      {note.rule}",
        f"Status:    {note.kind}",
        f"Severity:  {note.severity}",
        f"Metric:    {note.metric} ({note.window})",
        f"Value:     {note.value}",
        f"Threshold: {note.operator} {note.threshold}",
        f"Time:      {note.iso_time}",
    ]
    if note.description:
        lines += ["", note.description]
    msg.set_content("\n".join(lines) + "\n")
    return msg


class EmailChannel:
    kind = "email"

    def __init__(self, action: EmailAction, smtp: SmtpSettings) -> None:
        self.action = action
        self.smtp = smtp
        self.target = ", ".join(action.to)

    def _credentials(self) -> tuple[str | None, str | None]:
        user = os.environ.get(self.smtp.username_env) or self.smtp.username
        password = os.environ.get(self.smtp.password_env) or self.smtp.password
        return user, password

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.smtp.ca_file)

    def send(self, note: Notification) -> DeliveryResult:
        s = self.smtp
        msg = render_email(self.action, s, note)
        user, password = self._credentials()
        try:
            client: smtplib.SMTP
            if s.security == "ssl":
                client = smtplib.SMTP_SSL(
                    s.host, s.effective_port, timeout=s.timeout_seconds, context=self._context()
                )
            else:
                client = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout_seconds)
            with client:
                if s.security == "starttls":
                    client.starttls(context=self._context())
                if user and password:
                    if s.security == "none" and not _is_loopback(s.host):
                        return DeliveryResult(
                            False,
                            "refusing to send SMTP credentials without "
                            "TLS (set smtp.security to starttls or ssl)",
                        )
                    client.login(user, password)
                client.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            return DeliveryResult(False, f"SMTP authentication failed ({exc.smtp_code})")
        except smtplib.SMTPRecipientsRefused:
            return DeliveryResult(False, "SMTP server refused the recipients")
        except (
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
            ConnectionError,
            TimeoutError,
            OSError,
        ) as exc:
            return DeliveryResult(False, f"SMTP {type(exc).__name__}: {_safe(exc)}", retryable=True)
        except smtplib.SMTPException as exc:
            return DeliveryResult(False, f"SMTP {type(exc).__name__}", retryable=True)
        return DeliveryResult(True)


def _safe(exc: BaseException) -> str:
    # An exception text never holds our password, but keep it short and single-line.
    return str(exc).splitlines()[0][:160] if str(exc) else ""
