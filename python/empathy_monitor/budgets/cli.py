"""``empathy budget``: status table (``--json``), ``set``, ``forecast``, ``remove``.

Reads the same ``budgets.yaml`` and computes with the same monitor as the panel, so the CLI and the
strip never disagree. Nothing here fires a level: that is ``empathy alerts watch`` or the panel.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..telemetry import Telemetry
from .config import SCOPE_KEYS, Budget, load_budgets, remove_budget, render_budgets, upsert_budget
from .forecast import METHOD
from .monitor import CONFIG_NAME, BudgetMonitor

METHOD_TEXT = (
    "Each day's expected spend is a robust level of recent days (outliers such as an 8x day or a "
    "gap left out) along a trend kept only when the data shows it (damped when short or steep), "
    "times a weekday profile; early "
    "in a period, today's partial spend is blended in. The 80% interval comes from resampling "
    "recent days in 7-day blocks, so spikes and gaps recur about as often as they did."
)


def _path(args: argparse.Namespace) -> Path:
    return Path(args.dir) / CONFIG_NAME


def _load(path: Path) -> tuple[list[Budget], list[str]]:
    if not path.is_file():
        return [], []
    bs = load_budgets(path.read_text(encoding="utf-8"), CONFIG_NAME)
    return bs.budgets, bs.errors


def _load_clean(path: Path, fix: str) -> list[Budget] | None:
    """The budgets of ``path``, or None after printing its problems (a rewrite would drop the
    entries that did not load)."""
    budgets, errors = _load(path)
    if not errors:
        return budgets
    for e in errors:
        print(e, file=sys.stderr)
    print(f"empathy: error: fix {path} first{fix}", file=sys.stderr)
    return None


def _monitor(args: argparse.Namespace) -> BudgetMonitor:
    from ..prices.settings import load_pricing

    # The workspace's cost mode and prices.yaml: the same dollars as the panel and alerts watch.
    tel = Telemetry(dirs=[Path(args.dir)], pricing=load_pricing([Path(args.dir)]))
    tel.refresh()
    return BudgetMonitor(Path(args.dir), tel)


def _section(args: argparse.Namespace) -> dict[str, Any]:
    from ..alerts.state import AlertStore

    mon = _monitor(args)
    db = Path(args.dir) / "alerts.db"
    store = AlertStore(db) if db.exists() else None
    try:
        return mon.section(time.time(), store, False).model_dump(mode="json")
    finally:
        if store is not None:
            store.close()


def cmd_status(args: argparse.Namespace) -> int:
    path = _path(args)
    if not path.is_file():
        if args.json:
            print(json.dumps({"exists": False, "config_path": str(path), "budgets": []}))
        else:
            print(f"no budgets ({path} does not exist): `empathy budget set NAME --amount 200`")
        return 0
    sec = _section(args)
    if args.json:
        print(json.dumps(sec, indent=2))
        return 0
    for e in sec["errors"]:
        print(e, file=sys.stderr)
    rows = [("budget", "period", "spent", "of", "%", "projected", "outlook")]
    for b in sec["budgets"]:
        rows.append(
            (
                b["name"],
                b["period"],
                f"${b['spent']:,.2f}",
                f"${b['amount']:,.2f}",
                f"{b['percent']:.0f}%",
                f"${b['projected']:,.2f}",
                b["outlook"] + (f" ({b['unpriced_text']})" if b["unpriced_text"] else ""),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    sec = _section(args) if _path(args).is_file() else {"budgets": [], "errors": []}
    pick = [b for b in sec["budgets"] if args.name in (None, b["name"])]
    if args.name and not pick:
        print(f"empathy: error: no budget named {args.name!r}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"budgets": pick, "method": METHOD, "method_text": METHOD_TEXT}, indent=2))
        return 0
    for b in pick:
        print(f"{b['name']}: {b['headline']}")
        print(f"  {b['interval_text']}")
        print(f"  {b['outlook']}")
        print(f"  burn: {b['burn_text']}")
        if b["unpriced_text"]:
            print(f"  {b['unpriced_text']}")
    if not pick:
        print("no budgets: `empathy budget set NAME --amount 200`")
    print(f"\nMethod: {METHOD_TEXT}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    path = _path(args)
    budgets = _load_clean(path, " (rewriting it would drop those entries)")
    if budgets is None:
        return 2
    channels: list[Any] = []
    if args.webhook:
        fmt = (
            "slack"
            if "hooks.slack.com" in args.webhook
            else ("discord" if "discord.com/api/webhooks" in args.webhook else "json")
        )
        channels.append({"type": "webhook", "url": args.webhook, "format": fmt})
    if args.email:
        channels.append({"type": "email", "to": [args.email]})
    if args.stdout or not channels:
        channels.append({"type": "stdout"})  # printed by `empathy alerts watch`
    channels.append({"type": "vscode"})  # shown in the panel's window when it is open
    raw: dict[str, Any] = {"name": args.name, "amount": args.amount, "period": args.period}
    for k in (*SCOPE_KEYS, "time_zone"):
        if getattr(args, k, None):
            raw[k] = getattr(args, k)
    if args.levels:
        raw["levels"] = [float(x) for x in args.levels.split(",")]
    raw["channels"] = channels
    try:
        budget = Budget.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            print(f"empathy: error: {where}: {err['msg']}", file=sys.stderr)
        return 2
    replacing = any(b.name == budget.name for b in budgets)
    if replacing and not args.yes:
        if not sys.stdin.isatty():
            print(
                f"empathy: error: budget {budget.name!r} exists; pass --yes to replace it",
                file=sys.stderr,
            )
            return 2
        if input(f"replace budget {budget.name!r}? [y/N] ").strip().lower() not in ("y", "yes"):
            return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_budgets(upsert_budget(budgets, budget)), encoding="utf-8")
    print(f"{'replaced' if replacing else 'added'} budget {budget.name!r} in {path}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    path = _path(args)
    budgets = _load_clean(path, "")
    if budgets is None:
        return 2
    if not any(b.name == args.name for b in budgets):
        print(f"empathy: error: no budget named {args.name!r} in {path}", file=sys.stderr)
        return 2
    path.write_text(render_budgets(remove_budget(budgets, args.name)), encoding="utf-8")
    print(f"removed budget {args.name!r} from {path}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``budget`` and its subcommands to the ``empathy`` parser."""
    a = subparsers.add_parser("budget", help="budgets, burn rate and forecast (opt-in)")

    def common(p: argparse.ArgumentParser, default: Any = argparse.SUPPRESS) -> None:
        # SUPPRESS on the subcommands: `budget --dir D set ...` keeps D.
        p.add_argument(
            "--dir",
            default=default,
            metavar="DIR",
            help="telemetry directory holding budgets.yaml (default ./.empathy)",
        )

    common(a, ".empathy")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.set_defaults(func=cmd_status)
    sub = a.add_subparsers(dest="budget_cmd", metavar="COMMAND")

    p = sub.add_parser("set", help="add or replace a budget")
    common(p)
    p.add_argument("name")
    p.add_argument("--amount", type=float, required=True, help="US dollars")
    p.add_argument("--period", choices=("day", "week", "month"), default="month")
    for k in SCOPE_KEYS:
        p.add_argument(f"--{k}", help=f"count only this {k}'s spend")
    p.add_argument(
        "--time-zone",
        dest="time_zone",
        metavar="IANA",
        help="zone of the period boundaries (default: this machine's)",
    )
    p.add_argument("--levels", metavar="50,80,100", help="percents that each fire once a period")
    p.add_argument("--webhook", metavar="URL", help="send levels to a webhook (Slack, Discord, …)")
    p.add_argument("--email", metavar="ADDR")
    p.add_argument("--stdout", action="store_true", help="print levels (alerts watch)")
    p.add_argument("--yes", "-y", action="store_true", help="replace without asking")
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("forecast", help="the projection with its 80%% interval, and the method")
    common(p)
    p.add_argument("name", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_forecast)

    p = sub.add_parser("remove", help="remove a budget")
    common(p)
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)
