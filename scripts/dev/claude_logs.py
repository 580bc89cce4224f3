"""A realistic Claude Code log set for benches (issue 16's target: ~700 MB of transcripts).

Deterministic (a fixed seed and end date: the same parameters and folder give the same bytes;
the records' ``cwd`` is under the folder). Laid out as
Claude Code lays it out under ``<data>/home``::

    .claude/projects/<encoded cwd>/<session>.jsonl
    .claude/projects/<encoded cwd>/<session>/subagents/agent-<id>.jsonl

with each project's folder (the records' ``cwd``) under ``<data>/ws/<project>``, so a sidecar
opened on ``<data>/ws`` with ``HOME=<data>/home`` finds every transcript as its workspace's.

Shapes, as real transcripts have them (see ingest/formats/claude_code.py and the fixtures in
tests/fixtures/agents/claude): user prompts (a string or text blocks, some pasted and long), tool
results (``message.content`` *and* a ``toolUseResult`` copy, most of a transcript's bytes, a few
of them whole files), assistant messages written one line per content block (thinking with its
signature, text, tool_use) with the same ``message.id``/``requestId``/``usage``, sidechain lines in
the main file (older versions) and subagent transcripts (newer), summary, system and
file-history-snapshot lines, API-error ``<synthetic>`` messages, ``costUSD`` on an old version's
lines, resumed sessions replaying an earlier one's messages, non-ASCII text, the 5-minute/1-hour
cache-write split, and sonnet/opus/haiku plus one model no price book knows.

Usage: ``python scripts/dev/claude_logs.py <data-dir> [--mb 700]``; :func:`ensure` reuses a
complete set made with the same parameters.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson

SEED = 16
FORMAT = 1  # bump when the shapes change: a set made by another version is made again
END = datetime(2026, 11, 30, tzinfo=timezone.utc)
DAYS = 30
BIG_MB = (150, 115, 100)  # the field's complaint: single transcripts of hundreds of MB
PROJECTS = (
    "api-server", "web-app", "infra", "ml-pipeline", "docs-site", "mobile", "cli-tool",
    "data-etl", "auth-service", "monorepo", "scratch", "payments",
)  # fmt: skip
MODELS = (  # (model, weight) of a main session; subagents use haiku more often
    ("claude-sonnet-4-5-20250929", 60),
    ("claude-opus-4-1-20250805", 15),
    ("claude-sonnet-4-20250514", 12),
    ("claude-haiku-4-5-20251001", 8),
    ("claude-3-5-haiku-20241022", 4),
    ("claude-experimental-zeta", 1),  # unknown to every price book
)
VERSIONS = ("1.0.43", "1.0.98", "2.0.14", "2.0.37")
TOOLS = ("Read", "Bash", "Edit", "Grep", "Glob", "Write", "TodoWrite", "Task", "WebFetch")
WORDS = (
    "def", "return", "self", "import", "from", "class", "if", "else", "for", "in", "None",
    "the", "a", "function", "value", "error", "test", "file", "config", "user", "request",
    "response", "data", "result", "async", "await", "const", "let", "=>", "{", "}", "(", ")",
    "[", "]", ":", "=", "==", "+=", "->", "#", "//", "0", "1", "42", "'str'", '"quoted"',
    "path\\to", "\t", "  ", "    ", "é", "→", "✓", "─", "…", "über", "日本", "🙂", "token",
    "usage", "cache", "model", "fix", "bug", "refactor", "PASSED", "FAILED", "assert",
)  # fmt: skip


def encode(folder: str) -> str:
    """A project folder's name as Claude Code writes it."""
    return re.sub(r"[^A-Za-z0-9]", "-", folder)


