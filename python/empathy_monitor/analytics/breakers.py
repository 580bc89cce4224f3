"""Circuit-breaker state per provider across all time (not windowed): the latest state each
provider's calls reported and when it last opened, kept current by folding appended rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..records import BREAKER_CODE
from ..tables import Tables
from ..timeparse import TimestampParser

STATE_NAMES: dict[int, str] = {
    code: name for name, code in BREAKER_CODE.items() if name not in (None, "half_open")
}


@dataclass
class _Breaker:
    state: str
    updated: float
    last_open: float | None


class BreakerTracker:
    """Latest circuit-breaker state per provider, across all time (not windowed)."""

    def __init__(self) -> None:
        self.by_provider: dict[str, _Breaker] = {}
        self._ncombos = -1
        self._cb_of: np.ndarray = np.zeros(0, dtype=np.int8)
        self._prov_of: np.ndarray = np.zeros(0, dtype=np.int32)
        self._names: list[str] = []

    def update(self, tables: Tables, start: int, end: int) -> None:
        t = tables.calls
        if end <= start:
            return
        combos = tables.call_combos.items
        if end - start == 1:  # a live append: no arrays to build for one row
            c = combos[int(t.col("combo")[start])]
            if c.breaker:
                ts = float(t.col("ts")[start])
                opened = ts if c.breaker == BREAKER_CODE["open"] else None
                self._merge(c.provider, ts, STATE_NAMES[c.breaker], opened)
            return
        if self._ncombos != len(combos):  # combo lookups are rebuilt only when new combos appear
            self._ncombos = len(combos)
            self._cb_of = np.fromiter((c.breaker for c in combos), dtype=np.int8, count=len(combos))
            self._names = sorted({c.provider for c in combos})
            index = {p: i for i, p in enumerate(self._names)}
            self._prov_of = np.fromiter(
                (index[c.provider] for c in combos), dtype=np.int32, count=len(combos)
            )
        cb_of, prov_of, names = self._cb_of, self._prov_of, self._names
        combo = t.col("combo")[start:end]
        codes = cb_of[combo]
        has = codes > 0
        if not has.any():
            return
        ts = t.col("ts")[start:end][has]
        provs, codes = prov_of[combo[has]], codes[has]
        for pi in np.unique(provs).tolist():
            pm = provs == pi
            pts, pcodes = ts[pm], codes[pm]
            i = int(np.argmax(pts))
            opens = pts[pcodes == BREAKER_CODE["open"]]
            last_open = float(opens.max()) if opens.size else None
            self._merge(names[pi], float(pts[i]), STATE_NAMES[int(pcodes[i])], last_open)

    def _merge(self, p: str, latest_ts: float, latest_state: str, last_open: float | None) -> None:
        cur = self.by_provider.get(p)
        if cur is None:
            self.by_provider[p] = _Breaker(latest_state, latest_ts, last_open)
            return
        if latest_ts >= cur.updated:
            cur.state, cur.updated = latest_state, latest_ts
        if last_open is not None and (cur.last_open is None or last_open > cur.last_open):
            cur.last_open = last_open

    def render(self, parser: TimestampParser, provider: str | None = None) -> dict[str, Any]:
        def iso(x: float | None) -> str | None:
            return None if x is None else parser.to_local(x).isoformat()

        return {
            p: {"state": b.state, "updated_at": iso(b.updated), "last_opened_at": iso(b.last_open)}
            for p, b in sorted(self.by_provider.items())
            if provider is None or p == provider
        }
