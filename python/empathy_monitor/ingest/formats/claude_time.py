"""Claude Code's timestamps as epochs, fast: the decoder's clock (see ``claude_fast.py``).

Claude Code writes ``2025-06-01T10:00:01.000Z``; the epoch of each minute is computed once (from
its day's midnight, parsed once per day) and the seconds added, giving the float the
timestamp parser gives (both divide the same whole number of microseconds by 10**6). Any other
shape goes to the parser. ``tests/python/sources/test_claude_fast_path.py`` compares both on
odd timestamps.
"""

from __future__ import annotations

from ...timeparse import MAX_EPOCH, TimestampParser

CACHED = 4096  # minutes (and days) remembered before the cache starts again


class Clock:
    """``parser.epoch`` for Claude Code's timestamps, through per-minute and per-day caches."""

    def __init__(self, parser: TimestampParser) -> None:
        self.parser = parser
        self.minutes: dict[str, int] = {}  # "YYYY-MM-DDTHH:MM" (UTC) -> its epoch in µs
        self.days: dict[str, int] = {}  # "YYYY-MM-DD" (UTC) -> the epoch of its midnight in µs

    def epoch(self, ts: str) -> float | None:
        """``parser.epoch(ts)`` (None where it raises), from a per-minute cache for the shape
        Claude Code writes (``2025-06-01T10:00:01.000Z``): the same float, as both divide the
        same whole number of microseconds by 10**6."""
        if len(ts) == 24 and ts[23] == "Z" and ts[19] == "." and ts[16] == ":" and ts.isascii():
            sec, ms = ts[17:19], ts[20:23]
            if sec.isdigit() and ms.isdigit() and sec < "60":
                minute = ts[:16]
                base = self.minutes.get(minute)
                if base is None:
                    base = self.minute(minute)
                    if base is None:
                        return None
                    if len(self.minutes) > CACHED:
                        self.minutes.clear()
                    self.minutes[minute] = base
                t = (base + int(sec) * 1_000_000 + int(ms) * 1000) / 1_000_000
                return t if t <= MAX_EPOCH else None
        try:
            return self.parser.epoch(ts)
        except (ValueError, IndexError):
            return None

    def minute(self, minute: str) -> int | None:
        """The epoch (µs) of ``YYYY-MM-DDTHH:MM`` UTC: its day's midnight (parsed once per
        day, cached) plus the hours and minutes, as parsing the minute gives (UTC has no
        shifts); ``None`` where the parser refuses it."""
        hh, mm = minute[11:13], minute[14:16]
        if minute[10] == "T" and minute[13] == ":" and hh.isdigit() and mm.isdigit():
            if hh < "24" and mm < "60":
                day = self.days.get(minute[:10])
                if day is None:
                    try:
                        day = round(self.parser.epoch(minute[:10] + "T00:00:00+00:00"))
                    except (ValueError, IndexError):
                        return None
                    if len(self.days) > CACHED:
                        self.days.clear()
                    self.days[minute[:10]] = day = day * 1_000_000
                return day + (int(hh) * 60 + int(mm)) * 60_000_000
        try:
            return round(self.parser.epoch(minute + ":00+00:00")) * 1_000_000
        except (ValueError, IndexError):
            return None
