"""``empathy sources``: what each coding agent keeps where, and (when enabled) what was read."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import SOURCES, bindings, locate


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sources", help="coding agents' usage logs: found where, read how")
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help=f"read this source's records for counts and health ({', '.join(SOURCES)})",
    )
    p.add_argument("--workspace", metavar="DIR", help="the workspace (default: this folder)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_sources)


def report(enabled: list[str], workspace: Path) -> dict[str, Any]:
    from ..telemetry import Telemetry

    out: dict[str, Any] = {"workspace": str(workspace), "sources": []}
    for name, src in SOURCES.items():
        found = [str(p) for p in locate(name, workspace)]  # stat / folder names only
        item: dict[str, Any] = {
            "source": name,
            "label": src.label,
            "found": found,
            "enabled": name in enabled,
        }
        if name in enabled:
            tel = Telemetry([], workers=1, sources=bindings([name], workspace))
            tel.refresh()
            h = tel.health()
            item.update(
                records=tel.tables.calls.n,
                malformed=h["malformed"],
                files=[
                    {k: f[k] for k in ("path", "records", "malformed", "problems")}
                    for f in h["files"]
                ],
            )
        out["sources"].append(item)
    return out


def cmd_sources(args: argparse.Namespace) -> int:
    bad = [s for s in args.source if s not in SOURCES]
    if bad:
        print(
            f"empathy: unknown source {bad[0]!r}; use one of {', '.join(SOURCES)}", file=sys.stderr
        )
        return 2
    ws = Path(args.workspace or ".").resolve()
    rep = report(args.source, ws)
    if args.json:
        print(json.dumps(rep, indent=2))
        return 0
    for s in rep["sources"]:
        where = ", ".join(s["found"]) or "not found"
        line = f"{s['label']:<15} {where}"
        if s["enabled"]:
            line += f"  ({s['records']} calls, {s['malformed']} malformed lines)"
        print(line)
    return 0
