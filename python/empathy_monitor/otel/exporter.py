"""Export telemetry files to an OTLP collector with an acknowledged, crash-safe cursor.

Every telemetry file (``llm_calls*.jsonl``, ``workflow_runs*.jsonl``, ``archive/`` included) has a
cursor entry keyed by its identity (device, inode and a hash of its first bytes, as in
``ingest.tailer``) with two byte offsets: how far its spans and how far its metrics were
acknowledged. An offset moves only after the collector accepted the batch, and the cursor file
``otel_cursor.json`` is replaced atomically (temp file, fsync, rename) after every batch. So:

* a collector that is down or slow delays export; nothing is skipped;
* a restart resumes where the last acknowledged batch ended (no duplicates, no gaps);
* a rotated file keeps its offset under its new name (same identity);
* a truncated or rewritten file (smaller than the offset, or a different head) starts over;
* a call (or run) whose id was acknowledged already is not sent again, from any file
  (``sent.py``: a copied line, a repeat, a copied rotated file, a restored backup).

Only complete lines are exported; a torn last line waits for its newline. A line that is not a
usable record is counted and skipped, never retried forever (``batch.py`` maps the lines;
``cursor.py`` holds the cursor, ``report.py`` the results and ``empathy otel status``).
"""

from __future__ import annotations

import contextlib
import logging
import stat
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..ingest import format as formats
from ..ingest.format import discover
from ..ingest.identity import HEAD_BYTES
from ..ingest.lines import read_lines
from ..prices.settings import load_pricing
from ..records import LLMCallRecord
from ..redact import mask
from ..timeparse import TimestampParser
from ..workspace import RunScope
from .batch import BatchMapper
from .config import CURSOR_NAME, OtelConfig
from .cursor import CursorState, FileCursor, exclusive, head_text
from .mapping import CallCost
from .report import Backoff, ExportResult, StatusReport, status_report
from .sent import SentStore
from .sink import ExportFailed, SpanSink

__all__ = ["Backoff", "CursorState", "ExportResult", "FileExporter", "StatusReport"]

log = logging.getLogger(__name__)

MAX_BATCH_BYTES = 8 << 20
FORGET_AFTER_S = 7 * 24 * 3600.0  # keep a vanished file's cursor this long (it may reappear)


def _is_calls_file(path: Path) -> bool:
    return formats.holds(path, "call")


