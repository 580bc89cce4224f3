"""Delivery channels: each turns a :class:`Notification` into one delivery attempt (IO lives here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from ...redact import url_secrets
from ..notification import Notification
from ..rules import Action, EmailAction, Settings, StdoutAction, VSCodeAction, WebhookAction


@dataclass(frozen=True)
class DeliveryResult:
    """What one attempt did. ``retryable``: worth trying again later (channel down, 5xx, 429)."""

    delivered: bool
    error: str | None = None
    retryable: bool = False
    tries: int = 1
    retry_after: float | None = None  # the server asked us to wait this long (Retry-After)


class Channel(Protocol):
    kind: str
    target: str  # for logs and the audit trail: never a secret

    def send(self, note: Notification) -> DeliveryResult: ...


VSCodeSink = Callable[[dict[str, Any]], None]


def make_channel(
    action: Action,
    settings: Settings,
    *,
    stdout: TextIO | None = None,
    vscode_sink: VSCodeSink | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Channel:
    """The channel for one rule action."""
    from .email import EmailChannel
    from .stdout import StdoutChannel
    from .vscode import VSCodeChannel
    from .webhook import WebhookChannel

    if isinstance(action, WebhookAction):
        return WebhookChannel(action, allow_private=settings.allow_private_network, sleep=sleep)
    if isinstance(action, EmailAction):
        return EmailChannel(action, settings.smtp)
    if isinstance(action, StdoutAction):
        return StdoutChannel(action, stdout)
    if isinstance(action, VSCodeAction):
        return VSCodeChannel(vscode_sink)
    raise TypeError(f"unknown action {action!r}")


STDOUT_BUDGET = 5.0


def delivery_budget(action: Action, settings: Settings) -> float:
    """The longest one notification's delivery through ``action`` may take (all attempts).

    The outbox claim lease is this plus a margin, so a live delivery is never claimed twice and a
    delivery cut short by ``kill -9`` is retried soon after its budget ran out.
    """
    if isinstance(action, WebhookAction):
        return action.budget_seconds
    if isinstance(action, EmailAction):
        # smtplib bounds each socket operation: connect, EHLO, STARTTLS, login, DATA, QUIT.
        return settings.smtp.timeout_seconds * 6
    return STDOUT_BUDGET


def secrets_of(action: Action, settings: Settings) -> list[str]:
    """Every secret an action's delivery could leak into an error text (for ``redact.mask``)."""
    import os

    out: list[str] = []
    if isinstance(action, WebhookAction):
        out += list(action.headers.values()) + url_secrets(action.url)
        out += [action.secret or "", os.environ.get(action.secret_env or "", "")]
    elif isinstance(action, EmailAction):
        s = settings.smtp
        out += [s.password or "", os.environ.get(s.password_env, "")]
    return [v for v in out if v]


__all__ = [
    "Channel",
    "DeliveryResult",
    "VSCodeSink",
    "delivery_budget",
    "make_channel",
    "secrets_of",
]
