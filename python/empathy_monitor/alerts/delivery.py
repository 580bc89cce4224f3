"""Delivery: send claimed outbox rows through their channels and audit every try.

The rows come from ``state.AlertStore`` (claimed atomically, so several processes may share one
``alerts.db``); which channel a row goes to is looked up again at send time, so an action removed
from ``alerts.yaml`` (or ``budgets.yaml``) closes its rows instead of sending to a stale target.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from ..redact import mask
from .channels import Channel, DeliveryResult, delivery_budget, secrets_of
from .outbox import OutboxItem
from .rules import Action, Settings
from .state import AlertStore

log = logging.getLogger("empathy_monitor.alerts")


@dataclass
class DeliveryReport:
    rule: str
    kind: str
    channel: str
    target: str
    delivered: bool
    error: str | None
    status: str = ""


@dataclass(frozen=True)
class Dispatcher:
    """One delivery pass over a store, with the rules' settings of the moment.

    ``actions(rule)`` returns the actions an outbox row's rule sends to (None: the rule is gone);
    ``channel(action)`` builds the channel of one action.
    """

    store: AlertStore
    settings: Settings
    actions: Callable[[str], Sequence[Action] | None]
    channel: Callable[[Action], Channel]

    def budget(self, rule_name: str, index: int) -> float:
        """Seconds a claimed row may take (the lease), per its action's timeouts and retries."""
        actions = self.actions(rule_name)
        if actions is None or index >= len(actions):
            return 0.0  # nothing will be sent: the row is audited and closed at once
        return delivery_budget(actions[index], self.settings)

    def claim(self, now: float, channels: set[str] | None) -> Iterable[OutboxItem]:
        return self.store.claim_due(now, channels, budget=self.budget)

    def deliver(self, item: OutboxItem, now: float) -> DeliveryReport:
        actions = self.actions(item.rule)
        if actions is None or item.action_index >= len(actions):
            res, target = DeliveryResult(False, "rule or action no longer in alerts.yaml"), "-"
        else:
            action = actions[item.action_index]
            ch = self.channel(action)
            target = ch.target
            try:
                res = ch.send(item.notification)
            except Exception as exc:  # contained: a channel bug is an audited failure
                # One line, no traceback: library exception texts can quote header values.
                res = DeliveryResult(False, f"{type(exc).__name__}: {exc}", retryable=True)
            if res.error:
                res = replace(res, error=mask(res.error, secrets_of(action, self.settings)))
        status = self.store.record_attempt(
            item,
            target,
            res.delivered,
            res.error,
            res.retryable,
            res.tries,
            now,
            res.retry_after,
        )
        if not res.delivered:
            log.warning(
                "alert %r via %s %s: %s (%s)", item.rule, item.channel, target, res.error, status
            )
        return DeliveryReport(
            item.rule, item.kind, item.channel, target, res.delivered, res.error, status
        )
