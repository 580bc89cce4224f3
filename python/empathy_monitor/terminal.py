"""The terminal dashboard (rich): formatting only; every number comes from the dashboard dict."""

from __future__ import annotations

from typing import Any

from rich.columns import Columns
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .words import plural

SPARK = "▁▂▃▄▅▆▇█"


def money(x: float | None) -> str:
    if x is None:
        return "—"
    return f"${x:,.2f}" if abs(x) >= 0.01 or x == 0 else f"${x:.4f}"


def num(x: float | None, suffix: str = "") -> str:
    return "—" if x is None else f"{x:,.0f}{suffix}"


def sparkline(values: list[float]) -> str:
    if not values:
        return ""
    hi = max(values)
    if hi <= 0:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, int(v / hi * (len(SPARK) - 1) + 0.5))] for v in values)


def _card(title: str, value: str) -> Panel:
    return Panel(Text(value, style="bold"), title=title, expand=True, padding=(0, 1))


def render(d: dict[str, Any], console: Console, top: int = 5) -> None:
    ov = d["overview"]
    w = d["window"]
    span = w["range"] if w["range"] != "custom" else f"{w['since'] or '…'} → {w['until'] or 'now'}"
    console.print(Text(f"Empathy Telemetry — {span}", style="bold"))
    sr = ov["success_rate"]
    cards = [
        _card("Total cost", money(ov["total_cost"])),
        _card("Calls", num(ov["calls"])),
        _card("Success", "—" if sr is None else f"{sr:.1f}%"),
        _card(
            "Latency avg / p95",
            f"{num(ov['avg_latency_ms'], ' ms')} / {num(ov['p95_latency_ms'], ' ms')}",
        ),
        _card("Tokens in / out", f"{num(ov['input_tokens'])} / {num(ov['output_tokens'])}"),
        _card("Active workflows", num(ov["active_workflows"])),
    ]
    if ov.get("subscription_calls"):  # apart from money spent: what the plan's calls are worth
        cards.insert(1, _card("List-price equivalent", money(ov["subscription_value"])))
    console.print(Columns(cards, equal=True, expand=True))
    series = d["cost_series"]
    if series:
        console.print(
            Text("Cost per day  ")
            + Text(sparkline([p["cost"] for p in series]), style="cyan")
            + Text(f"  {series[0]['date']} → {series[-1]['date']}", style="dim")
        )
    prov = Table(title="By provider", expand=True)
    for c in ("Provider", "Calls", "Cost", "Tokens", "Errors", "Avg latency"):
        prov.add_column(c, justify="left" if c == "Provider" else "right", overflow="fold")
    for name, p in d["by_provider"].items():
        prov.add_row(
            Text(name),
            num(p["call_count"]),
            money(p["total_cost"]),
            num(p["total_tokens"]),
            num(p["error_count"]),
            num(p["avg_latency_ms"], " ms"),
        )
    tier = Table(title="By tier", expand=True)
    for c in ("Tier", "Calls", "%", "Cost", "Avg / p95 latency"):
        tier.add_column(c, justify="left" if c == "Tier" else "right", overflow="fold")
    for name, t in d["by_tier"].items():
        tier.add_row(
            Text(name),
            num(t["count"]),
            f"{t['percent']:.1f}",
            money(t["cost"]),
            f"{num(t['avg_latency_ms'])} / {num(t['p95_latency_ms'])} ms",
        )
    console.print(Columns([prov, tier], equal=True, expand=True))
    wf = Table(title="Top workflows", expand=True)
    for c in ("Workflow", "Cost", "Runs", "Avg cost", "Savings", "Avg duration"):
        wf.add_column(c, justify="left" if c == "Workflow" else "right", overflow="fold")
    for r in d["top_workflows"][:top]:
        wf.add_row(
            Text(r["workflow_name"]),
            money(r["total_cost"]),
            num(r["run_count"]),
            money(r["avg_cost"]),
            money(r["total_savings"]),
            num(r["avg_duration_ms"], " ms"),
        )
    fb = d["fallback"]
    side = Table(title="Reliability", expand=True, show_header=False)
    side.add_column("k", overflow="fold")
    side.add_column("v", justify="right", overflow="fold")
    side.add_row("Fallbacks", f"{fb['fallback_count']} ({fb['fallback_percent']:.1f}%)")
    side.add_row("Errors", f"{fb['error_count']} ({fb['error_rate']:.1f}%)")
    side.add_row("Retried calls", num(d["errors"]["retries"]["calls_with_retries"]))
    for p, b in d["circuit_breakers"].items():
        style = {"open": "red", "half-open": "yellow"}.get(b["state"], "green")
        side.add_row(Text(f"Breaker {p}"), Text(b["state"], style=style))
    console.print(Columns([wf, side], expand=True))
    recent = Table(title="Recent calls", expand=True)
    # overflow="fold": a cell that does not fit wraps (piped output is 80 columns unless COLUMNS
    # says otherwise); rich's default ellipsis cut timestamps to "2026-1…".
    recent.add_column("Time", no_wrap=True, min_width=19)
    for c in ("Workflow", "Provider", "Model", "Tier", "Cost", "Status", "Latency"):
        recent.add_column(c, overflow="fold")
    for r in d["recent_calls"][:10]:
        status = (
            Text("ok", style="green")
            if r["success"]
            else Text(r["error_type"] or "error", style="red")
        )
        recent.add_row(
            r["timestamp"][:19].replace("T", " "),
            Text(r["workflow_name"] or "—"),
            Text(r["provider"]),
            Text(r["model_id"]),
            Text(r["tier"]),
            # an unpriced call has no cost: said so, never "$0.00"
            Text("unpriced", style="yellow")
            if r.get("cost_source") == "unpriced"
            else money(r["cost"]),
            status,
            num(r["latency_ms"], " ms"),
        )
    console.print(recent)
    h = d["health"]
    parts = [f"{plural(h['records'], 'record')} from {len(h['files'])} file(s)"]
    if h["malformed"]:
        parts.append(f"{h['malformed']} malformed")
    if h["salvaged"]:
        parts.append(f"{h['salvaged']} salvaged")
    if h["flagged"]:
        parts.append(f"{h['flagged']} flagged")
    unreadable = [f for f in h["files"] if f["read_error"]]
    if unreadable:
        parts.append(f"{len(unreadable)} unreadable")
    unpriced = ov.get("unpriced_calls", 0)
    if unpriced:  # never a silent $0: say how many calls the total leaves out, and which models
        models = ", ".join(m["model"] for m in ov["unpriced_models"][:5])
        parts.append(f"{plural(unpriced, 'call')} unpriced ({models}) — not in the total")
    if ov.get("subscription_calls"):
        parts.append(
            f"{plural(ov['subscription_calls'], 'call')} on a subscription"
            f" ({money(ov['subscription_value'])} list-price equivalent) — not in the total"
        )
    pr = d.get("prices") or {}
    mode = pr.get("cost_mode")
    if mode and mode != pr.get("workspace_cost_mode"):
        parts.append(f"cost mode {mode} (workspace: {pr.get('workspace_cost_mode')})")
    bad = h["malformed"] or h["flagged"] or unreadable or unpriced or pr.get("errors")
    style = "yellow" if bad else "dim"
    console.print(Text("Data health: " + ", ".join(parts), style=style))
    for f in unreadable:
        console.print(Text(f"  {f['path']}: read error: {f['read_error']}", style="yellow"))
    for err in pr.get("errors", [])[:5]:
        console.print(Text(f"  {err}", style="yellow"))
    for sc in h.get("scopes", []):
        how = (
            "--project-name / empathy.project"
            if sc["matched_by"] == "setting"
            else "the folder's name; --project-name to change"
        )
        line = f"Runs of project {sc['project']!r} ({how}) from {sc['path']}"
        if sc["hidden_runs"]:
            line += (
                f"; {plural(sc['hidden_runs'], 'run')} of"
                f" {plural(sc['hidden_projects'], 'other project')} not shown"
            )
        console.print(Text(line, style="dim"))
    for f in h["files"]:
        for p in f["problems"][:3]:
            console.print(
                Text(f"  {f['path']}:{p['line']}: {p['kind']}: {p['reason']}", style="dim")
            )


def _looked_in(d: str) -> str:
    from pathlib import Path

    return d if Path(d).is_dir() else f"{d} (the folder does not exist)"


def render_empty(console: Console, dirs: list[str]) -> None:
    console.print(
        Group(
            Text("No telemetry yet.", style="bold"),
            Text("Looked in: " + ", ".join(_looked_in(d) for d in dirs)),
            Text(""),
            Text("To start:"),
            Text("  • try sample data:      empathy demo"),
            Text("  • instrument your app:  from empathy_monitor.store import TelemetryStore"),
            Text("                          TelemetryStore('.empathy').log_call({...})"),
            Text("  • or point at a folder: empathy telemetry --dir path/to/.empathy"),
        )
    )
