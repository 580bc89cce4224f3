"""OTLP attribute values as plain Python, and the lenient readers of one attribute map. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any


def attr_value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [attr_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: attr_value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind)


def attrs(kvs: Iterable[Any]) -> dict[str, Any]:
    return {kv.key: attr_value(kv.value) for kv in kvs}


def _num(a: dict[str, Any], *keys: str) -> int:
    for k in keys:
        v = a.get(k)
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            return max(0, int(v))
        if isinstance(v, str):
            try:
                return max(0, int(float(v)))
            except ValueError:
                continue
    return 0


def _float(a: dict[str, Any], *keys: str) -> float | None:
    for k in keys:
        v = a.get(k)
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, str):
            try:
                return float(v)
            except ValueError:
                continue
    return None


def _str(a: dict[str, Any], *keys: str) -> str | None:
    for k in keys:
        v = a.get(k)
        if isinstance(v, str) and v:
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
    return None


def _iso(nanos: int) -> str:
    return datetime.fromtimestamp(nanos / 1e9, timezone.utc).isoformat()
