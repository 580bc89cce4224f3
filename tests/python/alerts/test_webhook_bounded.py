"""Webhook time is bounded per attempt and per notification; delivery never blocks the watcher.

Real servers on 127.0.0.1: one that drips a byte every 0.4 s (a per-socket-operation timeout
never fires), one that answers 503/500; a real ``empathy alerts watch`` process is SIGTERMed and
``kill -9``ed mid-delivery.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alert_helpers import NOW, append, call, write_rules
from test_webhook import NOTE, Server, channel

from empathy_monitor.alerts.engine import AlertEngine
from empathy_monitor.alerts.outbox import LEASE_MARGIN
from empathy_monitor.alerts.state import AlertStore

REPO = Path(__file__).resolve().parents[3]


class Drip:
    """Accepts, reads the request, then sends one byte of a response every 0.4 s."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.requests: list[float] = []
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                self.requests.append(time.time())
                for b in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10000:
                    if self.stop.wait(0.4):
                        return
                    conn.sendall(bytes([b]))
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def drip() -> Iterator[Drip]:
    d = Drip()
    yield d
    d.close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def test_timeout_bounds_the_whole_attempt_against_a_drip(drip: Drip) -> None:
    ch = channel(drip.url, timeout_seconds=1, max_retries=3)
    t0 = time.monotonic()
    res = ch.send(NOTE)
    took = time.monotonic() - t0
    assert not res.delivered and "timed out after 1s" in (res.error or "")
    assert res.retryable  # kept in the outbox for later
    assert took < 1.8, took
    assert len(drip.requests) == 1


def test_budget_bounds_all_retries_of_a_notification(server: Server) -> None:
    server.script = [(503, {})] * 11
    action_kw = {"timeout_seconds": 1, "max_retries": 10, "budget_seconds": 2}
    ch = channel(server.url, **action_kw)
    ch.sleep = time.sleep  # real waits
    ch.backoff_base = 0.4
    t0 = time.monotonic()
    res = ch.send(NOTE)
    took = time.monotonic() - t0
    assert not res.delivered and res.retryable
    assert took < 3.0, took
    assert "HTTP 503" in (res.error or "") and len(server.requests) < 11


def test_http_500_is_retried_like_502_to_504(server: Server) -> None:
    server.script = [(500, {}), (200, {})]
    sleeps: list[float] = []
    res = channel(server.url, sleeps).send(NOTE)
    assert res.delivered and res.tries == 2 and len(sleeps) == 1


def test_retry_after_beyond_the_budget_schedules_the_outbox_row(tdir: Path, server: Server) -> None:
    server.script = [(503, {"Retry-After": "900"})]
    write_rules(
        tdir,
        f"""\
settings: {{allow_private_network: true}}
alerts:
  - name: r
    condition: {{metric: cost, threshold: 1}}
    actions: [{{type: webhook, url: "{server.url}", max_retries: 3}}]
""",
    )
    e = AlertEngine(tdir, clock=lambda: NOW)
    (rep,) = e.trigger_test("r")
    assert not rep.delivered and "Retry-After 900s" in (rep.error or "")
    assert len(server.requests) == 1  # not slept on, not hammered
    row = e.store._conn.execute("SELECT next_attempt, status FROM outbox").fetchone()
    assert row == (NOW + 900, "pending")
    e.close()


RULES = """\
settings: {{allow_private_network: true}}
alerts:
  - name: slow
    condition: {{metric: cost, threshold: 0.5, window: 7d}}
    cooldown_minutes: 60
    actions:
      - {{type: webhook, url: "{url}", timeout_seconds: 30, budget_seconds: {budget}}}
  - name: other
    condition: {{metric: cost, threshold: 1000, window: 7d}}
    actions: [stdout]
"""


def live(cost: float) -> dict[str, object]:
    return call(NOW - time.time() + 1, estimated_cost=cost)  # timestamped now


def start_watch(tdir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    return subprocess.Popen(
        [sys.executable, "-m", "empathy_monitor", "alerts", "watch", "--dir", str(tdir),
         "--interval", "300", "--tz", "UTC"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def wait_until(pred: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def other_value(tdir: Path) -> float | None:
    s = AlertStore(tdir / "alerts.db")
    try:
        st = s.states().get("other")
        return None if st is None else st.last_value
    finally:
        s.close()


def test_sigterm_during_a_slow_delivery_exits_promptly_and_evaluation_goes_on(
    tdir: Path, drip: Drip
) -> None:
    append(tdir, [live(1.0)])
    write_rules(tdir, RULES.format(url=drip.url, budget=60))
    proc = start_watch(tdir)
    try:
        assert wait_until(lambda: drip.requests, 20), "the webhook was never called"
        first = other_value(tdir)
        append(tdir, [live(2.0)])  # evaluation goes on while the webhook drips
        assert wait_until(lambda: other_value(tdir) not in (None, first), 5), other_value(tdir)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=10)
        took = time.monotonic() - t0
        # the delivery budget is 60 s: exiting within a few seconds means SIGTERM cut it short
        assert rc == 0 and took < 8.0, took
        assert not (tdir / "alerts-watch.pid").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kill_9_mid_delivery_row_is_retried_soon_after_its_budget(tdir: Path, drip: Drip) -> None:
    budget = 20
    append(tdir, [live(1.0)])
    write_rules(tdir, RULES.format(url=drip.url, budget=budget))
    proc = start_watch(tdir)
    try:
        assert wait_until(lambda: drip.requests, 20), "the webhook was never called"
        claimed_at = drip.requests[0]
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    s = AlertStore(tdir / "alerts.db")
    (until,) = s._conn.execute(
        "SELECT claimed_until FROM outbox WHERE status='pending' AND rule='slow'"
    ).fetchone()
    lease = until - claimed_at
    assert budget < lease <= budget + LEASE_MARGIN + 1.0, lease
    assert s.claim_due(claimed_at + budget - 1, {"webhook"}) == []  # a live delivery: not taken
    again = s.claim_due(until + 0.01, {"webhook"})
    assert [i.rule for i in again] == ["slow"]  # soon after the budget: retried
    s.close()
    # the pid file left by kill -9 is recognised as stale
    out = subprocess.run(
        [sys.executable, "-m", "empathy_monitor", "alerts", "stop", "--dir", str(tdir)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO / "python")},
        timeout=30,
    )  # fmt: skip
    assert out.stdout.strip() == "no watcher running"
    assert not (tdir / "alerts-watch.pid").exists()


def test_stale_pid_file_naming_another_process_is_not_signalled(tdir: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tdir.mkdir(parents=True, exist_ok=True)
        (tdir / "alerts-watch.pid").write_text(str(other.pid))
        from empathy_monitor.alerts.watch import stop_watcher

        assert stop_watcher(tdir) is None
        time.sleep(0.2)
        assert other.poll() is None  # not killed
        assert not (tdir / "alerts-watch.pid").exists()
    finally:
        other.kill()
        other.wait()
