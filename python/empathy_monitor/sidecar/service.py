"""The sidecar's service: one Telemetry, one worker thread, the publisher, watcher and plugins.

Every touch of ``Telemetry`` runs on a single worker thread (FIFO, so requests and ingests never
overlap and the event loop stays free to answer and to notice stdin closing). Notifications are
sent from the event-loop thread only, through ``notify``.
"""

from __future__ import annotations

import asyncio
import logging
import mmap
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ..analytics import Filters, Telemetry, WindowSpec
from ..ingest.decode import decode_record
from . import protocol as P
from .export import export_csv
from .plugins import AlertEngine, ExportWorker, evaluate_alerts, open_alerts, open_otel
from .publisher import Publisher, Update, ViewKey
from .settings import Settings
from .source_index import SourceIndex, resolve
from .watcher import Batch, Watcher

log = logging.getLogger(__name__)

T = TypeVar("T")
PS = ParamSpec("PS")
Notify = Callable[[str, dict[str, Any]], None]
TOP_WORKFLOWS = 5  # as `empathy telemetry --json` (its --top default)


def filters_of(f: P.Filters) -> Filters:
    return Filters(f.workflow, f.provider, f.tier, f.model)


class Service:
    """Owns the data and answers the protocol's requests (handlers stay thin)."""

    def __init__(self, workspace: Path, settings: Settings, notify: Notify) -> None:
        self.workspace = workspace
        self.settings = settings
        self.notify = notify
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="empathy-telemetry")
        self.index = SourceIndex(workspace)
        self.watcher: Watcher | None = None
        self.alerts: AlertEngine | None = None
        self.otel: ExportWorker | None = None
        self.loaded: asyncio.Future[None] | None = None
        self._open(settings, None)

    def _open(self, settings: Settings, old: Publisher | None) -> None:
        self.settings = settings
        self.dirs = settings.dirs(self.workspace)
        self.tel = Telemetry(self.dirs, naive_tz=settings.naiveTimezone)
        pub = Publisher(self.tel, recent=settings.activityLimit, top=TOP_WORKFLOWS)
        if old is not None:  # keep versions monotonic and diff against what the client holds
            pub.version, pub.key, pub.last = old.version, old.key, old.last
            pub.health_sig = old.health_sig
        self.publisher = pub

    async def _call(self, fn: Callable[PS, T], *args: PS.args, **kw: PS.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, lambda: fn(*args, **kw))

    # -- life -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Start watching, then load in the background (requests queue behind the load)."""
        self.watcher = Watcher(self.dirs, self._on_batch, self.settings.debounceMs)
        self.watcher.start()
        self.alerts = open_alerts(self.workspace, self.dirs)
        if self.otel is None:
            self.otel = open_otel()
        loop = asyncio.get_running_loop()
        self.loaded = loop.run_in_executor(self.pool, self._load)
        self.loaded.add_done_callback(_log_failure)

    def _load(self) -> None:
        t0 = time.perf_counter()
        self.tel.refresh()
        self.publisher.health()
        log.info("loaded %d calls in %.2fs", self.tel.tables.calls.n, time.perf_counter() - t0)

    async def apply_settings(self, settings: Settings) -> None:
        """Switch to new settings without a restart: reload, re-watch, push what changed."""
        if self.watcher is not None:
            await self.watcher.stop()
        old = self.publisher
        await self._call(self._open, settings, old)
        await self.start()
        upd = await self._call(self._rebuild)
        self._publish(upd)

    def _rebuild(self) -> Update | None:
        from ..ingest.tailer import ReadResult

        return self.publisher.ingest(ReadResult(reset=True), check_health=True, rebuild=True)

    async def close(self) -> None:
        if self.watcher is not None:
            await self.watcher.stop()
        self.close_sync()

    def close_sync(self) -> None:
        """Stop and join every thread we started (idempotent; safe after the loop closed)."""
        if self.watcher is not None:
            self.watcher.stop_observer()
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.otel is not None:
            self.otel.close()
            self.otel = None
        if self.alerts is not None:
            try:
                self.alerts.close()
            except Exception:
                log.exception("alerts: close failed")
            self.alerts = None

    # -- live updates ---------------------------------------------------------------------
    async def _on_batch(self, batch: Batch) -> None:
        if batch.structural and self.watcher is not None:
            self.watcher.resync()
        only = None if batch.structural else sorted(batch.paths)
        upd, grew = await self._call(self._ingest, only, batch.structural)
        self._publish(upd)
        if grew and self.alerts is not None:
            fired = await self._call(evaluate_alerts, self.alerts, self.tel, time.time())
            if fired:
                self.notify(
                    P.DID_FIRE_ALERT, P.DidFireAlertParams(alerts=fired).model_dump(mode="json")
                )

    def _ingest(self, only: list[Path] | None, structural: bool) -> tuple[Update | None, bool]:
        res = self.tel.refresh(only)
        upd = self.publisher.ingest(res, check_health=structural)
        if self.otel is not None and res.calls[1] > res.calls[0] and not res.reset:
            self.otel.submit(self._records(*res.calls))
        return upd, res.changed

    def _records(self, start: int, end: int) -> list[dict[str, Any]]:
        t = self.tel.tables.calls
        out = []
        for f, o in zip(t.col("file")[start:end].tolist(), t.col("off")[start:end].tolist()):
            raw = self.tel.reader.read_line_at(f, o)
            d = decode_record(raw) if raw is not None else None
            if d is not None:
                out.append(d)
        return out

    def _publish(self, upd: Update | None) -> None:
        if upd is None:
            return
        if upd.changed:
            msg = P.DidUpdateParams(
                version=upd.version,
                baseVersion=upd.base_version,
                changed=P.normalize_sections(upd.changed),
            )
            self.notify(P.DID_UPDATE, msg.model_dump(mode="json"))
        if upd.health is not None:
            self.notify(
                P.DID_CHANGE_HEALTH, P.Health.model_validate(upd.health).model_dump(mode="json")
            )

    # -- requests -------------------------------------------------------------------------
    async def snapshot(self, p: P.SnapshotParams) -> dict[str, Any]:
        key = ViewKey(p.range, p.since, p.until, p.now, filters_of(p.filters))
        raw = await self._call(self.publisher.snapshot, key)
        raw["retention_days"] = self.settings.retentionDays
        raw["alerts"] = None
        return P.Snapshot.model_validate(raw).model_dump(mode="json")

    async def activity(self, p: P.ActivityParams) -> dict[str, Any]:
        limit = p.limit or self.settings.activityLimit
        rows, total = await self._call(self.tel.calls_page, p.offset, limit, filters_of(p.filters))
        res = P.ActivityResult.model_validate({"rows": rows, "total": total, "offset": p.offset})
        return res.model_dump(mode="json")

    async def export_csv(self, p: P.ExportCsvParams) -> dict[str, Any]:
        spec = WindowSpec(range=p.range, since=p.since, until=p.until, now=p.now)
        path, n = await self._call(
            export_csv, self.tel, self.workspace, p.path, spec, filters_of(p.filters)
        )
        return P.ExportCsvResult(path=str(path), rows=n).model_dump(mode="json")

    async def resolve_source(self, p: P.ResolveSourceParams) -> dict[str, Any]:
        record = await self._call(self._find_call, p.callId) if p.callId else None
        res = await self._call(
            resolve, self.workspace, self.index, p.workflowName, p.stepName, record
        )
        if res["uri"] is None:
            return P.SourceUnresolved(reason=res["reason"]).model_dump(mode="json")
        return P.SourceLocation(uri=res["uri"], line=res["line"]).model_dump(mode="json")

    def _find_call(self, call_id: str) -> dict[str, Any] | None:
        """The feed row of one call: the rows in memory first, else a scan of the call files."""
        for row in self.publisher.last.get("recent_calls") or []:
            if row.get("call_id") == call_id:
                return dict(row)
        needle = f'"{call_id}"'.encode()
        for fid, fs in sorted(self.tel.reader.files.items(), key=lambda kv: -kv[0]):
            if not fs.path.name.startswith("llm_calls"):
                continue
            try:
                with (
                    fs.path.open("rb") as fh,
                    mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m,
                ):
                    pos = m.rfind(needle)  # newest first
                    while pos >= 0:
                        start = m.rfind(b"\n", 0, pos) + 1
                        row = self.tel.row_at(fid, start)
                        if row is not None and row["call_id"] == call_id:
                            return row
                        pos = m.rfind(needle, 0, pos)
            except (OSError, ValueError):  # unreadable or empty file
                continue
        return None

    async def generate_demo(self, p: P.GenerateDemoParams) -> dict[str, Any]:
        from ..demo import generate

        target = self.dirs[0]
        calls, runs = await asyncio.to_thread(generate, target, p.calls, p.days)
        return P.GenerateDemoResult(calls=calls, runs=runs, dir=str(target)).model_dump(mode="json")


def _log_failure(fut: Future[Any] | asyncio.Future[Any]) -> None:
    if not fut.cancelled() and (exc := fut.exception()) is not None:
        log.error("loading telemetry failed: %s", exc, exc_info=exc)
