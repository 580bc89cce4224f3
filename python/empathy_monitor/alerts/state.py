"""Alert state and history in ``.empathy/alerts.db`` (SQLite, WAL).

Three tables:
* ``rule_state``: per rule, pending-since, firing-since, last notified (cooldown), last value;
* ``outbox``: one row per (notification, action) until delivered or given up, so an alert that
  fired while a channel was down is delivered after a restart instead of being lost;
* ``attempts``: the audit trail, one row per delivery attempt (value, threshold, channel, result).

State changes and their outbox rows are written in one transaction; several processes (the
sidecar and ``alerts watch``) may share the file: outbox rows are claimed atomically. This module
owns the file (schema, connection, transactions), the rule state and the budget levels; the outbox
and audit queries are ``outbox.py`` (a base of :class:`AlertStore`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .outbox import OutboxTables

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


class AlertStore(OutboxTables):
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
