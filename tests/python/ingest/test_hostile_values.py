"""Item 1 of issue 11: no value on a line reaches a crash.

Every line is either counted or reported with its line number, and afterwards no view, render,
export, alert evaluation or OTel mapping raises.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telemetry_fixtures import call, run

from empathy_monitor.alerts.metrics import MetricContext, evaluate_metric
from empathy_monitor.alerts.rules import METRICS, Condition
from empathy_monitor.analytics import WindowSpec
from empathy_monitor.analytics.window import RANGES
from empathy_monitor.csvout import write_csv
from empathy_monitor.ingest.formats.empathy_jsonl import decode_record
from empathy_monitor.otel.mapping import MappingError, parse_record, record_to_spans
from empathy_monitor.telemetry import Telemetry

EXTREME_STAMPS = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "1899-12-31T23:59:59Z",
    "2200-01-01T00:00:00",
]
NOW = time.time()

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=-1e300, max_value=1e300)
    | st.text(max_size=12)
    | st.sampled_from(EXTREME_STAMPS)
)
_json = st.recursive(
    _scalars,
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3)
    ),
    max_leaves=6,
)
_CALL_KEYS = list(call("x", "2026-01-01T00:00:00"))
_RUN_KEYS = list(run("r", "wf", "2026-01-01T00:00:00"))


@st.composite
def _line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["call", "run", "any"]))
    if kind == "any":
        return json.dumps(draw(_json))
    stamp = draw(st.sampled_from([*EXTREME_STAMPS, "2026-01-01T10:00:00"]))
    i = draw(st.integers(0, 10**6))
    base = call(f"c{i}", stamp) if kind == "call" else run(f"r{i}", "wf", stamp)
    keys = _CALL_KEYS if kind == "call" else _RUN_KEYS
    over = draw(st.dictionaries(st.sampled_from(keys), _json, max_size=3))
    base.update(over)
    return json.dumps(base)


def _conditions() -> list[Condition]:
    out = []
    for m in METRICS:
        try:
            out.append(Condition.model_validate({"metric": m, "window": "1h", "threshold": 1}))
        except ValueError:
            out.append(Condition.model_validate({"metric": m, "window": "today", "threshold": 1}))
    return out


CONDITIONS = _conditions()


def _exercise(tel: Telemetry) -> None:
    for rng in RANGES:
        tel.dashboard(WindowSpec(range=rng))
    rows = list(tel.iter_calls(WindowSpec(range="all")))
    write_csv(rows, io.StringIO())
    ctx = MetricContext(tel, NOW)
    for cond in CONDITIONS:
        evaluate_metric(cond, ctx)


@settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(_line(), min_size=1, max_size=4))
def test_any_json_line_is_counted_or_located_and_nothing_raises(
    tmp_path: Path, lines: list[str]
) -> None:
    d = Path(tempfile.mkdtemp(dir=tmp_path)) / ".empathy"
    d.mkdir()
    (d / "llm_calls.jsonl").write_text("\n".join(lines) + "\n")
    (d / "workflow_runs.jsonl").write_text("\n".join(lines) + "\n")
    tel = Telemetry([d], naive_tz="UTC", workers=1)
    tel.refresh()
    for f in tel.health()["files"]:
        located = {p["line"] for p in f["problems"] if p["kind"] == "malformed"}
        assert f["records"] + f["malformed"] + f["duplicates"] == len(lines), f
        assert len(located) == f["malformed"], f
    _exercise(tel)
    for raw in lines:
        rec_d: Any = decode_record(raw.encode())
        if rec_d is None:
            continue
        with contextlib.suppress(MappingError):
            record_to_spans(parse_record(rec_d), tel.parser)


def test_out_of_range_timestamps_are_located_bad_lines(tdir: Path) -> None:
    good = call("ok", "2026-01-01T10:00:00")
    bad = [call(f"b{i}", s) for i, s in enumerate(EXTREME_STAMPS)]
    (tdir / "llm_calls.jsonl").write_text("\n".join(json.dumps(r) for r in [good, *bad]) + "\n")
    (tdir / "workflow_runs.jsonl").write_text(
        json.dumps(run("r", "wf", "0001-01-01T00:00:00+14:00")) + "\n"
    )
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    h = tel.health()
    assert h["records"] == 1
    calls = next(f for f in h["files"] if f["path"].endswith("llm_calls.jsonl"))
    assert [p["line"] for p in calls["problems"]] == list(range(2, 2 + len(EXTREME_STAMPS)))
    assert all("timestamp out of range" in p["reason"] for p in calls["problems"])
    runs = next(f for f in h["files"] if f["path"].endswith("workflow_runs.jsonl"))
    assert "out of range" in runs["problems"][0]["reason"]
    _exercise(tel)
