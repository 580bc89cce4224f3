"""The plain values OTel export maps records to: spans, metric points and deterministic ids.

No IO and no ``opentelemetry`` import (``otel.otlp`` turns these into SDK objects). Trace and
span ids are derived from ``call_id`` / ``run_id`` with BLAKE2b, so exporting the same record
twice yields the same ids and a backend can recognise (or de-duplicate) a re-export.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..records import LLMCallRecord

AttrValue = str | bool | int | float | Sequence[str]
Attributes = dict[str, AttrValue]
SpanKind = Literal["client", "internal"]

NS = 1_000_000_000
MS_NS = 1_000_000
OTHER_ERROR = "_OTHER"  # the GenAI/semconv fallback value of error.type
SCOPE_NAME = "empathy_monitor.otel"

# Explicit bucket boundaries advised by the GenAI metric conventions.
TOKEN_BOUNDS: tuple[float, ...] = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)  # fmt: skip
DURATION_BOUNDS: tuple[float, ...] = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip

TOKEN_USAGE = "gen_ai.client.token.usage"
OPERATION_DURATION = "gen_ai.client.operation.duration"
COST_COUNTER = "llm.cost"


class MappingError(ValueError):
    """A record that cannot become a span (missing/invalid fields or an unreadable timestamp)."""


@dataclass(frozen=True, slots=True)
class SpanData:
    """One span, ready to hand to an exporter. Times are epoch nanoseconds."""

    name: str
    kind: SpanKind
    trace_id: int
    span_id: int
    parent_span_id: int | None
    start_ns: int
    end_ns: int
    attributes: Attributes
    error: bool = False
    status_message: str | None = None


@dataclass(slots=True)
class HistogramPoint:
    """One histogram data point (delta over the batch)."""

    attributes: Attributes
    bounds: tuple[float, ...]
    bucket_counts: list[int]
    count: int = 0
    sum: float = 0.0
    min: float = math.inf
    max: float = -math.inf

    def add(self, value: float) -> None:
        self.bucket_counts[bisect_left(self.bounds, value)] += 1
        self.count += 1
        self.sum += value
        self.min = min(self.min, value)
        self.max = max(self.max, value)


@dataclass(slots=True)
class SumPoint:
    """One monotonic counter data point (delta over the batch)."""

    attributes: Attributes
    value: float = 0.0


@dataclass(slots=True)
class MetricSeries:
    """One metric with its points; ``kind`` says which point type ``points`` holds."""

    name: str
    description: str
    unit: str
    kind: Literal["histogram", "sum"]
    points: list[HistogramPoint] | list[SumPoint]


# -- ids -----------------------------------------------------------------------------------------
def _hash_int(key: str, size: int) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=size, person=b"empathy-otel").digest()
    return int.from_bytes(digest, "big") or 1  # an all-zero id is invalid in OTLP


def trace_id_for(key: str) -> int:
    """128-bit trace id of a run (``run:<run_id>``) or a stand-alone call (``call:<call_id>``)."""
    return _hash_int(key, 16)


def span_id_for(key: str) -> int:
    """64-bit span id for a key such as ``call:<call_id>`` or ``run:<run_id>``."""
    return _hash_int(key, 8)


def run_trace_id(run_id: str) -> int:
    return trace_id_for(f"run:{run_id}")


def run_span_id(run_id: str) -> int:
    return span_id_for(f"run:{run_id}")


def stage_span_id(run_id: str, index: int) -> int:
    return span_id_for(f"stage:{run_id}:{index}")


def call_span_id(call_id: str) -> int:
    return span_id_for(f"call:{call_id}")


# -- helpers -------------------------------------------------------------------------------------
def finite(v: float) -> bool:
    return not (math.isnan(v) or math.isinf(v))


def put(attrs: Attributes, key: str, value: Any) -> None:
    """Set an attribute unless it is ``None``, empty or a non-finite float (OTel has no null)."""
    if value is None:
        return
    if isinstance(value, float) and not finite(value):
        return
    if isinstance(value, (list, tuple)):
        items = [str(x) for x in value if x is not None]
        if items:
            attrs[key] = items
        return
    if isinstance(value, str) and value == "":
        return
    attrs[key] = value


def to_ns(epoch_s: float) -> int:
    # Writers stamp microseconds; a float epoch holds them exactly only after rounding to µs.
    return round(epoch_s * 1_000_000) * 1000


def run_id_of(rec: LLMCallRecord) -> str | None:
    """The workflow run a call belongs to (``metadata.run_id``), if any."""
    rid = rec.metadata.get("run_id")
    return rid if isinstance(rid, str) and rid else None
