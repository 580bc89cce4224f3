"""Keep big call rows out of the hot path: long text fields are clipped on the wire.

A record may carry a 50 MB ``error_message`` (a stack trace, a whole prompt). The snapshot, every
``didUpdate`` that carries ``recent_calls`` and every activity page would otherwise send all of
it (seconds per message, and the webview holds it). Rows are clipped where the sidecar hands them
to the wire, never in the analytics, so exports and ``empathy/callDetail`` keep the full record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_TEXT = 2048  # characters kept of one text field
MAX_CHAIN = 50  # fallback_chain entries kept
# Identity fields stay whole: the row is found again by them (callDetail, click-through).
_KEEP = frozenset({"call_id", "timestamp"})


def clip_text(v: str, limit: int = MAX_TEXT) -> str:
    """``v`` itself, or its first ``limit`` characters and a marker with the full length."""
    if len(v) <= limit:
        return v
    return f"{v[:limit]}… [truncated, {len(v):,} chars]"


def clip_row(row: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``row`` (only when something is long) with every long text field clipped."""
    out: dict[str, Any] | None = None
    for k, v in row.items():
        new = v
        if isinstance(v, str) and k not in _KEEP and len(v) > MAX_TEXT:
            new = clip_text(v)
        elif isinstance(v, list) and (
            len(v) > MAX_CHAIN or any(isinstance(x, str) and len(x) > MAX_TEXT for x in v)
        ):
            kept = [clip_text(x) if isinstance(x, str) else x for x in v[:MAX_CHAIN]]
            if len(v) > MAX_CHAIN:
                kept.append(f"… [truncated, {len(v):,} entries]")
            new = kept
        if new is not v:
            out = dict(row) if out is None else out
            out[k] = new
    return row if out is None else out


def clip_rows(rows: Iterable[Any]) -> list[Any]:
    """``clip_row`` over a list of rows (anything that is not a dict passes through)."""
    return [clip_row(r) if isinstance(r, dict) else r for r in rows]


def clip_sections(sections: dict[str, Any]) -> dict[str, Any]:
    """A snapshot or didUpdate section mapping with its ``recent_calls`` rows clipped."""
    rows = sections.get("recent_calls")
    if not isinstance(rows, list):
        return sections
    out = dict(sections)  # the publisher keeps the full rows; never edit its dicts
    out["recent_calls"] = clip_rows(rows)
    return out
