"""``allow_private_network: true`` reaches IPv6 loopback and IPv4-mapped loopback; metadata never.

Real servers: one bound on ``::1`` (this machine has IPv6 loopback; the test checks and fails
loudly rather than skipping if it ever does not), one on 127.0.0.1 reached as ``[::ffff:127.0.0.1]``.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from empathy_monitor.alerts.channels.webhook import WebhookChannel, classify
from empathy_monitor.alerts.notification import Notification
from empathy_monitor.alerts.rules import WebhookAction

NOTE = Notification(
    rule="r",
    kind="firing",
    severity="warning",
    metric="cost",
    value=2.0,
    threshold=1.0,
    operator="gt",
    window="1h",
    message="cost $2.00 > $1.00",
    fingerprint="0" * 16,
    timestamp=1_800_000_000.0,
)


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _serve(family: int, host: str) -> Iterator[tuple[int, list[str]]]:
    got: list[str] = []

    class H(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append(self.client_address[0])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a: Any) -> None:
            pass

    cls = _V6Server if family == socket.AF_INET6 else ThreadingHTTPServer
    httpd = cls((host, 0), H)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield httpd.server_address[1], got
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def v6_server() -> Iterator[tuple[int, list[str]]]:
    assert socket.has_ipv6
    yield from _serve(socket.AF_INET6, "::1")


@pytest.fixture
def v4_server() -> Iterator[tuple[int, list[str]]]:
    yield from _serve(socket.AF_INET, "127.0.0.1")


def _send(url: str, allow: bool) -> Any:
    action = WebhookAction.model_validate({"type": "webhook", "url": url, "max_retries": 0})
    return WebhookChannel(action, allow_private=allow, sleep=lambda _s: None).send(NOTE)


def test_ipv6_loopback_delivered_when_private_network_allowed(
    v6_server: tuple[int, list[str]],
) -> None:
    port, got = v6_server
    res = _send(f"http://[::1]:{port}/hook", allow=True)
    assert res.delivered, res.error
    assert got == ["::1"]
    refused = _send(f"http://[::1]:{port}/hook", allow=False)
    assert not refused.delivered and "loopback" in (refused.error or "")
    assert got == ["::1"]


def test_ipv4_mapped_loopback_delivered_when_private_network_allowed(
    v4_server: tuple[int, list[str]],
) -> None:
    port, got = v4_server
    res = _send(f"http://[::ffff:127.0.0.1]:{port}/hook", allow=True)
    assert res.delivered, res.error
    assert len(got) == 1
    refused = _send(f"http://[::ffff:127.0.0.1]:{port}/hook", allow=False)
    assert not refused.delivered and "loopback" in (refused.error or "")


@pytest.mark.parametrize(
    "addr",
    [
        "169.254.169.254",
        "::ffff:169.254.169.254",
        "fd00:ec2::254",
        "64:ff9b::a9fe:a9fe",
        "169.254.170.2",
        "100.100.100.200",
        "fe80::1",
        "::ffff:169.254.1.1",
    ],
)
def test_metadata_and_link_local_refused_even_when_allowed(addr: str) -> None:
    assert classify(ipaddress.ip_address(addr), True) is not None


@pytest.mark.parametrize("addr", ["::1", "::ffff:127.0.0.1", "127.0.0.2", "::ffff:10.0.0.1"])
def test_loopback_and_private_policy(addr: str) -> None:
    ip = ipaddress.ip_address(addr)
    assert classify(ip, True) is None
    assert classify(ip, False) is not None
