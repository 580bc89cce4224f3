"""The ``empathy`` commands that show or export one window: ``telemetry`` (the terminal dashboard
or ``--json``), ``telemetry export`` (CSV / JSONL) and ``prices`` / ``prices check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from .cli_window import CliError, load
from .words import plural


def cmd_telemetry(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .terminal import render, render_empty

    tel, window, filters, dirs = load(args)
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
    if filters.step is not None:  # steps are no breakdown: their filter options list them all
        opts = tel.view(window, Filters(), recent=0, top=1).dump("filter_options")
        known["step"] = sorted(o["value"] for o in opts["step"])
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

    tel, window, filters, dirs = load(args)
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
    tel, window, filters, _dirs = load(args)
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
