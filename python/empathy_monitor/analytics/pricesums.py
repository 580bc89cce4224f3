"""Running price sums of one view: per (provider, model) writer vs list cost, unpriced calls, cache
tokens, what caching saved, and calls/cost per cost source in the view's mode.

Kept apart from ``CallSums`` so the price fields do not widen every per-provider/tier/workflow
table; the build adds per-combo totals and the per-row fold one row's delta (negative when a window
slides past it), through :meth:`PriceSums.fold` — the same entry point on both paths.
"""

from __future__ import annotations

from ..prices.sources import SOURCE_NAMES


class ModelCost:
    """One (provider, model): calls, tokens, writer and list nanodollars, unpriced calls and
    tokens (in the view's mode), list-priced calls, cache read/write tokens, cache savings."""

    __slots__ = FIELDS = (
        "calls",
        "tokens",
        "writer",
        "list",
        "list_n",
        "unp",
        "unp_tok",
        "cr",
        "cw",
        "save",
    )

    def __init__(
        self,
        calls: int = 0,
        tokens: int = 0,
        writer: int = 0,
        list: int = 0,
        list_n: int = 0,
        unp: int = 0,
        unp_tok: int = 0,
        cr: int = 0,
        cw: int = 0,
        save: int = 0,
    ) -> None:
        self.calls = calls
        self.tokens = tokens
        self.writer = writer
        self.list = list
        self.list_n = list_n
        self.unp = unp
        self.unp_tok = unp_tok
        self.cr = cr
        self.cw = cw
        self.save = save

    def add(self, d: ModelCost) -> None:
        self.calls += d.calls
        self.tokens += d.tokens
        self.writer += d.writer
        self.list += d.list
        self.list_n += d.list_n
        self.unp += d.unp
        self.unp_tok += d.unp_tok
        self.cr += d.cr
        self.cw += d.cw
        self.save += d.save


class PriceSums:
    """Per-model price sums, their total, and calls/cost per cost source."""

    def __init__(self) -> None:
        self.model: dict[tuple[str, str], ModelCost] = {}
        self.tot = ModelCost()
        self.src_calls = [0] * len(SOURCE_NAMES)
        self.src_cost = [0] * len(SOURCE_NAMES)

    def fold(self, provider: str, model: str, d: ModelCost) -> None:
        key = (provider, model)
        a = self.model.get(key)
        if a is None:
            self.model[key] = a = ModelCost()
        a.add(d)
        if a.calls == 0:
            del self.model[key]
        self.tot.add(d)

    def fold_source(self, src: int, calls: int, cost: int) -> None:
        self.src_calls[src] += calls
        self.src_cost[src] += cost
