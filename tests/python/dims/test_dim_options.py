"""The newer dimensions in ``filter_options`` (top values by cost, the count of the rest, the
applied value kept), the per-value row index behind user/session/project filters, and the
unfiltered options view shared by every filter of a window — each against a fresh build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from telemetry_fixtures import call, run, write_lines

from empathy_monitor.analytics import Filters, WindowSpec
from empathy_monitor.analytics.dimensions import BY_NAME
from empathy_monitor.sidecar.publisher import Publisher, ViewKey
from empathy_monitor.telemetry import Telemetry

NOW = "2026-11-20T12:00:00"
ALL = WindowSpec(range="all", now=NOW)


def _c(cid: str, cost: float, user: str | None, session: str | None, run_id: str = "") -> Any:
    meta = {"run_id": run_id} if run_id else {}
    return call(
        cid,
        "2026-11-20T10:00:00",
        user_id=user,
        session_id=session,
        estimated_cost=cost,
        metadata=meta,
        workflow_name="wf",
    )


# user u<i> spends i dollars in session s<i>; r1 (project api) holds u1..u3's calls
CALLS = [_c(f"c{i}", float(i), f"u{i}", f"s{i}", "r1" if i <= 3 else "") for i in range(1, 8)]
RUNS = [
    run("r1", "wf", "2026-11-20T10:00:00", project="api", total_cost=6.0),
    run("r9", "wf", "2026-11-20T10:00:00", project="lonely", total_cost=0.5),  # no calls
]


def opt(value: str, calls: int, cost: float) -> dict[str, Any]:
    return {"value": value, "calls": calls, "cost": cost}


def _tel(tmp_path: Path) -> tuple[Telemetry, Path]:
    d = tmp_path / ".empathy"
    write_lines(d / "llm_calls.jsonl", CALLS)
    write_lines(d / "workflow_runs.jsonl", RUNS)
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    return tel, d


def test_options_list_each_dimension_by_cost_with_the_rest_counted(tmp_path: Path) -> None:
    tel, _ = _tel(tmp_path)
    fo = tel.view(ALL, dim_top=3).dump("filter_options", "json")
    assert fo["user"] == [opt("u7", 1, 7.0), opt("u6", 1, 6.0), opt("u5", 1, 5.0)]
    assert fo["session"] == [opt("s7", 1, 7.0), opt("s6", 1, 6.0), opt("s5", 1, 5.0)]
    # calls u4..u7 have no run: (none) = 4+5+6+7; a project known only from runs comes last
    assert fo["project"] == [opt("(none)", 4, 22.0), opt("api", 3, 6.0), opt("lonely", 0, 0.5)]
    assert fo["source"] == [opt("empathy", 7, 28.0)]
    assert fo["unlisted"] == {"project": 0, "user": 4, "session": 4, "source": 0}
    # without a bound (the CLI's views) every value is listed
    full = tel.view(ALL).dump("filter_options", "json")
    assert [o["value"] for o in full["user"]] == [f"u{i}" for i in range(7, 0, -1)]
    assert full["unlisted"]["user"] == 0


def test_an_applied_value_outside_the_top_stays_listed(tmp_path: Path) -> None:
    tel, _ = _tel(tmp_path)
    pub = Publisher(tel)
    # the publisher's bound is DIM_TOP (50): shrink the window of values with a small view
    v = tel.view(ALL, Filters(user="u1"), dim_top=3)
    opts = tel.view(ALL, dim_top=3)
    fo = v.dump("filter_options", "json", opts.sums)
    assert fo["user"] == [
        opt("u7", 1, 7.0),
        opt("u6", 1, 6.0),
        opt("u5", 1, 5.0),
        opt("u1", 1, 1.0),
    ]
    assert fo["unlisted"]["user"] == 3  # u2, u3, u4
    # a value the window does not hold at all is listed with nothing
    gone = tel.view(ALL, Filters(session="nope"), dim_top=3)
    assert gone.dump("filter_options", "json", opts.sums)["session"][-1] == opt("nope", 0, 0.0)
    # the sidecar's snapshot carries them (unfiltered, while a filter is on)
    snap = pub.snapshot(ViewKey("all", None, None, NOW, Filters(user="u1")))
    assert snap["overview"]["calls"] == 1
    assert (
        len(snap["filter_options"]["user"]) == 7 and snap["filter_options"]["unlisted"]["user"] == 0
    )


def test_filters_share_the_unfiltered_options_view_and_follow_appends(tmp_path: Path) -> None:
    tel, d = _tel(tmp_path)
    pub = Publisher(tel)
    pub.snapshot(ViewKey("all", None, None, NOW, Filters()))
    unfiltered = pub.view
    pub.snapshot(ViewKey("all", None, None, NOW, Filters(user="u2")))
    assert pub.opts is unfiltered  # no second build of the window for the options
    write_lines(d / "llm_calls.jsonl", [_c("c8", 8.0, "u8", "s8")], mode="a")
    upd = pub.ingest(tel.refresh())
    assert upd is not None and upd.changed["filter_options"]["user"][0] == opt("u8", 1, 8.0)
    # another filter of the window reuses it again; rows are folded in once, not per key
    snap = pub.snapshot(ViewKey("all", None, None, NOW, Filters(session="s3")))
    assert pub.opts is unfiltered
    fresh = tel.view(ALL).dump("filter_options", "json")
    assert snap["filter_options"] == fresh
    write_lines(d / "llm_calls.jsonl", [_c("c9", 0.5, "u1", "s1")], mode="a")
    pub.ingest(tel.refresh())
    back = pub.snapshot(ViewKey("all", None, None, NOW, Filters()))  # the cached unfiltered key
    assert back["overview"]["calls"] == 9 and back["overview"]["total_cost"] == 36.5
    assert back["by_user"] == tel.dashboard(ALL)["by_user"]
    again = pub.snapshot(ViewKey("all", None, None, NOW, Filters(user="u2")))
    assert again["filter_options"] == tel.view(ALL).dump("filter_options", "json")


def _mask_rows(tel: Telemetry, f: Filters) -> np.ndarray:
    m = f.call_rows(tel.tables, slice(0, tel.tables.calls.n))
    return np.arange(tel.tables.calls.n) if m is None else np.flatnonzero(m)


@settings(derandomize=True, max_examples=15, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(0, 3),  # user
            st.integers(0, 3),  # session
            st.sampled_from(["", "r1", "r2"]),  # run (project)
            st.booleans(),  # a run r2 (project web) arrives after this call
        ),
        min_size=1,
        max_size=12,
    )
)
def test_the_row_index_equals_a_mask_as_rows_and_runs_arrive(
    tmp_path_factory: Any, steps: list[tuple[int, int, str, bool]]
) -> None:
    d = tmp_path_factory.mktemp("rows") / ".empathy"
    write_lines(d / "workflow_runs.jsonl", RUNS[:1])
    write_lines(d / "llm_calls.jsonl", [])
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    linked = False
    filters = [
        Filters(user="u1"),
        Filters(session="s2"),
        Filters(user="u1", session="s1"),
        Filters(project="api"),
        Filters(project="web", user="u2"),
        Filters(project="(none)"),
        Filters(user="(none)", workflow="wf"),
    ]
    for i, (u, s, r, arrive) in enumerate(steps):
        user = f"u{u}" if u else None
        session = f"s{s}" if s else None
        write_lines(d / "llm_calls.jsonl", [_c(f"x{i}", 1.0, user, session, r)], mode="a")
        if arrive and not linked:
            write_lines(
                d / "workflow_runs.jsonl",
                [run("r2", "wf", "2026-11-20T10:00:00", project="web", total_cost=1.0)],
                mode="a",
            )
            linked = True
        tel.refresh()
        for f in filters:
            cand = f.call_candidates(tel.tables)
            assert cand is not None
            assert cand.tolist() == _mask_rows(tel, f).tolist(), f
    # and a filtered build from the index agrees with the per-row fold of the same rows
    for f in filters:
        built = tel.view(ALL, f).render()
        assert built["overview"]["calls"] == len(_mask_rows(tel, f)), f
    assert BY_NAME["user"].rows_of(tel.tables, -1).size == 0


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    costs=st.lists(st.integers(0, 4), min_size=0, max_size=30),
    top=st.integers(1, 8),
)
def test_the_top_values_are_the_head_of_the_full_order(costs: list[int], top: int) -> None:
    """Picking the top without sorting every session gives the same values, ties included."""
    from empathy_monitor.analytics.sections.by_dimension import values
    from empathy_monitor.analytics.sums import DimSums, Sums
    from empathy_monitor.tables import Tables

    tables, s = Tables(), Sums()
    for i, c in enumerate(costs):
        k = tables.sessions.id(f"s{(i * 7) % 31:02d}-{i}")  # labels not in id order
        s.dims["session"][k] = DimSums(calls=1 if c != 3 else 0, cost=c)  # cost 3: no calls
    full = values(s, "session", tables)
    assert values(s, "session", tables, top) == full[:top]


def test_a_reset_shares_nothing_built_before_it(tmp_path: Path) -> None:
    tel, d = _tel(tmp_path)
    pub = Publisher(tel)
    pub.snapshot(ViewKey("all", None, None, NOW, Filters()))
    pub.snapshot(ViewKey("all", None, None, NOW, Filters(user="u2")))
    write_lines(d / "llm_calls.jsonl", CALLS[:2])  # rewritten shorter: the tables start over
    res = tel.refresh()
    assert res.reset
    upd = pub.ingest(res)
    assert upd is not None
    assert upd.changed["filter_options"] == tel.view(ALL).dump("filter_options", "json")
    assert [o["value"] for o in upd.changed["filter_options"]["user"]] == ["u2", "u1"]
