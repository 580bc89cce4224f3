"""A Claude Code transcript written for a workspace, with prompt/response text planted in it.

Shared by the privacy tests (the sidecar's and the CLI's): the planted strings sit in every place a
transcript keeps text (the summary, the user prompt, thinking, the answer, a tool call and a
tool result) and must never appear in anything Empathy writes or prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from empathy_monitor.ingest.formats.claude_code import encode

SECRET = "PLANTED-PROMPT-51c9"
ANSWER = "PLANTED-ANSWER-e20d"


def assistant_line(
    ws: Path, mid: str, rid: str, ts: str, usage: dict[str, Any], **extra: Any
) -> str:
    return json.dumps(
        {
            "parentUuid": "u0",
            "isSidechain": False,
            "cwd": str(ws),
            "sessionId": "sess-1",
            "type": "assistant",
            "uuid": f"uu-{mid}-{ts}",
            "timestamp": ts,
            "requestId": rid,
            "message": {
                "id": mid,
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [
                    {"type": "thinking", "thinking": f"{SECRET} thinking"},
                    {"type": "text", "text": f"{ANSWER} answer"},
                    {"type": "tool_use", "name": "Bash", "input": {"command": f"echo {SECRET}"}},
                ],
                "usage": usage,
            },
            **extra,
        }
    )


def transcript(ws: Path) -> list[str]:
    a = {
        "input_tokens": 10,
        "output_tokens": 100,
        "cache_read_input_tokens": 1000,
        "cache_creation_input_tokens": 300,
        "cache_creation": {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 100},
    }
    user = {
        "type": "user",
        "cwd": str(ws),
        "sessionId": "sess-1",
        "uuid": "u0",
        "timestamp": "2026-11-20T10:00:00.000Z",
        "message": {"role": "user", "content": f"please {SECRET}"},
    }
    tool_result = dict(
        user,
        uuid="u1",
        message={
            "role": "user",
            "content": [{"type": "tool_result", "content": f"{ANSWER} output"}],
        },
    )
    return [
        json.dumps({"type": "summary", "summary": f"Fixing {SECRET}", "leafUuid": "x"}),
        json.dumps(user),
        # streamed: the same message and request twice -> one call
        assistant_line(ws, "msg_A", "req_A", "2026-11-20T10:00:01.000Z", a),
        assistant_line(ws, "msg_A", "req_A", "2026-11-20T10:00:02.000Z", a),
        json.dumps(tool_result),
        assistant_line(
            ws,
            "msg_B",
            "req_B",
            "2026-11-20T10:01:00.000Z",
            {"input_tokens": 5, "output_tokens": 50},
            costUSD=0.25,
        ),
    ]


def claude_home(home: Path, ws: Path) -> Path:
    """``home/.claude/projects/<ws encoded>/sess-1.jsonl``: calls req_A (streamed twice) and req_B."""
    proj = home / ".claude" / "projects" / encode(ws)
    proj.mkdir(parents=True)
    (proj / "sess-1.jsonl").write_text("\n".join(transcript(ws)) + "\n", "utf-8")
    return home
