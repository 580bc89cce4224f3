"""Per-token rates and how they apply to token columns, vectorised.

A model's price is a sequence of :class:`Period` s (the later active one wins, as in the
``genai-prices`` data): a period may start on a date (a provider changed its price) or hold only at
some hours of the UTC day (off-peak rates). Each period has :class:`Rates` in US dollars per million
tokens for uncached input, output, cache reads and cache writes (5-minute and 1-hour), each possibly
tiered by the call's total input tokens (a higher rate for every token once a call passes e.g.
200k input tokens). Costs come out in integer nanodollars, like every other cost here.

Token convention (normalised once, at decode): ``tin`` is *uncached* input; cache reads and writes
are separate columns; the tier threshold is judged on their sum, the call's whole prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# 1 USD per million tokens = 1,000 nanodollars per token.
NANOS_PER_TOKEN_PER_USD_MTOK = 1000.0


@dataclass(frozen=True)
class Rate:
    """USD per million tokens; ``tiers`` are (start, rate): the rate once total input > start."""

    base: float
    tiers: tuple[tuple[int, float], ...] = ()

    def per_call(self, total_input: npt.NDArray[np.int64]) -> npt.NDArray[np.float64] | float:
        if not self.tiers:
            return self.base
        out = np.full(total_input.shape, self.base, dtype=np.float64)
        for start, rate in self.tiers:  # ascending: a later (higher) threshold overrides
            out[total_input > start] = rate
        return out

    def at(self, total_input: int) -> float:
        rate = self.base
        for start, r in self.tiers:
            if total_input > start:
                rate = r
        return rate


@dataclass(frozen=True)
class Rates:
    """One price list. A missing cache rate falls back to its parent kind, as providers bill it:
    a 1-hour write to the 5-minute write rate, a write or a read to the input rate."""

    input: Rate | None = None
    output: Rate | None = None
    cache_read: Rate | None = None
    cache_write: Rate | None = None
    cache_write_1h: Rate | None = None

    def effective(self) -> tuple[Rate | None, Rate | None, Rate | None, Rate | None, Rate | None]:
        """(input, output, cache read, cache write 5m, cache write 1h) after the fallbacks."""
        cw = self.cache_write or self.input
        return (
            self.input,
            self.output,
            self.cache_read or self.input,
            cw,
            self.cache_write_1h or cw,
        )

    def cost_nanos(
        self,
        tin: npt.NDArray[Any],
        tout: npt.NDArray[Any],
        cread: npt.NDArray[Any],
        cwrite: npt.NDArray[Any],
        cwrite_1h: npt.NDArray[Any],
    ) -> npt.NDArray[np.int64]:
        """Nanodollars per call for the given token columns (all the same length)."""
        total_in = (
            tin.astype(np.int64)
            + cread.astype(np.int64)
            + cwrite.astype(np.int64)
            + cwrite_1h.astype(np.int64)
        )
        usd_mtok_tokens = np.zeros(tin.shape, dtype=np.float64)
        for rate, tokens in zip(self.effective(), (tin, tout, cread, cwrite, cwrite_1h)):
            if rate is not None:
                usd_mtok_tokens += tokens.astype(np.float64) * rate.per_call(total_in)
        return np.rint(usd_mtok_tokens * NANOS_PER_TOKEN_PER_USD_MTOK).astype(np.int64)


@dataclass(frozen=True)
class Period:
    """Rates that hold from ``since`` (UTC epoch, inclusive; None = always) and, when ``daily`` is
    set, only between those seconds of the UTC day (``start > end`` wraps past midnight)."""

    rates: Rates
    since: float | None = None
    daily: tuple[float, float] | None = None

    def active(self, ts: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        m = np.ones(ts.shape, dtype=np.bool_) if self.since is None else ts >= self.since
        if self.daily is not None:
            start, end = self.daily
            tod = np.mod(ts, 86400.0)
            m &= ((tod >= start) | (tod < end)) if end < start else ((tod >= start) & (tod < end))
        return m


def choose_periods(periods: tuple[Period, ...], ts: npt.NDArray[np.float64]) -> npt.NDArray[Any]:
    """Index of the period that prices each call: the last active one, else the first."""
    idx = np.full(ts.shape, -1, dtype=np.int64)
    for j in range(len(periods) - 1, -1, -1):
        free = idx < 0
        if not free.any():
            break
        idx[free & periods[j].active(ts)] = j
    idx[idx < 0] = 0
    return idx
