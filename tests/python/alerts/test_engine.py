"""Engine behaviour: opt-in, pending/for, cooldown and resolved across restarts, the outbox."""

from __future__ import annotations

import io
from pathlib import Path
from typing import ClassVar

from alert_helpers import NOW, append, call, write_rules

from empathy_monitor.alerts.channels import DeliveryResult
from empathy_monitor.alerts.engine import AlertEngine
from empathy_monitor.alerts.notification import Notification
from empathy_monitor.telemetry import Telemetry

RULES = """
alerts:
  - name: spend
    condition: {metric: cost, operator: gt, threshold: 1.0, window: 1h}
    for: 5m
    cooldown_minutes: 30
    actions: [stdout]
"""


def engine(d: Path, out: io.StringIO | None = None, **kw: object) -> AlertEngine:
    tel = Telemetry(dirs=[d], naive_tz="UTC", workers=1)
    tel.refresh()
    return AlertEngine(d, tel, stdout=out or io.StringIO(), **kw)  # type: ignore[arg-type]


def test_opt_in_creates_nothing(tdir: Path) -> None:
    append(tdir, [call(60, estimated_cost=5.0)])
    e = engine(tdir)
    assert e.evaluate(NOW) == [] and e.check(NOW) == ([], [])
    assert e.status()["exists"] is False and e.history() == []
    assert not (tdir / "alerts.db").exists()


def test_for_then_fire_then_cooldown_across_restart(tdir: Path) -> None:
    write_rules(tdir, RULES)
    append(tdir, [call(60, estimated_cost=2.0)])
    out = io.StringIO()
    e = engine(tdir, out)
    assert e.check(NOW)[0] == []  # pending, not firing yet
    assert e.status()["rules"][0]["state"]["status"] == "pending"
    e.close()
    # restart: pending_since survives; 5 min later it fires once
    e = engine(tdir, out)
    assert e.check(NOW + 120)[0] == []
    notes, reports = e.check(NOW + 301)
    assert [n.kind for n in notes] == ["firing"] and reports[0].delivered
    assert "[warning] firing spend: cost $2.00 > $1.00 over 1h" in out.getvalue()
    e.close()
    # restart within cooldown: no re-send (the call is still inside the 1h window)
    e = engine(tdir, out)
    assert e.check(NOW + 301 + 600)[0] == []
    # after the cooldown: repeated
    assert [n.kind for n in e.check(NOW + 301 + 1801)[0]] == ["firing"]
    assert len(e.history()) == 2


def test_resolved_sent_when_condition_clears(tdir: Path) -> None:
    write_rules(tdir, RULES.replace("for: 5m", "for: 0s"))
    append(tdir, [call(60, estimated_cost=2.0)])
    e = engine(tdir)
    assert [n.kind for n in e.check(NOW)[0]] == ["firing"]
    # an hour later the call has left the window
    notes, reports = e.check(NOW + 3600)
    assert [n.kind for n in notes] == ["resolved"] and reports[0].delivered
    assert e.status()["rules"][0]["state"]["status"] == "ok"
    # no second resolved
    assert e.check(NOW + 3700)[0] == []


def test_send_resolved_false(tdir: Path) -> None:
    write_rules(tdir, RULES.replace("for: 5m", "send_resolved: false"))
    append(tdir, [call(60, estimated_cost=2.0)])
    e = engine(tdir)
    assert len(e.check(NOW)[0]) == 1
    assert e.check(NOW + 3600)[0] == []


def test_min_samples_blocks_rate_rules(tdir: Path) -> None:
    write_rules(
        tdir,
        """
alerts:
  - name: errors
    condition: {metric: error_rate, threshold: 10, window: 1h}
    min_samples: 5
    actions: [stdout]
""",
    )
    append(tdir, [call(60, success=False)] * 3)
    e = engine(tdir)
    assert e.check(NOW)[0] == []
    ev = e.test_rule("errors", NOW)
    assert ev.result.value == 100.0 and not ev.enough_samples and not ev.breached


