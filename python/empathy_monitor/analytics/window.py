"""Time windows and filters for every analytics question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..tables import CallCombo, RunCombo
from ..timeparse import TimestampParser

RangeName = Literal["today", "7d", "30d", "all", "custom"]
RANGES: tuple[str, ...] = ("today", "7d", "30d", "all")
DAY = 86400.0


@dataclass(frozen=True)
class WindowSpec:
    """What the user asked for: a named range and/or explicit bounds (ISO strings or epoch)."""

    range: str = "7d"
    since: str | float | None = None
    until: str | float | None = None
    now: str | float | None = None


@dataclass(frozen=True)
class Window:
    """A resolved window: ``since <= ts < until`` (either bound may be open)."""

    range: str
    since: float | None
    until: float | None
    now: float

    def contains(self, ts: float) -> bool:
        return (self.since is None or ts >= self.since) and (self.until is None or ts < self.until)

    def mask(self, ts: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_] | None:
        """``contains`` for an array of instants; None when the window is unbounded (all rows)."""
        m: npt.NDArray[np.bool_] | None = None
        if self.since is not None:
            m = ts >= self.since
        if self.until is not None:
            u = ts < self.until
            m = u if m is None else (m & u)
        return m

    def previous(self) -> Window | None:
        """The period of equal length just before this one (for deltas); None when unbounded."""
        if self.since is None:
            return None
        end = self.until if self.until is not None else self.now
        return Window("previous", self.since - (end - self.since), self.since, self.now)


def _to_epoch(v: str | float, parser: TimestampParser, what: str) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return parser.epoch(v)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"--{what}: {v!r} is not an ISO 8601 date or date-time") from exc


def resolve(spec: WindowSpec, parser: TimestampParser, wall_now: float | None = None) -> Window:
    """Resolve a spec to epoch bounds. Named ranges are relative to ``now``.

    ``today`` starts at local midnight; ``7d``/``30d`` are the last 7×24h / 30×24h.

    Raises:
        ValueError: unknown range or unparsable date.
    """
    now = (
        _to_epoch(spec.now, parser, "now")
        if spec.now is not None
        else (wall_now if wall_now is not None else datetime.now().timestamp())
    )
    if spec.since is not None or spec.until is not None:
        since = _to_epoch(spec.since, parser, "since") if spec.since is not None else None
        until = _to_epoch(spec.until, parser, "until") if spec.until is not None else None
        if since is not None and until is not None and until <= since:
            raise ValueError("--until must be after --since")
        return Window("custom", since, until, now)
    if spec.range == "today":
        return Window("today", parser.local_midnight(now), None, now)
    if spec.range == "7d":
        return Window("7d", now - 7 * DAY, None, now)
    if spec.range == "30d":
        return Window("30d", now - 30 * DAY, None, now)
    if spec.range == "all":
        return Window("all", None, None, now)
    raise ValueError(f"unknown range {spec.range!r} (use today, 7d, 30d or all)")


@dataclass(frozen=True)
class Filters:
    """Optional exact-match filters; ``None`` means any."""

    workflow: str | None = None
    provider: str | None = None
    tier: str | None = None
    model: str | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.workflow, self.provider, self.tier, self.model))

    def match_call(self, c: CallCombo) -> bool:
        return (
            (self.workflow is None or c.workflow == self.workflow)
            and (self.provider is None or c.provider == self.provider)
            and (self.tier is None or c.tier == self.tier)
            and (self.model is None or c.model == self.model)
        )

    def match_run(self, r: RunCombo) -> bool:
        # Runs carry no single model; a model filter answers from call records instead.
        if self.model is not None:
            return False
        return (
            (self.workflow is None or r[0] == self.workflow)
            and (self.provider is None or self.provider in r[1])
            and (self.tier is None or self.tier in r[2])
        )
