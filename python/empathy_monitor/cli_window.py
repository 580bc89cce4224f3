"""What every ``empathy`` command over a window shares: its flags (folders, range, time zone,
filters, sources, cost mode), turning them into a refreshed ``Telemetry``, a window and filters,
and ``CliError``, a user mistake the CLI prints as one line (exit code 2)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from .analytics.dimensions import NONE
from .workspace import Layout, default_layout


class CliError(Exception):
    """A user mistake: printed as one line, exit code 2."""


def _layout(args: argparse.Namespace) -> Layout:
    """--dir (explicit folders win), else the workspace's folders (workspace.default_layout)."""
    if args.dir:
        return Layout([Path(d) for d in args.dir])
    return default_layout(Path.cwd(), args.project_name)


def _dirs(args: argparse.Namespace) -> list[Path]:
    dirs = _layout(args).dirs
    for d in dirs:
        if d.exists() and not d.is_dir():
            raise CliError(f"--dir {d}: not a directory")
        if d.is_dir() and not os.access(d, os.R_OK | os.X_OK):
            raise CliError(f"--dir {d}: permission denied")
    return dirs


def window_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", action="append", metavar="DIR", help="telemetry directory (repeatable)")
    p.add_argument(
        "--range", default="7d", metavar="RANGE", help="today, 7d, 30d or all (default 7d)"
    )
    p.add_argument("--since", metavar="ISO", help="start (inclusive), ISO 8601")
    p.add_argument("--until", metavar="ISO", help="end (exclusive), ISO 8601")
    p.add_argument("--now", metavar="ISO", help="pin 'now' for reproducible windows")
    p.add_argument(
        "--tz",
        default="local",
        metavar="ZONE",
        help="zone of naive timestamps: local (default), UTC or an IANA name",
    )
    p.add_argument(
        "--project-name",
        metavar="NAME",
        help="this workspace's project in ~/.attune/telemetry (default: the folder's name)",
    )
    p.add_argument("--workflow")
    p.add_argument("--provider")
    p.add_argument("--tier")
    p.add_argument("--model")
    p.add_argument(
        "--step",
        metavar="STEP",
        help="only calls of this step_name (runs have no steps: with --step, runs count 0)",
    )
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help="also read a coding agent's usage logs (repeatable): claude-code, codex, gemini-cli,"
        " copilot (see `empathy sources`)",
    )
    p.add_argument(
        "--cost",
        choices=("auto", "writer", "list"),
        help="cost mode of this view only (default: cost_mode of .empathy/monitoring.yaml, auto)",
    )
    none = f"; {NONE!r} for records without one"
    p.add_argument("--project", help="only this project (runs, and calls through their run)" + none)
    p.add_argument("--user", help="only this user_id" + none)
    p.add_argument("--session", help="only this session_id" + none)
    # --source chooses which logs to read; this filters by the log a record came from
    p.add_argument(
        "--from-source", dest="from_source", metavar="SOURCE", help="only records from this log"
    )


def load(args: argparse.Namespace) -> tuple[Any, Any, Any, list[Path]]:
    from .analytics import RANGES, Filters, WindowSpec
    from .prices.settings import load_pricing
    from .telemetry import Telemetry

    if args.range not in RANGES:
        raise CliError(f"--range {args.range!r}: use one of {', '.join(RANGES)}")
    dirs = _dirs(args)
    from . import sources

    bad = [s for s in args.source if s not in sources.SOURCES]
    if bad:
        raise CliError(f"--source {bad[0]!r}: use one of {', '.join(sources.SOURCES)}")
    bound = sources.bindings(args.source, Path.cwd()) if args.source else []
    lay = _layout(args)
    try:
        tel = Telemetry(
            dirs, naive_tz=args.tz, sources=bound, pricing=load_pricing(dirs), scopes=lay.scopes
        )
    except ValueError as exc:
        raise CliError(f"--tz: {exc}") from exc
    spec = WindowSpec(range=args.range, since=args.since, until=args.until, now=args.now)
    try:
        window = tel.window(spec)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    filters = Filters(
        args.workflow,
        args.provider,
        args.tier,
        args.model,
        step=args.step,
        project=args.project,
        user=args.user,
        session=args.session,
        source=args.from_source,
    )
    tel.refresh()
    return tel, window, filters, dirs
