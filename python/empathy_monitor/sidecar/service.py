"""The sidecar's service: one Telemetry, one worker thread, the publisher, watcher and plugins.

``Service`` is the life cycle (start, settings, watching, live updates, close) on top of its
requests (``service_requests``, ``service_alerts``) and its state and worker-thread work
(``service_state``: every touch of ``Telemetry`` runs on one worker thread, FIFO, and
notifications are sent from the event-loop thread only).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from . import sources as agent_sources
from .budgets import BudgetsPlugin
from .plugins import open_alerts, open_otel
from .service_requests import (
    SOURCE_TIMEOUT_S,
    WARM_IDLE_S,
    WARM_RANGES,
    ServiceRequests,
    filters_of,
)
from .service_state import PRICE_FILES, TAIL_SETTLE_S, TOP_WORKFLOWS, Notify, _log_failure
from .settings import Settings
from .watcher import Batch, Watcher

log = logging.getLogger(__name__)

__all__ = [
    "ALERTS_CONFIG",
    "PRICE_FILES",
    "RULE_FILES",
    "SOURCE_TIMEOUT_S",
    "TAIL_SETTLE_S",
    "TOP_WORKFLOWS",
    "WARM_IDLE_S",
    "WARM_RANGES",
    "Notify",
    "Service",
    "filters_of",
]
ALERTS_CONFIG = "alerts.yaml"
RULE_FILES = frozenset({ALERTS_CONFIG, "budgets.yaml"})


class Service(ServiceRequests):
    """Owns the data and answers the protocol's requests (handlers stay thin)."""

    # -- life -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Start watching and the plugins, then load in the background (requests queue behind)."""
        watched = self.dirs + [s.path if s.path.is_dir() else s.path.parent for s in self.bound]
        self.watcher = Watcher(
            watched, self._on_batch, self.settings.debounceMs, [s.path for s in self.bound]
        )
        try:
            self.watcher.start()
        except Exception as exc:  # e.g. no inotify on a network drive
            log.error("file watching unavailable: %s", exc)
            await self.watcher.stop()
            self.watcher = None
            self._start_fallback()
        self.alerts = open_alerts(self.config_dirs, self.tel, self.settings.alertActions)
        if self.alerts is not None:
            self.budgets = BudgetsPlugin(self.alerts, self.settings.alertActions)
        own = self.tel.own_dirs  # the cursor lives with the telemetry it follows
        self.otel = open_otel([*own, *(d for d in self.config_dirs if d not in own)], self.layout)
        self.receiver.start(self.settings, self.dirs)
        loop = asyncio.get_running_loop()
        self.loaded = loop.run_in_executor(self.pool, self._load)
        self.loaded.add_done_callback(_log_failure)
        self.loaded.add_done_callback(self._after_load)

    def _after_load(self, fut: asyncio.Future[None]) -> None:
        """Rules see the data already on disk at start, not only what is appended later."""
        ok = not fut.cancelled() and fut.exception() is None
        budgets = self.budgets is not None and self.budgets.enabled()
        if ok and self.alerts is not None and (self.alerts.enabled() or budgets):
            self._schedule_alerts()

    def _start_fallback(self) -> None:
        """Re-read on a timer, ONLY because watching failed and the user asked for it."""
        secs = self.settings.refreshFallbackSeconds
        if secs <= 0:
            log.warning("no live updates: set empathy.refreshFallbackSeconds to re-read on a timer")
            return
        log.warning("re-reading every %gs (refreshFallbackSeconds)", secs)

        async def tick() -> None:
            while True:
                await asyncio.sleep(secs)
                try:
                    await self._on_batch(Batch(structural=True))
                except Exception:
                    log.exception("fallback re-read failed")

        self.fallback = asyncio.get_running_loop().create_task(tick(), name="empathy-fallback")

    async def apply_settings(self, settings: Settings) -> None:
        """Switch to new settings without a restart: reload, re-watch, push what changed."""
        await self._stop_watching()
        self._close_plugins()
        old = self.publisher
        await self._call(self._open, settings, old)
        await self.start()
        upd = await self._call(self._rebuild)
        self._publish(upd)

    async def _stop_watching(self) -> None:
        if self._settle is not None:
            self._settle.cancel()
            self._settle = None
        if self.fallback is not None:
            self.fallback.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.fallback
            self.fallback = None
        if self.watcher is not None:
            await self.watcher.stop()
            self.watcher = None

    async def close(self) -> None:
        if self._warm_task is not None:
            self._warm_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._warm_task
        await self._stop_watching()
        if self._alert_task is not None:
            with contextlib.suppress(Exception):
                await self._alert_task
        self.close_sync()

    def _close_plugins(self) -> None:
        self.receiver.stop()
        if self.otel is not None:
            try:
                self.otel.close()
            except Exception:
                log.exception("otel: close failed")
            self.otel = None
        self.budgets = None
        if self.alerts is not None:
            self.alerts.close()
            self.alerts = None

    def close_sync(self) -> None:
        """Stop and join every thread we started (idempotent; safe after the loop closed)."""
        if self.watcher is not None:
            self.watcher.stop_observer()
        self.pool.shutdown(wait=True, cancel_futures=True)
        t = self.tel.tables
        if self._saved is not None and self._saved != (t.calls.n, t.runs.n):
            self._save_cache()
        self._close_plugins()

    # -- live updates ---------------------------------------------------------------------
    async def _on_batch(self, batch: Batch) -> None:
        if batch.structural and self.watcher is not None:
            self.watcher.resync()
        only = None if batch.structural else sorted(batch.paths)
        upd, grew = await self._call(self._ingest, only, batch.structural)
        self._settle_later()
        self._publish(upd)  # the panel first; plugins after
        if grew and self.otel is not None:
            self.otel.notify()
        rules_touched = any(p.name in RULE_FILES for p in batch.paths)
        if (grew or rules_touched) and self.alerts is not None:
            self._schedule_alerts()
        if grew and self.mirror is not None:
            # After the panel's update: a pass over every tracked file and a state write,
            # which grow with the number of transcripts, not with the appended line.
            await self._call(agent_sources.sync, self.mirror, self.tel)

    def _settle_later(self) -> None:
        """Read again once a whole unterminated last line has waited out its settle time."""
        tail, self._tail = self._tail, None
        if tail is None:
            return
        if self._settle is not None:
            self._settle.cancel()
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._settle = None
            self._settle_task = loop.create_task(self._on_batch(Batch(paths=set(tail[1]))))

        self._settle = loop.call_later(tail[0] + 0.02, fire)
