"""Transitional: the names ``analytics/`` still imports from here, re-exported from their homes.

Decoding lives in :mod:`.formats.empathy_jsonl`, the chunk and combo types in :mod:`..tables`,
the breaker codes in :mod:`..records`. ``C_*`` are positions in :class:`~..tables.CallCombo`, for
code that still indexes combos; new code uses the named fields. Remove this module once
``analytics/`` imports from the homes above.
"""

from __future__ import annotations

from ..records import BREAKER_CODE
from ..tables import NANOS, CallCombo, Chunk, Problem, RunCombo
from .formats.empathy_jsonl import Decoder, decode_record

C_PROV, C_TIER, C_MODEL, C_WF, C_STEP, C_TASK, C_ETYPE, C_OPROV, C_CHAIN, C_CB = range(
    len(CallCombo._fields)
)

__all__ = [
    "BREAKER_CODE",
    "C_CB",
    "C_CHAIN",
    "C_ETYPE",
    "C_MODEL",
    "C_OPROV",
    "C_PROV",
    "C_STEP",
    "C_TASK",
    "C_TIER",
    "C_WF",
    "NANOS",
    "CallCombo",
    "Chunk",
    "Decoder",
    "Problem",
    "RunCombo",
    "decode_record",
]
