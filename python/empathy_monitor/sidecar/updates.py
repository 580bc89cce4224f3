"""What the service and the publisher exchange: the ``ViewKey`` a snapshot asks for, and what
one ingest sends back: the ``Update`` (changed sections, health), the headline deltas against the
previous period, and the health signature that decides whether health is sent at all.

Pure values and functions over rendered sections; ``publisher.Publisher`` produces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analytics import Filters, WindowSpec
from ..prices.sources import CostMode

HEALTH_VOLATILE = ("records",)
DELTA_KEYS = (
    "total_cost",
    "calls",
    "success_rate",
    "avg_latency_ms",
    "input_tokens",
    "output_tokens",
    "active_workflows",
)


def _delta(cur: Any, prev: Any) -> dict[str, float | None]:
    if not isinstance(prev, (int, float)):
        return {"previous": None, "change": None, "percent": None}
    if not isinstance(cur, (int, float)):
        return {"previous": float(prev), "change": None, "percent": None}
    change = round(cur - prev, 9)
    pct = round(change / prev * 100, 4) if prev else None
    # floats, as the wire types them (``Delta``): the diff is sent without re-validation
    return {"previous": float(prev), "change": float(change), "percent": pct}


def deltas(overview: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """Each headline number against the previous period.

    ``change`` = current - previous (percentage points for ``success_rate``, which is already a
    percent); ``percent`` = change / previous x 100, null when previous is 0 or null.
    """
    prev = previous or {}
    return {k: _delta(overview.get(k), prev.get(k)) for k in DELTA_KEYS}


def health_signature(health: dict[str, Any]) -> Any:
    """Health without the counts that move on every append: problems, read errors, dirs."""
    return (
        health["malformed"],
        health["salvaged"],
        health["flagged"],
        [
            (f["path"], f["malformed"], f["salvaged"], f["flagged"], f["read_error"], f["problems"])
            for f in health["files"]
        ],
        health["dirs"],
        [(s["path"], s["project"], s["hidden_runs"]) for s in health.get("scopes", [])],
    )


@dataclass
class Update:
    """What one ingest produced for the client."""

    base_version: int
    version: int
    changed: dict[str, Any]
    health: dict[str, Any] | None  # set when the health signature changed


@dataclass(frozen=True)
class ViewKey:
    """What the client asked for."""

    range: str
    since: str | None
    until: str | None
    now: str | None
    filters: Filters
    cost_mode: CostMode | None = None  # the panel's toggle; None: the workspace's cost_mode

    @property
    def relative(self) -> bool:
        return self.now is None and self.since is None and self.until is None

    def spec(self) -> WindowSpec:
        return WindowSpec(range=self.range, since=self.since, until=self.until, now=self.now)
