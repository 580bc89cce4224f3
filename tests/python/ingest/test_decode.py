"""Every malformed-input case is counted, located and never fatal."""

from __future__ import annotations

import json
from pathlib import Path

from telemetry_fixtures import call, write_lines

from empathy_monitor.analytics import WindowSpec
from empathy_monitor.telemetry import Telemetry

ALL = WindowSpec(range="all")


def load(d: Path, tz: str = "UTC") -> Telemetry:
    tel = Telemetry([d], naive_tz=tz, workers=1)
    tel.refresh()
    return tel


def problems(tel: Telemetry) -> list[tuple[int, str, str]]:
    out = []
    for f in tel.health()["files"]:
        for p in f["problems"]:
            out.append((p["line"], p["kind"], p["reason"]))
    return out


def test_unknown_keys_are_ignored_and_missing_optional_keys_default(tdir: Path) -> None:
    full = call("a", "2026-01-01T10:00:00", estimated_cost=0.5, brand_new_field={"x": 1}, another=3)
    minimal = {"call_id": "b", "timestamp": "2026-01-01T11:00:00"}
    write_lines(tdir / "llm_calls.jsonl", [full, minimal])
    tel = load(tdir)
    d = tel.dashboard(ALL)
    assert d["overview"]["calls"] == 2
    assert d["overview"]["total_cost"] == 0.5
    assert d["by_provider"]["anthropic"]["call_count"] == 2  # default provider
    assert d["by_tier"]["capable"]["count"] == 2  # default tier
    assert d["health"]["malformed"] == 0
    rows, _ = tel.calls_page(0, 10)
    assert "brand_new_field" not in rows[0] and "another" not in rows[0]


def test_non_object_lines_bad_json_and_missing_required_are_located(tdir: Path) -> None:
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call("ok1", "2026-01-01T10:00:00"),
            "[1, 2, 3]",
            "42",
            '"just a string"',
            "{not json",
            {"timestamp": "2026-01-01T10:00:00"},
            {"call_id": "x"},
            {"something": "else"},
            "",
            call("ok2", "2026-01-01T10:05:00"),
        ],
    )
    tel = load(tdir)
    h = tel.health()
    assert h["records"] == 2
    assert h["malformed"] == 7
    got = {line: reason for line, kind, reason in problems(tel) if kind == "malformed"}
    assert got[2] == "not a JSON object (list)"
    assert got[3] == "not a JSON object (int)"
    assert got[4] == "not a JSON object (str)"
    assert got[5].startswith("not valid JSON")
    assert got[6] == "call_id: field required"
    assert got[7].startswith("timestamp: field required")
    assert got[8] == "not a telemetry record (no call_id or run_id)"
    assert 9 not in got  # a blank line is not an error


def test_bad_timestamps_are_malformed_not_fatal(tdir: Path) -> None:
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call("a", "yesterday"),
            call("b", 12345),
            call("c", "2026-13-45T99:00:00"),
            call("d", "2026-01-02T00:00:00"),
        ],
    )
    tel = load(tdir)
    assert tel.health()["records"] == 1
    assert tel.health()["malformed"] == 3
    d = tel.dashboard(WindowSpec(since="2026-01-01", until="2026-01-03"))
    assert d["overview"]["calls"] == 1
    reasons = [r for _, _, r in problems(tel)]
    assert any("'yesterday' is not ISO 8601" in r for r in reasons)
    assert any(r.startswith("timestamp: input should be a valid string") for r in reasons)


def test_mixed_naive_and_aware_and_z_timestamps(tdir: Path) -> None:
    # naive stamps are local time (here pinned to Europe/Berlin, UTC+1 in January)
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call("naive", "2026-01-01T10:00:00", estimated_cost=1.0),
            call("aware", "2026-01-01T09:30:00+00:00", estimated_cost=2.0),
            call("zulu", "2026-01-01T09:45:00Z", estimated_cost=4.0),
        ],
    )
    tel = load(tdir, tz="Europe/Berlin")
    # 10:00 Berlin == 09:00 UTC, so a window starting 09:15Z holds only the two aware calls.
    d = tel.dashboard(
        WindowSpec(since="2026-01-01T09:15:00+00:00", until="2026-01-01T10:00:00+00:00")
    )
    assert d["overview"]["calls"] == 2
    assert d["overview"]["total_cost"] == 6.0
    d = tel.dashboard(
        WindowSpec(since="2026-01-01T09:00:00+00:00", until="2026-01-01T09:00:01+00:00")
    )
    assert d["overview"]["calls"] == 1 and d["overview"]["total_cost"] == 1.0  # since is inclusive
    rows, _ = tel.calls_page(0, 10)
    assert [r["call_id"] for r in rows] == ["zulu", "aware", "naive"]


