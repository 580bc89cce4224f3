"""The day cube serves unfiltered builds with exactly the numbers a build from the rows gives:
every section and the activity feed, for whole and partial days, every cost mode, after appends,
a repricing, calls moved to a project by a late run, and in a zone whose clock goes back across
midnight (where a window is not a union of days and the cube steps aside)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from empathy_monitor.analytics import Filters, WindowSpec, cube
from empathy_monitor.demo import generate
from empathy_monitor.prices.settings import load_pricing
from empathy_monitor.telemetry import Telemetry

from ..telemetry_fixtures import call, run, write_lines

NOW = datetime(2026, 5, 20, 15, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _always_cube(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cube, "CUBE_MIN_ROWS", 0)
    monkeypatch.setattr(cube, "MIN_SHARE", 0.0)


def _both(
    tel: Telemetry,
    spec: WindowSpec,
    monkeypatch: pytest.MonkeyPatch,
    filters: Filters | None = None,
    **kw: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(rendered through the cube, rendered from the rows) with the feed's refs."""
    v = tel.view(spec, filters, **kw)
    with_cube = {**v.render(dashboard_only=False), "refs": v.recent_refs()}
    with monkeypatch.context() as m:
        m.setattr(cube, "for_build", lambda *a, **k: None)
        r = tel.view(spec, filters, **kw)
        rows = {**r.render(dashboard_only=False), "refs": r.recent_refs()}
    return with_cube, rows


def _assert_same(
    tel: Telemetry,
    spec: WindowSpec,
    mp: pytest.MonkeyPatch,
    filters: Filters | None = None,
    **kw: Any,
) -> None:
    a, b = _both(tel, spec, mp, filters, **kw)
    assert a["overview"]["calls"] == b["overview"]["calls"]
    for k in b:
        assert a[k] == b[k], k


def _demo(tmp_path: Path, tz: str = "UTC") -> Telemetry:
    generate(tmp_path, calls=2500, days=20, seed=11, now=NOW)
    tel = Telemetry([tmp_path], naive_tz=tz, workers=1)
    tel.refresh()
    return tel


def _specs() -> list[WindowSpec]:
    now = NOW.timestamp()
    out = [WindowSpec(range=r, now=now) for r in ("today", "7d", "30d", "all")]
    for since_d, until_d in ((9.3, 2.7), (40, 0.01), (5, 4.5), (3, 2.9999), (19.99, 1)):
        out.append(
            WindowSpec(
                range="custom", since=now - since_d * 86400, until=now - until_d * 86400, now=now
            )
        )
    midnight = datetime(2026, 5, 12, tzinfo=timezone.utc).timestamp()
    out.append(WindowSpec(range="custom", since=midnight, until=midnight + 3 * 86400, now=now))
    return out


@pytest.mark.parametrize("mode", ["writer", "list", "auto"])
def test_every_window_and_mode_as_from_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    tel = _demo(tmp_path, tz="Europe/Berlin")
    for spec in _specs():
        _assert_same(tel, spec, monkeypatch, cost_mode=mode)
        _assert_same(tel, spec, monkeypatch, cost_mode=mode, overview_only=True)
        _assert_same(tel, spec, monkeypatch, cost_mode=mode, overview_only=True, dims=True)
        _assert_same(tel, spec, monkeypatch, cost_mode=mode, recent=500, dim_top=3)
    assert cube._CUBES[tel.tables][mode].ok  # it was the cube that served them


def test_appended_rows_and_a_repricing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tel = _demo(tmp_path)
    spec = WindowSpec(range="30d", now=NOW.timestamp())
    _assert_same(tel, spec, monkeypatch)
    made = cube._CUBES[tel.tables]["auto"]
    stamp = (NOW - timedelta(hours=1)).isoformat()
    extra = [
        call(
            f"late-{i}",
            stamp,
            model_id="gpt-4o",
            provider="openai",
            input_tokens=900 + i,
            output_tokens=50,
            estimated_cost=0.0,
            latency_ms=200_000 * (i % 2) + i,
            user_id="zed",
        )
        for i in range(400)
    ]
    write_lines(tmp_path / "llm_calls.jsonl", extra[:40], mode="a")
    tel.refresh()
    _assert_same(tel, spec, monkeypatch)
    assert cube._CUBES[tel.tables]["auto"] is made  # a small tail is summed from the rows
    monkeypatch.setattr(cube, "TAIL_MIN", 10)
    write_lines(tmp_path / "llm_calls.jsonl", extra[40:41], mode="a")
    tel.refresh()
    _assert_same(tel, spec, monkeypatch)
    assert cube._CUBES[tel.tables]["auto"] is made  # 41 rows: within n // 8 of ~2500
    monkeypatch.setattr(cube, "TAIL_MIN", 0)
    write_lines(tmp_path / "llm_calls.jsonl", extra[41:], mode="a")
    tel.refresh()
    _assert_same(tel, spec, monkeypatch)
    assert cube._CUBES[tel.tables]["auto"] is not made  # remade: too many appended rows
    made = cube._CUBES[tel.tables]["auto"]
    (tmp_path / "prices.yaml").write_text(
        "prices:\n  - model: gpt-4o\n    input: 3.0\n    output: 9.0\n", encoding="utf-8"
    )
    tel.reprice(load_pricing([tmp_path]).book)
    _assert_same(tel, spec, monkeypatch)
    assert cube._CUBES[tel.tables]["auto"] is not made  # repriced: remade


