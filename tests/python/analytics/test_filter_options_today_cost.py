"""``filter_options`` and ``today_cost``, hand-computed, through the view and the publisher.

Filter options come from the unfiltered view of the window (a provider dropdown keeps listing the
other providers while a provider filter is on) and follow appends; ``today_cost`` is the cost of
the local day of ``window.now`` (the overview total for the ``today`` range).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telemetry_fixtures import call, write_lines

from empathy_monitor.analytics import Filters, WindowSpec
from empathy_monitor.sidecar.publisher import Publisher, ViewKey
from empathy_monitor.telemetry import Telemetry

NOW = "2026-11-20T12:00:00"


def _call(cid: str, ts: str, prov: str, tier: str, model: str, wf: str, cost: float) -> Any:
    return call(
        cid, ts, provider=prov, tier=tier, model_id=model, workflow_name=wf, estimated_cost=cost
    )


ROWS = [
    _call("a1", "2026-11-19T10:00:00", "anthropic", "capable", "claude-x", "review", 0.50),
    _call("a2", "2026-11-20T09:00:00", "anthropic", "cheap", "claude-h", "review", 0.25),
    _call("o1", "2026-11-20T10:00:00", "openai", "premium", "gpt", "docs", 1.00),
    _call("o2", "2026-11-20T11:00:00", "openai", "cheap", "gpt-mini", "docs", 0.25),
    _call("g1", "2026-11-01T10:00:00", "google", "cheap", "gem", "old", 9.00),  # outside 7d
]


def opt(value: str, calls: int, cost: float) -> dict[str, Any]:
    return {"value": value, "calls": calls, "cost": cost}


# by cost desc, then name (capable/cheap and claude-h/gpt-mini tie on cost)
OPTIONS_7D = {
    "workflow": [opt("docs", 2, 1.25), opt("review", 2, 0.75)],
    "provider": [opt("openai", 2, 1.25), opt("anthropic", 2, 0.75)],
    "tier": [opt("premium", 1, 1.0), opt("capable", 1, 0.5), opt("cheap", 2, 0.5)],
    "model": [
        opt("gpt", 1, 1.0),
        opt("claude-x", 1, 0.5),
        opt("claude-h", 1, 0.25),
        opt("gpt-mini", 1, 0.25),
    ],
    "step": [],  # none of these calls names a step
    # the newer dimensions (none of these calls names a user, session or project)
    "project": [opt("(none)", 4, 2.0)],
    "user": [opt("(none)", 4, 2.0)],
    "session": [opt("(none)", 4, 2.0)],
    "source": [opt("empathy", 4, 2.0)],
    "unlisted": {"project": 0, "user": 0, "session": 0, "source": 0},
}


def _tel(tmp_path: Path) -> tuple[Telemetry, Path]:
    d = tmp_path / ".empathy"
    f = d / "llm_calls.jsonl"
    write_lines(f, ROWS)
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    return tel, f


def test_filter_options_list_every_value_in_the_window(tmp_path: Path) -> None:
    tel, _ = _tel(tmp_path)
    v = tel.view(WindowSpec(range="7d", now=NOW))
    assert v.dump("filter_options") == OPTIONS_7D


def test_today_cost_is_the_cost_of_the_day_of_now(tmp_path: Path) -> None:
    tel, _ = _tel(tmp_path)
    for rng in ("today", "7d", "30d", "all"):
        v = tel.view(WindowSpec(range=rng, now=NOW))
        assert v.dump("today_cost") == 1.5, rng  # a2 + o1 + o2 on 2026-11-20
    # a window that ends before the day of now has no point for it
    past = tel.view(WindowSpec(since="2026-11-18T00:00:00", until="2026-11-20T00:00:00", now=NOW))
    assert past.dump("today_cost") == 0.0
    assert (
        tel.view(WindowSpec(range="7d", now=NOW), Filters(provider="openai")).dump("today_cost")
        == 1.25
    )  # the view's own (filtered) cost


def test_options_under_a_filter_list_unfiltered_values_and_follow_appends(
    tmp_path: Path,
) -> None:
    tel, f = _tel(tmp_path)
    pub = Publisher(tel)
    snap = pub.snapshot(ViewKey("7d", None, None, NOW, Filters(provider="openai")))
    assert snap["overview"]["calls"] == 2  # filtered
    assert snap["by_provider"].keys() == {"openai"}
    assert snap["filter_options"] == OPTIONS_7D  # unfiltered: anthropic is still offered
    assert snap["today_cost"] == 1.25  # o1 + o2
    # an anthropic call (outside the filter) changes the options only
    write_lines(
        f,
        [_call("a3", "2026-11-20T11:30:00", "anthropic", "premium", "claude-x", "review", 2.0)],
        mode="a",
    )
    upd = pub.ingest(tel.refresh())
    assert upd is not None
    assert set(upd.changed) == {"filter_options"}
    fo = upd.changed["filter_options"]
    assert fo["provider"] == [opt("anthropic", 3, 2.75), opt("openai", 2, 1.25)]
    assert fo["tier"] == [opt("premium", 2, 3.0), opt("capable", 1, 0.5), opt("cheap", 2, 0.5)]
    assert fo["model"][0] == opt("claude-x", 2, 2.5)
    # an openai call moves the filtered numbers and today's cost as well
    write_lines(
        f, [_call("o3", "2026-11-20T11:45:00", "openai", "cheap", "gpt", "docs", 0.5)], mode="a"
    )
    upd = pub.ingest(tel.refresh())
    assert upd is not None
    assert upd.changed["today_cost"] == 1.75
    assert upd.changed["overview"]["calls"] == 3
    assert upd.changed["filter_options"]["provider"] == [
        opt("anthropic", 3, 2.75),
        opt("openai", 3, 1.75),
    ]
    # the live options equal a fresh unfiltered build of the same window
    fresh = tel.view(WindowSpec(range="7d", now=NOW)).dump("filter_options", "json")
    assert upd.changed["filter_options"] == fresh


def test_rendered_sections_are_already_in_wire_form(tmp_path: Path) -> None:
    """A didUpdate is sent without re-validation: each section must equal its validated form,
    down to int vs float (JSON text), as ``normalize_sections`` used to make it."""
    import orjson
    from pydantic import TypeAdapter

    from empathy_monitor.sidecar import protocol as P

    tel, _ = _tel(tmp_path)
    pub = Publisher(tel)
    for flt in (Filters(), Filters(provider="openai")):
        pub.snapshot(ViewKey("7d", None, None, NOW, flt))
        for name, value in pub._render().items():
            ann = P.Snapshot.model_fields[name].annotation
            ad: TypeAdapter[Any] = TypeAdapter(ann)
            shaped = ad.dump_python(ad.validate_python(value), mode="json")
            assert orjson.dumps(shaped) == orjson.dumps(value), name
