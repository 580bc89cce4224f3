"""Counted words for CLI output: ``1 call``, ``2 calls`` (never "1 calls")."""

from __future__ import annotations

_IRREGULAR = {"retry": "retries", "entry": "entries", "match": "matches"}


def plural(n: float, word: str, many: str | None = None, *, sep: str = ",") -> str:
    """``n`` and ``word``, singular for exactly 1 (``1 call``, ``1,024 calls``, ``0 retries``)."""
    shown = f"{n:{sep}.0f}" if isinstance(n, int) or float(n).is_integer() else f"{n:{sep}}"
    if n == 1:
        return f"{shown} {word}"
    return f"{shown} {many or _IRREGULAR.get(word) or word + 's'}"
