"""The ``fallback`` section: how often calls fell back, and along which chains."""

from __future__ import annotations

from ..sums import Sums
from ..window import Window
from .base import Section, trusted
from .context import Context, pct


class FallbackChain(Section):
    chain: list[str]
    count: int


class Fallback(Section):
    total_calls: int
    fallback_count: int
    fallback_percent: float
    error_count: int
    error_rate: float
    by_original_provider: dict[str, int]
    top_chains: list[FallbackChain]


def render(s: Sums, w: Window, ctx: Context) -> Fallback:
    t = s.tot
    chains = sorted(s.chains.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return trusted(
        Fallback,
        total_calls=t.calls,
        fallback_count=t.fb,
        fallback_percent=pct(t.fb, t.calls),
        error_count=t.errors,
        error_rate=pct(t.errors, t.calls),
        by_original_provider=dict(sorted(s.oprov.items(), key=lambda kv: (-kv[1], kv[0]))),
        top_chains=[trusted(FallbackChain, chain=list(ch), count=n) for ch, n in chains],
    )
