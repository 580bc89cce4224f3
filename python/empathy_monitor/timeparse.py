"""Timestamp parsing for telemetry records.

Writers emit ISO 8601 strings, mostly naive local time, sometimes with ``+00:00``; one file may mix
both. Everything is converted to POSIX epoch seconds (float) so naive and aware stamps compare.
A naive stamp is read in the configured ``naive_tz`` ("local" = this machine's zone). The UTC offset
is cached per wall-clock hour because ``astimezone()`` on a naive value costs a libc ``mktime``.

Representable range: a stamp that parses but lies outside years 1900-2199 (checked on the wall
clock and again on the instant, with a day of margin each side) is refused with
``timestamp out of range``. Python's ``datetime`` stops at years 1-9999, so a stamp near those
ends (``0001-01-01T00:00:00+14:00``) parses yet cannot be shown in another zone or bucketed by
day; no real LLM call was made before 1900 or will be after 2199, so the margin costs nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EPOCH_NAIVE = datetime(1970, 1, 1)
_UTC = timezone.utc
MIN_YEAR, MAX_YEAR = 1900, 2199
# Instants whose local date is in range in every zone (offsets are within ±1 day).
MIN_EPOCH = (datetime(MIN_YEAR, 1, 2) - _EPOCH_NAIVE).total_seconds()
MAX_EPOCH = (datetime(MAX_YEAR, 12, 31) - _EPOCH_NAIVE).total_seconds()
OUT_OF_RANGE = "timestamp out of range"


class TimestampRangeError(ValueError):
    """A stamp that parses but lies outside MIN_YEAR..MAX_YEAR (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(OUT_OF_RANGE)


def resolve_tz(name: str) -> tzinfo | None:
    """Return the tzinfo for a setting value; ``None`` means the machine's local zone.

    Raises:
        ValueError: if the name is not "local", "UTC" or a known IANA zone.
    """
    if name == "local":
        return None
    if name.upper() in ("UTC", "Z"):
        return _UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use 'local', 'UTC' or an IANA name)"
        ) from exc


def local_offset_seconds(naive: datetime, tz: tzinfo | None) -> float:
    """UTC offset in seconds of a naive wall-clock time in ``tz`` (``None`` = machine local)."""
    aware = naive.astimezone() if tz is None else naive.replace(tzinfo=tz)
    off = aware.utcoffset()
    return off.total_seconds() if off is not None else 0.0


class TimestampParser:
    """Turns ISO strings into epoch seconds; caches the naive zone's offset per hour."""

    __slots__ = ("_offsets", "_tz", "name")

    def __init__(self, naive_tz: str = "local") -> None:
        self.name = naive_tz
        self._tz = resolve_tz(naive_tz)
        self._offsets: dict[str, float] = {}

    def epoch(self, text: str) -> float:
        """Parse ``text`` to epoch seconds.

        Raises:
            ValueError: when ``text`` is not an ISO 8601 date-time;
                :class:`TimestampRangeError` when it is, but outside the representable range.
        """
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        dt = datetime.fromisoformat(text)
        if not MIN_YEAR <= dt.year <= MAX_YEAR:
            raise TimestampRangeError
        if dt.tzinfo is not None:
            t = dt.timestamp()
        else:
            key = text[:13]
            off = self._offsets.get(key)
            if off is None:
                off = local_offset_seconds(dt.replace(minute=30, second=0, microsecond=0), self._tz)
                self._offsets[key] = off
            t = (dt - _EPOCH_NAIVE).total_seconds() - off
        if not MIN_EPOCH <= t <= MAX_EPOCH:
            raise TimestampRangeError
        return t

    def to_local(self, epoch: float) -> datetime:
        """The aware datetime for ``epoch`` in the display zone (same as the naive zone)."""
        utc = datetime.fromtimestamp(epoch, _UTC)
        return utc.astimezone() if self._tz is None else utc.astimezone(self._tz)

    def local_midnight(self, epoch: float) -> float:
        """Epoch of the start of the local day containing ``epoch``."""
        local = self.to_local(epoch)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        return (midnight - _EPOCH_NAIVE).total_seconds() - local_offset_seconds(midnight, self._tz)

    def offset_at(self, epoch: float) -> float:
        """UTC offset (seconds) of the display zone at instant ``epoch``."""
        off = self.to_local(epoch).utcoffset()
        return off.total_seconds() if off is not None else 0.0


def iso_utc(epoch: float) -> str:
    """Epoch seconds as an ISO 8601 UTC string with a ``Z``-free ``+00:00`` offset."""
    return datetime.fromtimestamp(epoch, _UTC).isoformat()


def iso_local(epoch: float, parser: TimestampParser) -> str:
    """Epoch seconds as ISO 8601 with the display zone's offset."""
    return parser.to_local(epoch).isoformat()


def day_start_epoch(date_iso: str, parser: TimestampParser) -> float:
    """Epoch of local midnight of the date ``YYYY-MM-DD``."""
    return parser.epoch(date_iso + "T00:00:00")


ONE_DAY = timedelta(days=1)
