"""Pure alert evaluation: a rule's metric now, whether it is breached, how its state moves on, the
notification a transition sends, and a verdict in words (``alerts test``). No store, no channel,
no clock: the engine supplies ``now``.

Alertmanager semantics: a breach first makes a rule *pending*; it *fires* once the breach has
lasted ``for``; a firing rule repeats its notification only after ``cooldown_minutes``; when the
condition clears, a *resolved* notification goes out (``send_resolved``). Rate rules with fewer
than ``min_samples`` samples count as not breached.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..words import plural
from .metrics import MetricContext, MetricResult, evaluate_metric
from .notification import Notification, describe_breach, fingerprint, format_value
from .rules import Rule
from .state import RuleState

log = logging.getLogger("empathy_monitor.alerts")

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": lambda v, t: v > t,
    "lt": lambda v, t: v < t,
    "gte": lambda v, t: v >= t,
    "lte": lambda v, t: v <= t,
    "eq": lambda v, t: math.isclose(v, t, rel_tol=1e-9, abs_tol=1e-9),
}


@dataclass(frozen=True)
class RuleEvaluation:
    """A rule's metric now and whether it is breached (no state involved)."""

    rule: Rule
    result: MetricResult
    breached: bool
    enough_samples: bool
    message: str
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "rule": self.rule.name,
            "metric": self.rule.condition.metric,
            "value": r.value,
            "samples": r.samples,
            "baseline_samples": r.baseline_samples,
            "threshold": self.rule.condition.threshold,
            "operator": self.rule.condition.operator,
            "window": self.rule.condition.window,
            "breached": self.breached,
            "enough_samples": self.enough_samples,
            "labels": r.labels,
            "message": self.message,
            "error": self.error,
        }


def judge(rule: Rule, result: MetricResult) -> tuple[bool, bool]:
    """(breached, enough samples) for one metric result."""
    need = rule.effective_min_samples
    enough = result.samples >= need and (
        result.baseline_samples is None or result.baseline_samples >= need
    )
    if result.value is None or not enough or math.isnan(result.value):
        return False, enough
    c = rule.condition
    return _COMPARE[c.operator](result.value, c.threshold), enough


def evaluate_one(rule: Rule, ctx: MetricContext) -> RuleEvaluation:
    """One rule's metric now; a metric that raises becomes an evaluation carrying the error."""
    try:
        res = evaluate_metric(rule.condition, ctx, rule.effective_min_samples)
    except Exception as exc:  # one broken metric never stops the other rules
        log.exception("alert rule %r: metric failed", rule.name)
        return RuleEvaluation(
            rule,
            MetricResult(None, 0),
            False,
            False,
            f"error: {exc}",
            f"{type(exc).__name__}: {exc}",
        )
    breached, enough = judge(rule, res)
    c = rule.condition
    msg = describe_breach(c.metric, c.operator, res.value, c.threshold, c.window, res.detail)
    if not enough:
        msg += f" [only {plural(res.samples, 'sample')}; needs {rule.effective_min_samples}]"
    return RuleEvaluation(rule, res, breached, enough, msg)


def step(rule: Rule, st: RuleState, ev: RuleEvaluation, now: float) -> tuple[RuleState, str | None]:
    """Pure state transition; returns the new state and the notification kind to send, if any."""
    st = replace(st, last_value=ev.result.value, last_samples=ev.result.samples, last_eval=now)
    if ev.breached:
        st.labels = dict(ev.result.labels)
        if st.status == "ok":
            st.status, st.pending_since = "pending", now
        if st.status == "pending" and now - (st.pending_since or now) >= rule.for_seconds:
            st.status, st.firing_since = "firing", now
        if st.status == "firing" and (
            st.last_notified is None or now - st.last_notified >= rule.cooldown_seconds
        ):
            st.last_notified = now
            st.fingerprint = fingerprint(rule.name, st.labels)
            return st, "firing"
        return st, None
    notified = (
        st.status == "firing"
        and st.last_notified is not None
        and st.firing_since is not None
        and st.last_notified >= st.firing_since
    )
    was_firing = st.status == "firing"
    st.status, st.pending_since, st.firing_since = "ok", None, None
    if was_firing and notified and rule.send_resolved:
        return st, "resolved"
    return st, None


def notification(
    ev: RuleEvaluation,
    kind: Literal["firing", "resolved", "test"],
    now: float,
    labels: dict[str, str],
    fp: str,
) -> Notification:
    """The notification of one evaluation: a transition's (``step``) or a test's."""
    rule, c = ev.rule, ev.rule.condition
    prefix = {"firing": "", "resolved": "resolved: ", "test": "test notification — "}[kind]
    return Notification(
        rule=rule.name,
        kind=kind,
        severity=rule.severity,
        metric=c.metric,
        value=ev.result.value,
        threshold=c.threshold,
        operator=c.operator,
        window=c.window,
        message=prefix + ev.message,
        fingerprint=fp,
        timestamp=now,
        description=rule.description,
        samples=ev.result.samples,
        labels=labels,
    )


def transition_note(ev: RuleEvaluation, kind: str, now: float, st: RuleState) -> Notification:
    """The notification ``step`` asked for (``kind`` is "firing" or "resolved")."""
    labels = dict(st.labels or {})
    fp = st.fingerprint or fingerprint(ev.rule.name, labels)
    return notification(ev, "resolved" if kind == "resolved" else "firing", now, labels, fp)


def note_for_test(ev: RuleEvaluation, now: float) -> Notification:
    """A test notification of one rule: its metric now, under a fingerprint of its own."""
    return notification(
        ev, "test", now, dict(ev.result.labels), fingerprint(ev.rule.name, {"test": "1"})
    )


_ABOVE = {
    "gt": ("above", "not above"),
    "gte": ("at or above", "below"),
    "lt": ("below", "not below"),
    "lte": ("at or below", "above"),
    "eq": ("equal to", "not equal to"),
}


def verdict(ev: RuleEvaluation) -> str:
    """``daily cost: daily_cost today: $1.66 — not above $5.00 (ok) · 85 samples``.

    Says in words whether the condition holds, names the window once (``today`` for the
    calendar-day metric, never "over 24h (today)") and the sample count once.
    """
    r, c = ev.result, ev.rule.condition
    where = "today" if c.metric == "daily_cost" or c.window == "today" else f"over {c.window}"
    if r.detail and r.detail != "today":
        where += f", {r.detail}"
    samples = plural(r.samples, "sample")
    if ev.error:
        return f"{ev.rule.name}: {c.metric} {where}: cannot be computed ({ev.error})"
    if r.value is None:
        return f"{ev.rule.name}: {c.metric} {where}: no data yet (ok) · {samples}"
    value, limit = format_value(c.metric, r.value), format_value(c.metric, c.threshold)
    yes, no = _ABOVE.get(c.operator, (c.operator, "not " + c.operator))
    if not ev.enough_samples:
        need = ev.rule.effective_min_samples
        return (
            f"{ev.rule.name}: {c.metric} {where}: {value} — not judged yet, {samples} of the"
            f" {need} needed (ok)"
        )
    word, state = (yes, "BREACHED") if ev.breached else (no, "ok")
    return f"{ev.rule.name}: {c.metric} {where}: {value} — {word} {limit} ({state}) · {samples}"
