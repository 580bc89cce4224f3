"""Per-call list prices, kept in step with the call table: the workspace's :class:`Pricing`.

For every call row: its cost at list price (nanodollars), whether the book priced it (``PRICED``),
found it free (``FREE``) or knows no price (``NO_PRICE``), and what its cache reads saved at list
price (the same tokens at the uncached input rate, minus their cache-read cost). Computed once per
(provider, model) group over the token columns with numpy — never per record — for the rows a
refresh appended; recomputed in full when the table was reset or prices.yaml changed. A view turns
these into the cost of its mode with ``sources.classify`` as it sums (``view_costs``).
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tables import ColumnTable, Tables
from .book import PriceBook
from .sources import FREE, SUBSCRIPTION, UNPRICED, WRITER, CostMode, classify

# SUBSCRIBED: a call of a source billed by subscription; its ``list`` is still the list price
# (0 when the book has none), the value its ``subscription`` cost source shows apart.
PRICED, LIST_FREE, NO_PRICE, SUBSCRIBED = 0, 1, 2, 3
BLOCK = 1 << 17
COLUMNS: dict[str, type[Any]] = {"list": np.int64, "lstate": np.int8, "save": np.int64}


@dataclass
class Pricing:
    """The price book, the workspace's cost mode and prices.yaml state, and the list columns."""

    book: PriceBook = field(default_factory=PriceBook)
    workspace_mode: CostMode = "auto"
    prices_file: Path | None = None
    errors: tuple[str, ...] = ()
    subscribed: frozenset[str] = frozenset()  # sources billed by subscription (billing.py)
    cols: ColumnTable = field(default_factory=lambda: ColumnTable(COLUMNS))
    _pid_of: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _pairs: list[tuple[str, str]] = field(default_factory=list)
    _sub_of: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    _warming: threading.Thread | None = None

    def warm(self) -> None:
        """Load the catalogue in a background thread while the first read parses (it takes
        ~0.2 s; the reader's worker processes leave the main process waiting, GIL released)."""
        if self._warming is None and self.book.catalog_prices:
            self._warming = threading.Thread(
                target=_load_catalog, name="empathy-prices", daemon=True
            )
            self._warming.start()

    def entry_line(self, provider: str, model: str) -> int | None:
        """The prices.yaml line of the entry pricing this model (None if not from prices.yaml)."""
        for u in self.book.user:
            if u.matches(provider, model):
                return u.line
        return None

    @staticmethod
    @functools.cache
    def catalog_version() -> str:
        from .catalog import package_version

        return package_version() or ""  # "" where genai-prices is not installed (Python 3.10)

    def col(self, name: str) -> npt.NDArray[Any]:
        return self.cols.col(name)

    def reprice(self, book: PriceBook, tables: Tables) -> None:
        """Use another book (prices.yaml changed) and recompute every row."""
        self.book = book
        self._pid_of = np.zeros(0, dtype=np.int64)  # the combos' billing may have changed too
        self.update(tables, reset=True)

    def update(self, tables: Tables, reset: bool = False) -> None:
        """Price the rows appended since the last update (all of them after a reset)."""
        if reset or self.cols.n > tables.calls.n:
            self.cols = ColumnTable(COLUMNS)
        if tables.calls.n <= self.cols.n:
            return
        self._map_combos(tables)
        if self._warming is not None:
            self._warming.join()
        # in blocks, so the float temporaries of a million-row first read stay at a few MB
        for lo in range(self.cols.n, tables.calls.n, BLOCK):
            self._price(tables, lo, min(tables.calls.n, lo + BLOCK))

    def _price(self, tables: Tables, lo: int, hi: int) -> None:
        t = tables.calls
        pid = self._pid_of[t.col("combo")[lo:hi]]
        n = hi - lo
        listed = np.zeros(n, dtype=np.int64)
        state = np.full(n, NO_PRICE, dtype=np.int8)
        save = np.zeros(n, dtype=np.int64)
        groups = np.unique(pid).tolist()
        for g in groups:
            mp = self.book.lookup(*self._pairs[g])
            if mp is None:
                continue
            idx = slice(None) if len(groups) == 1 else np.flatnonzero(pid == g)
            if mp.free:
                state[idx] = LIST_FREE
                continue
            cols = [t.col(k)[lo:hi][idx] for k in ("ts", "tin", "tout", "cr", "cw", "cw1h")]
            cost, priced = mp.cost(*cols)
            listed[idx] = cost
            state[idx] = np.where(priced, PRICED, NO_PRICE)
            ts, tin, tout, cr, cw, cw1h = cols
            if cr.any():  # cache reads at the uncached input rate, minus what they cost
                as_input, _ = mp.cost(ts, tin.astype(np.int64) + cr, tout, cr * 0, cw, cw1h)
                save[idx] = np.where(priced, as_input - cost, 0)
        if self.subscribed:
            sub = self._sub_of[t.col("combo")[lo:hi]]
            state[sub] = SUBSCRIBED
        self.cols.append({"list": listed, "lstate": state, "save": save}, n)

    def _map_combos(self, tables: Tables) -> None:
        combos = tables.call_combos.items
        if len(self._pid_of) == len(combos):
            return
        index = {p: i for i, p in enumerate(self._pairs)}
        out = np.empty(len(combos), dtype=np.int64)
        for i, c in enumerate(combos):
            key = (c.provider, c.model)
            j = index.get(key)
            if j is None:
                j = index[key] = len(self._pairs)
                self._pairs.append(key)
            out[i] = j
        self._pid_of = out
        self._sub_of = np.array([c.source in self.subscribed for c in combos], dtype=np.bool_)