def test_calls_moved_to_a_project_by_a_late_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = NOW - timedelta(days=3)
    calls = [
        call(
            f"c{i}",
            (day + timedelta(minutes=7 * i)).isoformat(),
            estimated_cost=0.01,
            input_tokens=10,
            metadata={"run_id": "r-late" if i % 3 == 0 else f"r{i}"},
        )
        for i in range(300)
    ]
    write_lines(tmp_path / "llm_calls.jsonl", calls)
    tel = Telemetry([tmp_path], naive_tz="UTC", workers=1)
    tel.refresh()
    spec = WindowSpec(range="all", now=NOW.timestamp())
    _assert_same(tel, spec, monkeypatch)
    write_lines(
        tmp_path / "workflow_runs.jsonl",
        [run("r-late", "report", (day + timedelta(hours=30)).isoformat(), project="apollo")],
    )
    tel.refresh()
    a, b = _both(tel, spec, monkeypatch)
    assert a["by_project"] == b["by_project"]
    assert b["by_project"]["apollo"]["call_count"] == 100  # moved there from "(none)"


def test_a_clock_going_back_across_midnight_leaves_it_to_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # America/Santiago, 2023-04-02 00:00 local: clocks go back to 2023-04-01 23:00, so the
    # hour before and the hour after that UTC instant belong to different local days in turn
    start = datetime(2023, 4, 1, 22, tzinfo=timezone.utc)
    calls = [
        call(
            f"c{i}",
            (start + timedelta(minutes=5 * i)).isoformat(),
            estimated_cost=0.002,
            latency_ms=100 + i,
        )
        for i in range(600)
    ]
    write_lines(tmp_path / "llm_calls.jsonl", calls)
    tel = Telemetry([tmp_path], naive_tz="America/Santiago", workers=1)
    tel.refresh()
    now = (start + timedelta(days=3)).timestamp()
    for spec in (WindowSpec(range="all", now=now), WindowSpec(range="7d", now=now)):
        _assert_same(tel, spec, monkeypatch)
    assert not cube._CUBES[tel.tables]["auto"].ok


@pytest.mark.parametrize("mode", ["writer", "auto"])
def test_filtered_views_as_from_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    tel = _demo(tmp_path, tz="Europe/Berlin")
    flts = [
        Filters(provider="openai"),
        Filters(workflow="doc-gen", tier="cheap"),
        Filters(model="gpt-4o-mini"),
        Filters(step="write"),  # groups hold no step: whole groups only where steps match them
        Filters(user="alice"),  # a per-row dimension: from the rows
        Filters(provider="nobody"),
    ]
    for spec in _specs():
        for flt in flts:
            _assert_same(tel, spec, monkeypatch, filters=flt, cost_mode=mode)
            _assert_same(tel, spec, monkeypatch, filters=flt, cost_mode=mode, overview_only=True)
    assert cube._CUBES[tel.tables][mode].ok


