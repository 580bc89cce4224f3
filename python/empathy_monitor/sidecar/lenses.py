"""``empathy/codeLenses``: the numbers above each workflow definition, and their display text.

``LensCache`` keeps, per (range, pinned now), every workflow's and step's numbers for the window
and its previous period as running sums (``analytics.workflow_sums``): built once (after the load,
for the lens range in use), then the rows each refresh appends are folded in, and a relative
window slides forward once a minute, as the panel's views re-anchor. A reset (rows dropped), a
reprice or another cost mode build it again. A document's lenses are then dictionary look-ups. The set of workflow names
the telemetry knows is kept current after every ingest so a file that names none is answered
without touching the telemetry worker. The text is formatted here: the extension shows it as is.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..analytics import WindowSpec
from ..analytics.sections import usd
from ..analytics.window import Window
from ..analytics.workflow_numbers import Numbers, WindowNumbers
from ..analytics.workflow_sums import WorkflowSums
from ..tables import Tables
from ..telemetry import Telemetry
from ..timeparse import TimestampParser
from .outline import Outline
from .publisher import REANCHOR_EVERY_S

MAX_BUILT = 8
LABEL = {"today": "today", "7d": "7d", "30d": "30d"}
LONG = {"today": "Today", "7d": "Last 7 days", "30d": "Last 30 days"}
PREV = {"today": "Same time before", "7d": "Previous 7 days", "30d": "Previous 30 days"}


def path_of(uri: str) -> Path:
    """The local path of a ``file:`` URI; ValueError for any other scheme."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise ValueError(f"only file: URIs have lenses, not {parsed.scheme or 'a bare path'!r}")
    return Path(unquote(parsed.path))


class LensCache:
    """Per-window running numbers, and the workflow names the telemetry knows."""

    def __init__(self) -> None:
        self.generation = 0
        self.known: frozenset[str] = frozenset()
        self._seen: tuple[int, int, int] = (-1, -1, -1)
        self._built: dict[tuple[str, str | None], tuple[tuple[Any, ...], WorkflowSums]] = {}

    def after_ingest(self, tel: Telemetry, reset: bool) -> None:
        """Called on the telemetry worker after every refresh (and reprice): fold the appended
        rows into every window kept, so the next request is a look-up."""
        if reset:
            self.generation += 1
        self.refresh_known(tel.tables)
        for rng, now in list(self._built):
            if reset and now is not None:  # pinned windows (tests) rebuild on their next request
                del self._built[(rng, now)]
            else:  # folded (slid, or built again) here, so a request reads it off the worker
                self.numbers(tel, rng, now)

    def warm(self, tel: Telemetry, rng: str) -> None:
        """Build ``rng``'s numbers ahead of the first request (after a load), if any workflow."""
        if self.known and (rng, None) not in self._built:
            self.numbers(tel, rng, None)

    def refresh_known(self, tables: Tables) -> None:
        seen = (id(tables), len(tables.call_combos), len(tables.run_combos))
        if seen == self._seen:
            return
        names = {c.workflow for c in tables.call_combos.items if c.workflow is not None}
        names.update(r[0] for r in tables.run_combos.items)
        self.known, self._seen = frozenset(names), seen

    def _sig(self, tel: Telemetry) -> tuple[Any, ...]:
        """What a kept window depends on besides the appended rows: the tables, prices, mode."""
        pr = tel.pricing
        return (id(tel.tables), id(pr.book), pr.workspace_mode, self.generation)

    def ready(self, tel: Telemetry, rng: str, now: str | None) -> WindowNumbers | None:
        """The kept numbers when nothing is left to do (no row to fold, no slide due), else
        None. Only reads, so the event loop answers with it while the worker is busy (a range
        being pre-built); what the worker then folds is in the next ``didUpdate``'s request."""
        hit = self._built.get((rng, now))
        if hit is None or hit[0] != self._sig(tel) or not hit[1].usable():
            return None
        sums = hit[1]
        if now is None and time.time() - sums.window.now >= REANCHOR_EVERY_S:
            return None
        return sums.current()

    def numbers(self, tel: Telemetry, rng: str, now: str | None) -> WindowNumbers:
        sig = self._sig(tel)
        hit = self._built.get((rng, now))
        sums = hit[1] if hit is not None and hit[0] == sig and hit[1].usable() else None
        if sums is not None:
            sums.add()
            if now is None and time.time() - sums.window.now >= REANCHOR_EVERY_S:
                try:  # a relative window follows "now" (as the panel's views, once a minute)
                    sums.slide(tel.window(WindowSpec(range=rng)))
                except ValueError:
                    sums = None
        if sums is None:
            window = tel.window(WindowSpec(range=rng, now=now))
            sums = WorkflowSums(tel.tables, window, lambda rows: tel.costs_of(rows)[1])
            if len(self._built) >= MAX_BUILT:
                self._built.clear()
            self._built[(rng, now)] = (sig, sums)
        return sums.numbers()


def worth_numbers(outline: Outline, known: frozenset[str]) -> bool:
    """Whether the document defines or names anything the telemetry might know."""
    return bool(outline.workflows) or any(lit.text in known for lit in outline.literals)


