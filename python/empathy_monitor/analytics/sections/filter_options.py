"""The ``filter_options`` section: every value of each filter dimension in the window.

Computed from the unfiltered view of the same window, so a dropdown keeps listing the other values
while a filter is applied; each value carries its calls and cost so the panel can order and label
them without computing anything.
"""

from __future__ import annotations

from .base import Section


class FilterOption(Section):
    value: str
    calls: int
    cost: float


class FilterOptions(Section):
    workflow: list[FilterOption]
    provider: list[FilterOption]
    tier: list[FilterOption]
    model: list[FilterOption]
