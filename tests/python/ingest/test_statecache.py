"""Warm start: a saved index lets a restart parse only appended bytes, with identical numbers."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.analytics import SECTIONS, WindowSpec
from empathy_monitor.demo import generate
from empathy_monitor.ingest import statecache
from empathy_monitor.ingest.formats.empathy_jsonl import Decoder
from empathy_monitor.telemetry import Telemetry

ALL = WindowSpec(range="all")
KEYS = [k for k in SECTIONS if k != "window"]  # the window's "now" differs between runs


def cold(d: Path) -> Telemetry:
    t = Telemetry([d], naive_tz="UTC", workers=1)
    t.refresh()
    return t


def warm(d: Path, path: Path) -> tuple[Telemetry, bool]:
    t = Telemetry([d], naive_tz="UTC", workers=1)
    used = t.load_cache(path)
    t.refresh()
    return t, used


def same(a: Telemetry, b: Telemetry) -> None:
    da, db = a.dashboard(ALL), b.dashboard(ALL)
    for k in KEYS:
        assert da[k] == db[k], k


@pytest.fixture
def data(tdir: Path) -> Path:
    generate(tdir, calls=800, days=4, seed=3, now=datetime(2026, 3, 10, 12))
    with (tdir / "llm_calls.jsonl").open("a") as f:
        f.write("{broken line\n")
    return tdir


def test_warm_start_parses_only_appended_bytes(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = statecache.cache_path([data], "UTC")
    assert str(path).startswith(os.environ["EMPATHY_CACHE_DIR"])
    first = cold(data)
    first.save_cache(path)
    write_lines(
        data / "llm_calls.jsonl",
        [call("late", "2026-03-10T11:59:00", estimated_cost=0.5)],
        mode="a",
    )
    fed: list[int] = []
    orig = Decoder.feed

    def spy(self: Decoder, buf: bytes, off: int, line: int) -> int:
        fed.append(len(buf))
        return orig(self, buf, off, line)

    monkeypatch.setattr(Decoder, "feed", spy)
    t, used = warm(data, path)
    assert used
    assert fed == [len(json.dumps(call("late", "2026-03-10T11:59:00", estimated_cost=0.5))) + 1]
    monkeypatch.undo()
    same(t, cold(data))
    problems = [p for f in t.health()["files"] for p in f["problems"]]
    assert problems and problems[0]["line"] == 801  # located exactly as a cold read locates it


@pytest.mark.parametrize("change", ["truncate", "replace", "rotate", "delete"])
def test_files_changed_while_stopped_are_handled(data: Path, change: str) -> None:
    path = statecache.cache_path([data], "UTC")
    cold(data).save_cache(path)
    calls = data / "llm_calls.jsonl"
    runs = data / "workflow_runs.jsonl"
    if change == "truncate":
        write_lines(calls, [call("only", "2026-03-10T10:00:00", estimated_cost=1.0)])
    elif change == "replace":
        tmp = data / "x.tmp"
        write_lines(tmp, [call(f"n{i}", "2026-03-10T10:00:00") for i in range(3)])
        os.replace(tmp, calls)
    elif change == "rotate":
        (data / "archive").mkdir()
        os.rename(runs, data / "archive" / "workflow_runs-20260310T120000Z.jsonl")
        write_lines(runs, [])
    else:
        runs.unlink()
    t, used = warm(data, path)
    assert used
    same(t, cold(data))


def test_unusable_caches_are_ignored(data: Path) -> None:
    path = statecache.cache_path([data], "UTC")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a cache")
    t, used = warm(data, path)
    assert not used
    same(t, cold(data))
    cold(data).save_cache(path)
    other_tz = Telemetry([data], naive_tz="Europe/Berlin", workers=1)
    assert not other_tz.load_cache(path)  # cached epochs were computed for another zone
    assert statecache.cache_path([data], "UTC") != statecache.cache_path([data], "Europe/Berlin")
