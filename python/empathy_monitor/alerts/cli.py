"""``empathy alerts ...``: init wizard, list, test, trigger, watch, stop, history, install-service."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from ..telemetry import Telemetry
from .engine import AlertEngine
from .evaluation import verdict
from .rules import METRICS, load_rules
from .wizard import DEFAULT_THRESHOLDS
from .wizard import build_rule as build_rule  # the sidecar's initAlerts writes the same rule
from .wizard import render_config as render_config

T = TypeVar("T")


def _dir(args: argparse.Namespace) -> Path:
    """--dir, else the workspace folder holding alerts.yaml (created in the config folder)."""
    from ..workspace import find_config

    return Path(args.dir) if args.dir else find_config(Path.cwd(), "alerts.yaml")


def _telemetry(args: argparse.Namespace, naive_tz: str = "local") -> Telemetry:
    """--dir's telemetry, else the workspace's (with attune-ai 16.x's home runs)."""
    from ..workspace import Layout, default_layout

    lay = (
        Layout([Path(args.dir)])
        if args.dir
        else default_layout(Path.cwd(), getattr(args, "project_name", None))
    )
    return Telemetry.of(lay, naive_tz=naive_tz)


def _iso(x: float | None) -> str | None:
    return None if x is None else datetime.fromtimestamp(x, timezone.utc).isoformat()


def _ask(prompt: str, default: str, read: Callable[[str], str]) -> str:
    ans = read(f"{prompt} [{default}]: ").strip()
    return ans or default


def cmd_init(args: argparse.Namespace, read: Callable[[str], str] = input) -> int:
    d = _dir(args)
    path = d / "alerts.yaml"
    if path.exists() and not args.force:
        print(f"{path} already exists (use --force to overwrite, or edit it)", file=sys.stderr)
        return 1
    metric, threshold = args.metric, args.threshold
    interactive = not args.yes
    if interactive:
        print("Metrics: " + ", ".join(METRICS))
        metric = _ask("1/3 Which metric?", metric or "daily_cost", read)
        if metric not in METRICS:
            print(f"unknown metric {metric!r}", file=sys.stderr)
            return 2
        answer = _ask(
            "2/3 Threshold?",
            f"{DEFAULT_THRESHOLDS[metric]:g}" if threshold is None else f"{threshold:g}",
            read,
        )
        try:
            threshold = float(answer)
        except ValueError:
            print(f"threshold {answer!r} is not a number", file=sys.stderr)
            return 2
        if not (args.webhook or args.email or args.stdout):
            where = _ask(
                "3/3 Where to send? (webhook URL, email address, or 'stdout')", "stdout", read
            )
            if where.startswith(("http://", "https://")):
                args.webhook = where
            elif "@" in where:
                args.email = where
            else:
                args.stdout = True
    metric = metric or "daily_cost"
    if metric not in METRICS:
        print(f"unknown metric {metric!r} (one of {', '.join(METRICS)})", file=sys.stderr)
        return 2
    if threshold is None:
        threshold = DEFAULT_THRESHOLDS[metric]
    rule = build_rule(metric, float(threshold), args.webhook, args.email, args.stdout)
    text = render_config(rule)
    rs = load_rules(text)
    if rs.errors:
        for e in rs.errors:
            print(e, file=sys.stderr)
        return 2
    d.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} with rule {rule['name']!r}")
    print(
        "next: `empathy alerts test --rule NAME` to see its value, `empathy alerts watch` to run it"
    )
    return 0


def _engine(args: argparse.Namespace) -> AlertEngine:
    return AlertEngine(_dir(args), None if args.dir else _telemetry(args))


def _require_config(e: AlertEngine) -> bool:
    if not e.enabled():
        print(f"no {e.config_path}: run `empathy alerts init` first", file=sys.stderr)
        return False
    return True


def cmd_list(args: argparse.Namespace) -> int:
    e = _engine(args)
    st = e.status()
    if args.json:
        print(json.dumps(st, indent=2, default=str))
        return 0
    if not st["exists"]:
        print(f"no alerts configured ({e.config_path} does not exist)")
        return 0
    for err in st["errors"]:
        print(err, file=sys.stderr)
    for r in st["rules"]:
        s = r["state"]
        last = "" if s["last_value"] is None else f" last={s['last_value']:g}"
        flag = "" if r["enabled"] else " (disabled)"
        print(
            f"{r['name']}{flag}: {r['metric']} {r['operator']} {r['threshold']:g} over "
            f"{r['window']} -> {', '.join(r['actions'])} [{s['status']}{last}]"
        )
    for f in st["failing_channels"]:
        print(
            f"failing: {f['rule']} via {f['channel']}: {f['failed']} given up ({f['last_error']})",
            file=sys.stderr,
        )
    return 1 if st["errors"] else 0


