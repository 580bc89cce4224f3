"""Export telemetry files to an OTLP collector with an acknowledged, crash-safe cursor.

Every telemetry file (``llm_calls*.jsonl``, ``workflow_runs*.jsonl``, ``archive/`` included) has a
cursor entry keyed by its identity (device, inode and a hash of its first bytes, as in
``ingest.tailer``) with two byte offsets: how far its spans and how far its metrics were
acknowledged. An offset moves only after the collector accepted the batch, and the cursor file
``otel_cursor.json`` is replaced atomically (temp file, fsync, rename) after every batch. So:

* a collector that is down or slow delays export; nothing is skipped;
* a restart resumes where the last acknowledged batch ended (no duplicates, no gaps);
* a rotated file keeps its offset under its new name (same identity);
* a truncated or rewritten file (smaller than the offset, or a different head) starts over.

Only complete lines are exported; a torn last line waits for its newline. A line that is not a
usable record is counted and skipped, never retried forever.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import stat
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..ingest import format as formats
from ..ingest.format import discover
from ..ingest.formats.empathy_jsonl import decode_records
from ..ingest.identity import HEAD_BYTES, head_hash
from ..ingest.lines import count_lines, read_lines
from ..prices.columns import price_record
from ..prices.settings import load_pricing
from ..records import LLMCallRecord, cache_split
from ..redact import mask
from ..timeparse import TimestampParser
from ..workspace import RunScope
from .config import CURSOR_NAME, OtelConfig
from .mapping import (
    CallCost,
    MappingError,
    MetricAccumulator,
    SpanData,
    parse_record,
    record_to_spans,
)
from .sink import ExportFailed, SpanSink

log = logging.getLogger(__name__)

MAX_BATCH_BYTES = 8 << 20
FORGET_AFTER_S = 7 * 24 * 3600.0  # keep a vanished file's cursor this long (it may reappear)
CURSOR_VERSION = 1


# -- cursor -----------------------------------------------------------------------------------
@dataclass
class FileCursor:
    """How far one file identity has been acknowledged."""

    dev: int
    ino: int
    path: str
    offset: int = 0  # spans acknowledged through this byte
    metrics_offset: int = 0  # metrics acknowledged through this byte
    head_len: int = 0
    head: str = ""
    missing_since: float | None = None


@dataclass
class CursorState:
    """The content of ``otel_cursor.json``."""

    files: list[FileCursor] = field(default_factory=list)
    last_error: str | None = None
    last_error_at: float | None = None
    last_success_at: float | None = None
    spans_exported: int = 0
    metric_batches: int = 0
    records_skipped: int = 0
    last_skip_reason: str | None = None

    @classmethod
    def load(cls, path: Path) -> CursorState:
        """Read the cursor; a missing file is an empty cursor.

        An unreadable cursor is moved aside (``.corrupt``) and export starts over: re-sent spans
        keep their deterministic ids, so a backend can recognise them.
        """
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls()
        try:
            d = json.loads(raw)
            files = [FileCursor(**f) for f in d.get("files", [])]
            d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__ and k != "files"}
            return cls(files=files, **d)
        except (ValueError, TypeError, AttributeError) as exc:
            bad = path.with_name(path.name + ".corrupt")
            log.warning("OTel cursor %s unreadable (%s); moved to %s", path, exc, bad)
            with contextlib.suppress(OSError):
                os.replace(path, bad)
            return cls()

    def save(self, path: Path) -> None:
        """Replace the cursor file atomically (temp file in the same folder, fsync, rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        d = asdict(self)
        d["version"] = CURSOR_VERSION
        data = json.dumps(d, indent=1, sort_keys=True).encode()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)


def _head(path: Path, n: int) -> str:
    return head_hash(path, n).hex()  # the cursor keeps it as text


