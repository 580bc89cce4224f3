"""OTLP/HTTP on loopback: decode, map to calls, append them through ``TelemetryStore``.

``POST /v1/traces``, ``/v1/logs`` and ``/v1/metrics`` with ``application/x-protobuf`` or
``application/json`` bodies (optionally gzip), as every OpenTelemetry SDK and the agents send them.
The server binds 127.0.0.1 / ::1 only and refuses other addresses; bodies are capped before and
after decompression; a bad payload gets HTTP 400 with the reason and is counted. Calls go to one
file per source (``llm_calls-<source>.jsonl``) in the telemetry folder, so the normal reader picks
them up like any other call file. Requests are handled one at a time (appends stay in order) on a
background thread; ``stop()`` ends it.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from ..store import TelemetryStore
from . import events, mapping
from .payload import MAX_BODY, PATHS, PayloadError, decode, decompress

__all__ = ["MAX_BODY", "PayloadError", "Receiver", "Stats", "decode", "loopback_only"]

log = logging.getLogger(__name__)


def loopback_only(host: str) -> str:
    """``host`` if it is a loopback address; refuses anything else (no LAN exposure)."""
    h = host.strip("[]")
    if h == "localhost":
        return "127.0.0.1"
    try:
        ip = ipaddress.ip_address(h)
    except ValueError as exc:
        raise ValueError(f"bind address must be 127.0.0.1 or ::1, not {host!r}") from exc
    if not ip.is_loopback:
        raise ValueError(f"bind address must be a loopback address (127.0.0.1 or ::1), not {host}")
    return h


@dataclass
class Stats:
    """What the receiver has done since it started (shown in health and ``sources``)."""

    requests: int = 0
    accepted_items: int = 0
    calls_written: int = 0
    dropped_own: int = 0
    bad_payloads: int = 0
    last_error: str | None = None
    by_source: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "accepted_items": self.accepted_items,
                "calls_written": self.calls_written,
                "dropped_own": self.dropped_own,
                "bad_payloads": self.bad_payloads,
                "last_error": self.last_error,
                "by_source": dict(self.by_source),
            }


class Receiver:
    """A running OTLP/HTTP receiver writing into ``directory``."""

    def __init__(
        self,
        directory: Path,
        host: str = "127.0.0.1",
        port: int = 4318,
        own_service: str = "empathy-telemetry",
    ) -> None:
        self.directory = Path(directory)
        self.own_service = own_service
        self.stats = Stats()
        self._httpd = _Server((loopback_only(host), port), _Handler, self)
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> Receiver:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="otlp-receiver", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for a serve_forever that must be running
            self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def handle(self, path: str, body: bytes, content_type: str, encoding: str) -> mapping.Mapped:
        """Decode, map and store one request (raises PayloadError for a bad payload)."""
        raw = decompress(body, encoding)
        msg = decode(path, raw, content_type)
        out = mapping.Mapped()
        if path == "/v1/traces":
            mapping.span_calls(msg, self.own_service, out)
        elif path == "/v1/logs":
            events.log_calls(msg, self.own_service, out)
        else:
            mapping.metric_points(msg, out)
        self._store(out.calls)
        with self.stats.lock:
            self.stats.requests += 1
            self.stats.accepted_items += out.items
            self.stats.dropped_own += out.dropped_own
            self.stats.calls_written += len(out.calls)
            for c in out.calls:
                s = c["metadata"]["source"]
                self.stats.by_source[s] = self.stats.by_source.get(s, 0) + 1
        return out

    def _store(self, calls: list[dict[str, Any]]) -> None:
        by_source: dict[str, list[dict[str, Any]]] = {}
        for c in calls:
            by_source.setdefault(c["metadata"]["source"], []).append(c)
        for source, recs in by_source.items():
            TelemetryStore(self.directory).log_calls(recs, file_name=f"llm_calls-{source}.jsonl")

    def bad(self, reason: str) -> None:
        with self.stats.lock:
            self.stats.requests += 1
            self.stats.bad_payloads += 1
            self.stats.last_error = reason


class _Server(HTTPServer):
    def __init__(
        self, addr: tuple[str, int], handler: type[BaseHTTPRequestHandler], rx: Receiver
    ) -> None:
        import socket

        self.address_family = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
        self.receiver = rx
        super().__init__(addr, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("otlp receiver: " + format, *args)

    def _reply(self, code: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: int, reason: str) -> None:
        self.server.receiver.bad(reason)
        log.warning("otlp receiver: %s %s: %s", code, self.path, reason)
        self._reply(code, json.dumps({"code": 3, "message": reason}).encode())

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in PATHS:
            self._drain()
            self._error(404, f"unknown path {path!r} (one of {', '.join(PATHS)})")
            return
        length = self.headers.get("Content-Length")
        try:
            n = int(length) if length is not None else -1
        except ValueError:
            n = -1
        if n < 0:
            self.close_connection = True
            self._error(411, "Content-Length required")
            return
        if n > MAX_BODY:
            # Read (and drop) a moderately oversized body so the client sees the 413 instead of
            # a broken pipe; past that, close without reading.
            if n <= 4 * MAX_BODY:
                left = n
                while left > 0 and (chunk := self.rfile.read(min(left, 1 << 20))):
                    left -= len(chunk)
            self.close_connection = True
            self._error(413, f"body of {n} bytes is larger than {MAX_BODY}")
            return
        body = self.rfile.read(n)
        try:
            t0 = time.perf_counter()
            out = self.server.receiver.handle(
                path,
                body,
                self.headers.get("Content-Type", ""),
                self.headers.get("Content-Encoding", ""),
            )
            log.debug("otlp receiver: %s: %d items, %d calls in %.1f ms", path, out.items, len(out.calls),
                      (time.perf_counter() - t0) * 1e3)  # fmt: skip
        except PayloadError as exc:
            self._error(400, str(exc))
            return
        except OSError as exc:
            self._error(503, f"could not store the calls: {exc.strerror or exc}")
            return
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            self._reply(200, b"{}")
        else:
            self._reply(200, b"", "application/x-protobuf")

    def _drain(self) -> None:
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = 0
        if 0 < n <= MAX_BODY:
            self.rfile.read(n)
        else:
            self.close_connection = True

    def do_GET(self) -> None:
        self._reply(405, b'{"message":"POST OTLP/HTTP to /v1/traces, /v1/logs or /v1/metrics"}')
