"""Run one blocking call on its own daemon thread, and stop waiting for it after a timeout.

For work that touches files we do not control (the source index reads the user's workspace): a
read that blocks (a network mount that stopped answering, a device the checks did not foresee)
must cost one request a timeout, not the sidecar its worker. The thread is a daemon and is never
joined, so a call that never returns cannot hold up the next request or the sidecar's exit; a
``ThreadPoolExecutor`` would do both (it queues behind its busy thread and joins it at exit).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _settle(fut: asyncio.Future[T], result: T | None, exc: BaseException | None) -> None:
    if fut.done():  # the caller stopped waiting (timeout or cancel)
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)  # type: ignore[arg-type]


async def run_bounded(fn: Callable[[], T], timeout: float, name: str = "empathy-bounded") -> T:
    """``fn()`` on a fresh daemon thread; its result, or ``TimeoutError`` after ``timeout`` s."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[T] = loop.create_future()

    def work() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = fn()
        except BaseException as exc:  # delivered to the awaiting request, not lost in the thread
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed while we were stuck
            loop.call_soon_threadsafe(_settle, fut, result, error)

    threading.Thread(target=work, name=name, daemon=True).start()
    return await asyncio.wait_for(fut, timeout)
