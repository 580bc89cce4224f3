"""The facade every front end uses: read the files, answer dashboard questions, page history.

``Telemetry`` owns a :class:`TelemetryReader` (incremental file reading into columnar tables), an
all-time circuit-breaker tracker, and helpers that read full records back from disk for the
activity feed and exports. It performs IO only through the reader (``ingest/``); the numbers
come from :class:`View` (``analytics/``, pure).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .analytics.sections import CallRow
from .analytics.timeindex import TimeIndex
from .analytics.view import SECTIONS, View
from .analytics.window import Filters, Window, WindowSpec, resolve
from .ingest import statecache
from .ingest.bound import SourcePath
from .ingest.lines import LineReader
from .ingest.tailer import ReadResult, TelemetryReader
from .prices.book import PriceBook
from .prices.columns import Pricing, view_costs
from .prices.sources import SOURCE_NAMES, CostMode
from .records import BREAKER_CODE, CALL_DEFAULTS
from .tables import NANOS
from .timeparse import TimestampParser
from .workspace import Layout, RunScope

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
        sources: Iterable[SourcePath] = (),
        settle_s: float = 0.0,
        pricing: Pricing | None = None,
        scopes: Mapping[Path, RunScope] | None = None,
    ) -> None:
        """``sources``: enabled coding agents' folders, each read only by its own format;
        ``settle_s``: how long a whole last line without its newline waits before it is counted
        (0, the default, for one-shot reads; the sidecar waits about a second)."""
        self.dirs = [Path(d) for d in dirs]
        # The workspace's prices (``prices.settings.load_pricing``); by default the catalogue's
        # list prices and cost mode ``auto``. Its list columns follow every refresh.
        self.pricing = pricing if pricing is not None else Pricing()
        self.pricing.warm()
        self.parser = TimestampParser(naive_tz)
        self.scopes = dict(scopes or {})
        self.reader = TelemetryReader(
            self.dirs,
            self.parser,
            workers=workers,
            sources=sources,
            settle_s=settle_s,
            scopes=self.scopes,
        )
        self.tables = self.reader.tables
        self.breakers = BreakerTracker()
        self._time_index = TimeIndex(self.tables)  # history pages (built on the first page)
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
        dim_top: int | None = None,
        dims: bool | None = None,
    ) -> View:
        """A built view; with ``overview_only`` only ``render_overview`` is meaningful (and the
        filter options, with ``dims``). ``dim_top`` caps the values of user and session.

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
            dim_top,
            dims,
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
            "scopes": self.reader.scope_health(),
        }

    @classmethod
    def of(
        cls, layout: Layout, naive_tz: str = "local", workers: int | None = None, **kw: Any
    ) -> Telemetry:
        """The telemetry of a workspace layout (``workspace.default_layout``)."""
        return cls(layout.dirs, naive_tz, workers, scopes=layout.scopes, **kw)

    @property
    def own_dirs(self) -> list[Path]:
        """The dirs that are this workspace's alone (not a shared, scoped folder): what Clear
        History may move and where demo data goes."""
        return [d for d in self.dirs if d not in self.scopes]

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
            sel &= filters.combo_mask(self.tables)[t.col("combo")]
            rows = filters.call_rows(self.tables, slice(None))
            if rows is not None:
                sel &= rows
        return np.flatnonzero(sel)

    def calls_page(
        self,
        offset: int,
        limit: int,
        filters: Filters | None = None,
        spec: WindowSpec | Window | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Calls newest first, paging through the whole history; returns (rows, total)."""
        w = None if spec is None else spec if isinstance(spec, Window) else self.window(spec)
        rows_ids, total = self._time_index.page(offset, limit, w, filters)
        if offset >= total or limit <= 0:
            return [], total
        files = self.tables.calls.col("file")[rows_ids].tolist()
        offs = self.tables.calls.col("off")[rows_ids].tolist()
        return list(self._rows_at(files, offs)), total

    def _rows_at(self, files: list[int], offs: list[int]) -> Iterator[dict[str, Any]]:
        """Feed rows of calls by (file, offset), each file opened once (not once per row)."""
        sources: dict[int, tuple[Path, Callable[[bytes], dict[str, Any] | None]] | None] = {}
        with LineReader() as lines:
            for f, o in zip(files, offs):
                src = sources.get(f, _UNSEEN)
                if src is _UNSEEN:  # once per file: its path and its format's parser
                    src = sources[f] = self.reader.parser_of(f)
                if src is None:
                    continue
                path, parse = src
                try:
                    raw = lines.at(path, o)
                except OSError:
                    continue
                d = parse(raw)
                row = call_row(d, self.parser) if d is not None else None
                if row is not None:
                    yield row

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