class FlakyChannel:
    kind = "webhook"
    target = "http://hooks.example/…"
    up = False
    sent: ClassVar[list[Notification]] = []

    def send(self, note: Notification) -> DeliveryResult:
        if not FlakyChannel.up:
            return DeliveryResult(False, "connection error: ConnectionRefusedError", retryable=True)
        FlakyChannel.sent.append(note)
        return DeliveryResult(True)


def flaky_factory(*a: object, **k: object) -> FlakyChannel:
    return FlakyChannel()


def test_fired_while_channel_down_is_delivered_after_restart(tdir: Path) -> None:
    write_rules(tdir, RULES.replace("for: 5m", "for: 0s"))
    append(tdir, [call(60, estimated_cost=2.0)])
    FlakyChannel.up, FlakyChannel.sent = False, []
    e = engine(tdir, channel_factory=flaky_factory)
    notes, reports = e.check(NOW)
    assert len(notes) == 1 and not reports[0].delivered and reports[0].status == "pending"
    e.close()
    FlakyChannel.up = True
    e = engine(tdir, channel_factory=flaky_factory)
    assert e.check(NOW + 10)[1] == []  # not yet due (backoff)
    notes, reports = e.check(NOW + 60)
    assert notes == [] and reports[0].delivered  # no duplicate firing, the old one delivered
    assert [n.kind for n in FlakyChannel.sent] == ["firing"]
    hist = e.history()
    assert [h["delivered"] for h in hist] == [True, False]


def test_failing_channel_is_reported_not_retried_forever(tdir: Path) -> None:
    write_rules(tdir, RULES.replace("for: 5m", "for: 0s"))
    append(tdir, [call(60, estimated_cost=2.0)])
    FlakyChannel.up = False
    e = engine(tdir, channel_factory=flaky_factory)
    t = NOW
    for _ in range(12):
        e.check(t)
        t += 3601
        append(tdir, [call(NOW - t + 1, estimated_cost=2.0)])
        assert e.tel is not None
        e.tel.refresh()
    failing = e.status()["failing_channels"]
    assert failing and failing[0]["channel"] == "stdout" and failing[0]["failed"] >= 1


def test_vscode_sink_gets_payload_on_evaluate(tdir: Path) -> None:
    write_rules(
        tdir,
        """
alerts:
  - name: wf-cost
    severity: critical
    condition: {metric: workflow_cost, threshold: 1, window: 1h}
    actions: [vscode]
""",
    )
    from alert_helpers import run

    append(tdir, runs=[run(60, "review", 3.0)])
    got: list[dict[str, object]] = []
    e = engine(tdir, vscode_sink=got.append)
    notes = e.evaluate(NOW)
    assert len(notes) == 1 and len(got) == 1
    p = got[0]
    assert p["level"] == "error" and p["workflow_name"] == "review"
    assert "review" in str(p["message"])


def test_bad_rule_does_not_stop_others(tdir: Path) -> None:
    write_rules(
        tdir,
        RULES.replace("for: 5m", "for: 0s")
        + """
  - name: broken
    condition: {metric: nope, threshold: 1}
    actions: [stdout]
""",
    )
    append(tdir, [call(60, estimated_cost=2.0)])
    e = engine(tdir)
    assert len(e.check(NOW)[0]) == 1
    assert any("alerts.yaml:" in x and "broken" in x for x in e.status()["errors"])


def test_trigger_test_sends_through_actions(tdir: Path) -> None:
    write_rules(tdir, RULES)
    out = io.StringIO()
    e = engine(tdir, out)
    reports = e.trigger_test("spend", NOW)
    assert [r.delivered for r in reports] == [True]
    assert "test spend" in out.getvalue()
    assert e.status()["rules"][0]["state"]["status"] == "ok"
