"""The ``window`` section: which period the view covers, in the display time zone."""

from __future__ import annotations

from ..sums import Sums
from ..window import RangeName, Window
from .base import Section, trusted
from .context import Context


class WindowInfo(Section):
    range: RangeName
    since: str | None
    until: str | None
    now: str
    timezone: str


def render(s: Sums, w: Window, ctx: Context) -> WindowInfo:
    last = ctx.memo.get("window")
    if last is not None and last[0] is w:  # three isoformats per append otherwise
        got: WindowInfo = last[1]
        return got
    info = trusted(
        WindowInfo,
        range=w.range,
        since=ctx.iso(w.since),
        until=ctx.iso(w.until),
        now=ctx.parser.to_local(w.now).isoformat(),
        timezone=ctx.parser.name,
    )
    ctx.memo["window"] = (w, info)
    return info