# -- exporter ---------------------------------------------------------------------------------
class FileExporter:
    """Exports new records from the telemetry directories; safe to run in a background thread.

    Args:
        dirs: telemetry directories (``.empathy``; ``archive/`` inside them is included).
        config: the OTel settings; ``config.cursor_path`` (default ``<dirs[0]>/otel_cursor.json``).
        sink: where to send; by default the real OTLP sink built from ``config`` (lazily, so the
            ``opentelemetry`` import happens only when something is exported).
        clock: wall clock for the cursor's timestamps.
    """

    def __init__(
        self,
        dirs: Sequence[Path],
        config: OtelConfig,
        sink: SpanSink | None = None,
        clock: Callable[[], float] = time.time,
        scopes: Mapping[Path, RunScope] | None = None,
    ) -> None:
        self.dirs = [Path(d) for d in dirs]
        # shared folders (attune-ai 16.x's home runs): only this project's runs are exported
        self.scopes = {Path(d): s for d, s in (scopes or {}).items()}
        self.config = config
        self.cursor_path = config.cursor_path or (
            self.dirs[0] / CURSOR_NAME if self.dirs else Path(CURSOR_NAME)
        )
        self._sink = sink
        self._clock = clock
        self._parser = TimestampParser(config.naive_tz)
        self._mapper = BatchMapper(self._parser, load_pricing(self.dirs))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_result: ExportResult | None = None
        self._metrics_down = False
        self._sent = SentStore(self.cursor_path)  # ids already exported, kept between passes

    def _cost(self, d: dict[str, Any], rec: LLMCallRecord) -> CallCost | None:
        """A call's cost as this exporter sends it (``batch.BatchMapper.cost``)."""
        return self._mapper.cost(d, rec)

    @property
    def sink(self) -> SpanSink:
        if self._sink is None:
            from .otlp import OtlpSink  # lazy: needs the otel extra

            self._sink = OtlpSink(self.config)
        return self._sink

    # -- one pass ----------------------------------------------------------------------------
    def export_once(self) -> ExportResult:
        """Send everything new, batch by batch; stop at the first batch the collector refuses."""
        res = ExportResult()
        if not self.config.enabled:
            res.error = "no OTLP endpoint configured (set EMPATHY_OTEL_ENDPOINT)"
            return res
        with exclusive(self.cursor_path.with_name(self.cursor_path.name + ".lock")) as got:
            if not got:
                res.error = "another exporter holds the cursor lock"
                return res
            state = CursorState.load(self.cursor_path)
            self._spans_sent = self._sent.get("spans", state.span_ids)
            self._metrics_sent = self._sent.get("metrics", state.metric_ids)
            try:
                self._pass(state, res)
            except OSError as exc:
                res.error = f"{type(exc).__name__}: {exc}"
            now = self._clock()
            if res.error:  # collector/library texts may quote a header (an API key): mask it
                res.error = mask(res.error, self.config.headers.values())
                state.last_error, state.last_error_at = res.error, now
            elif res.batches:
                state.last_success_at = now
            self._save(state)
        self.last_result = res
        return res

    def _save(self, state: CursorState) -> None:
        state.span_ids, state.metric_ids = self._spans_sent.count, self._metrics_sent.count
        state.save(self.cursor_path)

    def _pass(self, state: CursorState, res: ExportResult) -> None:
        now = self._clock()
        self._metrics_down = False
        seen: set[tuple[int, int]] = set()
        work: list[tuple[FileCursor, Path, int]] = []
        for path in discover(self.dirs):
            try:
                st = path.stat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or path.name.endswith(".gz"):
                # A FIFO or directory named like telemetry would block; a rotated .gz holds
                # what was exported while it was live (a new identity would send it again).
                continue
            ident = (st.st_dev, st.st_ino)
            if ident in seen:
                continue  # a hard link to a file already handled
            seen.add(ident)
            cur = state.identify(path, st.st_dev, st.st_ino, st.st_size)
            work.append((cur, path, st.st_size))
        state.forget_missing(seen, now, FORGET_AFTER_S)
        # Runs first: a run's root span reaches the collector before its calls when both are new.
        work.sort(key=lambda w: (_is_calls_file(w[1]), str(w[1])))
        failed = False
        for cur, path, size in work:
            if not failed:
                failed = not self._drain(state, cur, path, size, res)
            res.backlog_bytes += max(0, size - cur.offset)

    def _read_batch(self, path: Path, start: int, size: int) -> tuple[list[tuple[int, bytes]], int]:
        """Complete lines from ``start`` (at most ``batch_size``): ``([(offset, line)], end)``."""
        want = self.config.batch_size
        block = min(MAX_BATCH_BYTES, max(64 << 10, want * 1024))
        # A whole last record without its newline is sent: it cannot grow into another one.
        return read_lines(path, start, size, want, block, whole_tail_ok=True)

    def _drain(
        self, state: CursorState, cur: FileCursor, path: Path, size: int, res: ExportResult
    ) -> bool:
        """Export one file up to ``size``; ``False`` when the collector refused a batch."""
        scope = next((sc for d, sc in self.scopes.items() if d == path or d in path.parents), None)
        # Metrics off (or a runs file): the metrics offset just follows the spans offset.
        sync_metrics = not (self.config.export_metrics and _is_calls_file(path))
        if sync_metrics:
            cur.metrics_offset = cur.offset
        while True:
            # A collector that refuses metrics (Jaeger has no metrics endpoint) must not hold
            # traces back: after a refusal this pass continues with spans only.
            metrics_on = not sync_metrics and not self._metrics_down
            lo = min(cur.offset, cur.metrics_offset) if metrics_on else cur.offset
            if lo >= size:
                return True
            try:
                lines, end = self._read_batch(path, lo, size)
            except OSError as exc:
                res.error = f"reading {path}: {exc.strerror or exc}"
                return False
            if end == lo:
                return True  # only a partial last line: wait for its newline
            got = self._mapper.map(
                path.name,
                lines,
                cur.offset,
                cur.metrics_offset if metrics_on else None,
                scope,
                (self._spans_sent, self._metrics_sent),
            )
            spans, acc = got.spans, got.acc
            res.records_skipped += got.skipped
            state.records_skipped += got.skipped
            state.last_skip_reason = got.last_skip or state.last_skip_reason
            res.duplicates += got.duplicates
            state.duplicates_skipped += got.duplicates
            try:
                if end > cur.offset:
                    self.sink.export_spans(spans)
                    self._sent.add("spans", self._spans_sent, got.new_spans)
                    cur.offset = end
                    res.spans += len(spans)
                    state.spans_exported += len(spans)
                if metrics_on and end > cur.metrics_offset:
                    series = acc.series()
                    try:
                        self.sink.export_metrics(series, acc.start_ns or 0, acc.end_ns or 0)
                    except ExportFailed as exc:
                        res.error = f"metrics: {exc}"
                        self._metrics_down = True
                    else:
                        self._sent.add("metrics", self._metrics_sent, got.new_metrics)
                        cur.metrics_offset = end
                        res.metric_points += sum(len(s.points) for s in series)
                        state.metric_batches += 1 if series else 0
                elif sync_metrics:
                    cur.metrics_offset = cur.offset
            except ExportFailed as exc:
                res.error = str(exc)
                return False
            finally:
                self._update_head(cur, path)
                self._save(state)
            res.batches += 1

    def _update_head(self, cur: FileCursor, path: Path) -> None:
        n = min(HEAD_BYTES, max(cur.offset, cur.metrics_offset))
        if n != cur.head_len:
            with contextlib.suppress(OSError):
                cur.head, cur.head_len = head_text(path, n), n

    # -- status ------------------------------------------------------------------------------
    def status(self) -> StatusReport:
        """Endpoint, backlog per file and the last error, read from the cursor (no network)."""
        return status_report(self.dirs, self.cursor_path, self.config)

    # -- background --------------------------------------------------------------------------
    def notify(self) -> None:
        """New data was written (a watcher event): export soon. Thread-safe, never blocks."""
        self._wake.set()

    def run(self, idle_s: float | None = None, backoff: Backoff | None = None) -> None:
        """Export until :meth:`stop`: after each pass wait for :meth:`notify` (or ``idle_s``);
        after a failure wait with exponential backoff, then retry."""
        bo = backoff or Backoff()
        while not self._stop.is_set():
            self._wake.clear()
            try:
                res = self.export_once()
            except Exception as exc:  # contain any bug: the worker must keep its host alive
                error = mask(f"{type(exc).__name__}: {exc}", self.config.headers.values())
                log.error("OTel export pass failed: %s", error)
                res = ExportResult(error=error)
            if self._stop.is_set():
                break
            if res.error and self.config.enabled:
                delay: float | None = bo.next()
                log.warning("OTel export: %s; retrying in %.1fs", res.error, delay)
            else:
                bo.reset()
                delay = idle_s
            self._wake.wait(delay)

    def start(
        self, idle_s: float | None = None, backoff: Backoff | None = None
    ) -> threading.Thread:
        """Run :meth:`run` in a daemon thread (one per exporter); returns the thread."""
        if self._thread is not None and self._thread.is_alive():
            return self._thread
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run,
            kwargs={"idle_s": idle_s, "backoff": backoff},
            name="empathy-otel-export",
            daemon=True,
        )
        self._thread.start()
        return self._thread

    def stop(self, timeout: float | None = None) -> None:
        """Ask the worker to finish after its current batch and wait up to ``timeout``."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def close(self) -> None:
        self.stop(timeout=self.config.timeout_s + 1)
        if self._sink is not None:
            self._sink.close()
