"""Secrets planted in alerts.yaml and the OTel environment never reach an output or a file.

The real CLI runs in subprocesses (alerts trigger, history, history --json, list; otel status,
status --json, export --once) against real servers on 127.0.0.1; every stdout/stderr and every
file written under the temp folder (alerts.db and its WAL, otel_cursor.json, ...) is searched
for each secret. Only alerts.yaml, the input, holds them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
SECRETS = {
    "header": "HDRSECRET-1a2b3c",
    "hmac": "HMACSECRET-4d5e6f",
    "newline": "NLSECRET-7a8b9c",
    "userinfo": "URLPASS-0d1e2f",
    "path": "PATHTOKEN-3a4b5c",
    "smtp": "SMTPPASS-6d7e8f",
    "otel_header": "OTELHDR-9a0b1c",
    "otel_pass": "OTELPASS-2d3e4f",
    "otel_nl": "OTELNL-5a6b7c",
}


@pytest.fixture
def server() -> Iterator[int]:
    class H(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(args: list[str], cwd: Path, **env: str) -> str:
    e = {k: v for k, v in os.environ.items() if "OTEL" not in k}
    e["PYTHONPATH"] = str(REPO / "python")
    e.update(env)
    p = subprocess.run(
        [sys.executable, "-m", "empathy_monitor", *args],
        cwd=cwd, env=e, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return f"$ {' '.join(args)} -> {p.returncode}\n{p.stdout}\n{p.stderr}"


def leaks(text: str) -> list[str]:
    return [k for k, s in SECRETS.items() if s in text]


def test_no_secret_in_any_output_or_file(tmp_path: Path, server: int) -> None:
    d = tmp_path / ".empathy"
    d.mkdir()
    smtp_port = closed_port()
    (d / "alerts.yaml").write_text(f"""\
settings:
  allow_private_network: true
  smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none, username: u,
          password: {SECRETS["smtp"]}, timeout_seconds: 2}}
alerts:
  - name: hook
    condition: {{metric: cost, threshold: 1}}
    actions:
      - type: webhook
        url: "http://alice:{SECRETS["userinfo"]}@127.0.0.1:{server}/hooks/{SECRETS["path"]}"
        headers: {{Authorization: "Bearer {SECRETS["header"]}"}}
        secret: {SECRETS["hmac"]}
        max_retries: 1
        timeout_seconds: 2
      - type: email
        to: [ops@example.com]
  - name: badheader
    condition: {{metric: cost, threshold: 1}}
    actions:
      - type: webhook
        url: http://127.0.0.1:{server}/x
        headers: {{X-Api-Key: "{SECRETS["newline"]}\\n"}}
""")
    outs = [
        cli(["alerts", "trigger", "--test", "--rule", "hook", "--dir", str(d)], tmp_path),
        cli(["alerts", "trigger", "--test", "--rule", "badheader", "--dir", str(d)], tmp_path),
        cli(["alerts", "history", "--dir", str(d)], tmp_path),
        cli(["alerts", "history", "--json", "--dir", str(d)], tmp_path),
        cli(["alerts", "list", "--dir", str(d)], tmp_path),
        cli(["alerts", "list", "--json", "--dir", str(d)], tmp_path),
    ]
    bad_port = f"http://bob:{SECRETS['otel_pass']}@127.0.0.1:badport"
    no_eq = f"Bearer {SECRETS['otel_header']}"
    nl = f"x-api-key={SECRETS['otel_nl']}%0A"
    down = f"http://127.0.0.1:{closed_port()}"
    good = f"x-api-key={SECRETS['otel_header']}"
    for env in (
        {"EMPATHY_OTEL_ENDPOINT": bad_port},
        {"EMPATHY_OTEL_ENDPOINT": down, "OTEL_EXPORTER_OTLP_HEADERS": no_eq},
        {"EMPATHY_OTEL_ENDPOINT": down, "OTEL_EXPORTER_OTLP_HEADERS": nl},
        {"EMPATHY_OTEL_ENDPOINT": down, "OTEL_EXPORTER_OTLP_HEADERS": good,
         "EMPATHY_OTEL_TIMEOUT": "1", "EMPATHY_OTEL_PROTOCOL": "http/protobuf"},
    ):  # fmt: skip
        for args in (
            ["otel", "status"],
            ["otel", "status", "--json"],
            ["otel", "export", "--once"],
        ):
            outs.append(cli([*args, "--dir", str(d)], tmp_path, **env))
    text = "\n".join(outs)
    # the runs did what they should: failures named, header named, nothing shown
    assert "HTTP 500" in text, text
    assert "header 'X-Api-Key' has a line break" in text, text
    assert "OTEL_EXPORTER_OTLP_HEADERS: entry 1 is not key=value" in text, text
    assert "header 'x-api-key' has a line break" in text, text
    assert "badport" in text and "***@127.0.0.1" in text, text
    assert leaks(text) == [], text
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "alerts.yaml"]
    assert any(p.name == "alerts.db" for p in files)
    assert any(p.name == "otel_cursor.json" for p in files)
    for p in files:
        data = p.read_bytes().decode("latin-1")
        assert leaks(data) == [], p
