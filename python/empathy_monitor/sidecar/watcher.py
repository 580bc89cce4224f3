"""Watch telemetry directories with watchdog and hand coalesced batches to the asyncio loop.

The one thread boundary: the watchdog callback only calls
``loop.call_soon_threadsafe(queue.put_nowait, change)``. Everything else (debounce, reading,
publishing) runs on the event loop. Each directory's nearest existing ancestor is watched too, so a
telemetry directory created (or re-created) after start is picked up.

Symlinks: inotify does not follow a watched path that is a symlink (watchdog adds its watches
with ``IN_DONT_FOLLOW``), so a ``.empathy`` that is a link, or a folder reached through one,
would never report a change. The resolved path is watched instead, and each event's path is
mapped back under the configured directory, where the reader knows the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..ingest.format import claims

log = logging.getLogger(__name__)

IGNORED_EVENTS = frozenset({"opened", "closed", "closed_no_write"})


@dataclass(frozen=True)
class Change:
    """One filesystem event: the path and whether it changes structure (create/move/delete/dir)."""

    path: Path
    structural: bool


@dataclass
class Batch:
    """Changes coalesced within one debounce window."""

    paths: set[Path] = field(default_factory=set)
    structural: bool = False

    def add(self, c: Change) -> None:
        self.paths.add(c.path)
        self.structural = self.structural or c.structural


# rules, budgets: re-evaluated when they change; prices: every row repriced, every view rebuilt
WATCHED_NAMES = frozenset({"alerts.yaml", "budgets.yaml", "prices.yaml", "monitoring.yaml"})


def _relevant(p: Path, dirs: list[Path], is_dir: bool, bound: Sequence[Path] = ()) -> bool:
    """A telemetry file, alerts.yaml, or a directory on the way to (or inside) a telemetry dir.

    Other files next to the telemetry (alerts.db, otel_cursor.json, an exported CSV) are not:
    their writes would otherwise wake a re-read, and our own writes would feed back. Anything
    at or under a ``bound`` path (an enabled agent's folder or file) is: its transcripts are
    never claimed by name (``<session>.jsonl``), only by the folder they are in.
    """
    if claims(p) or p.name in WATCHED_NAMES:
        return True
    if any(p == b or b in p.parents for b in bound):
        return True
    return any(p == d or p in d.parents or (is_dir and d in p.parents) for d in dirs)


class _Handler(FileSystemEventHandler):
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        queue: asyncio.Queue[Change],
        dirs: list[Path],
        bound: Sequence[Path] = (),
    ) -> None:
        self.loop = loop
        self.queue = queue
        self.dirs = [d.absolute() for d in dirs]
        self.bound = [b.absolute() for b in bound]
        self.links = _links(dirs)

    def _unresolve(self, p: Path) -> Path:
        """An event path under a resolved directory, as the same path under the configured one."""
        for real, shown in self.links:
            if p == real or real in p.parents:
                return shown / p.relative_to(real)
        return p

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS or (
            event.is_directory and event.event_type == "modified"
        ):
            return  # a dir's mtime moves with the file events we already get
        src = self._unresolve(Path(str(event.src_path)))
        structural = event.is_directory or event.event_type != "modified"
        paths = [src]
        dest = getattr(event, "dest_path", "")
        if dest:
            paths.append(self._unresolve(Path(str(dest))))
        if not any(_relevant(p, self.dirs, event.is_directory, self.bound) for p in paths):
            return  # e.g. an exported CSV or alerts.db next to the telemetry
        for p in paths:
            try:
                self.loop.call_soon_threadsafe(self.queue.put_nowait, Change(p, structural))
            except RuntimeError:  # the loop closed while we were shutting down
                return


def _links(dirs: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(resolved, configured) for each directory whose path goes through a symlink."""
    out = []
    for d in dirs:
        shown = d.absolute()
        real = shown.resolve()
        if real != shown:
            out.append((real, shown))
    return out


def _watch_roots(dirs: Iterable[Path]) -> list[tuple[Path, bool]]:
    """(path, recursive): each existing dir recursively; its nearest existing ancestor not.

    Paths are resolved: a watch on a symlink would see nothing (see the module docstring).
    """
    out: dict[Path, bool] = {}
    for d in dirs:
        d = d.absolute().resolve()
        if d.is_dir():
            out[d] = True
        anc = d.parent
        while not anc.is_dir() and anc != anc.parent:
            anc = anc.parent
        out.setdefault(anc, False)
    return sorted(out.items())


class Watcher:
    """Owns the watchdog observer and the debounce task for one set of directories."""

    def __init__(
        self,
        dirs: Iterable[Path],
        on_batch: Callable[[Batch], Awaitable[None]],
        debounce_ms: int = 50,
        bound: Iterable[Path] = (),
    ) -> None:
        """``bound``: enabled agents' folders and files (in ``dirs`` too, or their folders):
        every change under them counts, whatever the file's name."""
        self.dirs = [Path(d) for d in dirs]
        self.bound = [Path(b) for b in bound]
        self.on_batch = on_batch
        self.debounce = debounce_ms / 1000
        self.max_wait = 2 * self.debounce
        self.queue: asyncio.Queue[Change] = asyncio.Queue()
        self._observer: Any = None
        self._roots: list[tuple[Path, bool]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._handler = _Handler(loop, self.queue, self.dirs, self.bound)
        self._observer = Observer()
        self._observer.daemon = True
        self._schedule()
        self._observer.start()
        self._task = loop.create_task(self._run(), name="empathy-debounce")

    def resync(self) -> bool:
        """Re-schedule watches if the set of existing directories changed; True if it did."""
        if self._observer is None or _watch_roots(self.dirs) == self._roots:
            return False
        self._observer.unschedule_all()
        self._schedule()
        return True

    def _schedule(self) -> None:
        self._roots = _watch_roots(self.dirs)
        self._handler.links = _links(self.dirs)  # a link may have appeared or moved
        for path, recursive in self._roots:
            try:
                self._observer.schedule(self._handler, str(path), recursive=recursive)
            except OSError as exc:  # e.g. inotify watch limit; reported, not fatal
                log.warning("cannot watch %s: %s", path, exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.stop_observer()

    def stop_observer(self) -> None:
        """Stop and join the observer thread (safe to call twice, from any thread)."""
        obs, self._observer = self._observer, None
        if obs is not None:
            obs.stop()
            obs.join(timeout=5)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = Batch()
            batch.add(await self.queue.get())
            first = last = loop.time()
            while True:
                timeout = min(last + self.debounce, first + self.max_wait) - loop.time()
                if timeout <= 0:
                    break
                try:
                    batch.add(await asyncio.wait_for(self.queue.get(), timeout))
                except asyncio.TimeoutError:
                    break
                last = loop.time()
                while not self.queue.empty():  # drain a burst without a timer per event
                    batch.add(self.queue.get_nowait())
            try:
                await self.on_batch(batch)
            except Exception:  # one bad batch must not stop watching
                log.exception("processing file changes failed")
