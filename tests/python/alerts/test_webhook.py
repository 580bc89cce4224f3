"""Webhook delivery against a real HTTP server on 127.0.0.1, and SSRF refusals."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from empathy_monitor.alerts.channels.webhook import (
    BlockedAddress,
    WebhookChannel,
    classify,
    resolve_checked,
)
from empathy_monitor.alerts.notification import Notification
from empathy_monitor.alerts.rules import WebhookAction


class Server:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict[str, str]]] = []  # responses to give, in order
        self.delay = 0.0
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                if outer.delay:
                    threading.Event().wait(outer.delay)
                status, headers = outer.script.pop(0) if outer.script else (200, {})
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook/SECRET-TOKEN"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


NOTE = Notification(
    rule="Daily budget",
    kind="firing",
    severity="critical",
    metric="daily_cost",
    value=12.3456,
    threshold=10.0,
    operator="gt",
    window="today",
    message="daily_cost $12.35 > $10.00",
    fingerprint="abcd" * 4,
    timestamp=1_800_000_000.0,
    labels={"workflow_name": "review"},
)


def channel(
    url: str, sleeps: list[float] | None = None, allow: bool = True, **kw: Any
) -> WebhookChannel:
    action = WebhookAction.model_validate({"type": "webhook", "url": url, **kw})
    rec = sleeps if sleeps is not None else []
    return WebhookChannel(action, allow_private=allow, sleep=rec.append)


def test_posts_json_with_template_and_signature(server: Server) -> None:
    ch = channel(
        server.url,
        secret="s3cret",
        payload={
            "text": "{rule}: {value:.2f} (> {threshold})",
            "v": "{value}",
            "wf": "{workflow_name}",
        },
    )
    res = ch.send(NOTE)
    assert res.delivered, res.error
    req = server.requests[0]
    body = req["body"]
    assert json.loads(body) == {
        "text": "Daily budget: 12.35 (> 10.0)",
        "v": 12.3456,
        "wf": "review",
    }
    expect = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert req["headers"]["X-Empathy-Signature"] == expect
    assert req["path"] == "/hook/SECRET-TOKEN"
    assert "SECRET-TOKEN" not in ch.target  # the audit/log target is redacted


def test_slack_and_discord_shapes(server: Server) -> None:
    assert channel(server.url, format="slack").send(NOTE).delivered
    assert channel(server.url, format="discord").send(NOTE).delivered
    slack = json.loads(server.requests[0]["body"])
    discord = json.loads(server.requests[1]["body"])
    assert slack["text"].startswith("[FIRING] Daily budget")
    assert discord["content"].startswith("[FIRING]") and discord["embeds"][0]["title"]


def test_retries_503_with_backoff(server: Server) -> None:
    server.script = [(503, {}), (503, {}), (200, {})]
    sleeps: list[float] = []
    res = channel(server.url, sleeps).send(NOTE)
    assert res.delivered and res.tries == 3
    assert len(server.requests) == 3 and len(sleeps) == 2
    assert all(0 <= s <= 30 for s in sleeps)


def test_honours_retry_after_on_429(server: Server) -> None:
    server.script = [(429, {"Retry-After": "7"}), (200, {})]
    sleeps: list[float] = []
    assert channel(server.url, sleeps).send(NOTE).delivered
    assert sleeps == [7.0]


def test_no_retry_on_400_and_gives_up_after_max(server: Server) -> None:
    server.script = [(400, {})]
    res = channel(server.url).send(NOTE)
    assert not res.delivered and not res.retryable and len(server.requests) == 1
    server.requests.clear()
    server.script = [(502, {})] * 5
    res = channel(server.url, max_retries=2).send(NOTE)
    assert not res.delivered and res.retryable and len(server.requests) == 3


def test_redirect_not_followed(server: Server) -> None:
    server.script = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})]
    res = channel(server.url).send(NOTE)
    assert not res.delivered and "redirect not followed" in (res.error or "")
    assert len(server.requests) == 1


def test_timeout(server: Server) -> None:
    server.delay = 1.0
    ch = channel(server.url)
    ch.timeout = 0.2
    res = ch.send(NOTE)
    assert not res.delivered and "timed out" in (res.error or "")
    assert res.retryable and len(server.requests) == 1  # kept for later, not hammered


def test_connection_refused_is_retried() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    sleeps: list[float] = []
    res = channel(f"http://127.0.0.1:{port}/x", sleeps, max_retries=2).send(NOTE)
    assert not res.delivered and res.retryable and res.tries == 3 and len(sleeps) == 2


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254",
        "2852039166",
        "0xa9fea9fe",
        "0251.0376.0251.0376",
        "[::ffff:169.254.169.254]",
        "[fe80::1]",
        "169.254.1.1",
        "metadata.google.internal",
        "100.100.100.200",
    ],
)
def test_metadata_and_link_local_always_refused(host: str) -> None:
    # allow_private_network does not unlock these; nothing is ever connected to.
    res = channel(f"http://{host}/latest/meta-data/", allow=True).send(NOTE)
    assert not res.delivered and not res.retryable
    assert "refused" in (res.error or "") or "metadata" in (res.error or "")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "10.1.2.3",
        "192.168.1.1",
        "[::1]",
        "2130706433",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
    ],
)
def test_private_and_loopback_refused_by_default(host: str) -> None:
    res = channel(f"http://{host}:9/x", allow=False).send(NOTE)
    assert not res.delivered and not res.retryable
    assert "refused" in (res.error or "")


def test_dns_name_resolving_to_private_address_refused() -> None:
    with pytest.raises(BlockedAddress, match=r"localhost -> 127\.0\.0\.1|localhost -> ::1"):
        resolve_checked("localhost", 80, allow_private=False)
    assert resolve_checked("localhost", 80, allow_private=True)


def test_classify() -> None:
    import ipaddress as ip

    assert classify(ip.ip_address("8.8.8.8"), False) is None
    assert classify(ip.ip_address("::ffff:169.254.169.254"), True) is not None
    assert classify(ip.ip_address("64:ff9b::a9fe:a9fe"), True) is not None
    assert classify(ip.ip_address("fd00:ec2::254"), True) is not None
    assert classify(ip.ip_address("127.0.0.1"), True) is None
