"""The ``window`` section: which period the view covers, in the display time zone."""

from __future__ import annotations

from .base import Section


class WindowInfo(Section):
    range: str
    since: str | None
    until: str | None
    now: str
    timezone: str
