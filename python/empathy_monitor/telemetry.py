"""The facade every front end uses: read the files, answer dashboard questions, page history.

``Telemetry`` owns a :class:`TelemetryReader` (incremental file reading into columnar tables), an
all-time circuit-breaker tracker, and helpers that read full records back from disk for the
activity feed and exports. It performs IO only through the reader (``ingest/``); the numbers
come from :class:`View` (``analytics/``, pure).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .analytics.sections import CallRow
from .analytics.view import SECTIONS, View
from .analytics.window import Filters, Window, WindowSpec, resolve
from .ingest import statecache
from .ingest.lines import LineReader
from .ingest.tailer import ReadResult, TelemetryReader
from .prices.book import PriceBook
from .prices.columns import Pricing, view_costs
from .prices.sources import SOURCE_NAMES, CostMode
from .records import BREAKER_CODE, CALL_DEFAULTS
from .tables import NANOS
from .timeparse import TimestampParser

_UNSEEN: Any = object()
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

    def update(self, tel: Telemetry, start: int, end: int) -> None:
        t = tel.tables.calls
        if end <= start:
            return
        combos = tel.tables.call_combos.items
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
            p = names[pi]
            pm = provs == pi
            pts, pcodes = ts[pm], codes[pm]
            i = int(np.argmax(pts))
            latest_ts, latest_state = float(pts[i]), STATE_NAMES[int(pcodes[i])]
            opens = pts[pcodes == BREAKER_CODE["open"]]
            last_open = float(opens.max()) if opens.size else None
            cur = self.by_provider.get(p)
            if cur is None:
                self.by_provider[p] = _Breaker(latest_state, latest_ts, last_open)
                continue
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


def call_row(d: dict[str, Any], parser: TimestampParser) -> dict[str, Any] | None:
    """A full call record as a feed/CSV row (display strings, no computation beyond units)."""
    try:
        ts = parser.epoch(str(d.get("timestamp")))
    except (ValueError, IndexError):
        return None
    dflt = CALL_DEFAULTS
    meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
    cost = d.get("estimated_cost", dflt["estimated_cost"])
    if not isinstance(cost, (int, float)) or (isinstance(cost, float) and not math.isfinite(cost)):
        cost = None
    chain = d.get("fallback_chain") or []
    return {
        "call_id": str(d.get("call_id")),
        "timestamp": parser.to_local(ts).isoformat(),
        "workflow_name": d.get("workflow_name"),
        "step_name": d.get("step_name"),
        "provider": d.get("provider") or dflt["provider"],
        "model_id": d.get("model_id") or dflt["model_id"],
        "tier": d.get("tier") or dflt["tier"],
        "task_type": d.get("task_type") or dflt["task_type"],
        "cost": cost,
        "input_tokens": d.get("input_tokens", dflt["input_tokens"]),
        "output_tokens": d.get("output_tokens", dflt["output_tokens"]),
        "latency_ms": d.get("latency_ms", dflt["latency_ms"]),
        "success": bool(d.get("success", dflt["success"])),
        "error_type": d.get("error_type"),
        "error_message": d.get("error_message"),
        "fallback_used": bool(d.get("fallback_used", dflt["fallback_used"])),
        "fallback_chain": [str(x) for x in chain] if isinstance(chain, list) else [],
        "retry_count": d.get("retry_count", dflt["retry_count"]),
        "session_id": d.get("session_id"),
        "user_id": d.get("user_id"),
        "run_id": meta.get("run_id") if meta else None,
        "source_file": meta.get("source_file") if meta else None,
        "source_line": meta.get("source_line") if meta else None,
    }


class Telemetry:
    """Everything known about some telemetry directories, kept current by ``refresh``."""

    def __init__(
        self,
        dirs: Iterable[Path],
        naive_tz: str = "local",
        workers: int | None = None,
        pricing: Pricing | None = None,
    ) -> None:
        self.dirs = [Path(d) for d in dirs]
        # The workspace's prices (``prices.settings.load_pricing``); by default the catalogue's
        # list prices and cost mode ``auto``. Its list columns follow every refresh.
        self.pricing = pricing if pricing is not None else Pricing()
        self.pricing.warm()
        self.parser = TimestampParser(naive_tz)
        self.reader = TelemetryReader(self.dirs, self.parser, workers=workers)
        self.tables = self.reader.tables
        self.breakers = BreakerTracker()
        # Feed rows by (file, offset): a render re-reads only the calls new to the feed.
        self._rows: dict[tuple[int, int], dict[str, Any] | None] = {}
        self._wire_rows: dict[tuple[int, int], dict[str, Any] | None] = {}

    # -- reading ----------------------------------------------------------------------------
    def refresh(self, only: Iterable[Path] | None = None) -> ReadResult:
        res = self.reader.refresh(only)
        if res.reset:  # a file was truncated or replaced: an offset may hold another call now
            self._rows.clear()
            self._wire_rows.clear()
            self.breakers = BreakerTracker()
            self.breakers.update(self, 0, self.tables.calls.n)
        else:
            self.breakers.update(self, *res.calls)
        self.pricing.update(self.tables, reset=res.reset)
        return res

    def reprice(self, book: PriceBook, errors: tuple[str, ...] = ()) -> None:
        """prices.yaml changed: price every row with the new book (views must be rebuilt)."""
        self.pricing.errors = errors
        self.pricing.reprice(book, self.tables)

    @property
    def cost_mode(self) -> CostMode:
        """The workspace's cost mode: the default of every view and of everything that acts on cost."""
        return self.pricing.workspace_mode

    def load_cache(self, path: Path) -> bool:
        """Warm start from an index cache (before the first ``refresh``); True if it was used."""
        if not statecache.load(self.reader, path):
            return False
        self.breakers = BreakerTracker()
        self.breakers.update(self, 0, self.tables.calls.n)
        self.pricing.update(self.tables, reset=True)
        return True

    def save_cache(self, path: Path) -> None:
        """Write the index cache so the next start parses only what is appended after now."""
        statecache.save(self.reader, path)

    # -- questions --------------------------------------------------------------------------
    def window(self, spec: WindowSpec) -> Window:
        return resolve(spec, self.parser)

    def view(
        self,
        spec: WindowSpec | Window,
        filters: Filters | None = None,
        recent: int = 20,
        top: int = 10,
        overview_only: bool = False,
        cost_mode: CostMode | None = None,
    ) -> View:
        """A built view; with ``overview_only`` only ``render_overview`` is meaningful.

        ``cost_mode`` changes only this view (the CLI's ``--cost``, the panel's toggle); None is
        the workspace's mode.
        """
        w = spec if isinstance(spec, Window) else self.window(spec)
        return View(
            self.tables,
            self.parser,
            w,
            filters or Filters(),
            recent,
            top,
            overview_only,
            cost_mode or self.cost_mode,
            self.pricing,
        ).build()

    def dashboard(
        self,
        spec: WindowSpec | Window,
        filters: Filters | None = None,
        recent: int = 20,
        top: int = 10,
        cost_mode: CostMode | None = None,
    ) -> dict[str, Any]:
        """The full dashboard (the keys of ``empathy telemetry --json``)."""
        v = self.view(spec, filters, recent, top, cost_mode=cost_mode)
        out = v.render()
        out["recent_calls"] = self.recent_rows(v.recent_refs())
        out["circuit_breakers"] = self.breakers.render(self.parser, (filters or Filters()).provider)
        out["health"] = self.health()
        return {k: out[k] for k in SECTIONS}

    def health(self) -> dict[str, Any]:
        files = self.reader.health()
        return {
            "records": sum(int(f["records"]) for f in files),  # type: ignore[call-overload]
            "malformed": sum(int(f["malformed"]) for f in files),  # type: ignore[call-overload]
            "salvaged": sum(int(f["salvaged"]) for f in files),  # type: ignore[call-overload]
            "flagged": sum(int(f["flagged"]) for f in files),  # type: ignore[call-overload]
            "files": files,
            "dirs": [{"path": str(d.resolve()), "exists": d.is_dir()} for d in self.dirs],
        }

    def recent_rows(
        self, refs: list[tuple[int, int]], mode: str = "python"
    ) -> list[dict[str, Any]]:
        """The activity-feed rows of a view's ``recent_refs``, read once per call and kept.

        ``mode="json"`` gives them as the wire sends them (``CallRow``, leniently coerced).
        """
        cache = self._rows if mode == "python" else self._wire_rows
        out = []
        for ref in refs:
            if ref not in cache:
                row = self._rows[ref] if ref in self._rows else self.row_at(*ref)
                self._rows[ref] = row
                if mode != "python":
                    wire = (
                        None if row is None else CallRow.model_validate(row).model_dump(mode="json")
                    )
                    cache[ref] = wire
            got = cache[ref]
            if got is not None:
                out.append(got)
        if len(cache) > 4 * max(len(refs), 64):
            keep = set(refs)
            for c in (self._rows, self._wire_rows):
                for k in [k for k in c if k not in keep]:
                    del c[k]
        return out

    def row_at(self, file_id: int, offset: int) -> dict[str, Any] | None:
        """The feed row of the call at ``offset`` of a tracked file (read back from disk)."""
        d = self.reader.record_at(file_id, offset)
        return call_row(d, self.parser) if d is not None else None

    def _selected(self, spec: WindowSpec | Window | None, filters: Filters | None) -> np.ndarray:
        t = self.tables.calls
        sel = np.ones(t.n, dtype=np.bool_)
        if spec is not None:
            w = spec if isinstance(spec, Window) else self.window(spec)
            m = w.mask(t.col("ts"))
            if m is not None:
                sel &= m
        if filters is not None and filters.active:
            sel &= self.tables.call_combo_mask(filters.match_call)[t.col("combo")]
        return np.flatnonzero(sel)

    def calls_page(
        self,
        offset: int,
        limit: int,
        filters: Filters | None = None,
        spec: WindowSpec | Window | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Calls newest first, paging through the whole history; returns (rows, total)."""
        idx = self._selected(spec, filters)
        total = int(idx.size)
        if offset >= total or limit <= 0:
            return [], total
        ts = self.tables.calls.col("ts")[idx]
        order = np.argsort(-ts, kind="stable")[offset : offset + limit]
        files = self.tables.calls.col("file")[idx][order].tolist()
        offs = self.tables.calls.col("off")[idx][order].tolist()
        rows = [r for f, o in zip(files, offs) if (r := self.row_at(f, o)) is not None]
        return rows, total

    def costs_of(
        self, rows: np.ndarray, cost_mode: CostMode | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(cost source code, nanodollars) of call rows in ``cost_mode`` (default: workspace's)."""
        t, pr = self.tables.calls, self.pricing
        pr.update(self.tables)
        toks = sum(t.col(k)[rows].astype(np.int64) for k in ("tin", "tout", "cr", "cw", "cw1h"))
        return view_costs(
            cost_mode or self.cost_mode,
            pr,
            t.col("cost")[rows],
            t.col("actual")[rows],
            t.col("ok")[rows],
            np.asarray(toks, dtype=np.int64),
            pr.col("list")[rows],
            pr.col("lstate")[rows],
        )

    def iter_calls(
        self,
        spec: WindowSpec | Window | None,
        filters: Filters | None = None,
        cost_mode: CostMode | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Full call records in a window, oldest first (for exports), with ``cost`` in
        ``cost_mode`` and its ``cost_source``."""
        idx = self._selected(spec, filters)
        ts = self.tables.calls.col("ts")[idx]
        order = idx[np.argsort(ts, kind="stable")]
        files = self.tables.calls.col("file")[order].tolist()
        offs = self.tables.calls.col("off")[order].tolist()
        code, nanos = self.costs_of(order, cost_mode)
        same = (nanos == self.tables.calls.col("cost")[order]).tolist()
        srcs, costs = [SOURCE_NAMES[i] for i in code.tolist()], (nanos / NANOS).round(9).tolist()
        sources: dict[int, tuple[Path, Callable[[bytes], dict[str, Any] | None]] | None] = {}
        with LineReader() as lines:
            for i, (f, o) in enumerate(zip(files, offs)):
                src = sources.get(f, _UNSEEN)
                if src is _UNSEEN:  # once per file: its path and its format's parser
                    src = sources[f] = self.reader.parser_of(f)
                if src is None:
                    continue
                path, parse = src
                d = parse(lines.at(path, o))
                row = call_row(d, self.parser) if d is not None else None
                if row is not None:
                    if not same[i]:  # else the record's own figure, exactly as written
                        row["cost"] = costs[i]
                    row["cost_source"] = srcs[i]
                    yield row
