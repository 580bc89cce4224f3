"""List prices from the ``genai-prices`` package (its data ships inside it; nothing goes online).

A lookup is made once per (provider, model id) and cached; ``genai_prices`` is imported on first
use, not at import time, so the CLI and the sidecar start as fast without it. Its auto-update is
never started: only the bundled snapshot is read.
"""

from __future__ import annotations

import functools
from datetime import datetime, time, timezone
from decimal import Decimal
from typing import Any

from .rates import Period, Rate, Rates

# Our writers' provider names where genai-prices names the provider otherwise.
PROVIDER_ALIASES: dict[str, str] = {
    "gemini": "google",
    "vertex": "google",
    "vertexai": "google",
    "google-vertex": "google",
    "bedrock": "aws",
    "aws-bedrock": "aws",
    "xai": "x-ai",
    "grok": "x-ai",
    "azure-openai": "azure",
    "mistralai": "mistral",
    "together-ai": "together",
    "togetherai": "together",
}


@functools.lru_cache(maxsize=1)
def _snapshot() -> Any:
    """The bundled price data, or None where the package is not installed (it needs Python
    3.11+; on 3.10 only prices.yaml and local models are priced, and the rest is unpriced)."""
    try:
        from genai_prices import data_snapshot
    except ImportError:
        return None
    return data_snapshot.get_snapshot()


def available() -> bool:
    """Whether the genai-prices catalogue can be used here."""
    return _snapshot() is not None


def package_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("genai-prices")
    except PackageNotFoundError:
        return None


def _rate(value: Any) -> Rate | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return Rate(float(value))
    base = getattr(value, "base", None)
    tiers = getattr(value, "tiers", None)
    if isinstance(base, Decimal) and isinstance(tiers, list):
        return Rate(float(base), tuple((int(t.start), float(t.price)) for t in tiers))
    return None


def _rates(mp: Any) -> Rates:
    g = mp.__dict__.get
    return Rates(
        input=_rate(g("input_mtok")),
        output=_rate(g("output_mtok")),
        cache_read=_rate(g("cache_read_mtok")),
        cache_write=_rate(g("cache_write_mtok") or g("cache_write_5m_mtok")),
        cache_write_1h=_rate(g("cache_write_1h_mtok")),
    )


def _seconds(t: time) -> float:
    if t.tzinfo is not None:
        d = datetime.combine(datetime(1970, 1, 1).date(), t).astimezone(timezone.utc)
        t = d.time()
    return float(t.hour * 3600 + t.minute * 60 + t.second)


def _period(cp: Any) -> Period:
    c = cp.constraint
    rates = _rates(cp.prices)
    if c is None:
        return Period(rates)
    start_date = getattr(c, "start_date", None)
    if start_date is not None:
        since = datetime(start_date.year, start_date.month, start_date.day, tzinfo=timezone.utc)
        return Period(rates, since=since.timestamp())
    return Period(rates, daily=(_seconds(c.start_time), _seconds(c.end_time)))


@functools.lru_cache(maxsize=4096)
def lookup(provider: str, model: str) -> tuple[str, str, tuple[Period, ...]] | None:
    """(provider id, model id, periods) the package prices ``model`` with, or None if unknown.

    The writer's provider is tried first (``claude-sonnet-4-20250514`` under ``anthropic`` resolves
    to ``claude-sonnet-4-0``); if the package does not know that provider, the model id alone.
    """
    if not model:
        return None
    snap = _snapshot()
    if snap is None:
        return None
    pid = PROVIDER_ALIASES.get(provider.lower(), provider.lower()) if provider else None
    found = None
    for attempt in (pid, None) if pid else (None,):
        try:
            found = snap.find_provider_model(model, None, attempt, None)
            break
        except LookupError:
            continue
    if found is None:
        return None
    prov, info = found
    prices = info.prices
    if isinstance(prices, list):
        periods = tuple(_period(cp) for cp in prices)
    else:
        periods = (Period(_rates(prices)),)
    if all(p.rates.input is None and p.rates.output is None for p in periods):
        return None  # priced per request or per image only: not a token price we can apply
    return str(prov.id), str(info.id), periods