def _is_calls_file(path: Path) -> bool:
    return formats.holds(path, "call")


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[bool]:
    """An advisory lock so two exporters (CLI and sidecar) never send the same batch."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock; run one exporter at a time
        yield True
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- results ----------------------------------------------------------------------------------
@dataclass
class ExportResult:
    """What one :meth:`FileExporter.export_once` did."""

    spans: int = 0
    metric_points: int = 0
    batches: int = 0
    records_skipped: int = 0
    backlog_bytes: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class FileBacklog:
    path: str
    size: int
    offset: int
    metrics_offset: int
    backlog_bytes: int
    backlog_lines: int


@dataclass
class StatusReport:
    """``empathy otel status``: where export goes, what is left, what went wrong last."""

    config: dict[str, Any]
    cursor_path: str | None
    files: list[FileBacklog]
    backlog_bytes: int
    backlog_lines: int
    last_error: str | None
    last_error_at: float | None
    last_success_at: float | None
    spans_exported: int
    records_skipped: int
    last_skip_reason: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Backoff:
    """Exponential backoff with ±20 % jitter: 1, 2, 4 … up to ``maximum`` seconds."""

    def __init__(self, initial: float = 1.0, maximum: float = 60.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self.failures = 0

    def next(self) -> float:
        delay: float = min(self.maximum, self.initial * 2.0**self.failures)
        self.failures += 1
        return delay * random.uniform(0.8, 1.2)

    def reset(self) -> None:
        self.failures = 0


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
        # llm.cost is the workspace's cost mode, priced by the same book as the panel
        self._pricing = load_pricing(self.dirs)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_result: ExportResult | None = None
        self._metrics_down = False

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
        with _exclusive(self.cursor_path.with_name(self.cursor_path.name + ".lock")) as got:
            if not got:
                res.error = "another exporter holds the cursor lock"
                return res
            state = CursorState.load(self.cursor_path)
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
            cur = self._identify(state, path, st.st_dev, st.st_ino, st.st_size)
            work.append((cur, path, st.st_size))
        for cur in list(state.files):
            if (cur.dev, cur.ino) in seen:
                cur.missing_since = None
            elif cur.missing_since is None:
                cur.missing_since = now
            elif now - cur.missing_since > FORGET_AFTER_S:
                state.files.remove(cur)
        # Runs first: a run's root span reaches the collector before its calls when both are new.
        work.sort(key=lambda w: (_is_calls_file(w[1]), str(w[1])))
        failed = False
        for cur, path, size in work:
            if not failed:
                failed = not self._drain(state, cur, path, size, res)
            res.backlog_bytes += max(0, size - cur.offset)

    def _identify(
        self, state: CursorState, path: Path, dev: int, ino: int, size: int
    ) -> FileCursor:
        for cur in state.files:
            if (cur.dev, cur.ino) != (dev, ino):
                continue
            cur.path = str(path)
            try:
                same = _head(path, cur.head_len) == cur.head
            except OSError:
                same = False
            if size < max(cur.offset, cur.metrics_offset) or not same:
                log.info(
                    "OTel export: %s was truncated or replaced; exporting it from the start", path
                )
                cur.offset = cur.metrics_offset = cur.head_len = 0
                cur.head = ""
            return cur
        cur = FileCursor(dev=dev, ino=ino, path=str(path))
        state.files.append(cur)
        return cur

    def _cost(self, d: dict[str, Any], rec: LLMCallRecord) -> CallCost | None:
        """The call's cost in the workspace's mode and its cache tokens (None: unreadable)."""
        split = cache_split(d, rec.input_tokens)
        tin, cr, cw, cw1h = split if split is not None else (rec.input_tokens, 0, 0, 0)
        try:
            ts = self._parser.epoch(rec.timestamp)
        except (ValueError, IndexError, OverflowError):
            return None
        src, usd = price_record(
            self._pricing,
            self._pricing.workspace_mode,
            rec.provider,
            rec.model_id,
            ts,
            (tin, rec.output_tokens, cr, cw, cw1h),
            float(rec.estimated_cost),
            None if rec.actual_cost is None else float(rec.actual_cost),
            rec.success,
            str((rec.metadata or {}).get("source") or "empathy"),
        )
        return CallCost(usd, src, cr, cw + cw1h)

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
            spans: list[SpanData] = []
            acc = MetricAccumulator()
            for off, raw in lines:
                want_span = off >= cur.offset
                want_metric = metrics_on and off >= cur.metrics_offset
                if not raw.strip():
                    continue
                got: list[dict[str, Any] | None] = [*decode_records(raw)] or [None]
                for d in got:  # glued records: every one
                    try:
                        if d is None:
                            raise MappingError("not valid JSON")
                        rec = parse_record(d)
                        if scope is not None and (
                            isinstance(rec, LLMCallRecord)
                            or getattr(rec, "project", None) != scope.project
                        ):
                            continue  # another project's run in a shared folder: not ours
                        cost = self._cost(d, rec) if isinstance(rec, LLMCallRecord) else None
                        rec_spans = record_to_spans(rec, self._parser, cost)
                    except MappingError as exc:
                        if want_span:
                            res.records_skipped += 1
                            state.records_skipped += 1
                            state.last_skip_reason = f"{path.name} byte {off}: {exc}"
                        continue
                    if want_span:
                        spans.extend(rec_spans)
                    if want_metric and isinstance(rec, LLMCallRecord):
                        acc.add(rec, rec_spans[0], cost.usd if cost is not None else None)
            try:
                if end > cur.offset:
                    self.sink.export_spans(spans)
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
                cur.head, cur.head_len = _head(path, n), n

    # -- status ------------------------------------------------------------------------------
    def status(self) -> StatusReport:
        """Endpoint, backlog per file and the last error, read from the cursor (no network)."""
        state = CursorState.load(self.cursor_path)
        files: list[FileBacklog] = []
        for path in discover(self.dirs):
            try:
                st = path.stat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            offset = mo = 0
            for cur in state.files:
                if (cur.dev, cur.ino) == (st.st_dev, st.st_ino):
                    try:
                        same = _head(path, cur.head_len) == cur.head
                    except OSError:
                        same = False
                    if same and st.st_size >= cur.offset:
                        offset, mo = cur.offset, cur.metrics_offset
                    break
            files.append(
                FileBacklog(
                    path=str(path),
                    size=st.st_size,
                    offset=offset,
                    metrics_offset=mo,
                    backlog_bytes=st.st_size - offset,
                    backlog_lines=count_lines(path, offset, st.st_size),
                )
            )
        return StatusReport(
            config=self.config.redacted(),
            cursor_path=str(self.cursor_path),
            files=files,
            backlog_bytes=sum(f.backlog_bytes for f in files),
            backlog_lines=sum(f.backlog_lines for f in files),
            last_error=state.last_error,
            last_error_at=state.last_error_at,
            last_success_at=state.last_success_at,
            spans_exported=state.spans_exported,
            records_skipped=state.records_skipped,
            last_skip_reason=state.last_skip_reason,
        )

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
