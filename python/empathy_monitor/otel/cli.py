"""``empathy otel export [--once]`` and ``empathy otel status [--json]``.

Importing this module never imports ``opentelemetry``; without the ``otel`` extra the commands
print how to install it and exit with status 3.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..words import plural
from ..workspace import Layout, config_dirs, default_layout
from . import INSTALL_HINT, otel_available
from .config import ConfigError, OtelConfig, load_config

log = logging.getLogger(__name__)
PROJECT_NAME_HELP = "the project whose runs ~/.attune/telemetry holds (default: folder name)"
EXIT_NO_EXTRA = 3


def _layout(args: argparse.Namespace) -> Layout:
    """--dir, else the workspace's folders (and attune-ai 16.x's home runs of this project)."""
    if args.dir:
        return Layout([Path(d) for d in args.dir])
    return default_layout(Path.cwd(), getattr(args, "project_name", None))


def _dirs(args: argparse.Namespace) -> list[Path]:
    """Where monitoring.yaml is looked for and the cursor lives (the first): --dir, else the
    workspace's telemetry folders, then its config folders (never the shared home folder)."""
    if args.dir:
        return [Path(d) for d in args.dir]
    lay = default_layout(Path.cwd(), getattr(args, "project_name", None))
    own = [d for d in lay.dirs if d not in lay.scopes]
    return own + [d for d in config_dirs(Path.cwd()) if d not in own]


def _config(dirs: list[Path]) -> OtelConfig | None:
    try:
        return load_config(dirs)
    except ConfigError as exc:
        print(f"empathy otel: error: {exc}", file=sys.stderr)
        return None


def _when(epoch: float | None) -> str:
    if epoch is None:
        return "never"
    return datetime.fromtimestamp(epoch, timezone.utc).astimezone().isoformat(timespec="seconds")


def cmd_export(args: argparse.Namespace) -> int:
    if not otel_available():
        print(INSTALL_HINT, file=sys.stderr)
        return EXIT_NO_EXTRA
    dirs = _dirs(args)
    cfg = _config(dirs)
    if cfg is None:
        return 2
    if not cfg.enabled:
        print(
            "empathy otel: no endpoint configured; set EMPATHY_OTEL_ENDPOINT or"
            " OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4317), or otel.endpoint in"
            " .empathy/monitoring.yaml",
            file=sys.stderr,
        )
        return 2
    from .exporter import FileExporter

    lay = _layout(args)
    exp = FileExporter(lay.dirs, cfg, scopes=lay.scopes)
    try:
        if args.once:
            res = exp.export_once()
            _print_result(res.spans, res.metric_points, res.records_skipped, res.backlog_bytes)
            if res.error:
                print(f"empathy otel: export stopped: {res.error}", file=sys.stderr)
                return 1
            return 0
        stop = threading.Event()

        def _on_signal(signum: int, frame: Any) -> None:
            stop.set()
            exp.stop()

        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
        print(f"exporting to {cfg.endpoint} ({cfg.protocol}); Ctrl-C to stop", file=sys.stderr)
        # Following files from the command line checks for new bytes every few seconds (stat
        # only); the sidecar calls ``notify()`` from its file watcher instead.
        exp.run(idle_s=args.interval)
        return 0
    finally:
        exp.close()


def _print_result(spans: int, points: int, skipped: int, backlog: int) -> None:
    print(
        f"exported {plural(spans, 'span', sep='')}, {plural(points, 'metric point', sep='')};"
        f" skipped {plural(skipped, 'unusable line', sep='')}; {plural(backlog, 'byte', sep='')}"
        " left"
    )


def cmd_status(args: argparse.Namespace) -> int:
    dirs = _dirs(args)
    cfg = _config(dirs)
    if cfg is None:
        return 2
    from .exporter import FileExporter

    lay = _layout(args)
    rep = FileExporter(lay.dirs, cfg, scopes=lay.scopes).status()
    out = rep.to_json()
    out["otel_installed"] = otel_available()
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    c = rep.config
    if c["endpoint"]:
        print(f"endpoint:     {c['endpoint']}")
    else:
        print(
            "endpoint:     not set (export is off) — set EMPATHY_OTEL_ENDPOINT or"
            " OTEL_EXPORTER_OTLP_ENDPOINT, or otel.endpoint in monitoring.yaml"
        )
    if c["endpoint"]:
        print(f"protocol:     {c['protocol']}  (from {c['source']})")
        print(f"service:      {c['service_name']}")
        if c["headers"]:
            print(f"headers:      {', '.join(c['headers'])} (values hidden)")
    if not out["otel_installed"]:
        print(f"note:         {INSTALL_HINT}")
    print(f"cursor:       {rep.cursor_path}")
    lines, size = (
        plural(rep.backlog_lines, "line", sep=""),
        plural(rep.backlog_bytes, "byte", sep=""),
    )
    print(f"backlog:      {lines} ({size})")
    for f in rep.files:
        if f.backlog_bytes:
            print(f"  {f.path}: {plural(f.backlog_lines, 'line', sep='')}")
    spans = plural(rep.spans_exported, "span", sep="")
    print(f"exported:     {spans}; last success {_when(rep.last_success_at)}")
    if rep.records_skipped:
        skipped = plural(rep.records_skipped, "unusable line", sep="")
        print(f"skipped:      {skipped} (last: {rep.last_skip_reason})")
    if rep.last_error:
        print(f"last error:   {rep.last_error} ({_when(rep.last_error_at)})")
    return 0


def register(subparsers: Any) -> None:
    """Add ``otel`` with ``export`` and ``status`` to an argparse subparsers object."""
    p = subparsers.add_parser("otel", help="export calls and runs to an OpenTelemetry collector")
    sub = p.add_subparsers(dest="otel_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda a: _usage(p))

    e = sub.add_parser("export", help="send new records to the OTLP endpoint")
    e.add_argument("--once", action="store_true", help="export what is there, then exit")
    e.add_argument("--dir", action="append", metavar="DIR", help="telemetry directory (repeatable)")
    e.add_argument("--project-name", metavar="NAME", help=PROJECT_NAME_HELP)
    e.add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="without --once: how often to look for new records (default 2)",
    )
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("status", help="endpoint, backlog and last error")
    s.add_argument("--dir", action="append", metavar="DIR", help="telemetry directory (repeatable)")
    s.add_argument("--project-name", metavar="NAME", help=PROJECT_NAME_HELP)
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_status)

    from ..receiver.cli import add_parser as add_receive

    add_receive(sub)


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m empathy_monitor.otel.cli``) until the lead wires ``otel``."""
    parser = argparse.ArgumentParser(prog="empathy")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    rc: int = args.func(args)
    return rc


if __name__ == "__main__":
    sys.exit(main())
