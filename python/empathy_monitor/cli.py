"""`empathy` command line: the parser, demo data, the sidecar, and plugins.

The window commands (telemetry, export, prices) are ``cli_views.py`` over the shared flags of
``cli_window.py``. Logging goes to stderr only. Plugins (alerts, budgets, otel) register their
own subcommands.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from . import __version__
from .cli_views import cmd_export, cmd_prices, cmd_telemetry
from .cli_window import CliError, window_flags
from .sidecar.__main__ import add_arguments as sidecar_arguments
from .sidecar.__main__ import run as run_sidecar
from .words import plural

log = logging.getLogger("empathy_monitor")
PLUGINS = ("empathy_monitor.alerts.cli", "empathy_monitor.budgets.cli", "empathy_monitor.otel.cli")


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
    window_flags(t)
    t.add_argument("--top", type=int, default=5, metavar="N", help="top workflows to show")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    t.set_defaults(func=cmd_telemetry)
    tsub = t.add_subparsers(dest="telemetry_command", metavar="SUBCOMMAND")
    e = tsub.add_parser("export", help="export calls as CSV or JSONL")
    window_flags(e)
    e.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    e.add_argument("--out", metavar="FILE")
    e.add_argument(
        "--force", action="store_true", help="replace an existing --out file (never telemetry)"
    )
    e.set_defaults(func=cmd_export)

    pr = sub.add_parser("prices", help="list prices per model seen, writer vs list price")
    window_flags(pr)
    pr.add_argument("--json", action="store_true", help="print one JSON object")
    pr.set_defaults(func=cmd_prices)
    prsub = pr.add_subparsers(dest="prices_command", metavar="SUBCOMMAND")
    ck = prsub.add_parser("check", help="exit 1 when any call in the window is unpriced (CI)")
    window_flags(ck)
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
