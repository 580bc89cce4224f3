"""A combo filter tested once per distinct value (``Filters.combo_mask``) selects exactly the combos
``match_call`` selects, also after more combos arrive (``Tables.call_combo_values`` is extended)."""

from __future__ import annotations

import random

import numpy as np

from empathy_monitor.analytics import Filters
from empathy_monitor.tables import CallCombo, Tables


def _combo(rng: random.Random) -> CallCombo:
    return CallCombo(
        provider=rng.choice(["anthropic", "openai", "google"]),
        tier=rng.choice(["cheap", "capable"]),
        model=rng.choice(["m1", "m2", "m3"]),
        workflow=rng.choice([None, "code-review", "doc-gen"]),
        step=rng.choice([None, "s1"]),
        task_type="chat",
        error_type=None,
        original_provider=None,
        fallback_chain=(),
        breaker=0,
        source=rng.choice(["empathy", "claude-code"]),
    )


def test_combo_mask_matches_match_call_as_combos_arrive() -> None:
    rng = random.Random(3)
    tables = Tables()
    filters = [
        Filters(),
        Filters(provider="openai"),
        Filters(workflow="(none)"),
        Filters(workflow="doc-gen", tier="cheap"),
        Filters(model="m2", source="claude-code"),
        Filters(provider="nobody"),
        Filters(user="u1"),  # a per-row dimension: no combo test at all
    ]
    for _ in range(3):
        for _ in range(200):
            tables.call_combos.id(_combo(rng))
        for f in filters:
            want = tables.call_combo_mask(f.match_call)
            got = f.combo_mask(tables)
            assert got.dtype == np.bool_ and np.array_equal(got, want), f
    assert Filters(provider="openai").combo_mask(tables).any()
