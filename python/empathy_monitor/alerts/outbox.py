"""The outbox and attempts tables of ``alerts.db``: one row per (notification, action) until it is
delivered or given up, and one audit row per delivery attempt.

:class:`OutboxTables` is a base of :class:`~.state.AlertStore` (same connection, same lock): the
store owns the file and the rule state, this module owns what leaves it. Rows are claimed
atomically with a lease, so the sidecar and ``alerts watch`` may share one file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .notification import Notification

MAX_OUTBOX_ATTEMPTS = 8  # then the row is given up and reported as a failing channel
OUTBOX_BACKOFF = (30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
# A claim outlives the delivery it covers (so a live delivery is never claimed twice) and ends
# soon after it (so a row whose deliverer was killed is retried): delivery budget + this margin.
LEASE_MARGIN = 15.0
CLAIM_SECONDS = 60.0 + LEASE_MARGIN  # when the caller gives no per-row budget


@dataclass
class OutboxItem:
    id: int
    rule: str
    kind: str
    action_index: int
    channel: str
    notification: Notification
    attempts: int


class OutboxTables:
    """Outbox and audit queries over the store's connection (a base of ``AlertStore``)."""

    _conn: sqlite3.Connection
    lock: threading.RLock

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
