"""The service's data requests: snapshot (and pre-building the other ranges), activity, a call,
export, prices, sources, code lenses, refresh and history. Handlers stay thin: validate, run on
the worker, serialize.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from typing import Any

from ..analytics import Filters, WindowSpec
from ..analytics.sections import CallRow
from ..ingest.format import holds
from ..ingest.lines import rfind_lines
from ..prices.settings import add_price
from ..prices.sources import COST_MODES
from . import history, lenses
from . import protocol as P
from . import sources as agent_sources
from .bounded import run_bounded
from .clip import clip_rows, clip_sections
from .export import export_csv
from .outline import EMPTY as EMPTY_OUTLINE
from .outline import Outline
from .publisher import Update, ViewKey
from .service_alerts import ServiceAlerts
from .service_state import _log_failure
from .source_index import resolve

log = logging.getLogger(__name__)

WARM_RANGES = ("today", "7d", "30d", "all")
# Other ranges are pre-built only after this long without a request or an ingest, so a pre-build
# never sits in front of work the user is waiting for.
WARM_IDLE_S = 0.5
# resolveSource walks and parses the workspace (20,000 files at most); beyond this it is stuck.
SOURCE_TIMEOUT_S = 15.0


def filters_of(f: P.Filters) -> Filters:
    return Filters(**f.model_dump())


class ServiceRequests(ServiceAlerts):
    """The requests the panel, the lenses and the commands send."""

    async def enable_source(self, p: P.EnableSourceParams) -> dict[str, Any]:
        """The settings value that turns ``p.source`` on; the extension writes it (and restarts)."""
        res = agent_sources.enable(self.settings, p.source)
        return P.EnableSourceResult.model_validate(res).model_dump(mode="json")

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
        rows, total = await self._call(
            self.tel.calls_page, p.offset, limit, filters_of(p.filters), None, p.cost_mode
        )
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
        elif (wn := self.lenses.ready(self.tel, rng, p.now)) is not None:
            # up to date (the ingest folded the new rows): no wait behind the worker
            res = lenses.result(
                p.uri, rng, outline, wn, self.lenses.known, self.tel.parser, wn.window
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
                    rows = self.tel.recent_rows([(fid, start)])  # with the workspace mode's cost
                    if rows and rows[0]["call_id"] == call_id:
                        return rows[0]
            except (OSError, ValueError):  # unreadable or empty file
                continue
        return None

    async def generate_demo(self, p: P.GenerateDemoParams) -> dict[str, Any]:
        from ..demo import generate

        target = self.tel.own_dirs[0]
        calls, runs = await asyncio.to_thread(generate, target, p.calls, p.days)
        return P.GenerateDemoResult(calls=calls, runs=runs, dir=str(target)).model_dump(mode="json")
