"""`empathy` command line: telemetry dashboard and export, demo data, sidecar, and plugins.

Logging goes to stderr only. Plugins (alerts, otel) register their own subcommands.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from . import __version__
from .analytics.dimensions import NONE
from .sidecar.__main__ import add_arguments as sidecar_arguments
from .sidecar.__main__ import run as run_sidecar
from .words import plural
from .workspace import Layout, default_layout

log = logging.getLogger("empathy_monitor")
PLUGINS = ("empathy_monitor.alerts.cli", "empathy_monitor.budgets.cli", "empathy_monitor.otel.cli")


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


def _window_flags(p: argparse.ArgumentParser) -> None:
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


def _load(args: argparse.Namespace) -> tuple[Any, Any, Any, list[Path]]:
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
        project=args.project,
        user=args.user,
        session=args.session,
        source=args.from_source,
    )
    tel.refresh()
    return tel, window, filters, dirs


def cmd_telemetry(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .terminal import render, render_empty

    tel, window, filters, dirs = _load(args)
    console = Console(file=sys.stdout, soft_wrap=False)
    if not tel.reader.files and not tel.reader.errors and not args.json:
        render_empty(console, [str(d) for d in dirs])
        return 0
    dash = tel.dashboard(window, filters, recent=20, top=max(args.top, 1), cost_mode=args.cost)
    if filters.active and not dash["overview"]["calls"] and not dash["top_workflows"]:
        _explain_empty_filter(tel, window, filters)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(dash, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    render(dash, console, top=args.top)
    return 0


def _explain_empty_filter(tel: Any, window: Any, filters: Any) -> None:
    """A filter that matches nothing: say which value is unknown and list the known ones.

    Raises:
        CliError: when a filter value appears nowhere in the window (a typo, not a quiet day).
    """
    from .analytics import Filters

    every = tel.dashboard(window, Filters(), recent=0, top=1_000_000)
    known = {
        "workflow": sorted({w["workflow_name"] for w in every["top_workflows"]}),
        "provider": sorted(every["by_provider"]),
        "tier": sorted(every["by_tier"]),
        "model": sorted(every["by_model"]),
        "project": sorted(every["by_project"]),
        "user": sorted(every["by_user"]),
        "session": sorted(every["by_session"]),
        "source": sorted(every["by_source"]),
    }
    flag = {"source": "from-source"}
    unknown = [
        f"--{flag.get(k, k)} {v!r} matches nothing in this window;"
        f" known: {', '.join(known[k]) or 'none'}"
        for k in known
        if (v := getattr(filters, k)) is not None and v not in known[k]
    ]
    if unknown:
        raise CliError("; ".join(unknown))
    print("empathy: no calls or runs match these filters together in this window", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    from .csvout import csv_bytes, jsonl_bytes, write_csv, write_jsonl
    from .safewrite import WriteRefused, atomic_write, check_target

    tel, window, filters, dirs = _load(args)
    rows = tel.iter_calls(window, filters, args.cost)
    if args.out:
        out = Path(args.out)
        try:  # before any row is produced: a refused export touches nothing
            real = check_target(out, dirs, overwrite=args.force, hint="pass --force")
        except WriteRefused as exc:
            raise CliError(str(exc)) from exc
        fill = csv_bytes(rows) if args.format == "csv" else jsonl_bytes(rows)
        try:
            n = atomic_write(real, fill)
        except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:
            raise CliError(f"--out {out}: {exc.strerror}") from exc
        print(f"wrote {plural(n, 'row', sep='')} to {out}", file=sys.stderr)
        return 0
    if args.format == "csv":
        write_csv(rows, sys.stdout)
    else:
        write_jsonl(rows, sys.stdout.buffer)
    return 0


def cmd_prices(args: argparse.Namespace) -> int:
    """Every model seen in the window: calls, tokens, list rate, source, valid-from, and the
    writer's sum against the list price; ``check`` exits 1 when any call is unpriced."""
    tel, window, filters, _dirs = _load(args)
    v = tel.view(window, filters, recent=1, top=1, cost_mode=args.cost)
    prices, ov = v.dump("prices"), v.dump("overview")
    out = {
        **prices,
        "unpriced_calls": ov["unpriced_calls"],
        "unpriced_models": ov["unpriced_models"],
    }
    check = getattr(args, "prices_command", None) == "check"
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(out, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        _print_prices(out)
    if check and (ov["unpriced_calls"] or prices["errors"]):
        print(
            f"empathy: {plural(ov['unpriced_calls'], 'call')} unpriced"
            + (
                f", {plural(len(prices['errors']), 'prices.yaml error')}"
                if prices["errors"]
                else ""
            ),
            file=sys.stderr,
        )
        return 1
    return 0


def _print_prices(p: dict[str, Any]) -> None:
    print(f"cost mode: {p['cost_mode']} (workspace: {p['workspace_cost_mode']})")
    if p["prices_file"]:
        print(f"prices.yaml: {p['prices_file']} (overrides {plural(p['overrides'], 'model')})")
    for e in p["errors"]:
        print(f"  {e}")
    head = (
        "model",
        "provider",
        "calls",
        "tokens",
        "in/out $/M",
        "source",
        "valid from",
        "writer",
        "list",
        "diff",
    )
    print("  ".join(head))
    for m in p["models"]:
        r = m["rate"]
        rate = f"{r['input']}/{r['output']}" if r else "-"
        diff = "-" if m["difference_pct"] is None else f"{m['difference_pct']:+.1f}%"
        flag = " !" if m["flagged"] else ""
        lst = "unpriced" if m["list_cost"] is None else f"${m['list_cost']:.4f}"
        print(
            f"{m['model']}  {m['provider']}  {m['calls']}  {m['tokens']}  {rate}  {m['source']}"
            f"  {m['valid_from'] or '-'}  ${m['writer_cost']:.4f}  {lst}  {diff}{flag}"
        )
    for m in p["models"]:
        if m["note"]:
            print(f"! {m['note']}")
    if p["unpriced_calls"]:
        print(f"{plural(p['unpriced_calls'], 'call')} unpriced: add them to prices.yaml")


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import generate

    d = Path(args.dir) if args.dir else Path(".empathy")  # telemetry, not configuration
    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError as exc:
            raise CliError(f"--now {args.now!r}: not an ISO 8601 date-time") from exc
    if args.calls < 1 or args.days < 1:
        raise CliError("--calls and --days must be at least 1")
    calls, runs = generate(d, calls=args.calls, days=args.days, seed=args.seed, now=now)
    print(
        f"wrote {plural(calls, 'call', sep='')} and {plural(runs, 'workflow run', sep='')} to {d}"
    )
    return 0


def cmd_sidecar(args: argparse.Namespace) -> int:
    return run_sidecar(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="empathy", description="Empathy Telemetry: local LLM usage monitor"
    )
    p.add_argument("--version", action="version", version=f"empathy-monitor {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("telemetry", help="dashboard of LLM usage (terminal or --json)")
    _window_flags(t)
    t.add_argument("--top", type=int, default=5, metavar="N", help="top workflows to show")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    t.set_defaults(func=cmd_telemetry)
    tsub = t.add_subparsers(dest="telemetry_command", metavar="SUBCOMMAND")
    e = tsub.add_parser("export", help="export calls as CSV or JSONL")
    _window_flags(e)
    e.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    e.add_argument("--out", metavar="FILE")
    e.add_argument(
        "--force", action="store_true", help="replace an existing --out file (never telemetry)"
    )
    e.set_defaults(func=cmd_export)

    pr = sub.add_parser("prices", help="list prices per model seen, writer vs list price")
    _window_flags(pr)
    pr.add_argument("--json", action="store_true", help="print one JSON object")
    pr.set_defaults(func=cmd_prices)
    prsub = pr.add_subparsers(dest="prices_command", metavar="SUBCOMMAND")
    ck = prsub.add_parser("check", help="exit 1 when any call in the window is unpriced (CI)")
    _window_flags(ck)
    ck.add_argument("--json", action="store_true", help="print one JSON object")
    ck.set_defaults(func=cmd_prices)

    dm = sub.add_parser("demo", help="write realistic sample telemetry")
    dm.add_argument("--dir", metavar="DIR", help="target directory (default ./.empathy)")
    dm.add_argument("--calls", type=int, default=2000)
    dm.add_argument("--days", type=int, default=14)
    dm.add_argument("--seed", type=int, default=7)
    dm.add_argument("--now", metavar="ISO", help="end of the generated period (default: now)")
    dm.set_defaults(func=cmd_demo)

    from .sources.cli import add_parser as sources_parser

    sources_parser(sub)
    sc = sub.add_parser("sidecar", help="run the VS Code sidecar (JSON-RPC over stdio)")
    sidecar_arguments(sc)
    sc.set_defaults(func=cmd_sidecar)

    for mod in PLUGINS:
        try:
            plugin = importlib.import_module(mod)
        except ImportError as exc:  # plugin missing or its optional deps absent
            log.debug("plugin %s unavailable: %s", mod, exc)
            continue
        plugin.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        rc: int = args.func(args)
        return rc
    except CliError as exc:
        print(f"empathy: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
