"""The alert engine: rules -> metric values -> state transitions -> outbox -> channels.

The pure steps (is a rule breached, how its state moves, which notification that sends) are in
``evaluation.py``; sending a claimed outbox row is ``delivery.py``. This module ties them to the
files: state lives in ``alerts.db`` and every notification is written to an outbox in the same
transaction as the state change, so a restart neither re-sends within cooldown nor loses a
notification whose channel was down.

Opt-in: nothing is created or evaluated unless ``alerts.yaml`` exists.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..prices.settings import load_pricing
from ..telemetry import Telemetry
from .channels import Channel, VSCodeSink, make_channel
from .delivery import DeliveryReport, Dispatcher
from .evaluation import RuleEvaluation, evaluate_one, note_for_test, step, transition_note
from .metrics import MetricContext, ViewCache
from .notification import Notification
from .rules import Rule, RuleSet, load_rules
from .state import AlertStore, RuleState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..budgets.monitor import BudgetMonitor
    from .rules import Action

log = logging.getLogger("empathy_monitor.alerts")

CONFIG_NAME = "alerts.yaml"
DB_NAME = "alerts.db"
VSCODE_EXPIRY = 3600.0  # a VS Code notification nobody displayed within an hour is dropped


class AlertEngine:
    """Evaluate ``<dir>/alerts.yaml`` against a :class:`Telemetry` and deliver notifications.

    The sidecar calls :meth:`evaluate` after every ingest (fast: no network; VS Code payloads go to
    ``vscode_sink`` at once) and :meth:`deliver_pending` in a worker thread (network channels).
    ``alerts watch`` calls :meth:`check` (both).
    """

    def __init__(
        self,
        directory: Path,
        telemetry: Telemetry | None = None,
        *,
        vscode_sink: VSCodeSink | None = None,
        stdout: TextIO | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.time,
        channel_factory: Callable[..., Channel] = make_channel,
    ) -> None:
        self.dir = Path(directory)
        self.tel = telemetry
        self.vscode_sink = vscode_sink
        self.stdout = stdout
        self.sleep = sleep
        self.clock = clock
        self.channel_factory = channel_factory
        self._rules: RuleSet | None = None
        self._rules_sig: tuple[int, int] | None = None
        self._store: AlertStore | None = None
        self._cache = ViewCache()
        self._budgets: BudgetMonitor | None = None
        self.last_eval_ms = 0.0

    # -- configuration ----------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        return self.dir / CONFIG_NAME

    @property
    def db_path(self) -> Path:
        return self.dir / DB_NAME

    def enabled(self) -> bool:
        return self.config_path.is_file()

    def rules(self) -> RuleSet:
        """The rules, re-read only when the file changed; errors are logged once per change."""
        try:
            st = self.config_path.stat()
            sig = (st.st_mtime_ns, st.st_size)
        except OSError:
            self._rules, self._rules_sig = RuleSet(), None
            return self._rules
        if self._rules is None or sig != self._rules_sig:
            try:
                text = self.config_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self._rules = RuleSet(errors=[f"{CONFIG_NAME}:1: cannot read: {exc}"])
            else:
                self._rules = load_rules(text, CONFIG_NAME)
            self._rules_sig = sig
            for e in self._rules.errors:
                log.warning("%s", e)
        return self._rules

    @property
    def store(self) -> AlertStore:
        if self._store is None:
            self._store = AlertStore(self.db_path)
        return self._store

    @property
    def budgets(self) -> BudgetMonitor:
        """The budgets of the same folder (``budgets.yaml``; their levels share this store)."""
        if self._budgets is None:
            from ..budgets.monitor import BudgetMonitor

            self._budgets = BudgetMonitor(self.dir, self._telemetry())
        elif self.tel is not None and self._budgets.tel is not self.tel:
            self._budgets.set_telemetry(self.tel)
        return self._budgets

    def evaluate_budgets(self, now: float | None = None) -> list[Notification]:
        """Queue each budget level newly reached in its current period (once: see
        ``budgets/monitor.py``); VS Code payloads go to ``vscode_sink`` at once."""
        if not self.budgets.enabled():
            return []
        now = self.clock() if now is None else now
        notes = self.budgets.fire(now, self.store)
        if notes and self.vscode_sink is not None:
            self.deliver_pending(now, channels={"vscode"})
        return notes

    def _actions(self, rules: RuleSet, name: str) -> Sequence[Action] | None:
        """The actions an outbox row's rule sends to: an alerts.yaml rule's or a budget's."""
        from ..budgets.monitor import RULE_PREFIX

        if name.startswith(RULE_PREFIX):
            b = self.budgets.budget_set().budget(name[len(RULE_PREFIX) :])
            return None if b is None else b.channels
        rule = rules.rule(name)
        return None if rule is None else rule.actions

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- evaluation -------------------------------------------------------------------------
    def _telemetry(self) -> Telemetry:
        if self.tel is None:
            self.tel = Telemetry(dirs=[self.dir], pricing=load_pricing([self.dir]))
            self.tel.refresh()
        return self.tel

    def evaluate_rules(
        self, now: float | None = None, rules: list[Rule] | None = None
    ) -> list[RuleEvaluation]:
        """Every enabled rule's metric now; no state is read or written, nothing is sent."""
        now = self.clock() if now is None else now
        rs = rules if rules is not None else [r for r in self.rules().rules if r.enabled]
        ctx = MetricContext(self._telemetry(), now, self._cache)
        if any(r.condition.metric in ("budget_percent", "forecast_percent") for r in rs):
            ctx.budgets = self.budgets
        out = [evaluate_one(rule, ctx) for rule in rs]
        if rules is None:
            self._cache.sweep()
        return out

    def evaluate(self, now: float | None = None) -> list[Notification]:
        """Evaluate every rule, move states on, queue notifications; returns the new ones.

        VS Code notifications are handed to ``vscode_sink`` before returning; network channels
        wait for :meth:`deliver_pending`. Does nothing (and creates no file) without alerts.yaml.
        """
        if not self.enabled():
            return []
        t0 = time.perf_counter()
        now = self.clock() if now is None else now
        evals = self.evaluate_rules(now)
        rules = {r.name: r for r in self.rules().rules}
        store = self.store
        notes: list[Notification] = []
        with store.transaction():
            states = store.states()
            changed: list[RuleState] = []
            for ev in evals:
                rule = ev.rule
                st = states.get(rule.name) or RuleState(rule.name)
                new, kind = step(rule, st, ev, now)
                changed.append(new)
                if kind is None:
                    continue
                note = transition_note(ev, kind, now, new)
                notes.append(note)
                for i, action in enumerate(rule.actions):
                    store.enqueue(note, i, action.type, now)
            for name, st in states.items():
                r = rules.get(name)
                if r is not None and not r.enabled and st.status != "ok":
                    changed.append(replace(st, status="ok", pending_since=None, firing_since=None))
            store.save_states(changed)
        if self.vscode_sink is not None:
            self.deliver_pending(now, channels={"vscode"})
        self.last_eval_ms = (time.perf_counter() - t0) * 1000
        return notes

    # -- delivery ---------------------------------------------------------------------------
    def deliver_pending(
        self, now: float | None = None, channels: set[str] | None = None
    ) -> list[DeliveryReport]:
        """Send every due outbox row (retrying ones whose channel was down) and audit each try."""
        if not self.db_path.exists():
            return []
        now = self.clock() if now is None else now
        store = self.store
        if self.vscode_sink is None:
            store.expire("vscode", now - VSCODE_EXPIRY)
            allowed = channels or {"webhook", "email", "stdout"}
            allowed = allowed - {"vscode"}
        else:
            allowed = channels or {"webhook", "email", "stdout", "vscode"}
        d = self._dispatcher(self.rules())
        return [d.deliver(item, now) for item in d.claim(now, allowed)]

    def _dispatcher(self, rules: RuleSet) -> Dispatcher:
        def channel(action: Action) -> Channel:
            return self.channel_factory(
                action,
                rules.settings,
                stdout=self.stdout,
                vscode_sink=self.vscode_sink,
                sleep=self.sleep,
            )

        return Dispatcher(
            self.store, rules.settings, lambda name: self._actions(rules, name), channel
        )

    def check(self, now: float | None = None) -> tuple[list[Notification], list[DeliveryReport]]:
        """Evaluate and deliver (what ``alerts watch`` does on every change or tick)."""
        notes = self.evaluate(now) + self.evaluate_budgets(now)
        if not self.enabled() and not self.budgets.enabled():
            return notes, []
        return notes, self.deliver_pending(now)

    # -- commands ---------------------------------------------------------------------------
    def test_rule(self, name: str, now: float | None = None) -> RuleEvaluation:
        """Evaluate one rule now (even if disabled); nothing is stored or sent.

        Raises:
            KeyError: no such rule.
        """
        rule = self.rules().rule(name)
        if rule is None:
            raise KeyError(name)
        return self.evaluate_rules(now, [rule])[0]

    def trigger_test(self, name: str, now: float | None = None) -> list[DeliveryReport]:
        """Send a test notification through every action of one rule, now; each try is audited.

        Raises:
            KeyError: no such rule.
        """
        rules = self.rules()
        rule = rules.rule(name)
        if rule is None:
            raise KeyError(name)
        now = self.clock() if now is None else now
        note = note_for_test(self.test_rule(name, now), now)
        store = self.store
        with store.transaction():
            for i, action in enumerate(rule.actions):
                store.enqueue(note, i, action.type, now)
        d = self._dispatcher(rules)
        return [
            d.deliver(item, now)
            for item in d.claim(now, None)
            if item.rule == name and item.kind == "test"
        ]

    def status(self, now: float | None = None) -> dict[str, Any]:
        """Rules, their state and last value, load errors, failing channels (list / panel)."""
        rs = self.rules()
        states = self.store.states() if self.db_path.exists() else {}
        rows = []
        for r in rs.rules:
            st = states.get(r.name) or RuleState(r.name)
            rows.append(
                {
                    "name": r.name,
                    "description": r.description,
                    "enabled": r.enabled,
                    "severity": r.severity,
                    "metric": r.condition.metric,
                    "operator": r.condition.operator,
                    "threshold": r.condition.threshold,
                    "window": r.condition.window,
                    "for": r.for_,
                    "cooldown_minutes": r.cooldown_minutes,
                    "actions": [a.describe() for a in r.actions],
                    "state": st.to_dict(),
                }
            )
        failing = self.store.failing_channels() if self.db_path.exists() else []
        return {
            "config": str(self.config_path),
            "exists": self.enabled(),
            "rules": rows,
            "errors": list(rs.errors),
            "failing_channels": failing,
        }

    def history(self, limit: int = 100) -> list[dict[str, Any]]:
        return self.store.history(limit) if self.db_path.exists() else []
