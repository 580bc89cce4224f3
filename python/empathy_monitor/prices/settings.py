"""The workspace's price set-up, read from disk: ``cost_mode`` and ``prices.yaml``.

``cost_mode`` lives in ``.empathy/monitoring.yaml`` (``auto`` by default) and :func:`cost_mode` is
the one reader every process uses — the CLI, the sidecar, ``empathy alerts watch``, the OTel export,
budgets — so they always agree on which dollars act. ``prices.yaml`` sits beside it; a bad entry
is a located error (``prices.yaml:LINE: reason``) and the rest still load. Reading either never
writes anything; :func:`add_price` is the one writer (the panel's "Add a price").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from .. import yamlsafe
from .billing import subscriptions
from .book import PriceBook
from .columns import Pricing
from .sources import COST_MODES, CostMode
from .userprices import FILE_NAME, MAX_BYTES, parse_prices, stub

MONITORING_YAML = "monitoring.yaml"
DEFAULT_MODE: CostMode = "auto"


def _first(dirs: Sequence[Path], name: str) -> Path | None:
    for d in dirs:
        p = Path(d) / name
        if p.is_file():
            return p
    return None


def cost_mode(dirs: Sequence[Path]) -> tuple[CostMode, list[str]]:
    """``cost_mode`` of the first ``monitoring.yaml`` (``auto`` when absent) and any problem.

    A bad value is reported and ``auto`` used: a typo must not silently switch to the writer's
    numbers.
    """
    path = _first(dirs, MONITORING_YAML)
    if path is None:
        return DEFAULT_MODE, []
    try:
        doc = yamlsafe.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return DEFAULT_MODE, [f"{path.name}: {exc}"]
    if not isinstance(doc, dict) or doc.get("cost_mode") is None:
        return DEFAULT_MODE, []
    raw = doc["cost_mode"]
    for m in COST_MODES:
        if raw == m:
            return m, []
    return DEFAULT_MODE, [
        f"{path.name}: cost_mode must be one of {', '.join(COST_MODES)} (got {raw!r}); using auto"
    ]


def prices_path(dirs: Sequence[Path]) -> Path | None:
    """The ``prices.yaml`` in effect: the first one in the telemetry directories."""
    return _first(dirs, FILE_NAME)


def load_book(dirs: Sequence[Path]) -> tuple[PriceBook, Path | None, list[str]]:
    """The price book with the workspace's ``prices.yaml`` (if any), its path, and its errors."""
    path = prices_path(dirs)
    if path is None:
        return PriceBook(), None, []
    try:
        if path.stat().st_size > MAX_BYTES:
            return PriceBook(), path, [f"{FILE_NAME}:1: larger than {MAX_BYTES} bytes"]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return PriceBook(), path, [f"{FILE_NAME}:1: cannot read ({exc})"]
    entries, errors = parse_prices(text)
    return PriceBook(entries), path, errors


def billing(dirs: Sequence[Path]) -> tuple[frozenset[str], list[str]]:
    """The sources billed by subscription (``sources:`` of monitoring.yaml, ``billing.py``)."""
    path = _first(dirs, MONITORING_YAML)
    if path is None:
        return frozenset(), []
    try:
        doc = yamlsafe.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return frozenset(), []  # reported once, by cost_mode
    return subscriptions(doc, path.name)


def load_pricing(dirs: Sequence[Path]) -> Pricing:
    """Everything a process needs to price calls in this workspace."""
    mode, mode_errors = cost_mode(dirs)
    book, path, errors = load_book(dirs)
    subscribed, billing_errors = billing(dirs)
    return Pricing(book, mode, path, tuple(errors + mode_errors + billing_errors), subscribed)


def add_price(dirs: Sequence[Path], model: str, provider: str | None) -> tuple[Path, int, bool]:
    """Append a stub entry for ``model`` to prices.yaml (created in the first directory if
    missing); returns (path, the stub's first line, created). Touches no other file."""
    path = prices_path(dirs) or Path(dirs[0]) / FILE_NAME
    created = not path.exists()
    old = "" if created else path.read_text(encoding="utf-8")
    if created or not old.strip():
        head = (
            "# Your own list prices (USD per million tokens); see MONITORING_GUIDE.md.\nprices:\n"
        )
    else:
        head = "" if old.endswith("\n") else "\n"
    text = old + head
    line = text.count("\n") + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + stub(model, provider), encoding="utf-8")
    return path, line, created
