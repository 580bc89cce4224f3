"""The breakdown sections of the newer dimensions: ``by_project``, ``by_user``, ``by_session``,
``by_source`` (calls, tokens, cost, errors and average latency per value), plus
``dimension_counts`` (distinct values in the window) and the value search behind
``empathy/dimensionValues``.

Every value of a dimension in a view comes from :func:`values` (one reading of the sums per
dimension, labels from ``dimensions``); a record without the field is the ``(none)`` value. High-
cardinality dimensions (``Dimension.many``: user, session) ship only their top ``ctx.dim_top``
values by cost; the rest is searched on request.
"""

from __future__ import annotations

from ...tables import Tables
from ..dimensions import BY_NAME, NONE
from ..sums import CallSums, DimSums, Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, usd

Stats = CallSums | DimSums


class DimensionStats(Section):
    call_count: int
    total_tokens: int
    total_cost: float
    error_count: int
    avg_latency_ms: float | None


def _tokens(a: Stats) -> int:
    return a.tokens


def values(s: Sums, name: str, tables: Tables | None) -> list[tuple[str, Stats]]:
    """(label, sums) of every value of dimension ``name`` with calls, by cost then label."""
    dim = BY_NAME[name]
    if dim.per_row:
        assert tables is not None, "per-row dimensions need the tables for their labels"
        names = dim.names(tables).items  # plain indexing: thousands of sessions per render
        rows: list[tuple[str, Stats]] = [
            (NONE if (v := names[k]) is None else str(v), a)
            for k, a in s.dims[name].items()
            if a.calls
        ]
    else:
        table = {
            "workflow": s.wf_calls,
            "provider": s.prov,
            "tier": s.tier,
            "model": s.model,
            "source": s.source,
        }[name]
        rows = [(k, a) for k, a in table.items() if a.calls]
    rows.sort(key=lambda r: (-r[1].cost, r[0]))
    return rows


def _stats(a: Stats) -> DimensionStats:
    return trusted(
        DimensionStats,
        call_count=a.calls,
        total_tokens=_tokens(a),
        total_cost=usd(a.cost),
        error_count=a.errors,
        avg_latency_ms=avg(a.lat, a.lat_n),
    )


def breakdown(s: Sums, name: str, ctx: Context) -> dict[str, DimensionStats]:
    rows = values(s, name, ctx.tables)
    if BY_NAME[name].many and ctx.dim_top is not None:
        rows = rows[: ctx.dim_top]
    return {k: _stats(a) for k, a in rows}


def render_project(s: Sums, w: Window, ctx: Context) -> dict[str, DimensionStats]:
    return breakdown(s, "project", ctx)


def render_user(s: Sums, w: Window, ctx: Context) -> dict[str, DimensionStats]:
    return breakdown(s, "user", ctx)


def render_session(s: Sums, w: Window, ctx: Context) -> dict[str, DimensionStats]:
    return breakdown(s, "session", ctx)


def render_source(s: Sums, w: Window, ctx: Context) -> dict[str, DimensionStats]:
    return breakdown(s, "source", ctx)


def render_counts(s: Sums, w: Window, ctx: Context) -> dict[str, int]:
    """Distinct values with calls in the window, per dimension (the panel's "of N")."""
    out: dict[str, int] = {}
    for n in ("project", "user", "session", "source"):  # counted, not sorted (5,000 sessions)
        table = s.dims[n] if BY_NAME[n].per_row else s.source
        out[n] = sum(1 for a in table.values() if a.calls)
    return out


def with_runs(s: Sums, name: str, rows: list[tuple[str, Stats]]) -> list[tuple[str, Stats]]:
    """``rows`` (from :func:`values`) followed by the projects or workflows known only from
    runs in the window, by cost (they have no calls)."""
    if name not in ("project", "workflow"):
        return rows
    seen = {k for k, _a in rows}
    runs = s.runs_proj if name == "project" else s.runs_wf
    extra = sorted(
        ((NONE if k is None else k, a.cost) for k, a in runs.items() if a.runs),
        key=lambda r: (-r[1], r[0]),
    )
    return rows + [(k, CallSums(cost=c)) for k, c in extra if k not in seen]


def search(
    s: Sums, name: str, tables: Tables, prefix: str, limit: int
) -> tuple[list[tuple[str, int, float]], int]:
    """Values of ``name`` matching ``prefix`` (case-insensitive; values starting with it first,
    then those containing it), by cost; returns (value, calls, cost) rows and the match count."""
    p = prefix.casefold()
    rows = with_runs(s, name, values(s, name, tables))
    starts = [r for r in rows if r[0].casefold().startswith(p)]
    within = [r for r in rows if p and p in r[0].casefold() and not r[0].casefold().startswith(p)]
    hits = starts + within
    return [(k, a.calls, usd(a.cost)) for k, a in hits[:limit]], len(hits)
