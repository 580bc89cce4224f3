"""The ``prices`` section: which cost mode the view shows, where its dollars come from, and the
writer's prices against the list price per model.

``cost_mode`` is the view's (the CLI's ``--cost`` or the panel's toggle), ``workspace_cost_mode``
the one ``.empathy/monitoring.yaml`` sets for everything that acts on cost (alerts, OTel, budgets);
the panel marks a view whose mode differs. ``overrides`` counts the models of the window that
``prices.yaml`` prices (an untrusted workspace's file still applies to what is shown: it changes no
file and sends nothing, so the panel says so). A model is ``flagged`` when its writer and list sums
differ by more than ``FLAG_PERCENT``.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from pydantic import Field

from ...prices.sources import SOURCE_NAMES, CostMode
from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, usd

FLAG_PERCENT = 10.0
PriceOrigin = Literal["prices.yaml", "catalog", "local", "unpriced"]
CostSource = Literal["actual", "writer", "list", "free", "unpriced", "subscription"]


class PriceRate(Section):
    """The list rates (USD per million tokens) that price the model's latest call in the window."""

    input: float | None
    output: float | None
    cache_read: float | None
    cache_write: float | None = Field(description="5-minute cache write")
    cache_write_1h: float | None
    tiered: bool = Field(description="a higher rate applies above some input tokens per call")


class ModelPrice(Section):
    """One (provider, model) seen in the window."""

    model: str
    provider: str
    calls: int
    tokens: int = Field(description="uncached input + output + cache read + cache write")
    source: PriceOrigin = Field(description="where the list price comes from")
    priced_as: str | None = Field(description="the catalogue id or prices.yaml pattern used")
    line: int | None = Field(description="the prices.yaml line of that entry")
    valid_from: str | None = Field(description="start of the price period (ISO 8601), if dated")
    rate: PriceRate | None
    writer_cost: float = Field(description="sum of the writer's estimated_cost (USD)")
    list_cost: float | None = Field(description="the same calls at list price; null if unpriced")
    difference_pct: float | None = Field(description="(writer - list) / list x 100")
    flagged: bool = Field(description="|difference_pct| > 10")
    unpriced_calls: int = Field(description="calls of this model unpriced in the view's mode")
    note: str | None = Field(
        default=None,
        description="for a flagged model: 'your writer prices M 2.0× the list price since DATE'",
    )


class SourceStats(Section):
    calls: int
    cost: float


class PricesInfo(Section):
    cost_mode: CostMode = Field(description="the mode this view's dollars are in")
    workspace_cost_mode: CostMode = Field(description="cost_mode of .empathy/monitoring.yaml")
    overrides: int = Field(description="models in the window priced by prices.yaml")
    prices_file: str | None = Field(description="path of prices.yaml when it exists")
    errors: list[str] = Field(description="prices.yaml problems, each 'prices.yaml:LINE: ...'")
    catalog: str = Field(description="genai-prices version of the bundled list prices")
    sources: dict[CostSource, SourceStats] = Field(
        description="calls and cost per cost source in the view's mode ('subscription': the"
        " list-price equivalent of calls on a subscription plan, not money spent)"
    )
    models: list[ModelPrice] = Field(description="every model in the window, by calls")


def _rate(mp: Any, at: float) -> tuple[PriceRate | None, float | None]:
    period = mp.period_at(at) if mp is not None else None
    if period is None:
        return None, None
    r = period.rates
    eff = r.effective()
    vals = [None if x is None else x.base for x in eff]
    tiered = any(x is not None and x.tiers for x in eff)
    rate = trusted(
        PriceRate,
        input=vals[0],
        output=vals[1],
        cache_read=vals[2],
        cache_write=vals[3],
        cache_write_1h=vals[4],
        tiered=tiered,
    )
    return rate, period.since


def difference(writer: int, listed: int) -> float | None:
    """(writer - list) / list x 100, None when the list sum is 0."""
    return round((writer - listed) / listed * 100, 2) if listed else None


def note(model: str, writer: int, listed: int, since: str | None) -> str:
    """The flag in words: how many times the list price the writer charges (below it: what share
    of it, so a writer charging 1/10,000 of the list price does not read "0.0×"), since when."""
    when = f" since {since[:10]}" if since else ""
    r = writer / listed
    how = f"{r:.1f}× the list price" if r >= 1 else f"at {r * 100:.3g}% of the list price"
    return f"your writer prices {model} {how}{when}"


def render(s: Sums, w: Window, ctx: Context) -> PricesInfo:
    pr = ctx.pricing
    at = w.now if w.until is None else min(w.now, w.until)
    models: list[ModelPrice] = []
    overrides = 0
    book = pr.book if pr is not None else None
    for (prov, model), a in sorted(s.price.model.items(), key=lambda kv: (-kv[1].calls, kv[0])):
        if not a.calls:
            continue
        state = (book, at, prov, model, a.calls, a.tokens, a.writer, a.list, a.list_n, a.unp)
        row = ctx.price_rows.get(a, state, partial(_row, pr, prov, model, a, at, ctx))
        if row.source == "prices.yaml":
            overrides += 1
        models.append(row)
    p = s.price
    sources = {
        name: trusted(SourceStats, calls=p.src_calls[i], cost=usd(p.src_cost[i]))
        for i, name in enumerate(SOURCE_NAMES)
        if p.src_calls[i]
    }
    return trusted(
        PricesInfo,
        cost_mode=ctx.cost_mode,
        workspace_cost_mode=pr.workspace_mode if pr is not None else "writer",
        overrides=overrides,
        prices_file=None if pr is None or pr.prices_file is None else str(pr.prices_file),
        errors=list(pr.errors) if pr is not None else [],
        catalog=pr.catalog_version() if pr is not None else "",
        sources=sources,
        models=models,
    )


def _row(pr: Any, prov: str, model: str, a: Any, at: float, ctx: Context) -> ModelPrice:
    """One model's price row (made again only when its sums or the window's instant changed)."""
    mp = pr.book.lookup(prov, model) if pr is not None else None
    origin = "unpriced" if mp is None else mp.origin
    rate, since = _rate(mp, at) if mp is not None and not mp.free else (None, None)
    entry = pr.entry_line(prov, model) if pr is not None and origin == "prices.yaml" else None
    listed = a.list if a.list_n or (mp is not None and mp.free) else None
    diff = difference(a.writer, a.list) if listed is not None and a.list_n == a.calls else None
    return trusted(
        ModelPrice,
        model=model,
        provider=prov,
        calls=a.calls,
        tokens=a.tokens,
        source=origin,
        priced_as=None if mp is None else mp.model,
        line=entry,
        valid_from=ctx.iso(since),
        rate=rate,
        writer_cost=usd(a.writer),
        list_cost=None if listed is None else usd(listed),
        difference_pct=diff,
        flagged=(flag := diff is not None and abs(diff) > FLAG_PERCENT),
        unpriced_calls=a.unp,
        note=note(model, a.writer, a.list, ctx.iso(since)) if flag else None,
    )
