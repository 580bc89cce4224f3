"""The combo interner keeps one string object per distinct name, however many combos hold it."""

from __future__ import annotations

import pickle

from empathy_monitor.columns import Interner
from empathy_monitor.tables import CallCombo


def _combo(err: str, chain: tuple[str, ...]) -> CallCombo:
    names = pickle.loads(pickle.dumps(["openai", "capable", "gpt-4o", "review"]))  # fresh objects
    return CallCombo(*names, "step", "unknown", err, None, chain, 0, "empathy")


def test_new_combos_share_their_strings_and_keep_their_ids() -> None:
    it = Interner()
    a = _combo("timeout", ("openai:capable", "anthropic:capable"))
    b = pickle.loads(pickle.dumps(_combo("rate_limit", ("openai:capable",))))
    ia, ib = it.id(a), it.id(b)
    assert (ia, ib) == (0, 1) and it.id(pickle.loads(pickle.dumps(a))) == 0
    ka, kb = it.items
    assert ka == a and kb == b and type(ka) is CallCombo
    for x, y in (
        (ka.provider, kb.provider),
        (ka.model, kb.model),
        (ka.fallback_chain[0], kb.fallback_chain[0]),
    ):
        assert x is y
    assert isinstance(ka.fallback_chain, tuple) and ka.fallback_chain == a.fallback_chain
    plain = Interner()
    assert plain.id(("x", ("y", None), 3)) == 0 and plain.items[0] == ("x", ("y", None), 3)
