"""Alert state and history in ``.empathy/alerts.db`` (SQLite, WAL).

Three tables:
* ``rule_state``: per rule, pending-since, firing-since, last notified (cooldown), last value;
* ``outbox``: one row per (notification, action) until delivered or given up, so an alert that
  fired while a channel was down is delivered after a restart instead of being lost;
* ``attempts``: the audit trail, one row per delivery attempt (value, threshold, channel, result).

State changes and their outbox rows are written in one transaction; several processes (the
sidecar and ``alerts watch``) may share the file: outbox rows are claimed atomically.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .notification import Notification

SCHEMA = """
CREATE TABLE IF NOT EXISTS rule_state (
    rule TEXT PRIMARY KEY,
    status TEXT NOT NULL DEFAULT 'ok',
    pending_since REAL,
    firing_since REAL,
    last_notified REAL,
    last_value REAL,
    last_samples INTEGER,
    last_eval REAL,
    fingerprint TEXT,
    labels TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    rule TEXT NOT NULL,
    kind TEXT NOT NULL,
    action_index INTEGER NOT NULL,
    channel TEXT NOT NULL,
    notification TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL,
    claimed_until REAL NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    outbox_id INTEGER,
    rule TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    value REAL,
    threshold REAL,
    delivered INTEGER NOT NULL,
    error TEXT,
    tries INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS budget_levels (
    budget TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    level REAL NOT NULL,
    fired_at REAL NOT NULL,
    PRIMARY KEY (budget, period_start, level)
);
"""

MAX_OUTBOX_ATTEMPTS = 8  # then the row is given up and reported as a failing channel
OUTBOX_BACKOFF = (30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
# A claim outlives the delivery it covers (so a live delivery is never claimed twice) and ends
# soon after it (so a row whose deliverer was killed is retried): delivery budget + this margin.
LEASE_MARGIN = 15.0
CLAIM_SECONDS = 60.0 + LEASE_MARGIN  # when the caller gives no per-row budget


@dataclass
class RuleState:
    rule: str
    status: str = "ok"  # ok | pending | firing
    pending_since: float | None = None
    firing_since: float | None = None
    last_notified: float | None = None
    last_value: float | None = None
    last_samples: int | None = None
    last_eval: float | None = None
    fingerprint: str | None = None
    labels: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status,
            "pending_since": self.pending_since,
            "firing_since": self.firing_since,
            "last_notified": self.last_notified,
            "last_value": self.last_value,
            "last_samples": self.last_samples,
            "last_eval": self.last_eval,
            "fingerprint": self.fingerprint,
            "labels": self.labels or {},
        }


@dataclass
class OutboxItem:
    id: int
    rule: str
    kind: str
    action_index: int
    channel: str
    notification: Notification
    attempts: int


class AlertStore:
    """The SQLite file. Creating one creates the file: only do so when alerts are opted in."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            str(self.path), timeout=10.0, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)
        self._owner = f"{os.getpid()}:{id(self)}"
        # The sidecar evaluates on its loop thread and delivers in a worker: one connection,
        # so every transaction holds this lock.
        self.lock = threading.RLock()

    def close(self) -> None:
        self._conn.close()

    # -- rule state -------------------------------------------------------------------------
    def states(self) -> dict[str, RuleState]:
        rows = self._conn.execute(
            "SELECT rule, status, pending_since, firing_since, last_notified, last_value,"
            " last_samples, last_eval, fingerprint, labels FROM rule_state"
        ).fetchall()
        out: dict[str, RuleState] = {}
        for r in rows:
            out[r[0]] = RuleState(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                json.loads(r[9]) if r[9] else None,
            )
        return out

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the write lock while reading states and deciding (two processes, one decision)."""
        c = self._conn
        with self.lock:
            c.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")

    def save_states(self, states: list[RuleState]) -> None:
        self._conn.executemany(
            "INSERT INTO rule_state (rule, status, pending_since, firing_since, last_notified,"
            " last_value, last_samples, last_eval, fingerprint, labels)"
            " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(rule) DO UPDATE SET"
            " status=excluded.status, pending_since=excluded.pending_since,"
            " firing_since=excluded.firing_since, last_notified=excluded.last_notified,"
            " last_value=excluded.last_value, last_samples=excluded.last_samples,"
            " last_eval=excluded.last_eval, fingerprint=excluded.fingerprint,"
            " labels=excluded.labels",
            [
                (
                    s.rule,
                    s.status,
                    s.pending_since,
                    s.firing_since,
                    s.last_notified,
                    s.last_value,
                    s.last_samples,
                    s.last_eval,
                    s.fingerprint,
                    json.dumps(s.labels) if s.labels else None,
                )
                for s in states
            ],
        )

    # -- budget levels (budgets/monitor.py) ---------------------------------------------------
    def claim_budget_level(self, budget: str, period_start: int, level: float, now: float) -> bool:
        """Mark a level fired for a period; False when it already was (call inside
        :meth:`transaction`, with the enqueue of its notification: the unique key decides)."""
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO budget_levels (budget, period_start, level, fired_at)"
            " VALUES (?,?,?,?)",
            (budget, int(period_start), float(level), now),
        )
        return cur.rowcount == 1

    def budget_levels(self, budget: str, period_start: int) -> dict[float, float]:
        """level percent -> when it fired, for one budget's period."""
        rows = self._conn.execute(
            "SELECT level, fired_at FROM budget_levels WHERE budget=? AND period_start=?",
            (budget, int(period_start)),
        ).fetchall()
        return {float(r[0]): float(r[1]) for r in rows}

    # -- outbox -----------------------------------------------------------------------------
    def enqueue(self, note: Notification, action_index: int, channel: str, now: float) -> None:
        self._conn.execute(
            "INSERT INTO outbox (created, rule, kind, action_index, channel, notification,"
            " next_attempt) VALUES (?,?,?,?,?,?,?)",
            (now, note.rule, note.kind, action_index, channel, json.dumps(note.to_dict()), now),
        )

    def claim_due(
        self,
        now: float,
        channels: set[str] | None = None,
        limit: int = 100,
        budget: Callable[[str, int], float] | None = None,
    ) -> list[OutboxItem]:
        """Atomically claim pending rows that are due (optionally only some channel types).

        ``budget(rule, action_index)`` is the delivery budget of a row; its claim lasts that plus
        :data:`LEASE_MARGIN` (default :data:`CLAIM_SECONDS`).
        """
        with self.lock:
            return self._claim_due(now, channels, limit, budget)

    def _claim_due(
        self,
        now: float,
        channels: set[str] | None,
        limit: int,
        budget: Callable[[str, int], float] | None,
    ) -> list[OutboxItem]:
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            rows = c.execute(
                "SELECT id, rule, kind, action_index, channel, notification, attempts FROM outbox"
                " WHERE status='pending' AND next_attempt <= ? AND claimed_until <= ?"
                " ORDER BY id LIMIT ?",
                (now, now, limit),
            ).fetchall()
            if channels is not None:
                rows = [r for r in rows if r[4] in channels]
            # Rows are delivered one after the other: each claim covers the budgets before it.
            leases, total = [], 0.0
            for r in rows:
                total += CLAIM_SECONDS - LEASE_MARGIN if budget is None else budget(r[1], r[3])
                leases.append((now + total + LEASE_MARGIN, r[0]))
            c.executemany("UPDATE outbox SET claimed_until=? WHERE id=?", leases)
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return [
            OutboxItem(r[0], r[1], r[2], r[3], r[4], Notification.from_dict(json.loads(r[5])), r[6])
            for r in rows
        ]

    def record_attempt(
        self,
        item: OutboxItem,
        target: str,
        delivered: bool,
        error: str | None,
        retryable: bool,
        tries: int,
        now: float,
        retry_after: float | None = None,
    ) -> str:
        """Audit one attempt and move the outbox row on; returns its new status."""
        attempts = item.attempts + 1
        if delivered:
            status, nxt = "delivered", now
        elif retryable and attempts < MAX_OUTBOX_ATTEMPTS:
            status = "pending"
            backoff = OUTBOX_BACKOFF[min(attempts - 1, len(OUTBOX_BACKOFF) - 1)]
            nxt = now + max(backoff, min(retry_after or 0.0, OUTBOX_BACKOFF[-1]))
        else:
            status, nxt = "failed", now
        with self.lock:
            self._record(item, target, delivered, error, tries, now, status, attempts, nxt)
        return status

    def _record(
        self,
        item: OutboxItem,
        target: str,
        delivered: bool,
        error: str | None,
        tries: int,
        now: float,
        status: str,
        attempts: int,
        nxt: float,
    ) -> None:
        n = item.notification
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            c.execute(
                "INSERT INTO attempts (ts, outbox_id, rule, kind, channel, target, value, threshold,"
                " delivered, error, tries) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    now,
                    item.id,
                    n.rule,
                    n.kind,
                    item.channel,
                    target,
                    n.value,
                    n.threshold,
                    int(delivered),
                    error,
                    tries,
                ),
            )
            c.execute(
                "UPDATE outbox SET status=?, attempts=?, next_attempt=?, claimed_until=0,"
                " last_error=? WHERE id=?",
                (status, attempts, nxt, error, item.id),
            )
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def expire(self, channel: str, older_than: float) -> int:
        """Give up rows of a channel nobody can deliver (e.g. vscode with no window open)."""
        cur = self._conn.execute(
            "UPDATE outbox SET status='expired' WHERE status='pending' AND channel=? AND created<?",
            (channel, older_than),
        )
        return cur.rowcount

    def pending_count(self) -> int:
        row = self._conn.execute("SELECT COUNT(*) FROM outbox WHERE status='pending'").fetchone()
        return int(row[0])

    def failing_channels(self) -> list[dict[str, Any]]:
        """Channels whose last notifications were given up: reported, never retried forever."""
        rows = self._conn.execute(
            "SELECT rule, channel, COUNT(*), MAX(created), last_error FROM outbox"
            " WHERE status='failed' GROUP BY rule, channel ORDER BY MAX(created) DESC"
        ).fetchall()
        return [
            {"rule": r[0], "channel": r[1], "failed": r[2], "last": r[3], "last_error": r[4]}
            for r in rows
        ]

    # -- history ----------------------------------------------------------------------------
    def history(self, limit: int = 100, rule: str | None = None) -> list[dict[str, Any]]:
        q = (
            "SELECT ts, rule, kind, channel, target, value, threshold, delivered, error, tries"
            " FROM attempts"
        )
        args: tuple[Any, ...] = ()
        if rule is not None:
            q += " WHERE rule=?"
            args = (rule,)
        q += " ORDER BY id DESC LIMIT ?"
        rows = self._conn.execute(q, (*args, limit)).fetchall()
        return [
            {
                "ts": r[0],
                "rule": r[1],
                "kind": r[2],
                "channel": r[3],
                "target": r[4],
                "value": r[5],
                "threshold": r[6],
                "delivered": bool(r[7]),
                "error": r[8],
                "tries": r[9],
            }
            for r in rows
        ]


def now_epoch() -> float:
    return time.time()
