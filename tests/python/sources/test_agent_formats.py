"""The coding agents' formats against hand-written fixtures (tests/fixtures/agents/).

Every total below is computed by hand from the fixture lines (see the comments); each fixture has
a streamed/replayed duplicate, a torn last line, a model no price book knows, and the secret
string planted in its prompt/response text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from empathy_monitor import sources
from empathy_monitor.analytics.window import WindowSpec
from empathy_monitor.ingest.bound import SourcePath
from empathy_monitor.ingest.formats.claude_code import CLAUDE_CODE, encode
from empathy_monitor.sources.mirror import Mirror
from empathy_monitor.tables import Chunk, id_hash
from empathy_monitor.telemetry import Telemetry
from empathy_monitor.timeparse import TimestampParser

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "agents"
SECRET = "SECRET-PROMPT-7f3a"
WS = Path("/work/demo")


def env_for(agent: str) -> dict[str, str]:
    if agent == "copilot":
        return {
            "HOME": "/nonexistent",
            "COPILOT_OTEL_FILE_EXPORTER_PATH": str(FIX / "copilot/otel/copilot-otel.jsonl"),
        }
    return {"HOME": str(FIX / agent / "home")}


def read(name: str, agent: str, tmp: Path, workspace: Path | None = WS) -> Telemetry:
    tel = Telemetry(
        [tmp / ".empathy"],
        naive_tz="UTC",
        workers=1,
        sources=sources.bindings([name], workspace, env_for(agent)),
    )
    tel.refresh()
    return tel


def totals(tel: Telemetry) -> dict[str, int]:
    c = tel.tables.calls
    return {k: int(c.col(k).sum()) for k in ("tin", "tout", "cr", "cw", "cw1h", "cost")} | {
        "n": c.n
    }


# name, fixture, hand totals, models
CASES = [
    # A (streamed twice: once) 10/100 cr1000 cw 200+100(1h); B 5/50 $0.25; C sidechain 7/70 cw40;
    # E subagent 3/30; synthetic skipped; torn msg_D not read; -work-demo-old's cwd is not ours.
    (
        "claude-code",
        "claude",
        {"n": 4, "tin": 25, "tout": 250, "cr": 1000, "cw": 240, "cw1h": 100, "cost": 250_000_000},
        {"claude-sonnet-4-5-20250929", "claude-imaginary-9", "claude-haiku-4-5"},
    ),
    # turn 1: 1000 in (200 cached) 50 out, repeated (same total): once; rate-limit-only: none;
    # turn 2 last_token_usage 1500 (500 cached) 30 out, not the cumulative 2500/80;
    # the /elsewhere session is not this workspace's.
    (
        "codex",
        "codex",
        {"n": 2, "tin": 800 + 1000, "tout": 80, "cr": 700, "cw": 0, "cw1h": 0, "cost": 0},
        {"gpt-5-codex", "gpt-imaginary-1"},
    ),
    # r1: 1000-300 in, 200+50 out, 300 cached (twice: once); r2 (OTLP list shape) 100/10.
    (
        "gemini-cli",
        "gemini",
        {"n": 2, "tin": 800, "tout": 260, "cr": 300, "cw": 0, "cw1h": 0, "cost": 0},
        {"gemini-2.5-pro", "gemini-imaginary"},
    ),
    # c1: 500 (100 cached) / 60, twice: once; invoke_agent / execute_tool not calls; s3 50/5.
    (
        "copilot",
        "copilot",
        {"n": 2, "tin": 450, "tout": 65, "cr": 100, "cw": 0, "cw1h": 0, "cost": 0},
        {"gpt-4o-2024-11-20", "copilot-imaginary"},
    ),
]


@pytest.mark.parametrize(("name", "agent", "want", "models"), CASES)
def test_hand_computed_totals(
    name: str, agent: str, want: dict[str, int], models: set[str], tmp_path: Path
) -> None:
    tel = read(name, agent, tmp_path)
    assert totals(tel) == want
    combos = tel.tables.call_combos.items
    assert {c.model for c in combos} == models
    assert {c.source for c in combos} == {name}
    h = tel.health()
    assert h["malformed"] == 0  # a torn LAST line is left for its newline, not reported


def test_torn_last_line_is_read_once_completed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(FIX / "claude" / "home", home)
    f = home / ".claude/projects/-work-demo/sess-1.jsonl"
    env = {"HOME": str(home)}
    tel = Telemetry([tmp_path / ".e"], "UTC", 1, sources.bindings(["claude-code"], WS, env))
    tel.refresh()
    assert tel.tables.calls.n == 4
    with f.open("ab") as fh:  # the writer finishes its line
        fh.write(b'ens":90},"content":[]},"requestId":"req_D","type":"assistant",')
        fh.write(b'"timestamp":"2025-06-01T10:00:09.000Z"}\n')
    tel.refresh([f])
    assert tel.tables.calls.n == 5
    assert int(tel.tables.calls.col("tout").sum()) == 250 + 90


def test_streamed_duplicate_appended_later_counts_once(tmp_path: Path) -> None:
    """The within-file dedupe survives reads: the state is kept per file."""
    home = tmp_path / "home"
    shutil.copytree(FIX / "claude" / "home", home)
    f = home / ".claude/projects/-work-demo/sess-1.jsonl"
    env = {"HOME": str(home)}
    tel = Telemetry([tmp_path / ".e"], "UTC", 1, sources.bindings(["claude-code"], WS, env))
    tel.refresh()
    line = f.read_bytes().split(b"\n")[2]  # msg_A / req_A again (another content block)
    raw = f.read_bytes()
    f.write_bytes(raw[: raw.rfind(b"\n") + 1] + line + b"\n")
    tel.refresh([f])
    assert tel.tables.calls.n == 4


def test_decoder_state_is_rebuilt_when_another_process_read_the_start(tmp_path: Path) -> None:
    """After a cold read in a worker, the first append continues with the ids seen so far."""
    f = FIX / "claude/home/.claude/projects/-work-demo/sess-1.jsonl"
    fresh = type(CLAUDE_CODE)()
    raw = f.read_bytes()
    dec = fresh.file_decoder(TimestampParser("UTC"), Chunk(0), f, raw.rfind(b"\n") + 1)
    assert dec.state.seen == {("msg_A", "req_A"), ("msg_B", "req_B"), ("msg_C", "req_C")}
    assert dec.chunk.records == 0  # replayed for the state only


def test_replayed_request_in_another_file_shares_call_id(tmp_path: Path) -> None:
    """Across files (a resumed session replays history) the call_id is the dedupe key."""
    home = tmp_path / "home"
    shutil.copytree(FIX / "claude" / "home", home)
    proj = home / ".claude/projects/-work-demo"
    line = (proj / "sess-1.jsonl").read_bytes().split(b"\n")[5]  # msg_B / req_B
    (proj / "sess-2.jsonl").write_bytes(line.replace(b"sess-1", b"sess-2") + b"\n")
    tel = Telemetry(
        [tmp_path / ".e"], "UTC", 1, sources.bindings(["claude-code"], WS, {"HOME": str(home)})
    )
    tel.refresh()
    idh = tel.tables.calls.col("idh").tolist()
    assert idh.count(id_hash("claude-code:req_B")) == 1  # one id: the reader's dedupe folds them


def test_claude_code_workspace_is_matched_by_cwd_not_folder_name(tmp_path: Path) -> None:
    assert encode(Path("/work/demo-old")).startswith(encode(WS) + "-")
    tel = read("claude-code", "claude", tmp_path, workspace=Path("/work/demo-old"))
    assert totals(tel)["tin"] == 1000
    everything = read("claude-code", "claude", tmp_path / "all", workspace=None)
    assert everything.tables.calls.n == 5


def test_claude_config_dir_env_is_respected(tmp_path: Path) -> None:
    cfg = FIX / "claude" / "home" / ".claude"
    b = sources.bindings(
        ["claude-code"], WS, {"HOME": "/nonexistent", "CLAUDE_CONFIG_DIR": str(cfg)}
    )
    assert [s.path.name for s in b] == ["-work-demo", "-work-demo-old"]
    codex_home = FIX / "codex" / "home" / ".codex"
    b = sources.bindings(["codex"], WS, {"HOME": "/nonexistent", "CODEX_HOME": str(codex_home)})
    assert b == [SourcePath(codex_home / "sessions", "codex", WS)]


def test_agent_files_are_never_read_unless_bound(tmp_path: Path) -> None:
    """The registry never finds agent files in a telemetry folder by itself (opt-in)."""
    d = tmp_path / ".empathy"
    shutil.copytree(FIX / "claude" / "home" / ".claude" / "projects" / "-work-demo", d)
    tel = Telemetry([d], "UTC", 1)
    tel.refresh()
    assert tel.tables.calls.n == 0 and tel.health()["files"] == []


@pytest.mark.parametrize(("name", "agent", "want", "models"), CASES)
def test_feed_rows_and_exports_hold_no_text(
    name: str, agent: str, want: dict[str, int], models: set[str], tmp_path: Path
) -> None:
    tel = read(name, agent, tmp_path)
    rows, total = tel.calls_page(0, 100)
    assert total == want["n"] and len(rows) == want["n"]
    assert all(r["call_id"].startswith(name + ":") for r in rows)
    assert SECRET not in repr(rows) and SECRET not in repr(list(tel.iter_calls(None)))
    tel.save_cache(tmp_path / "cache.npz")
    assert SECRET.encode() not in (tmp_path / "cache.npz").read_bytes()


# -- no cost of its own: priced by the book or unpriced, never $0 ---------------------------
SPEC = WindowSpec(range="all")


def _imaginary(model: str) -> bool:
    return "imaginary" in model


@pytest.mark.parametrize(("name", "agent", "_want", "_models"), CASES)
@pytest.mark.parametrize("mode", ["auto", "writer", "list"])
def test_agent_calls_without_a_price_are_unpriced_not_zero(
    name: str, agent: str, _want: object, _models: object, mode: str, tmp_path: Path
) -> None:
    tel = read(name, agent, tmp_path)
    rows, total = tel.calls_page(0, 100)
    assert total == len(rows) >= 2
    for r in rows:  # a cost only from the agent's own field (Claude Code costUSD), never 0.0
        assert r["cost"] is None or r["cost"] > 0, r
    imaginary = [r for r in rows if _imaginary(r["model_id"])]
    unknown = [r for r in imaginary if r["cost"] is None]
    # each fixture has a model no price book knows; Claude Code's one carries its own costUSD
    assert len(unknown) == (0 if name == "claude-code" else 1) and len(imaginary) == 1
    ov = tel.dashboard(SPEC, cost_mode=mode)["overview"]  # type: ignore[arg-type]
    if mode == "list":  # every call at list price: an own cost does not count
        unknown = imaginary
    assert ov["unpriced_calls"] == len(unknown)
    assert {m["model"] for m in ov["unpriced_models"]} == {r["model_id"] for r in unknown}


def test_mirrored_agent_calls_stay_unpriced_once_the_transcript_is_gone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(FIX / "codex" / "home", home)
    env = {"HOME": str(home)}
    ed = tmp_path / ".empathy"
    ed.mkdir()
    tel = Telemetry([ed], naive_tz="UTC", workers=1, sources=sources.bindings(["codex"], WS, env))
    tel.refresh()
    assert Mirror(ed).sync(tel) == tel.tables.calls.n == 2
    shutil.rmtree(home / ".codex")  # the agent deleted its logs: the mirror's copies count
    again = Telemetry([ed], naive_tz="UTC", workers=1)
    again.refresh()
    rows, _ = again.calls_page(0, 10)
    # the records carry no cost of their own: the feed shows the list price or "unpriced", never $0
    assert len(rows) == 2 and all(r["cost"] != 0 for r in rows)
    assert {r["model_id"]: r["cost_source"] for r in rows} == {
        r["model_id"]: "unpriced" if _imaginary(r["model_id"]) else "list" for r in rows
    }
    assert all((r["cost"] is None) == _imaginary(r["model_id"]) for r in rows)
    ov = again.dashboard(SPEC)["overview"]
    assert ov["unpriced_calls"] == sum(_imaginary(r["model_id"]) for r in rows) == 1


def test_codex_feed_rows_name_the_model_their_turn_was_counted_with(tmp_path: Path) -> None:
    tel = read("codex", "codex", tmp_path)
    rows, _ = tel.calls_page(0, 10)
    assert sorted((r["timestamp"], r["model_id"]) for r in rows) == [
        ("2025-06-02T09:00:04+00:00", "gpt-5-codex"),  # not the session's latest model
        ("2025-06-02T09:01:05+00:00", "gpt-imaginary-1"),
    ]
