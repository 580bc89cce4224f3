"""Calls read back from disk, for the facade (:class:`~.telemetry.Telemetry` is a ``CallHistory``):
the activity feed's rows, pages through the whole history (newest first) and exports (oldest
first, with each call's cost in a cost mode). The tables say where each call is (file, offset);
the record itself is read again, each file opened once per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .analytics.callrow import call_row
from .analytics.sections import CallRow
from .analytics.timeindex import TimeIndex
from .analytics.window import Filters, Window, WindowSpec, resolve
from .ingest.lines import LineReader
from .ingest.tailer import TelemetryReader
from .prices.columns import Pricing, view_costs
from .prices.feed import RowFinder, with_costs
from .prices.sources import SOURCE_NAMES, CostMode
from .tables import NANOS, Tables
from .timeparse import TimestampParser

_UNSEEN: Any = object()


class CallHistory:
    """The record-reading half of the facade (it sets these attributes)."""

    tables: Tables
    reader: TelemetryReader
    parser: TimestampParser
    pricing: Pricing
    _time_index: TimeIndex
    # Feed rows by (file, offset): a render re-reads only the calls new to the feed.
    _rows: dict[tuple[int, int], dict[str, Any] | None]
    _wire_rows: dict[tuple[int, int], dict[str, Any] | None]
    _finder: RowFinder  # the feed rows' row numbers, for the cost of a view's mode

    def recent_rows(
        self,
        refs: list[tuple[int, int]],
        mode: str = "python",
        cost_mode: CostMode | None = None,
    ) -> list[dict[str, Any]]:
        """The activity-feed rows of a view's ``recent_refs``, read once per call and kept, with
        the cost of ``cost_mode`` (default: the workspace's) and its ``cost_source``.

        ``mode="json"`` gives them as the wire sends them (``CallRow``, leniently coerced).
        """
        cache = self._rows if mode == "python" else self._wire_rows
        out: list[dict[str, Any] | None] = []
        for ref in refs:
            if ref not in cache:
                row = self._rows[ref] if ref in self._rows else self.row_at(*ref)
                self._rows[ref] = row
                if mode != "python":
                    wire = (
                        None if row is None else CallRow.model_validate(row).model_dump(mode="json")
                    )
                    cache[ref] = wire
            out.append(cache[ref])
        if len(cache) > 4 * max(len(refs), 64):
            keep = set(refs)
            for c in (self._rows, self._wire_rows):
                for k in [k for k in c if k not in keep]:
                    del c[k]
        at = self._finder.rows(self.tables.calls, refs)
        if not self.tables.calls.n:
            return [r for r in out if r is not None]
        rows = np.array([max(r, 0) for r in at], dtype=np.int64)
        costs = self.costs_of(rows, cost_mode)
        pos = [i if r >= 0 else -1 for i, r in enumerate(at)]
        return with_costs(out, pos, *costs, self.tables.calls.col("cost")[rows])

    def row_at(self, file_id: int, offset: int) -> dict[str, Any] | None:
        """The feed row of the call at ``offset`` of a tracked file (read back from disk)."""
        d = self.reader.record_at(file_id, offset)
        return call_row(d, self.parser) if d is not None else None

    def _selected(self, spec: WindowSpec | Window | None, filters: Filters | None) -> np.ndarray:
        t = self.tables.calls
        sel = np.ones(t.n, dtype=np.bool_)
        if spec is not None:
            w = spec if isinstance(spec, Window) else resolve(spec, self.parser)
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
        cost_mode: CostMode | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Calls newest first, paging through the whole history; returns (rows, total). Each
        row's cost is ``cost_mode``'s (default: the workspace's), with its ``cost_source``."""
        w = (
            None
            if spec is None
            else spec
            if isinstance(spec, Window)
            else resolve(spec, self.parser)
        )
        rows_ids, total = self._time_index.page(offset, limit, w, filters)
        if offset >= total or limit <= 0:
            return [], total
        files = self.tables.calls.col("file")[rows_ids].tolist()
        offs = self.tables.calls.col("off")[rows_ids].tolist()
        rows = list(self._rows_at(files, offs))
        costs = self.costs_of(rows_ids, cost_mode)
        return with_costs(
            rows, range(len(rows)), *costs, self.tables.calls.col("cost")[rows_ids]
        ), total

    def _records_at(
        self, files: list[int], offs: list[int], skip_unreadable: bool
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index, record) of calls by (file, offset), each file opened once (not once per row);
        a line that no longer parses is left out, an unreadable one too if ``skip_unreadable``."""
        sources: dict[int, tuple[Path, Callable[[bytes], dict[str, Any] | None]] | None] = {}
        with LineReader() as lines:
            for i, (f, o) in enumerate(zip(files, offs)):
                src = sources.get(f, _UNSEEN)
                if src is _UNSEEN:  # once per file: its path and its format's parser
                    src = sources[f] = self.reader.parser_of(f)
                if src is None:
                    continue
                path, parse = src
                try:
                    raw = lines.at(path, o)
                except OSError:
                    if not skip_unreadable:
                        raise
                    continue
                d = parse(raw)
                if d is not None:
                    yield i, d

    def _rows_at(self, files: list[int], offs: list[int]) -> Iterator[dict[str, Any] | None]:
        """Feed rows of calls by (file, offset), one per call: None for a call that cannot be
        read back, so positions stay aligned with the costs."""
        got = dict(self._records_at(files, offs, skip_unreadable=True))
        for i in range(len(files)):
            d = got.get(i)
            yield call_row(d, self.parser) if d is not None else None

    def costs_of(
        self, rows: np.ndarray, cost_mode: CostMode | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(cost source code, nanodollars) of call rows in ``cost_mode`` (default: workspace's)."""
        t, pr = self.tables.calls, self.pricing
        pr.update(self.tables)
        toks = sum(t.col(k)[rows].astype(np.int64) for k in ("tin", "tout", "cr", "cw", "cw1h"))
        return view_costs(
            cost_mode or pr.workspace_mode,
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
        for i, d in self._records_at(files, offs, skip_unreadable=False):
            row = call_row(d, self.parser)
            if row is not None:
                if srcs[i] == "unpriced":  # no price anywhere: never written as $0
                    row["cost"] = None
                elif not same[i]:  # else the record's own figure, exactly as written
                    row["cost"] = costs[i]
                row["cost_source"] = srcs[i]
                yield row
