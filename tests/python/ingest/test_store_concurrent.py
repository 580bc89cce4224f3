"""Our writer among concurrent writers: every record lands on its own line, nothing added."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

WRITERS = 4
PER_WRITER = 5_000

# Each child is a real process appending through TelemetryStore, as separate CLI/SDK processes do.
_CHILD = """
import sys
from empathy_monitor.store import TelemetryStore
store = TelemetryStore(sys.argv[1])
w = sys.argv[2]
sys.stdin.readline()  # start together, so the appends really interleave
for i in range(int(sys.argv[3])):
    store.log_call({"call_id": f"{w}-{i}", "timestamp": "2026-01-01T10:00:00"})
"""


def test_four_processes_leave_exactly_one_line_per_record(tdir: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(tdir), f"w{w}", str(PER_WRITER)],
            stdin=subprocess.PIPE,
        )
        for w in range(WRITERS)
    ]
    for p in procs:
        assert p.stdin is not None
        p.stdin.write(b"go\n")
        p.stdin.flush()
    for p in procs:
        assert p.stdin is not None
        p.stdin.close()
        assert p.wait(timeout=120) == 0
    data = (tdir / "llm_calls.jsonl").read_bytes()
    assert data.endswith(b"\n")
    lines = data.split(b"\n")[:-1]
    assert len(lines) == WRITERS * PER_WRITER
    ids = [json.loads(line)["call_id"] for line in lines]
    assert sorted(ids) == sorted(f"w{w}-{i}" for w in range(WRITERS) for i in range(PER_WRITER))


def test_torn_tail_from_a_killed_writer_is_still_repaired(tdir: Path) -> None:
    from empathy_monitor.store import TelemetryStore

    p = tdir / "llm_calls.jsonl"
    p.write_bytes(b'{"call_id": "torn"')
    TelemetryStore(tdir).log_call({"call_id": "next", "timestamp": "2026-01-01T10:00:00"})
    first, second, rest = p.read_bytes().split(b"\n")
    assert first == b'{"call_id": "torn"' and json.loads(second)["call_id"] == "next"
    assert rest == b""
