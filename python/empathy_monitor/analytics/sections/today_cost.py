"""The ``today_cost`` section: the view's cost on the local day of ``window.now`` (the status bar).

For the ``today`` range that is the overview total; otherwise the day's cost point (0 if none).
"""

from __future__ import annotations

from ..sums import Sums
from ..window import Window
from .context import Context, usd


def render(s: Sums, w: Window, ctx: Context) -> float:
    if w.range == "today":
        return usd(s.tot.cost)
    day = s.days.get(ctx.clock.day(w.now))
    return usd(day.cost) if day else 0.0
