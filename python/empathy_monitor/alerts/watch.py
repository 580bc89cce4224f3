"""``alerts watch``: a foreground watcher, event-driven on file changes (watchdog).

The watchdog thread only puts events on a queue; the main thread refreshes the telemetry and
evaluates; a delivery thread (its own engine and SQLite connection) sends what the outbox holds,
so a slow webhook never holds up evaluation, and SIGTERM ends the process within a second even
mid-delivery (the claimed row is retried once its lease — delivery budget + margin — runs out).
A tick every ``interval`` seconds moves time-based state on (``for``, windows that slide,
cooldown repeats, outbox retries) even when no file changes. A pid file lets ``alerts stop`` end
the watcher it started; a pid file whose process is gone or is not a watcher is stale.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from ..ingest.format import claims
from ..prices.settings import load_pricing
from ..telemetry import Telemetry
from .engine import AlertEngine

log = logging.getLogger("empathy_monitor.alerts")

PID_NAME = "alerts-watch.pid"
DEBOUNCE = 0.05
MAX_WAIT = 0.1


def pid_path(directory: Path) -> Path:
    return directory / PID_NAME


def _is_watcher(pid: int) -> bool:
    """Whether ``pid`` is alive and (where ``/proc`` tells) an ``alerts watch`` process.

    A pid file outlives a ``kill -9`` and the pid may since belong to anything else: signalling
    it blindly could end an unrelated process.
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process: not our watcher
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        args = cmdline.read_bytes().split(b"\0")
    except OSError:
        return not Path("/proc/self").exists()  # no /proc (macOS): trust the live pid
    return b"alerts" in args and b"watch" in args


def watcher_pid(directory: Path) -> int | None:
    """The pid of the live watcher recorded in the pid file; a stale file is removed."""
    p = pid_path(directory)
    try:
        pid = int(p.read_text().strip())
    except (OSError, ValueError):
        return None
    if _is_watcher(pid):
        return pid
    log.info("removing stale %s (pid %s is not a running watcher)", p, pid)
    p.unlink(missing_ok=True)
    return None


def stop_watcher(directory: Path) -> int | None:
    """SIGTERM the watcher recorded in the pid file; returns its pid (None when none runs)."""
    pid = watcher_pid(directory)
    if pid is None:
        return None
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_path(directory).unlink(missing_ok=True)
        return None
    return pid


def run_watch(
    directory: Path,
    *,
    once: bool = False,
    interval: float = 30.0,
    out: TextIO | None = None,
    naive_tz: str = "local",
    stop: threading.Event | None = None,
    telemetry: Telemetry | None = None,
) -> int:
    """Run until stopped (or one pass with ``once``); returns an exit code. ``telemetry``: what
    the rules read (default: the telemetry in ``directory``)."""
    tel = telemetry or Telemetry(
        dirs=[directory], naive_tz=naive_tz, pricing=load_pricing([directory])
    )
    tel.refresh()
    engine = AlertEngine(directory, tel, stdout=out)
    if once:
        _pass(engine, out)
        return 0
    stop = stop or threading.Event()
    events: queue.Queue[str] = queue.Queue()
    observer: Any = None
    try:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                # Only telemetry and the rules: our own alerts.db writes must not wake us.
                for p in (event.src_path, getattr(event, "dest_path", "")):
                    path = Path(str(p))
                    if claims(path) or path.name in ("alerts.yaml", "budgets.yaml"):
                        events.put_nowait(str(p))
                        return

        directory.mkdir(parents=True, exist_ok=True)
        observer = Observer()
        observer.schedule(_Handler(), str(directory), recursive=True)
        for d in tel.dirs:  # the telemetry folders, when they are not the config folder
            if d.is_dir() and d.resolve() != directory.resolve():
                observer.schedule(_Handler(), str(d), recursive=True)
        observer.start()
    except Exception as exc:  # no inotify etc.: the interval tick still works
        log.warning("file watching unavailable (%s); checking every %ss", exc, interval)
    pidf = pid_path(directory)
    running = watcher_pid(directory)
    if running is not None and running != os.getpid():
        log.error(
            "a watcher already runs for %s (pid %s): `empathy alerts stop`", directory, running
        )
        if observer is not None:
            observer.stop()
        engine.close()
        return 1
    pidf.write_text(str(os.getpid()))
    # Say so on stderr: a silent foreground process looks hung, and stdout carries notifications.
    print(
        f"watching {directory} (and every {interval:g}s); Ctrl-C or `empathy alerts stop` stops it",
        file=sys.stderr,
        flush=True,
    )
    wake = threading.Event()

    def _sleep(seconds: float) -> None:  # retry backoffs end at once on SIGTERM
        stop.wait(seconds)

    deliverer = threading.Thread(
        target=_deliver_loop,
        args=(AlertEngine(directory, tel, stdout=out, sleep=_sleep), wake, stop),
        name="empathy-alerts-delivery",
        daemon=True,  # a delivery cut short is retried from the outbox after its lease
    )
    deliverer.start()

    def _term(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGTERM, _term)
    try:
        _evaluate(engine, wake)
        next_tick = time.monotonic() + interval
        while not stop.is_set():
            timeout = max(0.0, min(next_tick - time.monotonic(), 0.5))
            try:
                events.get(timeout=timeout)
            except queue.Empty:
                if time.monotonic() < next_tick:
                    continue
            else:
                _drain(events)
            tel.refresh()
            _evaluate(engine, wake)
            next_tick = time.monotonic() + interval
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        wake.set()
        deliverer.join(timeout=1.0)
        if observer is not None:
            observer.stop()
            observer.join(timeout=2)
        if old is not None:
            signal.signal(signal.SIGTERM, old)
        try:
            if pidf.read_text().strip() == str(os.getpid()):
                pidf.unlink()
        except OSError:
            pass
        engine.close()
    return 0


def _drain(events: queue.Queue[str]) -> None:
    """Trailing debounce with a max wait: a burst of appends becomes one pass."""
    start = time.monotonic()
    while time.monotonic() - start < MAX_WAIT:
        try:
            events.get(timeout=DEBOUNCE)
        except queue.Empty:
            return


def _evaluate(engine: AlertEngine, wake: threading.Event) -> None:
    """Evaluate on this thread; whatever was queued is sent by the delivery thread."""
    try:
        engine.evaluate()
    except Exception:  # a failing pass is logged; the watcher keeps going
        log.exception("alert evaluation failed")
    try:
        engine.evaluate_budgets()
    except Exception:  # contained like the rules: budgets never stop the alerts
        log.exception("budget evaluation failed")
    wake.set()


def _deliver_loop(engine: AlertEngine, wake: threading.Event, stop: threading.Event) -> None:
    """Send due outbox rows whenever evaluation queued some, and every second for retries."""
    try:
        while not stop.is_set():
            wake.wait(1.0)
            wake.clear()
            if stop.is_set():
                break
            try:
                for r in engine.deliver_pending():
                    if not r.delivered:
                        log.warning(
                            "alert %r: %s %s not delivered: %s",
                            r.rule,
                            r.channel,
                            r.target,
                            r.error,
                        )
            except Exception:  # contained: the next round tries again
                log.exception("alert delivery failed")
    finally:
        engine.close()


def _pass(engine: AlertEngine, out: TextIO | None) -> None:
    try:
        notes, reports = engine.check()
    except Exception:  # a failing pass is logged; the watcher keeps going
        log.exception("alert evaluation failed")
        return
    for r in reports:
        if not r.delivered:
            log.warning("alert %r: %s %s not delivered: %s", r.rule, r.channel, r.target, r.error)
    _ = notes
