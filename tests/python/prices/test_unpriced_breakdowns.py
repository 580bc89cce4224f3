"""Every breakdown counts its unpriced calls, so no card shows $0.00 for calls nobody priced.

The calls (UTC, auto mode; "acme/mystery-1" is in no price book, gpt-4o is):

=====  ======  ========  ==========  =======  ==========  ============================
call   user    session   provider    model    workflow    cost source (auto)
=====  ======  ========  ==========  =======  ==========  ============================
a      alice   s1        openai      gpt-4o   review      writer 0.02
b      alice   s1        acme        mystery  review      unpriced (1k tokens)
c      bob     s2        acme        mystery  triage      unpriced (1k tokens)
d      bob     s2        acme        mystery  triage      unpriced (2k tokens)
e      bob     (none)    openai      gpt-4o   triage      failed, writer 0 -> free
=====  ======  ========  ==========  =======  ==========  ============================
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from telemetry_fixtures import call, write_lines

from empathy_monitor.analytics import WindowSpec
from empathy_monitor.cli import main
from empathy_monitor.sidecar.publisher import DIM_TOP
from empathy_monitor.telemetry import Telemetry

T = "2026-11-10T10:0{}:00+00:00"
PIN = ["--now", "2026-11-10T12:00:00+00:00", "--tz", "UTC", "--range", "all"]


def _calls() -> list[dict[str, Any]]:
    def c(
        cid: str,
        minute: int,
        user: str,
        session: str | None,
        prov: str,
        model: str,
        wf: str,
        cost: float = 0.0,
        tokens: int = 1000,
        ok: bool = True,
    ) -> dict[str, Any]:
        return call(
            cid,
            T.format(minute),
            user_id=user,
            session_id=session,
            provider=prov,
            model_id=model,
            workflow_name=wf,
            estimated_cost=cost,
            input_tokens=tokens,
            success=ok,
            error_type=None if ok else "timeout",
        )

    return [
        c("a", 1, "alice", "s1", "openai", "gpt-4o", "review", cost=0.02),
        c("b", 2, "alice", "s1", "acme", "mystery-1", "review"),
        c("c", 3, "bob", "s2", "acme", "mystery-1", "triage"),
        c("d", 4, "bob", "s2", "acme", "mystery-1", "triage", tokens=2000),
        c("e", 5, "bob", None, "openai", "gpt-4o", "triage", ok=False),
    ]


@pytest.fixture
def tdir(tmp_path: Path) -> Path:
    d = tmp_path / ".empathy"
    write_lines(d / "llm_calls.jsonl", [json.dumps(r) for r in _calls()])
    return d


def _json(capsys: pytest.CaptureFixture[str], d: Path, *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["telemetry", "--json", "--dir", str(d), *PIN, *extra]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_each_breakdown_counts_its_unpriced_calls(
    tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _json(capsys, tdir)
    assert d["overview"]["unpriced_calls"] == 3
    unp = {
        k: {v: s["unpriced_calls"] for v, s in d[k].items()}
        for k in ("by_user", "by_session", "by_source")
    }
    assert unp["by_user"] == {"alice": 1, "bob": 2}
    assert unp["by_session"] == {"s1": 1, "s2": 2, "(none)": 0}
    assert unp["by_source"] == {"empathy": 3}
    # the per-model view of the same calls (the prices section) agrees
    assert {m["model"]: m["unpriced_calls"] for m in d["prices"]["models"]}["mystery-1"] == 3
    # bob's two unpriced calls cost nothing that is shown: his total is the free call's 0
    assert d["by_user"]["bob"]["total_cost"] == 0.0 and d["by_user"]["bob"]["call_count"] == 3
    assert d["by_user"]["alice"]["total_cost"] == pytest.approx(0.02)


@pytest.mark.parametrize("mode", ["auto", "writer", "list"])
def test_the_breakdowns_unpriced_add_up_to_the_overview_in_every_mode(
    mode: str, tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _json(capsys, tdir, "--cost", mode)
    total = d["overview"]["unpriced_calls"]
    for key in ("by_user", "by_session", "by_source"):
        assert sum(s["unpriced_calls"] for s in d[key].values()) == total, key
    assert total == 3  # writer mode too: the writer wrote 0 for tokens no book prices


def test_an_appended_unpriced_call_is_counted_as_a_fresh_build_counts_it(tdir: Path) -> None:
    tel = Telemetry([tdir], naive_tz="UTC", workers=1)
    tel.refresh()
    spec = WindowSpec(range="all", now="2026-11-10T12:00:00+00:00")
    live = tel.view(spec, dim_top=DIM_TOP)
    live.render()
    extra = call(
        "f",
        T.format(6),
        user_id="carol",
        session_id="s3",
        provider="acme",
        model_id="mystery-1",
        workflow_name="triage",
        input_tokens=10,
    )
    write_lines(tdir / "llm_calls.jsonl", [json.dumps(extra)], mode="a")
    res = tel.refresh()
    live.add_calls(*res.calls)
    folded = live.render()
    fresh = tel.view(spec, dim_top=DIM_TOP).render()
    for key in ("overview", "by_user", "by_session", "by_source", "prices"):
        assert folded[key] == fresh[key], key
    assert folded["by_user"]["carol"]["unpriced_calls"] == 1
    assert folded["by_source"]["empathy"]["unpriced_calls"] == 4
