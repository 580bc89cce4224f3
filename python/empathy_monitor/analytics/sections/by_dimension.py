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

from collections.abc import Mapping
from functools import partial
from operator import attrgetter
from typing import Any

import numpy as np
from pydantic import Field

from ...tables import Tables
from ..dimensions import BY_NAME, NONE
from ..rowcache import Mode
from ..sums import CallSums, DimSums, RunSums, Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, avg, usd

Stats = CallSums | DimSums
_CALLS, _COST = attrgetter("calls"), attrgetter("cost")
MEMO_MAX = 1000  # values per breakdown whose rendered stats are kept between renders


class DimensionStats(Section):
    call_count: int
    total_tokens: int
    total_cost: float
    error_count: int
    avg_latency_ms: float | None
    unpriced_calls: int = Field(
        default=0,
        description="calls unpriced in the view's cost mode: their cost is not in the total (never $0)",
    )


def _tokens(a: Stats) -> int:
    return a.tokens


def values(
    s: Sums,
    name: str,
    tables: Tables | None,
    top: int | None = None,
    memo: dict[str, Any] | None = None,
) -> list[tuple[str, Stats]]:
    """(label, sums) of every value of dimension ``name`` with calls, by cost then label; with
    ``top``, only the first ``top`` of them (picked without sorting thousands of sessions;
    ``memo``: the last pick's, kept by the caller between renders)."""
    dim = BY_NAME[name]
    if dim.per_row:
        assert tables is not None, "per-row dimensions need the tables for their labels"
        names = dim.names(tables).items  # plain indexing: thousands of sessions per render
        table_ = s.dims[name]
        if top is not None and len(table_) > top:
            act = _top_rows(table_, top, s, name, memo)
        else:
            act = [(k, a) for k, a in table_.items() if a.calls]
        rows: list[tuple[str, Stats]] = [
            (NONE if (v := names[k]) is None else str(v), a) for k, a in act
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
    return rows if top is None else rows[:top]


def _top_rows(
    table: dict[int, DimSums], top: int, s: Sums, name: str, memo: dict[str, Any] | None
) -> list[tuple[int, DimSums]]:
    """The values with calls costing at least the ``top``-th largest cost among them (the ties
    at the cut are sorted by label by the caller).

    Where only appended calls were folded since the last pick (``memo``), the new pick is made
    from the last one and the values that grew: every other value costs less than the last cut,
    and the ``top``-th largest cost has not gone down. Otherwise picked with numpy over every
    value: no Python object per value of thousands of sessions is made."""
    grew = s.dim_grew[name]
    last = memo.get(name) if memo is not None else None
    if last is not None and last[0] == s.dim_epoch:
        keys = set(last[2])
        keys.update(grew[last[1] :])
        got = [(k, a) for k in keys if (a := table.get(k)) is not None and a.calls]
        if len(got) > top:
            cut = sorted((a.cost for _k, a in got), reverse=True)[top - 1]
            got = [(k, a) for k, a in got if a.cost >= cut]
    else:
        n = len(table)
        vals = list(table.values())  # attrgetter maps: C-level, ~3x a generator per value
        calls = np.fromiter(map(_CALLS, vals), np.int64, count=n)
        cost = np.fromiter(map(_COST, vals), np.int64, count=n)
        live = np.flatnonzero(calls)
        if live.size > top:
            c = cost[live]
            cut = c[np.argpartition(c, live.size - top)[live.size - top]]
            live = live[c >= cut]
        all_keys = list(table)
        got = [(all_keys[i], vals[i]) for i in live.tolist()]
    if memo is not None:
        memo[name] = (s.dim_epoch, len(grew), [k for k, _a in got])
    return got


def _stats(a: Stats) -> DimensionStats:
    return trusted(
        DimensionStats,
        call_count=a.calls,
        total_tokens=_tokens(a),
        total_cost=usd(a.cost),
        error_count=a.errors,
        avg_latency_ms=avg(a.lat, a.lat_n),
        unpriced_calls=a.unp,
    )


def _state(a: Stats) -> tuple[int, ...]:
    return (a.calls, a.cost, a.errors, _tokens(a), a.lat, a.lat_n, a.unp)


def breakdown(s: Sums, name: str, ctx: Context) -> dict[str, DimensionStats]:
    """The top values' stats; each made again only when its sums changed since the last render
    (``context.Kept``)."""
    rows = values(s, name, ctx.tables, ctx.dim_top if BY_NAME[name].many else None, ctx.picks)
    if len(rows) > MEMO_MAX:  # every one of 5,000 sessions (the CLI): not worth keeping
        return {k: _stats(a) for k, a in rows}
    return {k: ctx.stats.get(a, _state(a), partial(_stats, a)) for k, a in rows}


def dump(value: dict[str, DimensionStats], mode: Mode, ctx: Context) -> dict[str, Any]:
    """The breakdown as plain data without a pydantic pass per value (5,000 sessions): every
    field is an int, a float or None computed by :func:`_stats`, which both modes keep as is
    (a test compares this with the TypeAdapter's dump)."""
    return {k: dict(m.__dict__) for k, m in value.items()}


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
    for n in ("project", "user", "session"):  # a value left with no calls is dropped (_add_dim)
        out[n] = len(s.dims[n])
    out["source"] = sum(1 for a in s.source.values() if a.calls)
    return out


def _runs_only(s: Sums, name: str, tables: Tables | None) -> list[tuple[str, int]]:
    """(label, run cost) of the projects or workflows of runs in the window that no call in it
    names, by cost then label."""
    runs: Mapping[Any, RunSums]
    if name == "project":
        assert tables is not None
        names = BY_NAME[name].names(tables).items
        seen = {NONE if names[k] is None else names[k] for k, a in s.dims[name].items() if a.calls}
        runs = s.runs_proj
    elif name == "workflow":
        seen, runs = {k for k, a in s.wf_calls.items() if a.calls}, s.runs_wf
    else:
        return []
    extra = ((NONE if k is None else k, a.cost) for k, a in runs.items() if a.runs)
    return sorted(((k, c) for k, c in extra if k not in seen), key=lambda r: (-r[1], r[0]))


def with_runs(
    s: Sums, name: str, rows: list[tuple[str, Stats]], tables: Tables | None = None
) -> list[tuple[str, Stats]]:
    """``rows`` (from :func:`values`) followed by the projects or workflows known only from
    runs in the window, by cost (they have no calls)."""
    return rows + [(k, CallSums(cost=c)) for k, c in _runs_only(s, name, tables)]


def dimension_count(s: Sums, name: str, tables: Tables | None) -> int:
    """How many values :func:`with_runs` of :func:`values` lists, without listing them."""
    table = s.dims[name] if BY_NAME[name].per_row else s.source
    return sum(1 for a in table.values() if a.calls) + len(_runs_only(s, name, tables))


def find(s: Sums, name: str, tables: Tables | None, value: str) -> Stats | None:
    """The sums of one value of ``name`` in the window (a run-only project: its runs' cost)."""
    dim = BY_NAME[name]
    if dim.per_row:
        assert tables is not None
        got: Stats | None = s.dims[name].get(dim.id_of(tables, value))
    else:
        got = s.source.get(value)
    if got is not None and got.calls:
        return got
    extra = dict(_runs_only(s, name, tables))
    return CallSums(cost=extra[value]) if value in extra else None


def search(
    s: Sums, name: str, tables: Tables, prefix: str, limit: int
) -> tuple[list[tuple[str, int, float]], int]:
    """Values of ``name`` matching ``prefix`` (case-insensitive; values starting with it first,
    then those containing it), by cost; returns (value, calls, cost) rows and the match count."""
    p = prefix.casefold()
    rows = with_runs(s, name, values(s, name, tables), tables)
    starts = [r for r in rows if r[0].casefold().startswith(p)]
    within = [r for r in rows if p and p in r[0].casefold() and not r[0].casefold().startswith(p)]
    hits = starts + within
    return [(k, a.calls, usd(a.cost)) for k, a in hits[:limit]], len(hits)
