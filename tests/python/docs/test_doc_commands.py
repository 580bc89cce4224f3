"""Every `empathy …` command the README and the guides show runs, on demo data, as written.

Each document gets a fresh project folder (demo data written by `empathy demo`) and a fresh HOME;
its commands run in the order a reader meets them, with the exports the document made so far. A
collector the document points at (`localhost:4317` gRPC / `localhost:4318` HTTP) is a real OTLP
receiver on 127.0.0.1 in its place. Commands that serve until stopped run until their first output
and are then stopped with Ctrl-C. The expected status is 0 unless the line's comment says
`# exits N …`. Questions are answered with Enter (the defaults). The list of what ran is printed and
written to .artifacts/doc-commands-<doc>.txt.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "otel"))

from doc_commands import DocCommand, SynopsisInBash, documents, parse
from otel_receivers import GrpcReceiver, HttpReceiver

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT_S = 120  # a loaded 2-core CI machine starts Python slowly
FIRST_OUTPUT_S = 60
ANSWERS = "\n" * 10  # Enter for every question: the wizard's defaults


def _empathy() -> list[str]:
    script = Path(sys.executable).with_name("empathy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "empathy_monitor"]


def _has_commands(doc: Path) -> bool:
    try:
        return bool(parse(doc, ROOT))
    except SynopsisInBash:
        return True  # its test fails with the parser's message


def _with_commands() -> list[Path]:
    return [d for d in documents(ROOT) if _has_commands(d)]


def _endpoint(value: str, grpc: GrpcReceiver, http: HttpReceiver) -> str:
    value = re.sub(r"(https?://)?localhost:4317\b", grpc.endpoint, value)
    return re.sub(r"(https?://)?localhost:4318\b", http.endpoint, value)


def _env(home: Path, cmd: DocCommand, grpc: GrpcReceiver, http: HttpReceiver) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EMPATHY_", "OTEL_", "ATTUNE_", "CLAUDE_", "CODEX_"))
    }
    env.update(HOME=str(home), COLUMNS="100", NO_COLOR="1", PYTHONUNBUFFERED="1")
    env.update({k: _endpoint(v, grpc, http) for k, v in cmd.env.items()})
    return env


def _run(cmd: DocCommand, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    argv = [*_empathy(), *cmd.argv[1:]]
    if not cmd.serves:
        p = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            input=ANSWERS,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        return p.returncode, (p.stdout + p.stderr).strip()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], FIRST_OUTPUT_S)
    first = proc.stdout.readline() if ready else ""
    if not ready:
        proc.kill()
        proc.communicate()
        return -9, f"said nothing within {FIRST_OUTPUT_S} s of starting"
    proc.send_signal(signal.SIGINT)
    try:
        rest, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, _ = proc.communicate()
        return -9, f"did not stop on Ctrl-C within 30 s; first output: {first.strip()!r}"
    if not first:
        return proc.returncode, f"exited before saying anything: {rest.strip()!r}"
    # Ctrl-C is how the reader stops it: a clean exit or the SIGINT status both count as 0.
    code = 0 if proc.returncode in (0, 130, -signal.SIGINT) else proc.returncode
    return code, (first + rest).strip()


@pytest.mark.parametrize("doc", _with_commands(), ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_command_shown_runs(doc: Path, tmp_path: Path) -> None:
    commands = parse(doc, ROOT)
    project, home = tmp_path / "project", tmp_path / "home"
    project.mkdir()
    home.mkdir()
    grpc, http = GrpcReceiver(), HttpReceiver()
    ran: list[str] = []
    wrong: list[str] = []
    try:
        seed = DocCommand(
            "(set-up)",
            0,
            "empathy demo --calls 2000 --days 14 --seed 7",
            ("empathy", "demo", "--calls", "2000", "--days", "14", "--seed", "7"),
        )
        code, out = _run(seed, project, _env(home, seed, grpc, http))
        assert code == 0, out
        for cmd in commands:
            t0 = time.monotonic()
            code, out = _run(cmd, project, _env(home, cmd, grpc, http))
            took = time.monotonic() - t0
            mode = "started, stopped after its first output" if cmd.serves else "ran"
            ran.append(
                f"{cmd.where}  exit {code} (expected {cmd.expect}), {mode}, {took:.1f}s: {cmd.text}"
            )
            if code != cmd.expect:
                wrong.append(
                    f"{cmd.where}: {cmd.text}\n  exit {code}, expected "
                    f"{cmd.expect}; output:\n    " + out[-1500:].replace("\n", "\n    ")
                )
    finally:
        grpc.stop()
        http.stop()
    listing = "\n".join(ran)
    print(f"\n{doc.relative_to(ROOT)}: {len(ran)} commands\n{listing}")
    art = ROOT / ".artifacts"
    art.mkdir(exist_ok=True)
    (art / f"doc-commands-{doc.stem}.txt").write_text(listing + "\n", encoding="utf-8")
    assert len(ran) == len(commands)
    assert not wrong, "\n".join(wrong)


def test_the_readme_and_every_guide_show_commands() -> None:
    names = {d.relative_to(ROOT).as_posix() for d in _with_commands()}
    for expected in (
        "README.md",
        "docs/guides/ALERTS_GUIDE.md",
        "docs/guides/BUDGETS.md",
        "docs/guides/OTEL_INTEGRATION.md",
    ):
        assert expected in names


def test_a_synopsis_in_a_bash_block_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "G.md"
    doc.write_text("```bash\nempathy telemetry [--json]\n```\n", encoding="utf-8")
    with pytest.raises(SynopsisInBash, match=r"G.md:2: .*text block"):
        parse(doc, tmp_path)


def test_parse_reads_exports_inline_env_continuations_and_expected_status(tmp_path: Path) -> None:
    doc = tmp_path / "G.md"
    doc.write_text(
        "```text\nempathy telemetry [--json]\n```\n"
        "```bash\nexport A=1\nB=2 empathy prices check \\\n  --cost list   # exits 1 when unpriced\n"
        "pip install x\nempathy alerts watch  # until Ctrl-C\nempathy alerts watch --once\n```\n",
        encoding="utf-8",
    )
    got = parse(doc, tmp_path)
    assert [(c.line, c.argv, c.env, c.expect, c.serves) for c in got] == [
        (6, ("empathy", "prices", "check", "--cost", "list"), {"A": "1", "B": "2"}, 1, False),
        (9, ("empathy", "alerts", "watch"), {"A": "1"}, 0, True),
        (10, ("empathy", "alerts", "watch", "--once"), {"A": "1"}, 0, False),
    ]
