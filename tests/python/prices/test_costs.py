"""One window in all three cost modes, computed by hand, through every surface.

The calls (UTC; rates from the bundled genai-prices data, USD per million tokens):

=====  =============================  =========================================  ======  ======  =====
call   model                          what                                       auto    writer  list
=====  =============================  =========================================  ======  ======  =====
a      openai gpt-4o                  actual_cost 0.25, writer 0.5, 1k in @2.5   0.25    0.5     0.0025
b      anthropic claude-sonnet-4-5    writer 0.05; 1k in @3 + 1k out @15         0.05    0.05    0.018
c      openai o3, 2025-06-09          writer 0; 1M in @10 (before the cut)       10      0       10
d      openai o3, 2025-06-11          writer 0; 1M in @2 (after 2025-06-10)      2       0       2
e      ollama llama3.1:8b             local: free                                0       0       0
f      openai gpt-4o, failed          writer 0, failed: not billed -> free       0       0       0
g      acme mystery-1                 unknown anywhere -> unpriced               (0)     0       (0)
h      openai my-ft-7                 prices.yaml my-ft-* 1/2: 1M in + 1M out    3       0       3
i      claude-sonnet-4-5, cache top   > 200k prompt: tier 1k in @6 + 1M read @0.6 0.606   0       0.606
j      gpt-4o, cached in metadata     2k prompt incl. 1k cached: 1k@2.5+1k@1.25  0.00375 0       0.00375
=====  =============================  =========================================  ======  ======  =====

Cache savings at list price: i 1M x (6 - 0.6) = 5.4 (the long-context tier), j 1k x (2.5 - 1.25)
= 0.00125.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from empathy_monitor.alerts.metrics import MetricContext, evaluate_metric
from empathy_monitor.alerts.rules import Condition
from empathy_monitor.analytics import WindowSpec
from empathy_monitor.csvout import csv_bytes
from empathy_monitor.otel.config import load_config
from empathy_monitor.otel.exporter import FileExporter
from empathy_monitor.otel.mapping import call_attributes, parse_record
from empathy_monitor.prices.columns import price_record
from empathy_monitor.prices.settings import add_price, cost_mode, load_pricing
from empathy_monitor.prices.userprices import parse_prices
from empathy_monitor.records import LLMCallRecord
from empathy_monitor.telemetry import Telemetry
from empathy_monitor.timeparse import TimestampParser

EXPECTED = {
    "auto": {"a": 0.25, "b": 0.05, "c": 10.0, "d": 2.0, "h": 3.0, "i": 0.606, "j": 0.00375},
    "writer": {"a": 0.5, "b": 0.05},
    "list": {"a": 0.0025, "b": 0.018, "c": 10.0, "d": 2.0, "h": 3.0, "i": 0.606, "j": 0.00375},
}
SOURCES = {
    "auto": dict(a="actual", b="writer", c="list", d="list", e="free", f="free", g="unpriced",
                 h="list", i="list", j="list"),
    "writer": dict(a="writer", b="writer", c="writer", d="writer", e="free", f="free",
                   g="unpriced", h="writer", i="writer", j="writer"),
    "list": dict(a="list", b="list", c="list", d="list", e="free", f="free", g="unpriced",
                 h="list", i="list", j="list"),
}  # fmt: skip
PRICES_YAML = "prices:\n  - model: my-ft-*\n    input: 1.0\n    output: 2.0\n"


def _call(cid: str, ts: str, prov: str, model: str, tin: int, tout: int, est: float, **kw: object):
    d = {
        "call_id": cid,
        "timestamp": ts,
        "provider": prov,
        "model_id": model,
        "tier": "capable",
        "input_tokens": tin,
        "output_tokens": tout,
        "estimated_cost": est,
        "latency_ms": 100,
        "success": True,
        "workflow_name": "wf",
    }
    d.update(kw)
    return d


CALLS = [
    _call("a", "2025-06-09T10:00:00Z", "openai", "gpt-4o", 1000, 0, 0.5, actual_cost=0.25),
    _call("b", "2025-06-09T11:00:00Z", "anthropic", "claude-sonnet-4-5", 1000, 1000, 0.05),
    _call("c", "2025-06-09T12:00:00Z", "openai", "o3", 1_000_000, 0, 0.0),
    _call("d", "2025-06-11T12:00:00Z", "openai", "o3", 1_000_000, 0, 0.0),
    _call("e", "2025-06-11T13:00:00Z", "ollama", "llama3.1:8b", 500, 500, 0.0),
    _call("f", "2025-06-11T14:00:00Z", "openai", "gpt-4o", 1000, 0, 0.0, success=False,
          error_type="timeout"),
    _call("g", "2025-06-11T15:00:00Z", "acme", "mystery-1", 500, 100, 0.0),
    _call("h", "2025-06-11T16:00:00Z", "openai", "my-ft-7", 1_000_000, 1_000_000, 0.0),
    _call("i", "2025-06-11T17:00:00Z", "anthropic", "claude-sonnet-4-5", 1000, 0, 0.0,
          cache_read_input_tokens=1_000_000, cache_creation_input_tokens=0),
    _call("j", "2025-06-11T18:00:00Z", "openai", "gpt-4o", 2000, 0, 0.0,
          metadata={"cached_tokens": 1000}),
]  # fmt: skip
NOW = "2025-06-12T00:00:00+00:00"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    d = tmp_path / ".empathy"
    d.mkdir()
    (d / "llm_calls.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CALLS))
    (d / "prices.yaml").write_text(PRICES_YAML)
    return d


def _tel(d: Path) -> Telemetry:
    tel = Telemetry([d], naive_tz="UTC", workers=1, pricing=load_pricing([d]))
    tel.refresh()
    return tel


SPEC = WindowSpec(range="all", now=NOW)


@pytest.mark.parametrize("mode", ["auto", "writer", "list"])
def test_every_surface_agrees_with_the_hand_computed_window(ws: Path, mode: str) -> None:
    tel = _tel(ws)
    total = round(sum(EXPECTED[mode].values()), 9)
    # dashboard JSON
    dash = tel.dashboard(SPEC, cost_mode=mode)  # type: ignore[arg-type]
    ov = dash["overview"]
    assert ov["total_cost"] == pytest.approx(total, abs=1e-9)
    assert sum(p["cost"] for p in dash["cost_series"]) == pytest.approx(total, abs=1e-9)
    assert sum(m["total_cost"] for m in dash["by_model"].values()) == pytest.approx(total)
    o3 = dash["by_model"]["o3"]["total_cost"]
    assert o3 == pytest.approx(EXPECTED[mode].get("c", 0) + EXPECTED[mode].get("d", 0))
    assert ov["unpriced_calls"] == 1 and ov["unpriced_tokens"] == 600
    assert ov["unpriced_models"] == [
        {"model": "mystery-1", "provider": "acme", "calls": 1, "tokens": 600}
    ]
    assert ov["cache_read_tokens"] == 1_001_000 and ov["cache_write_tokens"] == 0
    assert ov["cache_savings"] == pytest.approx(5.4 + 0.00125, abs=1e-9)
    pr = dash["prices"]
    assert pr["cost_mode"] == mode and pr["workspace_cost_mode"] == "auto"
    assert pr["overrides"] == 1 and pr["errors"] == []
    want_sources: dict[str, int] = {}
    for s in SOURCES[mode].values():
        want_sources[s] = want_sources.get(s, 0) + 1
    assert {k: v["calls"] for k, v in pr["sources"].items()} == want_sources
    # CSV
    rows = list(csv.DictReader(io.StringIO(csv_bytes_text(tel, mode))))
    by_id = {r["call_id"]: r for r in rows}
    assert {k: r["cost_source"] for k, r in by_id.items()} == SOURCES[mode]
    for cid, r in by_id.items():
        assert float(r["cost"] or 0) == pytest.approx(EXPECTED[mode].get(cid, 0.0), abs=1e-9)
    # alerts metric (the workspace mode decides: write it into monitoring.yaml)
    (ws / "monitoring.yaml").write_text(f"cost_mode: {mode}\n")
    tel2 = _tel(ws)
    assert tel2.cost_mode == mode
    ctx = MetricContext(tel2, TimestampParser("UTC").epoch(NOW))
    res = evaluate_metric(Condition(metric="cost", threshold=1, window="7d"), ctx)
    assert res.value == pytest.approx(total, abs=1e-9)
    unp = evaluate_metric(Condition(metric="unpriced_calls", threshold=0, window="7d"), ctx)
    assert unp.value == 1
    # OTel llm.cost, priced by the exporter in the workspace mode
    exp = FileExporter([ws], load_config([ws], env={}))
    otel_total = 0.0
    for d in CALLS:
        rec = parse_record(d)
        assert isinstance(rec, LLMCallRecord)
        cost = exp._cost(d, rec)
        assert cost is not None and cost.source == SOURCES[mode][d["call_id"]]
        attrs = call_attributes(rec, cost)
        otel_total += float(attrs["llm.cost"])  # type: ignore[arg-type]
        if d["call_id"] == "i":
            assert attrs["gen_ai.usage.cache_read.input_tokens"] == 1_000_000
        if d["call_id"] == "j":
            assert attrs["gen_ai.usage.cache_read.input_tokens"] == 1000
            assert attrs["gen_ai.usage.input_tokens"] == 2000  # the record's own figure
    assert otel_total == pytest.approx(total, abs=1e-9)


def csv_bytes_text(tel: Telemetry, mode: str) -> str:
    out = io.BytesIO()
    csv_bytes(tel.iter_calls(tel.window(SPEC), None, mode))(out)  # type: ignore[arg-type]
    return out.getvalue().decode()


def test_writer_mode_is_the_writers_numbers(ws: Path) -> None:
    tel = _tel(ws)
    assert tel.dashboard(SPEC, cost_mode="writer")["overview"]["total_cost"] == 0.55


def test_price_change_inside_the_window_prices_each_side_at_its_rate(ws: Path) -> None:
    tel = _tel(ws)
    models = {m["model"]: m for m in tel.dashboard(SPEC)["prices"]["models"]}
    o3 = models["o3"]
    assert o3["list_cost"] == pytest.approx(12.0)  # 1M @ $10 + 1M @ $2
    assert o3["valid_from"] == "2025-06-10T00:00:00+00:00"  # the period at the window's end
    assert o3["rate"]["input"] == 2.0
    assert o3["writer_cost"] == 0 and o3["flagged"]
    assert models["my-ft-7"]["source"] == "prices.yaml" and models["my-ft-7"]["line"] == 2
    assert models["llama3.1:8b"]["source"] == "local" and models["llama3.1:8b"]["list_cost"] == 0
    assert models["mystery-1"]["source"] == "unpriced" and models["mystery-1"]["list_cost"] is None


def test_writer_against_list_is_flagged_past_ten_percent(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    d.mkdir()
    # 1M in @2.5: list $2.50; the writer says $2.70 (+8%) for one model and $5 (+100%) for another
    lines = [
        _call("x", "2026-01-01T00:00:00Z", "openai", "gpt-4o", 1_000_000, 0, 2.7),
        _call("y", "2026-01-01T00:00:00Z", "openai", "gpt-4o-2024-08-06", 1_000_000, 0, 5.0),
    ]
    (d / "llm_calls.jsonl").write_text("".join(json.dumps(c) + "\n" for c in lines))
    tel = _tel(d)
    models = {m["model"]: m for m in tel.dashboard(SPEC)["prices"]["models"]}
    assert models["gpt-4o"]["difference_pct"] == pytest.approx(8.0)
    assert not models["gpt-4o"]["flagged"]
    assert models["gpt-4o-2024-08-06"]["difference_pct"] == pytest.approx(100.0)
    assert models["gpt-4o-2024-08-06"]["flagged"]


def test_appended_rows_are_priced_and_folded_like_a_build(ws: Path) -> None:
    tel = _tel(ws)
    live = {m: tel.view(SPEC, cost_mode=m) for m in ("auto", "writer", "list")}  # type: ignore[misc]
    extra = [
        _call("k", "2025-06-11T20:00:00Z", "openai", "o3", 500_000, 0, 0.0),
        _call("l", "2025-06-11T21:00:00Z", "acme", "mystery-2", 10, 0, 0.0),
    ]
    with (ws / "llm_calls.jsonl").open("a") as f:
        f.write("".join(json.dumps(c) + "\n" for c in extra))
    res = tel.refresh()
    for mode, v in live.items():
        v.add_calls(*res.calls)
        fresh = tel.view(SPEC, cost_mode=mode)  # type: ignore[arg-type]
        for sec in ("overview", "prices", "by_model", "cost_series"):
            assert v.dump(sec) == fresh.dump(sec), (mode, sec)
    assert live["auto"].dump("overview")["unpriced_calls"] == 2


def test_prices_yaml_errors_are_located_and_the_rest_load(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    d.mkdir()
    (d / "prices.yaml").write_text(
        "prices:\n  - model: good\n    input: 1\n  - model: bad\n    input: -3\n"
    )
    pricing = load_pricing([d])
    assert pricing.errors == ("prices.yaml:4: 'input' must be a finite number >= 0",)
    assert pricing.book.lookup("x", "good") is not None


def test_cost_mode_is_read_from_monitoring_yaml(tmp_path: Path) -> None:
    assert cost_mode([tmp_path]) == ("auto", [])
    (tmp_path / "monitoring.yaml").write_text("cost_mode: writer\notel: {}\n")
    assert cost_mode([tmp_path]) == ("writer", [])
    (tmp_path / "monitoring.yaml").write_text("cost_mode: cheap\n")
    mode, errors = cost_mode([tmp_path])
    assert mode == "auto" and "cost_mode must be one of auto, writer, list" in errors[0]


def test_add_price_creates_prices_yaml_with_a_stub_that_parses(tmp_path: Path) -> None:
    d = tmp_path / ".empathy"
    d.mkdir()
    (d / "llm_calls.jsonl").write_text("")
    path, line, created = add_price([d], "mystery-1", "acme")
    assert created and path == d / "prices.yaml" and line == 3
    path2, line2, created2 = add_price([d], "other", None)
    assert not created2 and path2 == path
    text = path.read_text()
    assert text.splitlines()[line - 1] == "  - model: mystery-1"
    assert text.splitlines()[line2 - 1] == "  - model: other"
    entries, errors = parse_prices(text)
    assert errors == [] and [e.pattern for e in entries] == ["mystery-1", "other"]
    assert (d / "llm_calls.jsonl").read_text() == ""  # telemetry untouched


def test_price_record_matches_the_columns() -> None:
    pricing = load_pricing([])
    ts = TimestampParser("UTC").epoch("2025-06-09T12:00:00Z")
    src, usd = price_record(
        pricing, "auto", "openai", "o3", ts, (1_000_000, 0, 0, 0, 0), 0.0, None, True
    )
    assert (src, usd) == ("list", pytest.approx(10.0))
