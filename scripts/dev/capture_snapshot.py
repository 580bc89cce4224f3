"""Regenerate the webview's contract fixture from the real sidecar.

Writes tests/webview/fixtures/sidecarSnapshot.json: a ``7d`` snapshot answered by
``python -m empathy_monitor sidecar`` over stdio, on seeded demo data (400 calls over 7 days ending
NOW) plus one malformed line and an alerts.yaml of two stdout rules, with ``now`` pinned. Paths are
rewritten to /work/sample and recent_calls trimmed to 5 so the file stays small and stable.

    .venv/bin/python scripts/dev/capture_snapshot.py          # rewrite the fixture
    .venv/bin/python scripts/dev/capture_snapshot.py --check  # exit 1 if it differs

The webview's sidecarContract test checks this file with the generated guards, so a change of the
sidecar's shapes is caught there; rerun this script after such a change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

from empathy_monitor import demo  # noqa: E402
from empathy_monitor.sidecar import protocol as P  # noqa: E402
from empathy_monitor.sidecar.client import SidecarClient  # noqa: E402

OUT = REPO / "tests" / "webview" / "fixtures" / "sidecarSnapshot.json"
NOW = datetime(2026, 11, 27, 7, 50, 51)
SAMPLE = "/work/sample"
RECENT = 5
ALERTS_YAML = """\
alerts:
  - name: Daily budget
    condition: {metric: daily_cost, operator: gt, threshold: 0.5}
    severity: warning
    actions: [stdout]
  - name: Error rate
    condition: {metric: error_rate, operator: gt, threshold: 50, window: 1h}
    severity: warning
    actions: [stdout]
"""


def workspace(root: Path) -> Path:
    ws = root / "ws"
    tdir = ws / ".empathy"
    tdir.mkdir(parents=True)
    demo.generate(tdir, calls=400, days=7, now=NOW)
    with (tdir / "llm_calls.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"call_id": "broken", "timestamp": \n')
    (tdir / "alerts.yaml").write_text(ALERTS_YAML, encoding="utf-8")
    return ws


async def snapshot(ws: Path) -> dict[str, Any]:
    env = dict(os.environ, TZ="UTC", PYTHONPATH=str(REPO / "python"))
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    env.pop("EMPATHY_OTEL_ENDPOINT", None)
    env["EMPATHY_CACHE_DIR"] = str(ws.parent / "cache")
    client = await SidecarClient.start(cwd=ws, env=env)
    try:
        await client.initialize(ws, {"naiveTimezone": "UTC", "alertActions": False})
        snap: dict[str, Any] = await client.request(
            P.SNAPSHOT, {"range": "7d", "now": NOW.isoformat() + "+00:00"}
        )
    finally:
        await client.close()
    return snap


def render(snap: dict[str, Any], ws: Path) -> str:
    snap["recent_calls"] = snap["recent_calls"][:RECENT]
    text = json.dumps(snap, indent=2, ensure_ascii=False) + "\n"
    return text.replace(str(ws.resolve()), SAMPLE).replace(str(ws), SAMPLE)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the fixture differs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = workspace(Path(tmp))
        text = render(asyncio.run(snapshot(ws)), ws)
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        if not same:
            sys.stderr.write(f"capture_snapshot: {OUT.relative_to(REPO)} is out of date\n")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    sys.stderr.write(f"capture_snapshot: wrote {OUT.relative_to(REPO)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
