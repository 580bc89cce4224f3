"""Pure analytics over the columnar tables: windows, filters, views (no IO; the facade that
reads files is :mod:`empathy_monitor.telemetry`)."""

from .view import SECTIONS, View, usd
from .window import RANGES, Filters, Window, WindowSpec, resolve

__all__ = [
    "RANGES",
    "SECTIONS",
    "Filters",
    "View",
    "Window",
    "WindowSpec",
    "resolve",
    "usd",
]