def test_a_view_from_the_cube_slides_as_one_from_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a built view moves forward by folding rows out and in: every sum it starts from (the
    # calls of a day per provider too) must be what a build from the rows makes
    tel = _demo(tmp_path)
    now = NOW.timestamp()
    for flt in (Filters(), Filters(provider="openai")):
        v = tel.view(WindowSpec(range="7d", now=now), flt)
        w = v.window
        assert w.since is not None
        for step in (0.4, 1.3, 2.0):
            v.slide(w.since + step * 86400, None, now + step * 86400)
            with monkeypatch.context() as m:
                m.setattr(cube, "for_build", lambda *a, **k: None)
                fresh = tel.view(
                    WindowSpec(
                        range="custom", since=w.since + step * 86400, now=now + step * 86400
                    ),
                    flt,
                )
            a, b = v.render(dashboard_only=False), fresh.render(dashboard_only=False)
            for k in b:
                if k != "window":
                    assert a[k] == b[k], (flt, step, k)


def test_a_filter_keeping_whole_groups_uses_the_cube(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tel = _demo(tmp_path)
    spec = WindowSpec(range="all", now=NOW.timestamp())
    tel.view(spec)  # the cube exists
    seen: list[Any] = []
    real = cube.DayCube.add_groups
    monkeypatch.setattr(cube.DayCube, "add_groups", lambda *a, **k: seen.append(1) or real(*a, **k))
    tel.view(spec, Filters(provider="openai"))
    assert seen == [1]
    tel.view(spec, Filters(user="alice"))  # a per-row dimension: not a set of groups
    assert seen == [1]


def test_a_filter_every_call_passes_is_the_unfiltered_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source filter where every call is that source's keeps every combo: the build is the
    unfiltered one (the cube's whole days, no pass over the rows of those days), and every
    section but the filters it echoes equals the unfiltered view and a build from the rows."""
    tel = _demo(tmp_path)
    sources = {c.source for c in tel.tables.call_combos.items}
    assert len(sources) == 1
    flt = Filters(source=next(iter(sources)))
    light: list[Any] = []
    real = cube.DayCube.add_groups
    for spec in _specs():
        with monkeypatch.context() as m:
            m.setattr(cube.DayCube, "add_groups", lambda *a, **k: light.append(1) or real(*a, **k))
            v = tel.view(spec, flt).render(dashboard_only=False)
        assert light == []
        plain = tel.view(spec).render(dashboard_only=False)
        for k in plain:
            if k not in ("window", "filter_options"):
                assert v[k] == plain[k], (spec, k)
        _assert_same(tel, spec, monkeypatch, filters=flt)


_ZONES = ("UTC", "Europe/Berlin", "America/Santiago", "Asia/Kolkata")


@settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    zone=st.sampled_from(_ZONES),
    bounds=st.lists(st.floats(0, 12), min_size=2, max_size=2),
    mode=st.sampled_from(["writer", "list", "auto"]),
)
def test_random_records_and_windows(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    zone: str,
    bounds: list[float],
    mode: str,
) -> None:
    rng = random.Random(seed)
    d = tmp_path_factory.mktemp("cube")
    base = datetime(2026, 3, 20, tzinfo=timezone.utc)
    recs = []
    for i in range(rng.randint(1, 400)):
        ts = base + timedelta(seconds=rng.uniform(0, 10 * 86400))
        recs.append(
            call(
                f"c{i}",
                ts.isoformat(),
                provider=rng.choice(["openai", "anthropic", "ollama"]),
                model_id=rng.choice(["gpt-4o", "claude-sonnet-4", "mystery-1", ""]),
                tier=rng.choice(["cheap", "capable", "premium"]),
                workflow_name=rng.choice([None, "a", "b"]),
                step_name=rng.choice([None, "s1", "s2"]),
                user_id=rng.choice([None, "u1", "u2", "u3"]),
                session_id=f"s{rng.randint(0, 30)}",
                input_tokens=rng.randint(0, 5000),
                output_tokens=rng.randint(0, 900),
                estimated_cost=rng.choice([0.0, 0.0031, 0.02]),
                success=rng.random() > 0.2,
                error_type=rng.choice([None, "timeout", "rate_limit"]),
                latency_ms=rng.choice([0, 120, 999, 150_000, rng.randint(1, 9000)]),
                fallback_used=rng.random() < 0.2,
                fallback_chain=rng.choice([[], ["openai", "ollama"]]),
                original_provider=rng.choice([None, "openai"]),
                retry_count=rng.randint(0, 2),
                cache_read_input_tokens=rng.choice([0, 400]),
            )
        )
    # some calls of the same instant: the feed orders them by file position either way
    recs += [dict(r, call_id=r["call_id"] + "-dup") for r in recs[:5]]
    write_lines(d / "llm_calls.jsonl", recs)
    tel = Telemetry([d], naive_tz=zone, workers=1)
    tel.refresh()
    lo, hi = sorted(bounds)
    hi = max(hi, lo + 0.001)
    now = (base + timedelta(days=11)).timestamp()
    start = base.timestamp()
    for spec in (
        WindowSpec(range="all", now=now),
        WindowSpec(range="custom", since=start + lo * 86400, until=start + hi * 86400, now=now),
        WindowSpec(range="7d", now=now),
    ):
        _assert_same(tel, spec, monkeypatch, cost_mode=mode, recent=7)
        _assert_same(tel, spec, monkeypatch, Filters(provider="openai"), cost_mode=mode)
        _assert_same(tel, spec, monkeypatch, Filters(tier="cheap", workflow="a"), cost_mode=mode)
        _assert_same(tel, spec, monkeypatch, Filters(step="s1"), cost_mode=mode)
