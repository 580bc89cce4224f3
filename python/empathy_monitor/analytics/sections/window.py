"""The ``window`` section: which period the view covers, in the display time zone."""

from __future__ import annotations

from ..window import RangeName
from .base import Section


class WindowInfo(Section):
    range: RangeName
    since: str | None
    until: str | None
    now: str
    timezone: str
