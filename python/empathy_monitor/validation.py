"""The one way a pydantic ``ValidationError`` becomes a human-readable line.

Decode problems, OTel skip reasons and settings errors all name the field the same way
(``loc.path: message``); they differ only in how much they show, which the arguments choose.
"""

from __future__ import annotations

from pydantic import ValidationError


def describe(
    exc: ValidationError,
    prefix: str = "",
    *,
    limit: int | None = None,
    count_rest: bool = True,
    lower: bool = False,
    max_len: int | None = None,
) -> str:
    """``prefix.loc: msg; ...`` for the first ``limit`` errors (all when ``None``).

    A location-less error is named by ``prefix`` alone, or ``record`` without one. With a limit
    and ``count_rest``, the number of errors left out is appended (``(+2 more)``); ``max_len``
    shortens the result with an ellipsis. ``lower`` lower-cases pydantic's messages (they start with a capital).
    """
    errors = exc.errors()
    parts = []
    for err in errors if limit is None else errors[:limit]:
        loc = ".".join(str(p) for p in err["loc"])
        where = ".".join(x for x in (prefix, loc) if x) or "record"
        msg = err["msg"].lower() if lower else err["msg"]
        parts.append(f"{where}: {msg}")
    text = "; ".join(parts)
    more = len(errors) - limit if limit is not None else 0
    if more > 0 and count_rest:
        text += f" (+{more} more)"
    return shorten(text, max_len) if max_len is not None else text


def shorten(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