def test_nan_and_absurd_values_are_read_flagged_and_not_summed(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    good = json.dumps(call("good", "2026-01-01T10:00:00", estimated_cost=0.25, input_tokens=10))
    nan = json.dumps(
        call("nan", "2026-01-01T10:01:00", estimated_cost=float("nan"), input_tokens=5)
    )
    assert "NaN" in nan  # exactly what json.dumps(asdict(record)) writes
    neg = json.dumps(call("neg", "2026-01-01T10:02:00", estimated_cost=-3.0, output_tokens=-7))
    huge = json.dumps(call("huge", "2026-01-01T10:03:00", estimated_cost=1e9, latency_ms=10**12))
    write_lines(p, [good, nan, neg, huge])
    tel = load(tdir)
    d = tel.dashboard(ALL)
    assert d["overview"]["calls"] == 4
    assert d["overview"]["total_cost"] == 0.25
    assert d["overview"]["input_tokens"] == 15  # the NaN call's tokens still count
    assert d["overview"]["output_tokens"] == 0
    h = tel.health()
    assert h["flagged"] == 3 and h["malformed"] == 0
    flagged = {line: r for line, kind, r in problems(tel) if kind == "flagged"}
    assert "estimated_cost is nan" in flagged[2]
    assert "estimated_cost -3.0 out of range" in flagged[3] and "output_tokens -7" in flagged[3]
    assert "latency_ms" in flagged[4]


def test_torn_line_with_glued_record_is_salvaged(tdir: Path) -> None:
    full = json.dumps(call("full", "2026-01-01T10:00:00", estimated_cost=0.5))
    torn = json.dumps(call("torn", "2026-01-01T09:59:00", estimated_cost=9.0))[:57]
    p = tdir / "llm_calls.jsonl"
    p.write_text(json.dumps(call("before", "2026-01-01T09:00:00")) + "\n" + torn + full + "\n")
    tel = load(tdir)
    d = tel.dashboard(ALL)
    assert d["overview"]["calls"] == 2
    assert d["overview"]["total_cost"] == 0.5
    h = tel.health()
    assert h["salvaged"] == 1 and h["malformed"] == 1
    (line, _kind, reason), *_ = [x for x in problems(tel) if x[1] == "malformed"]
    assert line == 2 and "torn record" in reason
    rows, _ = tel.calls_page(0, 5)
    assert {r["call_id"] for r in rows} == {"before", "full"}


def test_empty_and_missing_files_and_dirs(tmp_path: Path, tdir: Path) -> None:
    (tdir / "llm_calls.jsonl").write_text("")
    tel = Telemetry([tdir, tmp_path / "nope"], naive_tz="UTC", workers=1)
    tel.refresh()
    d = tel.dashboard(ALL)
    assert d["overview"]["calls"] == 0
    assert d["overview"]["success_rate"] is None
    assert d["overview"]["p95_latency_ms"] is None
    assert d["top_workflows"] == [] and d["recent_calls"] == []
    assert [x["exists"] for x in d["health"]["dirs"]] == [True, False]


def test_unicode_and_html_in_names_are_kept_verbatim(tdir: Path) -> None:
    xss = "<img src=x onerror=alert(1)>"
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call(
                "u1",
                "2026-01-01T10:00:00",
                workflow_name=xss,
                step_name="résumé ✓ 日本語",
                estimated_cost=0.1,
            ),
            call("u2", "2026-01-01T10:00:01", workflow_name="naïve-flow", provider="prov\u00e9"),
        ],
    )
    tel = load(tdir)
    d = tel.dashboard(ALL)
    names = [w["workflow_name"] for w in d["top_workflows"]]
    assert xss in names and "naïve-flow" in names
    assert "prové" in d["by_provider"]
    assert d["recent_calls"][1]["step_name"] == "résumé ✓ 日本語"


def test_invalid_utf8_line_is_malformed(tdir: Path) -> None:
    p = tdir / "llm_calls.jsonl"
    p.write_bytes(
        b'{"call_id": "\xff\xfe", "timestamp": "2026-01-01T00:00:00"}\n'
        + json.dumps(call("ok", "2026-01-01T00:00:00")).encode()
        + b"\n"
    )
    tel = load(tdir)
    assert tel.health()["records"] == 1
    assert problems(tel)[0][:2] == (1, "malformed")