# -- display ------------------------------------------------------------------------------
def money(dollars: float) -> str:
    if dollars == 0:
        return "$0.00"
    if abs(dollars) < 0.01:
        return f"${dollars:.4f}"
    return f"${dollars:,.2f}"


def duration(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _wire(n: Numbers) -> dict[str, Any]:
    return {
        "calls": n.calls,
        "errors": n.errors,
        "runs": n.runs,
        "cost": usd(n.cost),
        "errorRate": round(n.errors / n.calls * 100, 4) if n.calls else None,
        "p95LatencyMs": float(n.p95_ms) if n.p95_ms is not None else None,
    }


def change_text(pct: float | None, cur: float, prev: float | None) -> str:
    if pct is None:
        return "new" if cur > 0 and prev == 0 else ""
    if round(pct) == 0:
        return "±0%"
    return f"{'▲' if pct > 0 else '▼'}{abs(pct):.0f}%"


def stats(cur: Numbers, prev: Numbers | None, rng: str, per_run: bool) -> dict[str, Any]:
    """Numbers, one-line text and hover lines of one workflow (``per_run``) or step."""
    c = _wire(cur)
    p = _wire(prev) if prev is not None else None
    pct = None
    if p is not None and p["cost"] > 0:
        pct = round((c["cost"] - p["cost"]) / p["cost"] * 100, 4)
    label = LABEL[rng]
    change = change_text(pct, c["cost"], p["cost"] if p is not None else None)
    if not cur.calls and not cur.runs:
        text = f"no calls {'today' if rng == 'today' else 'in ' + label}"
        parts = [text]
    else:
        count = plural(cur.runs, "run") if per_run and cur.runs else plural(cur.calls, "call")
        parts = [money(c["cost"]), count]
        if cur.calls:
            parts.append(f"{c['errorRate']:.1f}% errors")
            if cur.p95_ms is not None:
                parts.append(f"p95 {duration(cur.p95_ms)}")
        parts.append(f"{label} {change}".strip())
        text = " · ".join(parts)
    detail = [
        f"{LONG[rng]}: {money(c['cost'])} over {plural(cur.calls, 'call')}"
        + (f", {plural(cur.runs, 'run')}" if per_run else ""),
        f"Errors: {cur.errors:,}"
        + (f" ({c['errorRate']:.1f}%)" if c["errorRate"] is not None else ""),
        f"p95 latency: {duration(cur.p95_ms)}",
    ]
    if p is not None:
        detail.append(
            f"{PREV[rng]}: {money(p['cost'])} over {plural(p['calls'], 'call')}"
            + (f" (cost {change})" if change else "")
        )
    return {
        "current": c,
        "previous": p,
        "costChangePercent": pct,
        "text": text,
        "detail": detail,
    }


def _step_numbers(
    wn: WindowNumbers, wf: str, fn: str
) -> tuple[str, tuple[Numbers, Numbers]] | None:
    """The telemetry step a ``def fn`` stands for (``run-tests`` -> ``run_tests``)."""
    for (w, step), nums in wn.steps.items():
        if w == wf and (step == fn or step.replace("-", "_").replace(" ", "_") == fn):
            return step, nums
    return None


def result(
    uri: str,
    rng: str,
    outline: Outline,
    wn: WindowNumbers | None,
    known: frozenset[str],
    parser: TimestampParser,
    window: Window,
) -> dict[str, Any]:
    """The ``CodeLensesResult`` of one document (``wn`` None: nothing to look up)."""
    has_prev = window.previous() is not None
    zero = (Numbers(), Numbers())
    lenses: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    if wn is not None:
        for d in outline.workflows:
            if d.name not in known:
                continue
            cur, prev = wn.workflows.get(d.name, zero)
            lenses.append(
                {
                    "workflow": d.name,
                    "step": None,
                    "line": d.line,
                    "stats": stats(cur, prev if has_prev else None, rng, True),
                }
            )
            for fn, line in d.steps:
                hit = _step_numbers(wn, d.name, fn)
                if hit is None:
                    continue
                step, (sc, sp) = hit
                lenses.append(
                    {
                        "workflow": d.name,
                        "step": step,
                        "line": line,
                        "stats": stats(sc, sp if has_prev else None, rng, False),
                    }
                )
        by_name: dict[str, dict[str, Any]] = {}
        for lit in outline.literals:
            if lit.text not in known:
                continue
            if lit.text not in by_name:
                cur, prev = wn.workflows.get(lit.text, zero)
                by_name[lit.text] = stats(cur, prev if has_prev else None, rng, True)
            mentions.append(
                {
                    "workflow": lit.text,
                    "line": lit.line,
                    "start": lit.start,
                    "end": lit.end,
                    "stats": by_name[lit.text],
                }
            )
    since = window.since
    return {
        "uri": uri,
        "range": rng,
        "since": parser.to_local(since).isoformat() if since is not None else None,
        "now": parser.to_local(window.now).isoformat(),
        "lenses": lenses,
        "mentions": mentions,
    }
