"""Calls aggregated into delta metric points over one batch (pure): the GenAI token usage and
operation duration histograms and the ``llm.cost`` counter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..records import MAX_COST_PER_CALL, MAX_LATENCY_MS, MAX_TOKENS_PER_CALL, LLMCallRecord
from .values import (
    COST_COUNTER,
    DURATION_BOUNDS,
    OPERATION_DURATION,
    OTHER_ERROR,
    TOKEN_BOUNDS,
    TOKEN_USAGE,
    Attributes,
    HistogramPoint,
    MetricSeries,
    SpanData,
    SumPoint,
    finite,
    put,
)


@dataclass
class MetricAccumulator:
    """Aggregates calls into delta metric points over one batch (pure)."""

    tokens: dict[tuple[Any, ...], HistogramPoint] = field(default_factory=dict)
    duration: dict[tuple[Any, ...], HistogramPoint] = field(default_factory=dict)
    cost: dict[tuple[Any, ...], SumPoint] = field(default_factory=dict)
    start_ns: int | None = None
    end_ns: int | None = None
    calls: int = 0

    def add(self, rec: LLMCallRecord, span: SpanData, cost_usd: float | None = None) -> None:
        """Add one call; ``span`` supplies the already parsed start/end times."""
        self.calls += 1
        self.start_ns = (
            span.start_ns if self.start_ns is None else min(self.start_ns, span.start_ns)
        )
        self.end_ns = span.end_ns if self.end_ns is None else max(self.end_ns, span.end_ns)
        base = (rec.provider, rec.model_id, rec.tier)
        common: Attributes = {"gen_ai.operation.name": "chat"}
        put(common, "gen_ai.provider.name", rec.provider)
        put(common, "gen_ai.request.model", rec.model_id)
        put(common, "llm.tier", rec.tier)
        for kind, n in (("input", rec.input_tokens), ("output", rec.output_tokens)):
            if 0 <= n <= MAX_TOKENS_PER_CALL:
                key = (*base, kind)
                pt = self.tokens.get(key)
                if pt is None:
                    pt = self.tokens[key] = HistogramPoint(
                        {**common, "gen_ai.token.type": kind},
                        TOKEN_BOUNDS,
                        [0] * (len(TOKEN_BOUNDS) + 1),
                    )
                pt.add(float(n))
        if 0 <= rec.latency_ms <= MAX_LATENCY_MS:
            err = None if rec.success else (rec.error_type or OTHER_ERROR)
            dkey: tuple[Any, ...] = (*base, err)
            pt = self.duration.get(dkey)
            if pt is None:
                attrs = dict(common)
                put(attrs, "error.type", err)
                pt = self.duration[dkey] = HistogramPoint(
                    attrs, DURATION_BOUNDS, [0] * (len(DURATION_BOUNDS) + 1)
                )
            pt.add(rec.latency_ms / 1000.0)
        cost = rec.estimated_cost if cost_usd is None else cost_usd
        if finite(cost) and 0.0 <= cost <= MAX_COST_PER_CALL:
            sp = self.cost.get(base)
            if sp is None:
                sp = self.cost[base] = SumPoint(dict(common))
            sp.value += cost

    def series(self) -> list[MetricSeries]:
        """The batch's metrics; empty when no call was added."""
        if not self.calls:
            return []
        out = [
            MetricSeries(
                TOKEN_USAGE, "Number of input and output tokens used", "{token}", "histogram",
                list(self.tokens.values()),
            ),
            MetricSeries(
                OPERATION_DURATION, "GenAI operation duration", "s", "histogram",
                list(self.duration.values()),
            ),
            MetricSeries(
                COST_COUNTER, "Estimated cost of LLM calls", "USD", "sum", list(self.cost.values())
            ),
        ]  # fmt: skip
        return [s for s in out if s.points]


def calls_metrics(
    pairs: Iterable[tuple[LLMCallRecord, SpanData]],
) -> tuple[list[MetricSeries], int, int]:
    """Metrics of some calls with their spans: ``(series, start_ns, end_ns)``."""
    acc = MetricAccumulator()
    for rec, span in pairs:
        acc.add(rec, span)
    return acc.series(), acc.start_ns or 0, acc.end_ns or 0