def _on_rule(args: argparse.Namespace, act: Callable[[AlertEngine, str], T]) -> T | None:
    """``act(engine, --rule)``; None, once said why, without alerts.yaml or without that rule."""
    e = _engine(args)
    if not _require_config(e):
        return None
    try:
        return act(e, args.rule)
    except KeyError:
        print(f"no rule named {args.rule!r}", file=sys.stderr)
        return None


def cmd_test(args: argparse.Namespace) -> int:
    ev = _on_rule(args, AlertEngine.test_rule)
    if ev is None:
        return 2
    if args.json:
        print(json.dumps(ev.to_dict(), indent=2, default=str))
    else:
        print(verdict(ev))
    return 0


def cmd_trigger(args: argparse.Namespace) -> int:
    if not args.test:
        print("only test notifications can be triggered: add --test", file=sys.stderr)
        return 2
    reports = _on_rule(args, AlertEngine.trigger_test)
    if reports is None:
        return 2
    ok = True
    for r in reports:
        ok &= r.delivered
        res = "delivered" if r.delivered else f"FAILED: {r.error}"
        print(f"{r.channel} {r.target}: {res}", file=sys.stderr)
    return 0 if ok else 1


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import run_watch

    e = _engine(args)
    if not _require_config(e):
        return 2
    tel = None if args.dir else _telemetry(args, args.tz)
    return run_watch(
        _dir(args), once=args.once, interval=args.interval, naive_tz=args.tz, telemetry=tel
    )


def cmd_stop(args: argparse.Namespace) -> int:
    from .watch import stop_watcher

    pid = stop_watcher(_dir(args))
    print("no watcher running" if pid is None else f"stopped watcher (pid {pid})")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    rows = _engine(args).history(args.limit)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    for h in rows:
        res = "delivered" if h["delivered"] else f"failed ({h['error']})"
        print(
            f"{_iso(h['ts'])} {h['rule']} {h['kind']} via {h['channel']} {h['target']}: "
            f"value={h['value']} threshold={h['threshold']} {res}"
        )
    return 0


def cmd_install_service(args: argparse.Namespace) -> int:
    from .service import install_service

    e = _engine(args)
    if not _require_config(e):
        return 2
    path, start = install_service(_dir(args))
    print(f"wrote {path}\nstart it with: {start}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``alerts`` and its subcommands to the ``empathy`` parser."""
    a = subparsers.add_parser("alerts", help="threshold and spike alerts (opt-in)")
    sub = a.add_subparsers(dest="alerts_cmd", metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--dir",
            default=None,
            metavar="DIR",
            help="telemetry directory holding alerts.yaml (default: the workspace's, see"
            " MIGRATION.md: ./.empathy unless only ./.attune holds configuration)",
        )
        p.add_argument(
            "--project-name",
            metavar="NAME",
            help="the project whose runs ~/.attune/telemetry holds (default: folder name)",
        )

    p = sub.add_parser("init", help="create alerts.yaml (3 questions, or flags with --yes)")
    common(p)
    p.add_argument("--metric", choices=METRICS)
    p.add_argument("--threshold", type=float)
    p.add_argument("--webhook", metavar="URL")
    p.add_argument("--email", metavar="ADDR")
    p.add_argument("--stdout", action="store_true")
    p.add_argument("--yes", "-y", action="store_true", help="no questions")
    p.add_argument("--force", action="store_true", help="overwrite an existing alerts.yaml")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("list", help="rules, state and last value")
    common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("test", help="evaluate one rule now and show its value (sends nothing)")
    common(p)
    p.add_argument("--rule", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("trigger", help="send a test notification through a rule's actions")
    common(p)
    p.add_argument("--rule", required=True)
    p.add_argument("--test", action="store_true", required=True)
    p.set_defaults(func=cmd_trigger)

    p = sub.add_parser("watch", help="foreground watcher, event-driven on file changes")
    common(p)
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument(
        "--interval",
        type=float,
        default=30.0,
        metavar="S",
        help="also re-check every S seconds (default 30)",
    )
    p.add_argument("--tz", default="local", help="zone of naive timestamps (default local)")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("stop", help="stop the running watcher")
    common(p)
    p.set_defaults(func=cmd_stop)

    p = sub.add_parser("history", help="notification attempts (audit trail)")
    common(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("install-service", help="write a systemd user unit / launchd plist")
    common(p)
    p.set_defaults(func=cmd_install_service)

    def _help(_args: argparse.Namespace) -> int:
        a.print_help(sys.stderr)
        return 2

    a.set_defaults(func=_help)
