"""The sidecar's service: one Telemetry, one worker thread, the publisher, watcher and plugins.

Every touch of ``Telemetry`` runs on a single worker thread (FIFO, so requests and ingests never
overlap and the event loop stays free to answer and to notice stdin closing). Notifications are
sent from the event-loop thread only, through ``notify``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ..analytics import Filters, WindowSpec
from ..analytics.sections import CallRow
from ..ingest import statecache
from ..ingest.format import holds
from ..ingest.lines import rfind_lines
from ..prices.settings import add_price, load_pricing
from ..prices.sources import COST_MODES
from ..telemetry import Telemetry
from . import history, lenses
from . import protocol as P
from . import sources as agent_sources
from .bounded import run_bounded
from .budgets import BudgetsPlugin
from .clip import clip_rows, clip_sections
from .export import export_csv
from .outline import EMPTY as EMPTY_OUTLINE
from .outline import Outline
from .plugins import AlertsPlugin, OtelExporter, open_alerts, open_otel
from .publisher import Publisher, Update, ViewKey
from .settings import Settings
from .source_index import SourceIndex, resolve
from .watcher import Batch, Watcher

log = logging.getLogger(__name__)

T = TypeVar("T")
PS = ParamSpec("PS")
Notify = Callable[[str, dict[str, Any]], None]
TOP_WORKFLOWS = 5  # as `empathy telemetry --json` (its --top default)
ALERTS_CONFIG = "alerts.yaml"
RULE_FILES = frozenset({ALERTS_CONFIG, "budgets.yaml"})
WARM_RANGES = ("today", "7d", "30d", "all")
PRICE_FILES = ("prices.yaml", "monitoring.yaml")
# Other ranges are pre-built only after this long without a request or an ingest, so a pre-build
# never sits in front of work the user is waiting for.
WARM_IDLE_S = 0.5
# resolveSource walks and parses the workspace (20,000 files at most); beyond this it is stuck.
SOURCE_TIMEOUT_S = 15.0
TAIL_SETTLE_S = 1.0  # a whole last line without its newline is counted after this long


def filters_of(f: P.Filters) -> Filters:
    return Filters(**f.model_dump())


class Service:
    """Owns the data and answers the protocol's requests (handlers stay thin)."""

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

    # -- life -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Start watching and the plugins, then load in the background (requests queue behind)."""
        watched = self.dirs + [s.path if s.path.is_dir() else s.path.parent for s in self.bound]
        self.watcher = Watcher(watched, self._on_batch, self.settings.debounceMs)
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
        return statecache.cache_path(self.dirs, self.settings.naiveTimezone, self.layout.scopes)

    def _save_cache(self) -> None:
        """Remember the reader's state so the next start parses only what is new."""
        t = self.tel.tables
        try:
            self.tel.save_cache(self._cache_path())
            self._saved = (t.calls.n, t.runs.n)
        except OSError as exc:
            log.warning("could not write the index cache: %s", exc)

    async def apply_settings(self, settings: Settings) -> None:
        """Switch to new settings without a restart: reload, re-watch, push what changed."""
        await self._stop_watching()
        self._close_plugins()
        old = self.publisher
        await self._call(self._open, settings, old)
        await self.start()
        upd = await self._call(self._rebuild)
        self._publish(upd)

    def _rebuild(self, force: bool = False) -> Update | None:
        from ..ingest.tailer import ReadResult

        return self.publisher.ingest(
            ReadResult(reset=True), check_health=True, rebuild=True, force=force
        )

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

    def _ingest(self, only: list[Path] | None, structural: bool) -> tuple[Update | None, bool]:
        prices_touched = only is None or any(p.name in PRICE_FILES for p in only)
        res = self.tel.refresh(only)
        if res.tail_wait is not None:
            self._tail = (res.tail_wait, res.tail_paths)
        rebuild = False
        if prices_touched:  # prices.yaml or cost_mode may have changed: reprice if they did
            fresh = load_pricing(self.dirs)
            old = self.tel.pricing
            if (fresh.book.user, fresh.errors, fresh.workspace_mode) != (
                old.book.user,
                old.errors,
                old.workspace_mode,
            ):
                old.workspace_mode, old.prices_file = fresh.workspace_mode, fresh.prices_file
                self.tel.reprice(fresh.book, fresh.errors)
                rebuild = True
        self.lenses.after_ingest(self.tel, res.reset or rebuild)
        upd = self.publisher.ingest(res, check_health=structural, rebuild=rebuild)
        if res.changed:
            agent_sources.sync(self.mirror, self.tel)
        return upd, res.changed or res.reset or rebuild

    # -- alerts ---------------------------------------------------------------------------
    def _schedule_alerts(self) -> None:
        """Evaluate soon, without holding up the caller; evaluations coalesce, never pile up."""
        if self._alert_task is not None and not self._alert_task.done():
            self._alert_again = True
            return
        self._alert_task = asyncio.get_running_loop().create_task(self._evaluate_alerts())

    async def _evaluate_alerts(self) -> None:
        again = True
        while again:
            self._alert_again = False
            try:
                await self._alerts_round(time.time())
            except Exception:
                log.exception("alerts: evaluation failed")
            again = self._alert_again

    async def _alerts_round(self, now: float) -> tuple[int, int, int]:
        plugin = self.alerts
        if plugin is None:
            return 0, 0, 0
        n, fired, resolved, status = await self._call(plugin.evaluate, now)
        budgets = self.budgets
        section: dict[str, Any] | None = None
        if budgets is not None:
            _, section, changed = await self._call(budgets.evaluate, now)
            if not changed:
                section = None
        self._send_alerts(plugin, status)
        if section is not None:
            self.notify(
                P.DID_CHANGE_BUDGETS,
                P.BudgetsSection.model_validate(section).model_dump(mode="json"),
            )
        return n, fired, resolved

    def _send_alerts(self, plugin: AlertsPlugin, status: dict[str, Any] | None) -> None:
        """Push what the engine produced (event-loop thread only)."""
        for payload in plugin.take_fired():
            try:
                msg = P.DidFireAlertParams.model_validate(payload)
            except Exception:
                log.exception("alerts: bad VS Code payload %r", payload)
                continue
            self.notify(P.DID_FIRE_ALERT, msg.wire())
        if status is not None:
            self.notify(
                P.DID_CHANGE_ALERTS, P.AlertsStatus.model_validate(status).model_dump(mode="json")
            )

    def _alerts_or_raise(self) -> AlertsPlugin:
        if self.alerts is None or not self.alerts.enabled():
            where = self.config_dirs[0] / "alerts.yaml" if self.config_dirs else "alerts.yaml"
            raise ValueError(f"no alerts configured ({where} does not exist)")
        return self.alerts

    async def alerts_status(self) -> dict[str, Any]:
        plugin = self.alerts
        if plugin is None:
            raise ValueError("alerts are unavailable (no telemetry directory)")
        st = await self._call(plugin.current_status)
        return P.AlertsStatus.model_validate(st).model_dump(mode="json")

    async def test_alert(self, p: P.TestAlertParams) -> dict[str, Any]:
        plugin = self._alerts_or_raise()
        try:
            res = await self._call(plugin.test_rule, p.rule)
        except KeyError:
            raise ValueError(f"no rule named {p.rule!r} in {plugin.config_path}") from None
        return P.TestAlertResult.model_validate(res).model_dump(mode="json")

    async def check_alerts(self) -> dict[str, Any]:
        plugin = self._alerts_or_raise()
        n, fired, resolved = await self._alerts_round(time.time())
        if plugin.delivery is not None:
            await asyncio.get_running_loop().run_in_executor(None, plugin._deliver)
        return P.CheckAlertsResult(evaluated=n, fired=fired, resolved=resolved).model_dump(
            mode="json"
        )

    async def alert_metrics(self) -> dict[str, Any]:
        from ..alerts.catalog import WIZARD_METRICS

        return P.AlertMetricsResult(
            metrics=[P.AlertMetric(**m._asdict()) for m in WIZARD_METRICS]
        ).model_dump(mode="json")

    async def init_alerts(self, p: P.InitAlertsParams) -> dict[str, Any]:
        from ..alerts.cli import build_rule, render_config
        from ..alerts.rules import METRICS, load_rules

        if p.metric not in METRICS:
            raise ValueError(f"unknown metric {p.metric!r}; one of {', '.join(METRICS)}")
        if p.channel in ("webhook", "email") and not p.target:
            raise ValueError(f"target is required for the {p.channel} channel")
        target_dir = self.alerts.engine.dir if self.alerts is not None else self.config_dirs[0]
        path = target_dir / "alerts.yaml"
        if path.exists() and not p.overwrite:
            raise ValueError(f"{path} already exists (pass overwrite: true to replace it)")
        rule = build_rule(
            p.metric,
            p.threshold,
            p.target if p.channel == "webhook" else None,
            p.target if p.channel == "email" else None,
            p.channel == "stdout",
        )
        rule["actions"].append({"type": "vscode"})  # written from VS Code: show it there too
        text = render_config(rule)
        problems = load_rules(text).errors
        if problems:
            raise ValueError("; ".join(problems))
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_text, text, encoding="utf-8")
        self._schedule_alerts()
        return P.InitAlertsResult(configPath=str(path)).model_dump(mode="json")

    async def set_budget(self, p: P.SetBudgetParams) -> dict[str, Any]:
        from pydantic import ValidationError

        from ..budgets.config import Budget

        plugin = self.budgets
        if plugin is None:
            raise ValueError("budgets are unavailable (no telemetry directory)")
        fields = p.model_dump(exclude_none=True)
        try:
            # Set from VS Code: its levels show there (the other channels via `empathy budget set`).
            budget = Budget.model_validate({**fields, "channels": ["vscode"]})
        except ValidationError as exc:
            raise ValueError(str(exc.errors()[0]["msg"])) from exc
        path = await self._call(plugin.set_budget, budget)
        self._schedule_alerts()
        return P.SetBudgetResult(configPath=str(path), name=budget.name).model_dump(mode="json")

    async def enable_source(self, p: P.EnableSourceParams) -> dict[str, Any]:
        """The settings value that turns ``p.source`` on; the extension writes it (and restarts)."""
        res = agent_sources.enable(self.settings, p.source)
        return P.EnableSourceResult.model_validate(res).model_dump(mode="json")

    # -- refresh and history ---------------------------------------------------------------
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

    async def refresh(self) -> dict[str, Any]:
        t0 = time.perf_counter()
        upd, records = await self._call(self._reload)
        ms = (time.perf_counter() - t0) * 1000
        self._publish(upd)
        if self.alerts is not None:
            self._schedule_alerts()
        return P.RefreshResult(durationMs=round(ms, 1), records=records).model_dump(mode="json")

    async def clear_history(self) -> dict[str, Any]:
        def run() -> tuple[str, list[str], Update | None]:
            archive, moved = history.clear(self.tel.own_dirs)  # never a shared folder
            upd, _ = self._reload()
            return archive, moved, upd

        archive, moved, upd = await self._call(run)
        self._publish(upd)
        if self.otel is not None:
            self.otel.notify()
        if self.alerts is not None:
            self._schedule_alerts()
        return P.ClearHistoryResult(archiveDir=archive, moved=moved).model_dump(mode="json")

    async def undo_clear_history(self, p: P.UndoClearHistoryParams) -> dict[str, Any]:
        def run() -> tuple[list[str], Update | None]:
            name = history.archive_name(p.archiveDir, self.tel.own_dirs)
            restored = history.undo(self.tel.own_dirs, name)
            upd, _ = self._reload()
            return restored, upd

        restored, upd = await self._call(run)
        self._publish(upd)
        if self.otel is not None:
            self.otel.notify()
        if self.alerts is not None:
            self._schedule_alerts()
        return P.UndoClearHistoryResult(restored=restored).model_dump(mode="json")

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

    # -- requests -------------------------------------------------------------------------
    async def snapshot(self, p: P.SnapshotParams) -> dict[str, Any]:
        # cost_mode None follows the workspace's mode (also when monitoring.yaml changes it)
        key = ViewKey(p.range, p.since, p.until, p.now, filters_of(p.filters), p.cost_mode)
        raw = await self._call(self._snapshot, key)
        raw["retention_days"] = self.settings.retentionDays
        out = P.Snapshot.model_validate(raw).model_dump(mode="json")
        if key.relative:
            self._warm_ranges(key)
        return out

    def _warm_ranges(self, key: ViewKey) -> None:
        """Pre-build the other standard ranges so a later range switch is a cache hit; one at a
        time and only while idle (see WARM_IDLE_S). A newer snapshot replaces the plan."""
        if self._warm_task is not None and not self._warm_task.done():
            self._warm_task.cancel()
        self._warm_task = asyncio.get_running_loop().create_task(self._warm_when_idle(key))
        self._warm_task.add_done_callback(_log_failure)

    async def _warm_when_idle(self, key: ViewKey) -> None:
        loop = asyncio.get_running_loop()
        # The other cost modes of this view first (the toggle then switches from the cache in a
        # few ms instead of a full build), then the other ranges.
        shown = key.cost_mode or self.tel.cost_mode
        others = [replace(key, cost_mode=m) for m in COST_MODES if m != shown]
        others += [
            ViewKey(rng, None, None, None, key.filters, key.cost_mode) for rng in WARM_RANGES
        ]
        for other in others:
            while True:
                idle = time.monotonic() - self._last_call
                if idle >= WARM_IDLE_S:
                    break
                await asyncio.sleep(WARM_IDLE_S - idle)
            if other != key and other not in self.publisher.cache:
                await loop.run_in_executor(self.pool, self.publisher.warm, other)

    def _snapshot(self, key: ViewKey) -> dict[str, Any]:
        raw = clip_sections(self.publisher.snapshot(key))
        plugin = self.alerts
        raw["alerts"] = plugin.current_status() if plugin is not None and plugin.enabled() else None
        raw["budgets"] = self.budgets.section(time.time()) if self.budgets is not None else None
        raw["offers"] = agent_sources.offers(self.settings, self.workspace)  # stat only
        return raw

    async def dimension_values(self, p: P.DimensionValuesParams) -> dict[str, Any]:
        """Values of a dimension in the current window matching a prefix (the dropdowns)."""
        if self.loaded is not None:
            await asyncio.shield(self.loaded)
        rows, total = await self._call(
            self.publisher.dimension_values, p.dimension, p.prefix, p.limit
        )
        values = [{"value": v, "calls": n, "cost": c} for v, n, c in rows]
        return {"dimension": p.dimension, "values": values, "total": total}

    async def activity(self, p: P.ActivityParams) -> dict[str, Any]:
        limit = p.limit or self.settings.activityLimit
        rows, total = await self._call(self.tel.calls_page, p.offset, limit, filters_of(p.filters))
        page = {"rows": clip_rows(rows), "total": total, "offset": p.offset}
        return P.ActivityResult.model_validate(page).model_dump(mode="json")

    async def call_detail(self, p: P.CallDetailParams) -> dict[str, Any]:
        """The whole row of one call (the wire's rows are clipped); ValueError if unknown."""
        row = await self._call(self._find_call, p.callId)
        if row is None:
            raise ValueError(f"no call with call_id {p.callId!r}")
        return CallRow.model_validate(row).model_dump(mode="json")

    async def export_csv(self, p: P.ExportCsvParams) -> dict[str, Any]:
        spec = WindowSpec(range=p.range, since=p.since, until=p.until, now=p.now)
        path, n = await self._call(
            export_csv,
            self.tel,
            self.workspace,
            p.path,
            spec,
            filters_of(p.filters),
            self.dirs,
            p.overwrite,
            p.cost_mode,
        )
        return P.ExportCsvResult(path=str(path), rows=n).model_dump(mode="json")

    async def add_price(self, p: P.AddPriceParams) -> dict[str, Any]:
        """Append a prices.yaml stub for one model (the panel opens it at ``line``)."""
        path, line, created = await self._call(add_price, self.dirs, p.model, p.provider)
        return P.AddPriceResult(path=str(path), line=line, created=created).model_dump(mode="json")

    async def resolve_source(self, p: P.ResolveSourceParams) -> dict[str, Any]:
        record = await self._call(self._find_call, p.callId) if p.callId else None
        # Off the telemetry worker and bounded: it reads the user's workspace files.
        try:
            res = await run_bounded(
                lambda: resolve(self.workspace, self.index, p.workflowName, p.stepName, record),
                SOURCE_TIMEOUT_S,
                "empathy-source-index",
            )
        except asyncio.TimeoutError:  # TimeoutError itself only from 3.11 on
            log.warning("resolveSource: gave up after %gs", SOURCE_TIMEOUT_S)
            reason = (
                f"looking for the source took longer than {SOURCE_TIMEOUT_S:g} s (a slow or "
                "unreadable file or mount in the workspace?); other requests are unaffected"
            )
            return P.SourceUnresolved(reason=reason).model_dump(mode="json")
        if res["uri"] is None:
            return P.SourceUnresolved(reason=res["reason"]).model_dump(mode="json")
        return P.SourceLocation(uri=res["uri"], line=res["line"]).model_dump(mode="json")

    async def code_lenses(self, p: P.CodeLensesParams) -> dict[str, Any]:
        """Lenses of one document: its outline off the worker (bounded, it reads a user file),
        numbers from the worker only when the document defines or names a known workflow."""
        path = lenses.path_of(p.uri)
        rng = p.range or self.settings.codeLens.range
        try:
            outline = await run_bounded(
                lambda: self.index.outline(path), SOURCE_TIMEOUT_S, "empathy-source-index"
            )
        except asyncio.TimeoutError:
            log.warning("codeLenses: reading %s took longer than %gs", path, SOURCE_TIMEOUT_S)
            outline = EMPTY_OUTLINE
        if not lenses.worth_numbers(outline, self.lenses.known):
            window = self.tel.window(WindowSpec(range=rng, now=p.now))
            res = lenses.result(
                p.uri, rng, outline, None, self.lenses.known, self.tel.parser, window
            )
        else:
            res = await self._call(self._code_lenses, p.uri, rng, p.now, outline)
        return P.CodeLensesResult.model_validate(res).model_dump(mode="json")

    def _code_lenses(self, uri: str, rng: str, now: str | None, outline: Outline) -> dict[str, Any]:
        self.lenses.refresh_known(self.tel.tables)
        wn = self.lenses.numbers(self.tel, rng, now)
        return lenses.result(uri, rng, outline, wn, self.lenses.known, self.tel.parser, wn.window)

    def _find_call(self, call_id: str) -> dict[str, Any] | None:
        """The feed row of one call: the rows in memory first, else a scan of the call files."""
        for row in self.publisher.last.get("recent_calls") or []:
            if row.get("call_id") == call_id:
                return dict(row)
        needle = f'"{call_id}"'.encode()
        for fid, fs in sorted(self.tel.reader.files.items(), key=lambda kv: -kv[0]):
            if not holds(fs.path, "call"):
                continue
            try:
                for start in rfind_lines(fs.path, needle):  # newest first
                    row = self.tel.row_at(fid, start)
                    if row is not None and row["call_id"] == call_id:
                        return row
            except (OSError, ValueError):  # unreadable or empty file
                continue
        return None

    async def generate_demo(self, p: P.GenerateDemoParams) -> dict[str, Any]:
        from ..demo import generate

        target = self.tel.own_dirs[0]
        calls, runs = await asyncio.to_thread(generate, target, p.calls, p.days)
        return P.GenerateDemoResult(calls=calls, runs=runs, dir=str(target)).model_dump(mode="json")


def _log_failure(fut: Future[Any] | asyncio.Future[Any]) -> None:
    if not fut.cancelled() and (exc := fut.exception()) is not None:
        log.error("loading telemetry failed: %s", exc, exc_info=exc)
