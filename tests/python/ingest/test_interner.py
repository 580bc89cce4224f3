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


def test_a_chunk_from_a_worker_sends_plain_shared_combos_and_the_tables_keep_callcombos() -> None:
    from empathy_monitor.ingest.chunk import ChunkWriter
    from empathy_monitor.tables import Chunk, Tables

    chunk = Chunk(file_idx=0)
    out = ChunkWriter(chunk)
    keys = [tuple(_combo(err, ("openai:capable",))) for err in ("timeout", "rate_limit", None)]
    assert [out.add_combo(k) for k in keys] == [0, 1, 2]
    # in the worker: CallCombos whose equal strings are one object
    a, b, _ = chunk.combos
    assert type(a) is CallCombo and a.provider is b.provider and a.model is b.model
    assert a.fallback_chain[0] is b.fallback_chain[0]
    sent = pickle.loads(pickle.dumps(chunk, protocol=5))
    assert [type(c) for c in sent.combos] == [tuple] * 3 and sent.combos == keys
    assert sent.combos[0][0] is sent.combos[1][0]  # each string sent once
    assert chunk.combos[0] == a  # pickling leaves the worker's own chunk as it was
    tables = Tables()
    known = tables.call_combos.id(a)  # one of them already held (from an earlier chunk)
    ids = [tables.call_combos.id(c) for c in sent.combos]
    assert ids[0] == known and len(set(ids)) == 3
    assert all(type(c) is CallCombo for c in tables.call_combos.items)
    assert [tuple(c) for c in tables.call_combos.items] == keys


def test_ids_in_bulk_equal_one_by_one_and_share_strings() -> None:
    """``ids`` (a chunk's combos at once) gives what ``id`` one at a time gives, keeps new
    combos as CallCombos with shared strings (the chain's too), and a repeat in one batch gets
    its first id."""
    from empathy_monitor.tables import Tables

    combos = [
        tuple(pickle.loads(pickle.dumps(_combo(err, chain))))
        for err, chain in (
            ("timeout", ("openai:capable", "anthropic:capable")),
            (None, ()),
            ("rate_limit", ("openai:capable",)),
            ("timeout", ("openai:capable", "anthropic:capable")),  # a repeat within the batch
        )
    ]
    bulk, single = Tables(), Tables()
    got = bulk.call_combos.ids(combos[:2]).tolist() + bulk.call_combos.ids(combos[1:]).tolist()
    want = [single.call_combos.id(c) for c in (*combos[:2], *combos[1:])]
    assert got == want == [0, 1, 1, 2, 0]
    items = bulk.call_combos.items
    assert [tuple(c) for c in items] == [tuple(c) for c in single.call_combos.items]
    assert all(type(c) is CallCombo for c in items)
    assert items[0].provider is items[2].provider and items[0].model is items[1].model
    assert items[0].fallback_chain[0] is items[2].fallback_chain[0]
    assert items[1].fallback_chain == () and items[1].error_type is None
    assert bulk.users.ids([]).tolist() == [] and bulk.users.ids(["a", "b", "a"]).tolist() == [
        1,
        2,
        1,
    ]
