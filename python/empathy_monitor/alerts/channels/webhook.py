"""The webhook channel: JSON POST over stdlib ``http.client``, pinned to an address we checked.

SSRF defence: the host is resolved once, every resolved address is classified (IPv4-mapped and
other embedded IPv4 forms unwrapped; ``2852039166`` / ``0xa9fea9fe`` spellings are resolved by
``getaddrinfo`` to the address they mean), and the connection is made to that exact address — the
peer address is checked again after connecting, so DNS rebinding cannot swap it. Link-local and
cloud-metadata addresses are always refused; private, loopback and other internal ranges unless
``settings.allow_private_network`` is true. Redirects are never followed. Retries (backoff with
jitter) only on connection errors, 429 (``Retry-After`` honoured) and 500/502/503/504.

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
import ipaddress
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

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_IPS = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.253",  # AWS DNS
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
        "fd00:ec2::254",  # AWS IMDS over IPv6
    )
)
METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata", "instance-data", "metadata.azure.internal"}
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
USER_AGENT = "empathy-monitor-alerts/1"


class BlockedAddress(Exception):
    """The URL resolves to an address we will not connect to."""


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv6 one (mapped, compatible, 6to4, NAT64), if any."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
            return ipaddress.IPv4Address(int(ip))
    return ip


def classify(ip: IPAddress, allow_private: bool) -> str | None:
    """Why this address is refused, or None when it may be connected to.

    An IPv6 address that wraps an IPv4 one (``::ffff:127.0.0.1``) is judged by the address it
    wraps — the wrapper ranges (``::/8``) are "reserved", which said nothing about the host and
    used to refuse ``[::ffff:127.0.0.1]`` even with ``allow_private_network``. Loopback is judged
    before "reserved" for the same reason (``::1`` sits in ``::/8``).
    """
    inner = _unwrap(ip)
    for a in {ip, inner}:
        if a in METADATA_IPS:
            return f"{a} is a cloud metadata address"
        if a.is_link_local:
            return f"{a} is link-local"
    a = inner
    if a.is_loopback:
        if allow_private:
            return None
        return f"{a} is a loopback address (set settings.allow_private_network: true)"
    if a.is_multicast or a.is_unspecified or a.is_reserved:
        return f"{a} is not a unicast host address"
    if isinstance(a, ipaddress.IPv4Address) and a in ipaddress.ip_network("0.0.0.0/8"):
        return f"{a} is not a unicast host address"
    if allow_private:
        return None
    if a.is_private or (
        isinstance(a, ipaddress.IPv4Address) and a in ipaddress.ip_network("100.64.0.0/10")
    ):
        return f"{a} is a private address (set settings.allow_private_network: true)"
    if not a.is_global:
        return f"{a} is not a public address (set settings.allow_private_network: true)"
    return None


def resolve_checked(host: str, port: int, allow_private: bool) -> list[IPAddress]:
    """Resolve ``host`` and return its acceptable addresses.

    Raises:
        BlockedAddress: when any resolved address is refused (all must pass: a name that also
            resolves to an internal address is suspicious).
        OSError: when the name does not resolve.
    """
    h = host.strip("[]").rstrip(".").lower()
    if h in METADATA_HOSTS:
        raise BlockedAddress(f"{host} is a cloud metadata host name")
    infos = socket.getaddrinfo(h, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    out: list[IPAddress] = []
    for info in infos:
        addr = str(info[4][0]).split("%", 1)[0]
        ip = ipaddress.ip_address(addr)
        why = classify(ip, allow_private)
        if why is not None:
            shown = host if ipaddress.ip_address(addr).compressed == h else f"{host} -> {ip}"
            raise BlockedAddress(f"refused {shown}: {why}")
        if ip not in out:
            out.append(ip)
    if not out:
        raise OSError(f"{host} did not resolve")
    return out


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a given IP while keeping the URL's host for the Host header."""

    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._ip), self.port), self.timeout)
        _check_peer(self.sock, self._ip)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip
        self._ctx = ssl.create_default_context()

    def connect(self) -> None:
        raw = socket.create_connection((str(self._ip), self.port), self.timeout)
        _check_peer(raw, self._ip)
        self.sock = self._ctx.wrap_socket(raw, server_hostname=self.host)


def _check_peer(sock: socket.socket, ip: IPAddress) -> None:
    peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
    if _unwrap(peer) != _unwrap(ip):
        sock.close()
        raise BlockedAddress(f"connected to {peer}, not the checked address {ip}")


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
        cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
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
