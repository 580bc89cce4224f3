"""One batch of lines turned into spans and metric points (pure but for reading the price book).

Every whole record glued on a line is mapped; a line that is no usable record is counted and
skipped; a record whose id was already acknowledged (``sent.py``) or seen earlier in the batch is
left out, for spans and for metrics each on its own (metrics may lag behind spans).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..ingest.formats.empathy_jsonl import decode_records
from ..prices.columns import Pricing, price_record
from ..records import LLMCallRecord, cache_split
from ..timeparse import TimestampParser
from ..workspace import RunScope
from .mapping import (
    CallCost,
    MappingError,
    MetricAccumulator,
    SpanData,
    parse_record,
    record_to_spans,
)
from .sent import SentIds, record_key


@dataclass
class Batch:
    """What a batch holds to send, and what it left out."""

    spans: list[SpanData] = field(default_factory=list)
    acc: MetricAccumulator = field(default_factory=MetricAccumulator)
    new_spans: set[int] = field(default_factory=set)  # id hashes sent as spans in this batch
    new_metrics: set[int] = field(default_factory=set)
    skipped: int = 0
    last_skip: str | None = None
    duplicates: int = 0


def _fresh(key: int, sent: SentIds, batch: set[int]) -> bool:
    """Whether a record with id hash ``key`` is to be sent (and note it in ``batch``)."""
    if key == 0:
        return True  # no id: nothing to tell copies apart by
    if key in batch or key in sent:
        return False
    batch.add(key)
    return True


class BatchMapper:
    """Maps lines to spans and metric points, pricing calls in the workspace's cost mode."""

    def __init__(self, parser: TimestampParser, pricing: Pricing) -> None:
        self._parser = parser
        self._pricing = pricing  # llm.cost: the same book and mode as the panel

    def map(
        self,
        name: str,
        lines: Sequence[tuple[int, bytes]],
        span_from: int,
        metric_from: int | None,
        scope: RunScope | None,
        sent: tuple[SentIds, SentIds],
    ) -> Batch:
        """Lines at offsets ``>= span_from`` become spans, ``>= metric_from`` metric points
        (``None``: no metrics); ``sent`` holds the ids acknowledged as spans / as metrics."""
        out = Batch()
        for off, raw in lines:
            want_span = off >= span_from
            want_metric = metric_from is not None and off >= metric_from
            if not raw.strip():
                continue
            got: list[dict[str, Any] | None] = [*decode_records(raw)] or [None]
            for d in got:  # glued records: every one
                try:
                    if d is None:
                        raise MappingError("not valid JSON")
                    rec = parse_record(d)
                    if scope is not None and (
                        isinstance(rec, LLMCallRecord)
                        or getattr(rec, "project", None) != scope.project
                    ):
                        continue  # another project's run in a shared folder: not ours
                    cost = self.cost(d, rec) if isinstance(rec, LLMCallRecord) else None
                    rec_spans = record_to_spans(rec, self._parser, cost)
                except MappingError as exc:
                    if want_span:
                        out.skipped += 1
                        out.last_skip = f"{name} byte {off}: {exc}"
                    continue
                key = record_key(rec)
                if want_span and not _fresh(key, sent[0], out.new_spans):
                    out.duplicates += 1
                elif want_span:
                    out.spans.extend(rec_spans)
                if (
                    want_metric
                    and isinstance(rec, LLMCallRecord)
                    and _fresh(key, sent[1], out.new_metrics)
                ):
                    out.acc.add(rec, rec_spans[0], cost.usd if cost is not None else None)
        return out

    def cost(self, d: dict[str, Any], rec: LLMCallRecord) -> CallCost | None:
        """The call's cost in the workspace's mode and its cache tokens (None: unreadable)."""
        split = cache_split(d, rec.input_tokens)
        tin, cr, cw, cw1h = split if split is not None else (rec.input_tokens, 0, 0, 0)
        try:
            ts = self._parser.epoch(rec.timestamp)
        except (ValueError, IndexError, OverflowError):
            return None
        src, usd = price_record(
            self._pricing,
            self._pricing.workspace_mode,
            rec.provider,
            rec.model_id,
            ts,
            (tin, rec.output_tokens, cr, cw, cw1h),
            float(rec.estimated_cost),
            None if rec.actual_cost is None else float(rec.actual_cost),
            rec.success,
            str((rec.metadata or {}).get("source") or "empathy"),
        )
        return CallCost(usd, src, cr, cw + cw1h)
