"""The service's state and what runs on its worker thread: load, ingest, reload, publish.

Every touch of ``Telemetry`` runs on a single worker thread (FIFO, so requests and ingests never
overlap and the event loop stays free to answer and to notice stdin closing): ``_call`` sends a
function there. Notifications are sent from the event-loop thread only, through ``notify``
(``_publish``). The requests (``service_alerts``, ``service_requests``) and the life cycle
(``service.Service``) build on this class, one layer each.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ..ingest import statecache
from ..prices.settings import load_pricing
from ..telemetry import Telemetry
from . import lenses
from . import protocol as P
from . import sources as agent_sources
from .budgets import BudgetsPlugin
from .clip import clip_sections
from .plugins import AlertsPlugin, OtelExporter
from .publisher import Publisher, Update
from .settings import Settings
from .source_index import SourceIndex
from .watcher import Watcher

log = logging.getLogger(__name__)

T = TypeVar("T")
PS = ParamSpec("PS")
Notify = Callable[[str, dict[str, Any]], None]
TOP_WORKFLOWS = 5  # as `empathy telemetry --json` (its --top default)
PRICE_FILES = ("prices.yaml", "monitoring.yaml")
TAIL_SETTLE_S = 1.0  # a whole last line without its newline is counted after this long


class ServiceState:
    """Owns the data: the telemetry, the publisher, the lens numbers, the plugins' handles."""

    def __init__(self, workspace: Path, settings: Settings, notify: Notify) -> None:
        self.workspace = workspace
        self.settings = settings
        self.notify = notify
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="empathy-telemetry")
        self.index = SourceIndex(workspace)
        self.lenses = lenses.LensCache()
        self.watcher: Watcher | None = None
        self.alerts: AlertsPlugin | None = None
        self.budgets: BudgetsPlugin | None = None
        self.otel: OtelExporter | None = None
        self.loaded: asyncio.Future[None] | None = None
        self.fallback: asyncio.Task[None] | None = None
        self._alert_task: asyncio.Task[None] | None = None
        self._warm_task: asyncio.Task[None] | None = None
        self._last_call = 0.0  # monotonic time of the last request/ingest on the worker
        self._alert_again = False
        self._saved: tuple[int, int] | None = None  # rows in the index cache last written
        self.receiver = agent_sources.ReceiverPlugin()
        self._tail: tuple[float, list[Path]] | None = None  # set by _ingest: settle, then re-read
        self._settle: asyncio.TimerHandle | None = None
        self._settle_task: asyncio.Task[None] | None = None
        self._open(settings, None)

    def _open(self, settings: Settings, old: Publisher | None) -> None:
        self.settings = settings
        self.layout = settings.layout(self.workspace)
        self.dirs = self.layout.dirs
        self.config_dirs = settings.config_dirs(self.workspace)
        self.bound = agent_sources.bindings(settings, self.workspace)  # enabled agents only
        self.mirror = agent_sources.mirror_of(settings, self.dirs)
        self.tel = Telemetry(
            self.dirs,
            naive_tz=settings.naiveTimezone,
            sources=self.bound,
            settle_s=TAIL_SETTLE_S,
            pricing=load_pricing(self.dirs),
            scopes=self.layout.scopes,
        )
        pub = Publisher(self.tel, recent=settings.activityLimit, top=TOP_WORKFLOWS)
        if old is not None:  # keep versions monotonic and diff against what the client holds
            pub.version, pub.key, pub.last = old.version, old.key, old.last
            pub.health_sig = old.health_sig
        self.publisher = pub

    async def _call(self, fn: Callable[PS, T], *args: PS.args, **kw: PS.kwargs) -> T:
        self._last_call = time.monotonic()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, lambda: fn(*args, **kw))
        finally:
            self._last_call = time.monotonic()

    def _load(self) -> None:
        t0 = time.perf_counter()
        warm = False
        try:
            warm = self.tel.load_cache(self._cache_path())
        except Exception:  # a cache is an optimisation: never a reason not to start
            log.exception("index cache unusable; reading everything")
        self.tel.refresh()
        agent_sources.sync(self.mirror, self.tel)
        self._lenses_after_load()
        self.publisher.health()
        log.info(
            "loaded %d calls in %.2fs (%s)",
            self.tel.tables.calls.n,
            time.perf_counter() - t0,
            "warm start: only appended bytes parsed" if warm else "cold start",
        )
        self._save_cache()

    def _lenses_after_load(self) -> None:
        """Every kept lens window rebuilt, and the lens range in use built before it is asked."""
        self.lenses.after_ingest(self.tel, True)
        if self.settings.codeLens.enabled:
            self.lenses.warm(self.tel, self.settings.codeLens.range)

    def _cache_path(self) -> Path:
        return statecache.cache_path(
            self.dirs, self.settings.naiveTimezone, self.layout.scopes, self.bound
        )

    def _save_cache(self) -> None:
        """Remember the reader's state so the next start parses only what is new."""
        t = self.tel.tables
        try:
            self.tel.save_cache(self._cache_path())
            self._saved = (t.calls.n, t.runs.n)
        except OSError as exc:
            log.warning("could not write the index cache: %s", exc)

    def _rebuild(self, force: bool = False) -> Update | None:
        from ..ingest.tailer import ReadResult

        return self.publisher.ingest(
            ReadResult(reset=True), check_health=True, rebuild=True, force=force
        )

    def _ingest(self, only: list[Path] | None, structural: bool) -> tuple[Update | None, bool]:
        prices_touched = only is None or any(p.name in PRICE_FILES for p in only)
        res = self.tel.refresh(only)
        if res.tail_wait is not None:
            self._tail = (res.tail_wait, res.tail_paths)
        rebuild = False
        if prices_touched:  # prices.yaml or cost_mode may have changed: reprice if they did
            fresh = load_pricing(self.dirs)
            old = self.tel.pricing
            if (fresh.book.user, fresh.errors, fresh.workspace_mode, fresh.subscribed) != (
                old.book.user,
                old.errors,
                old.workspace_mode,
                old.subscribed,
            ):
                old.workspace_mode, old.prices_file = fresh.workspace_mode, fresh.prices_file
                old.subscribed = fresh.subscribed  # sources' billing (monitoring.yaml sources:)
                self.tel.reprice(fresh.book, fresh.errors)
                rebuild = True
        self.lenses.after_ingest(self.tel, res.reset or rebuild)
        upd = self.publisher.ingest(res, check_health=structural, rebuild=rebuild)
        # The mirror of agent rows is synced after the update is published (Service._on_batch).
        return upd, res.changed or res.reset or rebuild

    def _reload(self) -> tuple[Update | None, int]:
        """Drop every bit of reader state and read all files again (telemetry thread)."""
        self._open(self.settings, self.publisher)
        self.tel.refresh()
        self._lenses_after_load()
        self._save_cache()
        if self.alerts is not None:
            self.alerts.set_telemetry(self.tel)
        upd = self._rebuild(force=True)
        return upd, self.tel.tables.calls.n + self.tel.tables.runs.n

    def _publish(self, upd: Update | None) -> None:
        if upd is None:
            return
        if upd.changed:
            msg = P.DidUpdateParams(
                version=upd.version,
                baseVersion=upd.base_version,
                changed=clip_sections(upd.changed),  # already in wire form (Publisher._render)
            )
            self.notify(P.DID_UPDATE, msg.model_dump(mode="json"))
        if upd.health is not None:
            self.notify(
                P.DID_CHANGE_HEALTH, P.Health.model_validate(upd.health).model_dump(mode="json")
            )


def _log_failure(fut: Future[Any] | asyncio.Future[Any]) -> None:
    if not fut.cancelled() and (exc := fut.exception()) is not None:
        log.error("loading telemetry failed: %s", exc, exc_info=exc)
