"""Budgets against live telemetry: load ``budgets.yaml``, keep spend current, fire each level once.

Level state lives in the alerts SQLite store (``alerts.db``, next to ``budgets.yaml``): a level of a
budget is fired when the row ``(budget, period_start, level)`` is inserted, and that insert and the
notification's outbox rows are one transaction (``BEGIN IMMEDIATE``). So a level fires once per
period per budget across restarts and when the panel's sidecar and ``empathy alerts watch`` evaluate
the same folder: the second process finds the row and queues nothing. Only the current period is
evaluated, so late records for a past period cannot re-fire it, and a new period starts quiet.
A process that may not act (an untrusted workspace's sidecar) reads the state and queues nothing.

Notifications go through the alerts outbox as rule ``budget:<name>``; the alert engine resolves that
name to the budget's channels when it delivers (see ``action_list``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..alerts.notification import Notification, fingerprint
from ..telemetry import Telemetry
from .anomaly import describe_cost
from .config import Budget, BudgetSet, load_budgets
from .markers import AnomalyIndex
from .periods import machine_zone
from .spend import SpendIndex, scope_filters
from .status import AnomalyMarker, BudgetsSection, BudgetStatus, evaluate, usd_text, with_levels

if TYPE_CHECKING:
    from ..alerts.rules import Action
    from ..alerts.state import AlertStore

log = logging.getLogger("empathy_monitor.budgets")

CONFIG_NAME = "budgets.yaml"
RULE_PREFIX = "budget:"  # outbox rows of budget levels: "budget:<name>"


class BudgetMonitor:
    """The budgets of one ``.empathy`` folder, evaluated against a ``Telemetry``."""

    def __init__(self, directory: Path, tel: Telemetry, default_zone: ZoneInfo | None = None):
        self.dir = Path(directory)
        self.tel = tel
        self.zone = default_zone or machine_zone()
        self._set: BudgetSet | None = None
        self._sig: tuple[int, int] | None = None
        self._index: SpendIndex | None = None
        self._errors: list[str] = []
        self.anomalies = AnomalyIndex(self.zone)
        self._memo: tuple[Any, list[tuple[Budget, ZoneInfo, BudgetStatus, int]]] | None = None

    @property
    def config_path(self) -> Path:
        return self.dir / CONFIG_NAME

    def enabled(self) -> bool:
        return self.config_path.is_file()

    def set_telemetry(self, tel: Telemetry) -> None:
        self.tel = tel
        self._index = None
        self.anomalies = AnomalyIndex(self.zone)

    def budget_set(self) -> BudgetSet:
        """budgets.yaml, re-read only when it changed; scope keys not supported yet are errors."""
        try:
            st = self.config_path.stat()
            sig: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            sig = None
        if self._set is not None and sig == self._sig:
            return self._set
        if sig is None:
            bs = BudgetSet()
        else:
            try:
                bs = load_budgets(self.config_path.read_text(encoding="utf-8"), CONFIG_NAME)
            except (OSError, UnicodeDecodeError) as exc:
                bs = BudgetSet(errors=[f"{CONFIG_NAME}:1: cannot read: {exc}"])
        usable: list[tuple[Budget, Any, ZoneInfo]] = []
        for b in bs.budgets:
            f, missing = scope_filters(b)
            if f is None:
                bs.errors.append(
                    f"{CONFIG_NAME}: budget {b.name!r}: scope {', '.join(missing)} not supported"
                    " yet (the telemetry has no such dimension); the budget is not evaluated"
                )
                continue
            usable.append((b, f, b.zone(self.zone)))
        for e in bs.errors:
            log.warning("%s", e)
        self._set, self._sig = bs, sig
        self._usable = usable
        self._index = None
        return bs

    def _current(self) -> SpendIndex:
        self.budget_set()
        if self._index is None:
            self._index = SpendIndex(self._usable)
        self._index.update(self.tel)
        return self._index

    # -- evaluation --------------------------------------------------------------------------
    def statuses(
        self, now: float, store: AlertStore | None = None
    ) -> list[tuple[Budget, ZoneInfo, BudgetStatus, int]]:
        """(budget, zone, status, period start) of every evaluated budget at ``now``."""
        index = self._current()
        # The sidecar fires levels and then renders the strip for the same instant and rows:
        # the forecasts are made once, the level ticks read from the store each time.
        key = (now, index.rows, id(index))
        if self._memo is None or self._memo[0] != key:
            base = []
            for b, _f, tz in self._usable:
                start = b.bounds(now, tz)[0]
                st, _ = evaluate(index.items[b.name], now, tz, index.burn(b.name, now))
                base.append((b, tz, st, start))
            self._memo = (key, base)
        if store is None:
            return list(self._memo[1])
        return [
            (b, tz, with_levels(st, store.budget_levels(b.name, start)), start)
            for b, tz, st, start in self._memo[1]
        ]

    def fire(self, now: float, store: AlertStore) -> list[Notification]:
        """Queue each level newly reached in the current period, once (see the module doc)."""
        rows = self.statuses(now)
        notes: list[Notification] = []
        with store.transaction():
            for b, tz, st, start in rows:
                reached = [lv for lv in b.levels if st.percent >= lv]
                new = [lv for lv in reached if store.claim_budget_level(b.name, start, lv, now)]
                if not new:
                    continue
                note = self._note(b, st, max(new), now, tz)
                notes.append(note)
                for i, action in enumerate(b.channels):
                    store.enqueue(note, i, action.type, now)
        return notes

    @staticmethod
    def _note(b: Budget, st: BudgetStatus, level: float, now: float, tz: ZoneInfo) -> Notification:
        lv = f"{level:g}%"
        msg = f"budget {b.name}: {lv} reached — {st.headline}; {st.outlook}"
        labels = {"budget": b.name, "level": lv, "period_start": st.period_start}
        return Notification(
            rule=RULE_PREFIX + b.name,
            kind="firing",
            severity="critical" if level >= 100 else "warning",
            metric="budget_percent",
            value=st.percent,
            threshold=level,
            operator="gte",
            window=b.period,
            message=msg,
            fingerprint=fingerprint(RULE_PREFIX + b.name, labels),
            timestamp=now,
            description=st.interval_text,
            samples=0,
            labels=labels,
        )

    def section(self, now: float, store: AlertStore | None, can_fire: bool) -> BudgetsSection:
        """``Snapshot.budgets`` at ``now``."""
        bs = self.budget_set()
        statuses = [st for _b, _z, st, _s in self.statuses(now, store)] if bs.budgets else []
        month = next((s for s in statuses if s.period == "month" and not s.scope), None)
        month = month or next((s for s in statuses if s.period == "month"), None)
        status_text = (
            f"{usd_text(month.spent)} of {usd_text(month.amount)} this month" if month else None
        )
        self.anomalies.update(self.tel)
        markers = [
            AnomalyMarker(
                kind=kind,
                key=s.key,
                date=date,
                cost=round(s.value / 1e9, 9),
                median=round((s.median or 0.0) / 1e9, 9),
                ratio=round(s.ratio or 0.0, 3),
                score=round(s.score or 0.0, 3),
                text=describe_cost(s, self.zone),
            )
            for kind, date, s in self.anomalies.markers()
        ]
        return BudgetsSection(
            exists=self.enabled(),
            config_path=str(self.config_path),
            budgets=statuses,
            errors=list(bs.errors),
            status_text=status_text,
            can_fire=can_fire,
            anomalies=markers,
        )

    def budget_percent(self, name: str | None, now: float) -> tuple[float, float] | None:
        """(budget_percent, forecast_percent) of the named budget (the only one when None)."""
        rows = self.statuses(now)
        if name is None:
            rows = rows if len(rows) == 1 else []
        pick = next((st for b, _z, st, _s in rows if name is None or b.name == name), None)
        return None if pick is None else (pick.percent, pick.forecast_percent)


def action_list(monitor: BudgetMonitor | None, rule: str) -> Sequence[Action] | None:
    """The channels of an outbox row's ``budget:<name>`` rule (None when not a budget's)."""
    if monitor is None or not rule.startswith(RULE_PREFIX):
        return None
    b = monitor.budget_set().budget(rule[len(RULE_PREFIX) :])
    return b.channels if b is not None else ()
