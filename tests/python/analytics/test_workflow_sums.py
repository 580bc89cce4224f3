"""``WorkflowSums``: the lens numbers kept current by folding appended rows and sliding the window
equal a fresh ``workflow_numbers.compute`` (hand-computed cases, then a property test)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from telemetry_fixtures import call, run, write_lines

from empathy_monitor.analytics import WindowSpec
from empathy_monitor.analytics.window import DAY
from empathy_monitor.analytics.workflow_numbers import Numbers, compute
from empathy_monitor.analytics.workflow_sums import WorkflowSums
from empathy_monitor.telemetry import Telemetry

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC).timestamp()
B = 1_000_000_000  # nanodollars per dollar
FLAGGED = 200_000_000  # > 24 h: the reader keeps the call, its latency becomes -1


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).replace(tzinfo=None).isoformat()


def _ago(hours: float, base: float = NOW) -> str:
    return _iso(base - hours * 3600)


def _sums(tel: Telemetry, rng: str, now: float) -> WorkflowSums:
    w = tel.window(WindowSpec(range=rng, now=now))
    return WorkflowSums(tel.tables, w, lambda rows: tel.costs_of(rows)[1])


def _fresh(tel: Telemetry, sums: WorkflowSums) -> object:
    return compute(tel.tables, sums.window, lambda rows: tel.costs_of(rows)[1])


def test_appends_and_a_slide_give_the_hand_computed_numbers(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    calls, runs = d / "llm_calls.jsonl", d / "workflow_runs.jsonl"
    wf = {"workflow_name": "review"}
    write_lines(
        calls,
        [
            # auto cost mode: the billed actual_cost (0.40) wins over the writer's 0.50
            call("a1", _ago(1), **wf, step_name="scan", estimated_cost=0.5, actual_cost=0.4,
                 latency_ms=100),
            call("a2", _ago(2), **wf, step_name="scan", estimated_cost=0.25, latency_ms=300,
                 success=False, error_type="timeout"),
            call("a3", _ago(3), **wf, estimated_cost=1.0, latency_ms=2000),  # no step
            call("a4", _ago(24 * 8), **wf, step_name="scan", estimated_cost=2.0, latency_ms=50),
            call("a5", _ago(1), estimated_cost=9.0),  # no workflow: in no lens
            call("a6", _ago(24 * 20), **wf, step_name="scan", estimated_cost=4.0),  # before both
        ],
    )  # fmt: skip
    write_lines(runs, [run("r1", "review", _ago(1)), run("r2", "review", _ago(24 * 9))])
    tel = Telemetry([d], naive_tz="UTC")
    tel.refresh()
    sums = _sums(tel, "7d", NOW)
    got = sums.numbers()
    assert got.workflows == {
        "review": (Numbers(3, 1, 165 * B // 100, 2000, 1), Numbers(1, 0, 2 * B, 50, 1))
    }
    assert got.steps == {
        ("review", "scan"): (Numbers(2, 1, 65 * B // 100, 300), Numbers(1, 0, 2 * B, 50))
    }
    assert got == _fresh(tel, sums)

    write_lines(
        calls,
        [
            call("b1", _ago(0.5), **wf, step_name="scan", estimated_cost=0.1, latency_ms=5000),
            call("b2", _ago(1 / 6), workflow_name="lint", step_name="x", estimated_cost=0.3,
                 latency_ms=FLAGGED, success=False, error_type="boom"),
        ],
        mode="a",
    )  # fmt: skip
    write_lines(runs, [run("r3", "lint", _ago(0.1))], mode="a")
    tel.refresh()
    sums.add()
    got = sums.numbers()
    assert got.workflows["review"][0] == Numbers(4, 1, 175 * B // 100, 5000, 1)
    assert got.steps[("review", "scan")][0] == Numbers(3, 1, 75 * B // 100, 5000)
    # the flagged latency counts as a call and an error, never in the percentile
    assert got.workflows["lint"] == (Numbers(1, 1, 3 * B // 10, None, 1), Numbers())
    assert got == _fresh(tel, sums)

    # 7 days minus 2.5 h later: a1, a2, b1, b2 current; a3 previous; a4 and r2 left the span
    later = NOW + 7 * DAY - 2.5 * 3600
    sums.slide(tel.window(WindowSpec(range="7d", now=later)))
    got = sums.numbers()
    assert got.workflows["review"] == (
        Numbers(3, 1, 75 * B // 100, 5000, 1),
        Numbers(1, 0, B, 2000, 0),
    )
    assert got.steps[("review", "scan")] == (Numbers(3, 1, 75 * B // 100, 5000), Numbers())
    assert got == _fresh(tel, sums)
    # and back a day ("today"-like growth of the span back in time): rows come back
    sums.slide(tel.window(WindowSpec(range="7d", now=NOW)))
    assert sums.numbers() == _fresh(tel, sums)
    assert sums.numbers().workflows["review"][1] == Numbers(1, 0, 2 * B, 50, 1)


def test_rows_dropped_make_it_unusable(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    f = d / "llm_calls.jsonl"
    write_lines(f, [call(f"c{i}", _ago(i), workflow_name="w") for i in range(5)])
    tel = Telemetry([d], naive_tz="UTC")
    tel.refresh()
    sums = _sums(tel, "7d", NOW)
    assert sums.usable()
    write_lines(f, [call("z", _ago(1), workflow_name="w")])  # replaced: rows dropped
    tel.refresh()
    assert not sums.usable()


CALL = st.tuples(
    st.floats(-3, 24 * 50, allow_nan=False),  # hours before NOW (a few in the future)
    st.sampled_from(["alpha", "beta", None]),
    st.sampled_from(["s1", "s-2", "", None]),
    # latency: mostly under 65.5 s (one radix pass), some over (the comparison sort), flagged
    st.one_of(st.integers(0, 3000), st.integers(60_000, 200_000), st.just(FLAGGED)),
    st.booleans(),
    st.integers(0, 5000),  # cost in 1/1000 dollar
    st.booleans(),  # an actual_cost as well
)
STEP = st.tuples(
    st.lists(CALL, max_size=12),
    st.lists(st.tuples(st.floats(-3, 24 * 50, allow_nan=False), st.sampled_from(["alpha", "gamma"])), max_size=3),
    st.sampled_from([0.0, 0.0, 0.25, 5.0, 30.0, 24 * 9.0]),  # hours "now" moves on afterwards
)  # fmt: skip


@settings(derandomize=True, max_examples=40, deadline=None)
@given(rng=st.sampled_from(["today", "7d", "30d"]), steps=st.lists(STEP, min_size=1, max_size=5))
def test_folded_and_slid_numbers_equal_a_fresh_computation(
    rng: str, steps: list[tuple[list[tuple[float, str | None, str | None, int, bool, int, bool]],
                                list[tuple[float, str]], float]],
) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / ".empathy"
        d.mkdir()
        tel = Telemetry([d], naive_tz="UTC")
        now, sums, k = NOW, None, 0
        for calls, runs, advance in steps:
            recs = []
            for hours, wf, step, lat, ok, cost, actual in calls:
                k += 1
                extra = {"actual_cost": cost / 2000} if actual else {}
                recs.append(call(
                    f"c{k}", _ago(hours), workflow_name=wf, step_name=step, latency_ms=lat,
                    success=ok, error_type=None if ok else "e", estimated_cost=cost / 1000,
                    **extra,
                ))  # fmt: skip
            write_lines(d / "llm_calls.jsonl", recs, mode="a")
            write_lines(
                d / "workflow_runs.jsonl",
                [run(f"r{k}-{i}", wf, _ago(h)) for i, (h, wf) in enumerate(runs)],
                mode="a",
            )
            tel.refresh()
            if sums is None:
                sums = _sums(tel, rng, now)
            else:
                sums.add()
            assert sums.numbers() == _fresh(tel, sums)
            if advance:
                now += advance * 3600
                sums.slide(tel.window(WindowSpec(range=rng, now=now)))
                assert sums.numbers() == _fresh(tel, sums)
