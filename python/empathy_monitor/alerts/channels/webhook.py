"""The webhook channel: JSON POST over stdlib ``http.client``, pinned to an address we checked.

SSRF defence is ``addresses.py``: every resolved address is classified and the connection is made
to the one checked (the peer is checked again after connecting). Redirects are never followed.
Retries (backoff with jitter) only on connection errors, 429 (``Retry-After`` honoured) and
500/502/503/504.

Time is bounded twice. ``timeout_seconds`` bounds one whole attempt — connect, send and read —
not each socket operation (a server dripping a byte every 0.4 s used to stretch a 1 s timeout
to 90 s): a timer shuts the socket down at the deadline. ``budget_seconds`` bounds all attempts
and waits of one notification; what is left over goes back to the outbox, retried later.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import hmac
import http.client
import json
import os
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ...redact import redact_url
from ..notification import Notification
from ..rules import WebhookAction
from . import DeliveryResult
from .addresses import BlockedAddress as BlockedAddress  # re-exported (callers, tests)
from .addresses import PinnedHTTPConnection, PinnedHTTPSConnection
from .addresses import classify as classify  # re-exported (callers, tests)
from .addresses import resolve_checked as resolve_checked  # re-exported (tests)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
USER_AGENT = "empathy-monitor-alerts/1"


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, dt.timestamp() - now)


def _fill(template: Any, ctx: dict[str, Any]) -> Any:
    """Format every string in a payload template; a lone ``{value}`` keeps its JSON type."""
    if isinstance(template, str):
        stripped = template.strip()
        if stripped.startswith("{") and stripped.endswith("}") and stripped[1:-1] in ctx:
            v = ctx[stripped[1:-1]]
            return None if isinstance(v, float) and v != v else v
        return template.format(**ctx)
    if isinstance(template, dict):
        return {
            (k.format(**ctx) if isinstance(k, str) else k): _fill(v, ctx)
            for k, v in template.items()
        }
    if isinstance(template, list):
        return [_fill(v, ctx) for v in template]
    return template


_DISCORD_COLOURS = {"critical": 0xE01E5A, "warning": 0xECB22E, "info": 0x36A2EB}


def render_body(action: WebhookAction, note: Notification) -> bytes:
    ctx = note.context()
    body: Any
    if action.payload is not None:
        body = _fill(action.payload, ctx)
        if isinstance(body, str):
            return body.encode()
    elif action.format == "slack":
        body = {"text": note.headline()}
    elif action.format == "discord":
        colour = 0x2EB67D if note.kind == "resolved" else _DISCORD_COLOURS.get(note.severity, 0)
        body = {
            "content": note.headline()[:2000],
            "embeds": [
                {
                    "title": f"{note.rule} ({note.kind})",
                    "description": note.message[:4000],
                    "color": colour,
                    "timestamp": note.iso_time,
                }
            ],
        }
    else:
        body = {"version": 1, "status": note.kind, **note.to_dict()}
    return json.dumps(body, separators=(",", ":"), allow_nan=False, default=str).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    kind = "webhook"

    def __init__(
        self,
        action: WebhookAction,
        allow_private: bool = False,
        sleep: Callable[[float], None] | None = None,
        timeout: float | None = None,
    ) -> None:
        self.action = action
        self.allow_private = allow_private
        self.sleep = sleep or time.sleep
        self.timeout = timeout if timeout is not None else action.timeout_seconds
        self.target = redact_url(action.url)
        self.backoff_base = 0.5
        self.backoff_cap = 30.0

    def _secret(self) -> str | None:
        if self.action.secret_env:
            return os.environ.get(self.action.secret_env) or self.action.secret
        return self.action.secret

    def send(self, note: Notification) -> DeliveryResult:
        body = render_body(self.action, note)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **self.action.headers,
        }
        secret = self._secret()
        if secret:
            headers[self.action.signature_header] = sign(secret, body)
        budget = self.action.budget_seconds
        start = time.monotonic()
        waited = 0.0  # waits count in full even when ``sleep`` returns early (tests, stop)

        def left() -> float:
            return budget - max(time.monotonic() - start, waited)

        tries = 0
        last_error = "not sent"
        for attempt in range(self.action.max_retries + 1):
            tries += 1
            res, wait = self._attempt(body, headers, min(self.timeout, max(left(), 0.05)))
            if res is None:
                return DeliveryResult(True, tries=tries)
            last_error, retry = res
            if retry != "now":
                # "later": not retried at once (the server may have acted on it) but kept.
                return DeliveryResult(False, last_error, retryable=retry == "later", tries=tries)
            if attempt == self.action.max_retries:
                break
            asked = wait
            if wait is None:
                wait = random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))
            if wait > MAX_RETRY_AFTER or wait + min(self.timeout, 1.0) > left():
                why = f"Retry-After {wait:.0f}s" if asked is not None else "delivery budget used"
                return DeliveryResult(
                    False, f"{last_error}; {why}", retryable=True, tries=tries, retry_after=asked
                )
            self.sleep(wait)
            waited = max(time.monotonic() - start, waited + wait)
        return DeliveryResult(False, last_error, retryable=True, tries=tries)

    def _attempt(
        self, body: bytes, headers: dict[str, str], timeout: float
    ) -> tuple[tuple[str, str] | None, float | None]:
        """One POST: (None, None) on success, else ((error, "now"|"later"|"no"), wait seconds).

        The whole attempt ends by ``timeout``: a timer shuts the socket down at the deadline, so
        no server can hold a read open by sending a byte just before each socket timeout.
        """
        parts = urlsplit(self.action.url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            return ("invalid port in URL", "no"), None
        try:
            ips = resolve_checked(host, port, self.allow_private)
        except BlockedAddress as exc:
            return (str(exc), "no"), None
        except OSError as exc:
            return (f"cannot resolve host: {exc}", "now"), None
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn: http.client.HTTPConnection
        cls = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
        conn = cls(host, port, ips[0], timeout)
        expired = threading.Event()

        def _expire() -> None:
            expired.set()
            sock = conn.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(timeout, _expire)
        timer.daemon = True
        timer.start()
        timed_out = (f"timed out after {timeout:g}s", "later")
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read(65536)
            status = resp.status
            if expired.is_set():
                return timed_out, None
            if 200 <= status < 300:
                return None, None
            if 300 <= status < 400:
                return (f"HTTP {status}: redirect not followed", "no"), None
            wait = _retry_after(resp.getheader("Retry-After"), time.time())
            return (f"HTTP {status}", "now" if status in RETRY_STATUSES else "no"), wait
        except BlockedAddress as exc:
            return (str(exc), "no"), None
        except TimeoutError:
            return timed_out, None
        except (ConnectionError, http.client.RemoteDisconnected) as exc:
            if expired.is_set():
                return timed_out, None
            return (f"connection error: {type(exc).__name__}", "now"), None
        except ssl.SSLError as exc:
            if expired.is_set():
                return timed_out, None
            return (f"TLS error: {exc.reason or type(exc).__name__}", "no"), None
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set():
                return timed_out, None
            return (f"connection error: {type(exc).__name__}", "now"), None
        finally:
            timer.cancel()
            conn.close()
