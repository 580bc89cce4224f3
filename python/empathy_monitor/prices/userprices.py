"""``prices.yaml``: the user's own rates, for models the catalogue lacks or prices differently.

::

    prices:
      - model: my-finetune-*        # exact id or a glob, case-insensitive
        provider: openai            # optional: only under this provider
        input: 3.0                  # USD per million tokens
        output: 15.0
        cache_read: 0.3
        cache_write: 3.75           # 5-minute cache write
        cache_write_1h: 6.0
        valid_from: 2026-10-01      # optional: from this UTC date on
      - model: llama*
        free: true                  # a local model: costs nothing

A bad entry is reported as ``prices.yaml:LINE: reason`` and skipped; the others still load. YAML
aliases are refused (they can expand a small file into gigabytes). Pure: parses text, reads no file.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from typing import Any

import yaml

from .book import UserPrice
from .rates import Rate, Rates

FILE_NAME = "prices.yaml"
RATE_KEYS = ("input", "output", "cache_read", "cache_write", "cache_write_1h")
KEYS = frozenset({"model", "provider", "free", "valid_from", *RATE_KEYS})
MAX_BYTES = 1 << 20


def parse_prices(text: str, name: str = FILE_NAME) -> tuple[list[UserPrice], list[str]]:
    """Entries and ``name:LINE: reason`` errors (bad entries are skipped, not fatal)."""
    if len(text) > MAX_BYTES:
        return [], [f"{name}:1: larger than {MAX_BYTES} bytes"]
    try:
        for ev in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(ev, yaml.AliasEvent):
                line = ev.start_mark.line + 1 if ev.start_mark else 1
                return [], [f"{name}:{line}: YAML aliases are not supported"]
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return [], [f"{name}:{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})"]
    if root is None:
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [], [f"{name}:{root.start_mark.line + 1}: expected a mapping with a 'prices' list"]
    entries: list[UserPrice] = []
    errors: list[str] = []
    seq = None
    for k, v in root.value:
        if k.value == "prices":
            seq = v
        else:
            errors.append(
                f"{name}:{k.start_mark.line + 1}: unknown key {k.value!r} (expected 'prices')"
            )
    if seq is None:
        return entries, errors
    if not isinstance(seq, yaml.SequenceNode):
        return [], [*errors, f"{name}:{seq.start_mark.line + 1}: 'prices' must be a list"]
    for node in seq.value:
        line = node.start_mark.line + 1
        try:
            entries.append(_entry(node, line))
        except ValueError as exc:
            errors.append(f"{name}:{line}: {exc}")
    return entries, errors


def _entry(node: yaml.Node, line: int) -> UserPrice:
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("each price must be a mapping with at least 'model'")
    raw = {str(k): v for k, v in yaml.SafeLoader("").construct_mapping(node, deep=True).items()}
    unknown = sorted(str(k) for k in raw if k not in KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (one of {', '.join(sorted(KEYS))})")
    model = raw.get("model")
    if not isinstance(model, str) or not model.strip():
        raise ValueError("'model' must be a non-empty model id or glob")
    provider = raw.get("provider")
    if provider is not None and (not isinstance(provider, str) or not provider.strip()):
        raise ValueError("'provider' must be a provider name")
    free = raw.get("free", False)
    if not isinstance(free, bool):
        raise ValueError("'free' must be true or false")
    rates: dict[str, Rate] = {}
    for key in RATE_KEYS:
        if key in raw:
            rates[key] = Rate(_usd_per_mtok(key, raw[key]))
    if free and rates:
        raise ValueError("a free model takes no rates")
    if not free and "input" not in rates and "output" not in rates:
        raise ValueError("give 'input' and/or 'output' (USD per million tokens), or 'free: true'")
    return UserPrice(
        pattern=model.strip(),
        line=line,
        provider=provider.strip() if isinstance(provider, str) else None,
        rates=Rates(**rates),
        free=free,
        valid_from=_valid_from(raw.get("valid_from")),
    )


def _usd_per_mtok(key: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"'{key}' must be a number (USD per million tokens)")
    x = float(v)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"'{key}' must be a finite number >= 0")
    return x


def _valid_from(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        d = v if v.tzinfo is not None else v.replace(tzinfo=timezone.utc)
        return d.timestamp()
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day, tzinfo=timezone.utc).timestamp()
    if isinstance(v, str):
        try:
            return _valid_from(datetime.fromisoformat(v))
        except ValueError:
            pass
    raise ValueError("'valid_from' must be a date (YYYY-MM-DD)")


def stub(model: str, provider: str | None = None) -> str:
    """A prices.yaml entry to paste for an unpriced model (the panel's "Add a price")."""
    prov = f"\n    provider: {provider}" if provider else ""
    return (
        f"  - model: {yaml.safe_dump(model, default_style=None).strip().splitlines()[0]}{prov}\n"
        "    input: 0.0      # USD per million input tokens\n"
        "    output: 0.0     # USD per million output tokens\n"
    )
