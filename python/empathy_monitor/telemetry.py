"""The facade every front end uses: read the files, answer dashboard questions, page history.

``Telemetry`` owns a :class:`TelemetryReader` (incremental file reading into columnar tables) and
an all-time circuit-breaker tracker (``analytics/breakers.py``); reading full records back from
disk for the activity feed, history pages and exports is its base ``CallHistory`` (``history.py``). It performs IO only through the reader (``ingest/``); the numbers
come from :class:`View` (``analytics/``, pure).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .analytics.breakers import BreakerTracker
from .analytics.timeindex import TimeIndex
from .analytics.view import SECTIONS, View
from .analytics.window import Filters, Window, WindowSpec, resolve
from .history import CallHistory
from .ingest import statecache
from .ingest.bound import SourcePath
from .ingest.tailer import ReadResult, TelemetryReader
from .prices.book import PriceBook
from .prices.columns import Pricing
from .prices.feed import RowFinder
from .prices.sources import CostMode
from .timeparse import TimestampParser
from .workspace import Layout, RunScope

# After a read this large the objects it made (combos, interned names, per-file state) live as
# long as the tables: ``gc.freeze`` moves them out of the cyclic collector's sight, so its full
# collections (37-57 ms at a million calls, at unpredictable moments: an append, a window
# change) stop scanning them. Refcounting still frees any of them that is dropped.
FREEZE_AFTER_ROWS = 50_000


def _freeze() -> None:
    # Objects frozen by an earlier read are looked at again (any that became cyclic garbage since
    # is collected, not kept for good), then everything alive is frozen.
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Telemetry(CallHistory):
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
        self._rows = {}
        self._wire_rows = {}
        self._finder = RowFinder()  # their row numbers, for the cost of a view's mode

    # -- reading ----------------------------------------------------------------------------
    def refresh(self, only: Iterable[Path] | None = None) -> ReadResult:
        res = self.reader.refresh(only)
        if res.reset:  # a file was truncated or replaced: an offset may hold another call now
            self._rows.clear()
            self._wire_rows.clear()
            self.breakers = BreakerTracker()
            self.breakers.update(self.tables, 0, self.tables.calls.n)
        else:
            self.breakers.update(self.tables, *res.calls)
        self.pricing.update(self.tables, reset=res.reset)
        if res.calls[1] - res.calls[0] + res.runs[1] - res.runs[0] >= FREEZE_AFTER_ROWS:
            _freeze()
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
        self.breakers.update(self.tables, 0, self.tables.calls.n)
        self.pricing.update(self.tables, reset=True)
        _freeze()
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
        out["recent_calls"] = self.recent_rows(v.recent_refs(), cost_mode=v.cost_mode)
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