class Gen:
    """One log set's generator: a seeded stream of lines, written session by session."""

    def __init__(self, data: Path, mb: int, seed: int = SEED) -> None:
        self.data, self.mb, self.r = data, mb, random.Random(seed)
        r = self.r
        lines: list[str] = []
        for _ in range(40_000):  # a pool of code-ish text to cut pieces from
            n = r.randint(3, 14)
            lines.append(" ".join(r.choice(WORDS) for _ in range(n)))
        self.pool = "\n".join(lines)
        self.replay: dict[str, list[dict[str, Any]]] = {}  # project -> lines a resume replays
        self.calls = 0

    # -- small pieces ---------------------------------------------------------------------
    def text(self, n: int) -> str:
        a = self.r.randrange(0, len(self.pool) - n - 1) if n < len(self.pool) - 1 else 0
        s = self.pool[a : a + n]
        while len(s) < n:
            s += "\n" + self.pool[: n - len(s)]
        return s

    def size(self, median: float, sigma: float, cap: int) -> int:
        return max(1, min(cap, int(self.r.lognormvariate(math.log(median), sigma))))

    def uuid(self) -> str:
        h = f"{self.r.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def rid(self, prefix: str, n: int = 24) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789"
        return prefix + "".join(self.r.choice(alphabet) for _ in range(n))

    # -- one session ----------------------------------------------------------------------
    def session(
        self,
        path: Path,
        target: int,
        cwd: str,
        project: str,
        *,
        agent: str | None = None,
        model: str | None = None,
    ) -> int:
        """Write one transcript of about ``target`` bytes; returns the bytes written."""
        r = self.r
        sid = self.uuid()
        version = r.choices(VERSIONS, weights=(5, 15, 40, 40))[0]
        new = version.startswith("2.")
        old_cost = version == "1.0.43"  # that version still wrote costUSD
        one_hour = new and r.random() < 0.4
        if model is None:
            model = r.choices([m for m, _ in MODELS], weights=[w for _, w in MODELS])[0]
        branch = r.choice(("main", "main", "feature/cache", "fix/login", "HEAD"))
        span = DAYS * 86400
        t = END - timedelta(seconds=span * r.random() ** 0.7)
        gap = max(0.5, min(30.0, span * 0.6 / max(1, target / 1500)))  # long files span days
        context = r.randint(8_000, 20_000)
        parent: str | None = None
        out: list[bytes] = []
        written = 0
        path.parent.mkdir(parents=True, exist_ok=True)

        def stamp() -> str:
            nonlocal t
            t += timedelta(seconds=r.expovariate(1 / gap))
            return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"

        def base(kind: str, sidechain: bool = False) -> dict[str, Any]:
            nonlocal parent
            u = self.uuid()
            d: dict[str, Any] = {
                "parentUuid": parent,
                "isSidechain": sidechain or agent is not None,
                "userType": "external",
                "cwd": here,
                "sessionId": sid,
                "version": version,
                "gitBranch": branch,
            }
            if agent is not None:
                d["agentId"] = agent
            d["type"] = kind
            d["uuid"] = u
            parent = u
            return d

        def put(d: dict[str, Any]) -> None:
            nonlocal written
            b = orjson.dumps(d) + b"\n"
            out.append(b)
            written += len(b)

        here = cwd
        with path.open("wb") as f:
            if agent is None and r.random() < 0.3:
                for _ in range(r.randint(1, 4)):  # summaries a resumed session starts with
                    put({"type": "summary", "summary": self.text(60), "leafUuid": self.uuid()})
            replay = self.replay.get(project)
            if agent is None and replay and r.random() < 0.08:
                for d in replay:  # a resumed session replays an earlier one's messages
                    put({**d, "sessionId": sid})
            keep = agent is None and project not in self.replay
            kept: list[dict[str, Any]] = []
            while written < target:
                if agent is None and r.random() < 0.05:
                    sub = r.choice(("src", "tests", "docs", "packages/core"))
                    here = cwd if r.random() < 0.5 else f"{cwd}/{sub}"  # the user cd'd
                u = base("user")
                if r.random() < 0.08:
                    prompt = self.text(self.size(8000, 1.0, 60_000))  # pasted logs, diffs
                else:
                    prompt = self.text(self.size(200, 1.0, 4000))
                u["message"] = {
                    "role": "user",
                    "content": prompt if r.random() < 0.6 else [{"type": "text", "text": prompt}],
                }
                u["timestamp"] = stamp()
                if new:
                    u["thinkingMetadata"] = {"level": "high", "disabled": False, "triggers": []}
                put(u)
                if new and agent is None and r.random() < 0.5:
                    put(
                        {
                            "type": "file-history-snapshot",
                            "messageId": u["uuid"],
                            "snapshot": {
                                "messageId": u["uuid"],
                                "trackedFileBackups": {},
                                "timestamp": u["timestamp"],
                            },
                            "isSnapshotUpdate": False,
                        }
                    )
                steps = r.randint(1, 14)
                for step in range(steps):
                    side = agent is None and not new and r.random() < 0.04
                    if r.random() < 0.006:  # an API error: Claude Code's own message
                        a = base("assistant", side)
                        a["message"] = {
                            "id": self.uuid(),
                            "model": "<synthetic>",
                            "role": "assistant",
                            "stop_reason": "stop_sequence",
                            "stop_sequence": "",
                            "type": "message",
                            "usage": {
                                "input_tokens": 0,
                                "output_tokens": 0,
                                "cache_creation_input_tokens": 0,
                                "cache_read_input_tokens": 0,
                                "server_tool_use": {"web_search_requests": 0},
                                "service_tier": None,
                            },
                            "content": [{"type": "text", "text": "API Error: 529 Overloaded"}],
                        }
                        a["timestamp"] = stamp()
                        a["isApiErrorMessage"] = True
                        put(a)
                        continue
                    mid, req = self.rid("msg_01"), self.rid("req_011C")
                    m = "claude-haiku-4-5-20251001" if side else model
                    cw = self.size(1500, 1.2, 60_000) if r.random() < 0.7 else 0
                    usage: dict[str, Any] = {
                        "input_tokens": r.randint(1, 60),
                        "cache_creation_input_tokens": cw,
                        "cache_read_input_tokens": context,
                    }
                    if new:
                        h = cw if one_hour and r.random() < 0.7 else 0
                        usage["cache_creation"] = {
                            "ephemeral_5m_input_tokens": cw - h,
                            "ephemeral_1h_input_tokens": h,
                        }
                    usage["output_tokens"] = self.size(120, 1.3, 32_000)
                    usage["service_tier"] = "standard"
                    context = min(190_000, context + cw)
                    if r.random() < 0.01:
                        context = r.randint(8_000, 20_000)  # compacted
                        s = base("system")
                        s.update(
                            subtype="compact_boundary",
                            content="Conversation compacted",
                            isMeta=False,
                            timestamp=stamp(),
                            level="info",
                            compactMetadata={"trigger": "auto", "preTokens": 155_000},
                        )
                        put(s)
                    blocks: list[dict[str, Any]] = []
                    if r.random() < 0.4:
                        blocks.append(
                            {
                                "type": "thinking",
                                "thinking": self.text(self.size(900, 1.0, 20_000)),
                                "signature": self.rid("Eq", self.size(600, 0.5, 4000)),
                            }
                        )
                    if r.random() < 0.7 or step == steps - 1:
                        blocks.append(
                            {"type": "text", "text": self.text(self.size(300, 1.1, 8000))}
                        )
                    tools = (
                        []
                        if step == steps - 1
                        else [r.choice(TOOLS) for _ in range(r.choice((1, 1, 1, 2, 3)))]
                    )
                    for name in tools:
                        blocks.append(
                            {
                                "type": "tool_use",
                                "id": self.rid("toolu_01"),
                                "name": name,
                                "input": {
                                    "file_path": f"{here}/src/mod_{r.randint(1, 400)}.py",
                                    "body": self.text(self.size(150, 1.4, 12_000)),
                                },
                            }
                        )
                    self.calls += 1
                    for k, blk in enumerate(blocks):  # one line per content block, same message
                        a = base("assistant", side)
                        a["message"] = {
                            "id": mid,
                            "type": "message",
                            "role": "assistant",
                            "model": m,
                            "content": [blk],
                            "stop_reason": "tool_use" if k == len(blocks) - 1 and tools else None,
                            "stop_sequence": None,
                            "usage": usage,
                        }
                        a["requestId"] = req
                        a["timestamp"] = stamp()
                        if old_cost:
                            a["costUSD"] = round(r.random() * 0.05, 6)
                        put(a)
                        if keep and len(kept) < 150:
                            kept.append(a)
                    for blk in blocks:
                        if blk["type"] != "tool_use":
                            continue
                        res = self.text(self.size(700, 1.6, 250_000))
                        u = base("user", side)
                        u["message"] = {
                            "role": "user",
                            "content": [
                                {"tool_use_id": blk["id"], "type": "tool_result", "content": res}
                            ],
                        }
                        u["timestamp"] = stamp()
                        if blk["name"] == "Read":
                            u["toolUseResult"] = {
                                "type": "text",
                                "file": {
                                    "filePath": blk["input"]["file_path"],
                                    "content": res,
                                    "numLines": res.count("\n") + 1,
                                    "startLine": 1,
                                    "totalLines": res.count("\n") + 1,
                                },
                            }
                        elif blk["name"] == "Task":
                            u["toolUseResult"] = {
                                "status": "completed",
                                "content": [{"type": "text", "text": res[:2000]}],
                                "totalDurationMs": r.randint(5000, 300_000),
                                "totalTokens": r.randint(5000, 90_000),
                                "totalToolUseCount": r.randint(1, 40),
                                "usage": {"input_tokens": 10, "output_tokens": 900},
                            }
                        else:
                            u["toolUseResult"] = {
                                "stdout": res,
                                "stderr": "",
                                "interrupted": False,
                                "isImage": False,
                            }
                        put(u)
                if len(out) > 256:
                    f.write(b"".join(out))
                    out.clear()
            f.write(b"".join(out))
        if keep and kept:
            self.replay[project] = kept
        return written

    # -- the set --------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        r = self.r
        root = self.data / "home" / ".claude" / "projects"
        total = self.mb * 1_000_000
        big = [b * 1_000_000 for b in BIG_MB if b * 3 <= self.mb]
        rest = total - sum(big)
        n_small = max(10, int(rest / 1_100_000))
        raw = [r.lognormvariate(0, 1.3) for _ in range(n_small)]
        scale = rest / sum(raw)
        sizes = big + [max(2_000, int(x * scale)) for x in raw]
        weights = [1 / (i + 1) for i in range(len(PROJECTS))]
        files = subagents = 0
        written = 0
        for i, size in enumerate(sizes):
            project = PROJECTS[0] if i < len(big) else r.choices(PROJECTS, weights=weights)[0]
            cwd = str(self.data / "ws" / project)
            (self.data / "ws" / project).mkdir(parents=True, exist_ok=True)
            folder = root / encode(cwd)
            n_sub = r.choice((1, 2, 3, 5)) if r.random() < 0.3 else 0
            main = size if not n_sub else int(size * 0.7)
            name = f"{self.uuid()}"
            written += self.session(folder / f"{name}.jsonl", main, cwd, project)
            files += 1
            for _ in range(n_sub):
                agent = f"{r.getrandbits(32):08x}"
                sub = folder / name / "subagents" / f"agent-{agent}.jsonl"
                m = "claude-haiku-4-5-20251001" if r.random() < 0.5 else None
                written += self.session(
                    sub, (size - main) // n_sub, cwd, project, agent=agent, model=m
                )
                subagents += 1
        return {"bytes": written, "sessions": files, "subagents": subagents, "calls": self.calls}


def ensure(data: Path, mb: int = 700) -> dict[str, Any]:
    """The log set under ``data``: made unless a complete one with these parameters is there."""
    done = data / "COMPLETE.json"
    want = {"format": FORMAT, "seed": SEED, "mb": mb}
    try:
        got = json.loads(done.read_text("utf-8"))
        on_disk = sum(p.stat().st_size for p in (data / "home").rglob("*.jsonl"))
        if {k: got.get(k) for k in want} == want and on_disk == got.get("bytes"):
            return dict(got)  # as made (a bench that appended cut its lines off again)
    except (OSError, ValueError):
        pass
    for sub in ("home", "ws"):
        shutil.rmtree(data / sub, ignore_errors=True)
    t0 = time.perf_counter()
    info = {**want, **Gen(data, mb).run(), "seconds": round(time.perf_counter() - t0, 1)}
    done.write_text(json.dumps(info), "utf-8")
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("data", type=Path)
    ap.add_argument("--mb", type=int, default=700)
    a = ap.parse_args()
    print(json.dumps(ensure(a.data, a.mb)))


if __name__ == "__main__":
    main()
