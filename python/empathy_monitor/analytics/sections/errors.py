"""The ``errors`` section: error totals, by type, by day and (short windows) by hour; retries."""

from __future__ import annotations

from .base import Section


class ErrorDay(Section):
    date: str
    calls: int
    errors: int
    error_rate: float


class ErrorHour(Section):
    hour: str
    calls: int
    errors: int
    error_rate: float


class Retries(Section):
    total_retries: int
    calls_with_retries: int
    retry_rate: float


class Errors(Section):
    total: int
    error_rate: float
    by_type: dict[str, int]
    by_day: list[ErrorDay]
    by_hour: list[ErrorHour] | None
    retries: Retries