def test_wrong_types_fall_back_to_validation(tdir: Path) -> None:
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call(
                "f", "2026-01-01T00:00:00", latency_ms=12.7, input_tokens=3.0
            ),  # float ms accepted
            call("g", "2026-01-01T00:00:00", provider={"bad": 1}),
            call("h", "2026-01-01T00:00:00", success="maybe"),
            call("i", "2026-01-01T00:00:00", fallback_chain=None, metadata=None, tier=None),
        ],
    )
    tel = load(tdir)
    assert tel.health()["records"] == 2
    assert tel.health()["malformed"] == 2
    d = tel.dashboard(ALL)
    assert d["overview"]["avg_latency_ms"] == 6.5  # (13 + 0) / 2
    assert d["overview"]["input_tokens"] == 3


def test_run_with_nan_or_negative_values_is_flagged_and_excluded(tdir: Path) -> None:
    from telemetry_fixtures import run

    write_lines(
        tdir / "workflow_runs.jsonl",
        [
            json.dumps(
                run(
                    "ok",
                    "wf",
                    "2026-01-01T10:00:00",
                    total_cost=1.0,
                    baseline_cost=2.0,
                    savings=1.0,
                )
            ),
            json.dumps(
                run(
                    "nan",
                    "wf",
                    "2026-01-01T10:01:00",
                    total_cost=float("nan"),
                    baseline_cost=4.0,
                    savings=float("nan"),
                    total_duration_ms=-5,
                )
            ),
            json.dumps(
                run(
                    "neg",
                    "wf",
                    "2026-01-01T10:02:00",
                    total_cost=-1.0,
                    baseline_cost=1.0,
                    savings=2.0,
                )
            ),
        ],
    )
    tel = load(tdir)
    s = tel.dashboard(ALL)["savings"]
    assert s["workflow_count"] == 3
    assert s["total_actual_cost"] == 1.0
    assert s["total_baseline_cost"] == 7.0
    assert s["total_savings"] == 3.0
    flagged = {line: r for line, kind, r in problems(tel) if kind == "flagged"}
    assert (
        flagged[2]
        == "total_cost is nan; savings is nan; total_duration_ms -5 out of range (excluded from sums)"
    )
    assert flagged[3] == "total_cost -1.0 out of range (excluded from sums)"


def test_flagged_latency_is_left_out_of_average_and_percentiles(tdir: Path) -> None:
    write_lines(
        tdir / "llm_calls.jsonl",
        [
            call("a", "2026-01-01T10:00:00", latency_ms=100, tier="cheap"),
            call("b", "2026-01-01T10:00:01", latency_ms=300, tier="cheap"),
            call("c", "2026-01-01T10:00:02", latency_ms=10**12, tier="cheap"),  # flagged
        ],
    )
    tel = load(tdir)
    tel.refresh()
    d = tel.dashboard(ALL)
    assert d["overview"]["calls"] == 3
    assert d["overview"]["avg_latency_ms"] == 200.0
    assert d["overview"]["p95_latency_ms"] == 300
    assert d["by_tier"]["cheap"]["avg_latency_ms"] == 200.0
    live = tel.view(ALL)  # the incremental path agrees
    write_lines(
        tdir / "llm_calls.jsonl", [call("d", "2026-01-01T10:00:03", latency_ms=-4)], mode="a"
    )
    r = tel.refresh()
    live.add_calls(*r.calls)
    assert live.render_overview()["avg_latency_ms"] == 200.0
    assert live.render() == tel.view(live.window).render()


# -- issue 11 item 2: whole records glued on one line ---------------------------------------
def test_glued_whole_records_are_all_read(tdir: Path) -> None:
    def rec(cid: str) -> str:
        return json.dumps(call(cid, "2026-01-01T10:00:00"))

    torn = json.dumps(call("torn", "2026-01-01T09:00:00"))[:40]
    p = tdir / "llm_calls.jsonl"
    lines = [rec("a") + rec("b"), rec("a2") + rec("b2") + rec("c"), rec("c3") + torn]
    p.write_text("\n".join(lines) + "\n")
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    h = tel.health()
    assert h["records"] == 6
    assert h["malformed"] == 1  # only the truly incomplete part
    (prob,) = [q for q in h["files"][0]["problems"] if q["kind"] == "malformed"]
    assert prob["line"] == 3 and "torn record" in prob["reason"]
    rows = list(tel.iter_calls(ALL))
    assert sorted(r["call_id"] for r in rows) == ["a", "a2", "b", "b2", "c", "c3"]