def _load_catalog() -> None:
    from . import catalog

    try:
        catalog.lookup("openai", "gpt-4o")
    except Exception:  # a broken data package: the first real lookup reports it
        return


def view_costs(
    mode: CostMode,
    pricing: Pricing | None,
    writer: npt.NDArray[np.int64],
    actual: npt.NDArray[np.int64],
    ok: npt.NDArray[np.bool_],
    tokens: npt.NDArray[np.int64],
    listed: npt.NDArray[np.int64] | None,
    lstate: npt.NDArray[np.int8] | None,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    """(cost source, cost) per call under ``mode``.

    ``writer`` mode keeps the writer's numbers exactly, but still names the calls whose $0 is not a
    price: successful, with tokens, no actual cost, costed 0 by the writer and unknown to the book
    are ``unpriced`` (their cost stays 0, as the writer wrote), so no view lets them pass silently.
    A subscription source's calls (``SUBSCRIBED``) are ``subscription`` at $0 in every mode.
    """
    if lstate is not None and listed is not None:
        sub = lstate == SUBSCRIBED
        if sub.any():
            src, cost = view_costs(
                mode, pricing, writer, actual, ok, tokens, listed, np.where(sub, PRICED, lstate)
            )
            src, cost = src.copy(), cost.copy()  # (never the caller's writer column)
            src[sub], cost[sub] = SUBSCRIPTION, 0
            return src, cost
    if mode == "auto":
        # Most calls carry the writer's price and no actual cost: classify only the others.
        need = (actual >= 0) | (writer <= 0)
        if not need.any():
            return np.full(writer.shape, WRITER, dtype=np.int8), writer
        if listed is not None and lstate is not None and need.sum() * 4 < need.size:
            i = np.flatnonzero(need)
            src = np.full(writer.shape, WRITER, dtype=np.int8)
            cost = writer.copy()
            src[i], cost[i] = view_costs(
                mode, pricing, writer[i], actual[i], ok[i], tokens[i], listed[i], lstate[i]
            )
            return src, cost
    if listed is None or lstate is None:  # no price book: the writer's numbers
        src = np.full(writer.shape, WRITER, dtype=np.int8)
        src[(writer <= 0) & ok & (tokens > 0) & (actual < 0)] = UNPRICED
        return src, writer.copy()
    priced = lstate == PRICED
    free = lstate == LIST_FREE
    src, cost = classify(mode, writer, actual, ok, tokens, listed, priced, free)
    if mode == "writer":
        silent = (writer <= 0) & (actual < 0) & (tokens > 0)
        src[silent & ok & ~priced & ~free] = UNPRICED
        src[silent & (~ok | free)] = FREE
    return src, cost


def subscription_value(
    src: npt.NDArray[np.int8], writer: npt.NDArray[np.int64], listed: npt.NDArray[np.int64] | None
) -> npt.NDArray[np.int64] | None:
    """Per call, the list-price equivalent of a ``subscription`` call (its own cost field when it
    has one, else its list price; 0 for other calls); None when there is no such call."""
    sub = src == SUBSCRIPTION
    if not sub.any():
        return None
    own = np.where(writer > 0, writer, 0 if listed is None else listed)
    return np.where(sub, own, 0).astype(np.int64)


__all__ = [
    "FREE",
    "LIST_FREE",
    "NO_PRICE",
    "PRICED",
    "SUBSCRIBED",
    "Pricing",
    "subscription_value",
    "view_costs",
]


def price_record(
    pricing: Pricing,
    mode: CostMode,
    provider: str,
    model: str,
    ts: float,
    tokens: tuple[int, int, int, int, int],
    writer_usd: float,
    actual_usd: float | None,
    ok: bool,
    source: str = "empathy",
) -> tuple[str, float]:
    """(cost source, USD) of one record in ``mode``, for consumers that see records one at a
    time (the OTel export); the same rule as the views, through the same book."""
    if source in pricing.subscribed:
        return "subscription", 0.0  # a plan's call: no money spent (view_costs)
    if not all(math.isfinite(x) for x in (ts, writer_usd, actual_usd or 0.0)):
        return "writer", writer_usd  # an odd record: its own figure, as the mapping checks it
    tin, tout, cr, cw, cw1h = (np.array([max(int(x), 0)], dtype=np.int64) for x in tokens)
    mp = pricing.book.lookup(provider, model)
    listed, lstate = np.zeros(1, dtype=np.int64), np.full(1, NO_PRICE, dtype=np.int8)
    if mp is not None and mp.free:
        lstate[0] = LIST_FREE
    elif mp is not None:
        listed, priced = mp.cost(np.array([ts], dtype=np.float64), tin, tout, cr, cw, cw1h)
        lstate[0] = PRICED if priced[0] else NO_PRICE
    src, cost = view_costs(
        mode,
        pricing,
        np.array([round(writer_usd * 1e9)], dtype=np.int64),
        np.array([-1 if actual_usd is None else round(actual_usd * 1e9)], dtype=np.int64),
        np.array([ok], dtype=np.bool_),
        tin + tout + cr + cw + cw1h,
        listed,
        lstate,
    )
    from .sources import SOURCE_NAMES

    return SOURCE_NAMES[int(src[0])], int(cost[0]) / 1e9
