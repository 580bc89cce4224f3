"""The price book: which rates price a call, and what its tokens cost at list price.

Lookup order for a (provider, model id): the user's ``prices.yaml`` (exact patterns before globs,
then file order), local providers (free unless prices.yaml says otherwise), then the ``genai-prices``
catalogue. Rates are resolved once per (provider, model) and applied to whole token columns with
numpy, each call at the period its own timestamp falls in — never a per-record library call.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from . import catalog
from .rates import Period, Rates, choose_periods

LOCAL_PROVIDERS = frozenset(
    {
        "ollama",
        "lmstudio",
        "lm-studio",
        "llamacpp",
        "llama.cpp",
        "llama-cpp",
        "vllm",
        "local",
        "localai",
        "mlx",
        "gpt4all",
        "jan",
    }
)

Origin = Literal["prices.yaml", "catalog", "local"]


@dataclass(frozen=True)
class UserPrice:
    """One prices.yaml entry: a model pattern and its rates from ``valid_from`` (epoch) on."""

    pattern: str
    line: int
    provider: str | None = None
    rates: Rates = field(default_factory=Rates)
    free: bool = False
    valid_from: float | None = None

    @property
    def is_glob(self) -> bool:
        return any(ch in self.pattern for ch in "*?[")

    def matches(self, provider: str, model: str) -> bool:
        if self.provider is not None and self.provider.lower() != provider.lower():
            return False
        m, p = model.lower(), self.pattern.lower()
        return fnmatch.fnmatchcase(m, p) if self.is_glob else m == p


@dataclass(frozen=True)
class ModelPricing:
    """How one (provider, model) is priced.

    ``before`` prices calls earlier than the first dated period when that period has a start
    (a prices.yaml entry with ``valid_from``): the catalogue's price, or None (unpriced then).
    """

    origin: Origin
    model: str  # the id the price was found under (the pattern, for prices.yaml)
    periods: tuple[Period, ...] = ()
    free: bool = False
    before: ModelPricing | None = None

    def cost(
        self,
        ts: npt.NDArray[np.float64],
        tin: npt.NDArray[Any],
        tout: npt.NDArray[Any],
        cread: npt.NDArray[Any],
        cwrite: npt.NDArray[Any],
        cwrite_1h: npt.NDArray[Any],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """(list-price nanodollars, priced?) per call, each at the period of its own timestamp."""
        n = ts.shape
        if self.free:
            return np.zeros(n, dtype=np.int64), np.ones(n, dtype=np.bool_)
        out = np.zeros(n, dtype=np.int64)
        priced = np.ones(n, dtype=np.bool_)
        if ts.size == 0 or not self.periods:
            return out, priced & bool(self.periods)
        start = (
            self.periods[0].since
            if self.before is not None or self.origin == "prices.yaml"
            else None
        )
        early = ts < start if start is not None else np.zeros(n, dtype=np.bool_)
        if early.any():
            if self.before is None:
                priced[early] = False
            else:
                e = np.flatnonzero(early)
                out[e], priced[e] = self.before.cost(
                    ts[e], tin[e], tout[e], cread[e], cwrite[e], cwrite_1h[e]
                )
        rest = np.flatnonzero(~early)
        if rest.size == 0:
            return out, priced
        if len(self.periods) == 1:
            out[rest] = self.periods[0].rates.cost_nanos(
                tin[rest], tout[rest], cread[rest], cwrite[rest], cwrite_1h[rest]
            )
            return out, priced
        idx = choose_periods(self.periods, ts[rest])
        for j in np.unique(idx).tolist():
            r = rest[idx == j]
            out[r] = self.periods[j].rates.cost_nanos(
                tin[r], tout[r], cread[r], cwrite[r], cwrite_1h[r]
            )
        return out, priced

    def period_at(self, ts: float) -> Period | None:
        """The period that prices a call at ``ts`` (None when free or unpriced then)."""
        if self.free or not self.periods:
            return None
        first = self.periods[0].since
        if (
            first is not None
            and ts < first
            and (self.before is not None or self.origin == "prices.yaml")
        ):
            return self.before.period_at(ts) if self.before is not None else None
        j = int(choose_periods(self.periods, np.array([ts], dtype=np.float64))[0])
        return self.periods[j]


class PriceBook:
    """Answers "how is this model priced?" once per (provider, model)."""

    def __init__(self, user: Sequence[UserPrice] = (), catalog_prices: bool = True) -> None:
        # Exact patterns win over globs; within each, file order.
        self.user = sorted(user, key=lambda u: (u.is_glob, u.line))
        self.catalog_prices = catalog_prices
        self._cache: dict[tuple[str, str], ModelPricing | None] = {}

    def lookup(self, provider: str, model: str) -> ModelPricing | None:
        key = (provider, model)
        if key not in self._cache:
            self._cache[key] = self._resolve(provider, model)
        return self._cache[key]

    def overridden(self, models: Sequence[tuple[str, str]]) -> int:
        """How many of these (provider, model) pairs prices.yaml prices (the panel says so)."""
        return sum(1 for p, m in models if (mp := self.lookup(p, m)) and mp.origin == "prices.yaml")

    def _resolve(self, provider: str, model: str) -> ModelPricing | None:
        entries = [u for u in self.user if u.matches(provider, model)]
        if entries:
            first = entries[0]
            same = [
                u for u in entries if (u.pattern, u.provider) == (first.pattern, first.provider)
            ]
            if any(u.free for u in same) and len(same) == 1:
                return ModelPricing("prices.yaml", first.pattern, free=True)
            same.sort(key=lambda u: (u.valid_from is not None, u.valid_from or 0.0))
            periods = tuple(
                Period(Rates() if u.free else u.rates, since=u.valid_from) for u in same
            )
            before = self._builtin(provider, model) if periods[0].since is not None else None
            return ModelPricing("prices.yaml", first.pattern, periods, before=before)
        return self._builtin(provider, model)

    def _builtin(self, provider: str, model: str) -> ModelPricing | None:
        if provider.lower() in LOCAL_PROVIDERS:
            return ModelPricing("local", model, free=True)
        if not self.catalog_prices:
            return None
        found = catalog.lookup(provider, model)
        if found is None:
            return None
        _pid, mid, periods = found
        return ModelPricing("catalog", mid, periods)
