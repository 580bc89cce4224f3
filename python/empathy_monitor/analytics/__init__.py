"""Pure analytics over the columnar tables: windows, filters, views, the Telemetry facade."""

from .telemetry import BreakerTracker, Telemetry, call_row
from .view import SECTIONS, View, usd
from .window import RANGES, Filters, Window, WindowSpec, resolve

__all__ = [
    "RANGES",
    "SECTIONS",
    "BreakerTracker",
    "Filters",
    "Telemetry",
    "View",
    "Window",
    "WindowSpec",
    "call_row",
    "resolve",
    "usd",
]
