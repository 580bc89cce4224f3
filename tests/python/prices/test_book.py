"""The price book: list prices from genai-prices, applied per call at the call's own date."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import numpy as np
from genai_prices import Usage, calc_price
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.prices.book import PriceBook
from empathy_monitor.prices.userprices import parse_prices


def ep(y: int, m: int, d: int) -> float:
    return datetime(y, m, d, 12, tzinfo=timezone.utc).timestamp()


def cost(book: PriceBook, provider: str, model: str, ts: float, **tok: int) -> tuple[int, bool]:
    mp = book.lookup(provider, model)
    assert mp is not None
    a = lambda k: np.array([tok.get(k, 0)], dtype=np.int64)  # noqa: E731
    nanos, priced = mp.cost(np.array([ts]), a("tin"), a("tout"), a("cr"), a("cw"), a("cw1h"))
    return int(nanos[0]), bool(priced[0])


def test_hand_computed_sonnet_with_cache_tokens() -> None:
    # claude-sonnet-4 list: $3 in, $15 out, $0.30 cache read, $3.75 cache write (5m), $6 (1h).
    n, ok = cost(PriceBook(), "anthropic", "claude-sonnet-4-20250514", ep(2026, 11, 1),
                 tin=1000, tout=500, cr=2000, cw=100, cw1h=10)  # fmt: skip
    assert ok
    # 1000*3 + 500*15 + 2000*0.3 + 100*3.75 + 10*6 = 11,535 USD/Mtok-tokens -> x1000 nanos
    assert n == 11_535_000


def test_a_price_change_inside_the_window_prices_each_call_at_its_own_rate() -> None:
    # o3 input went from $10 to $2 per million on 2025-06-10 (the package's dated prices).
    book = PriceBook()
    before, _ = cost(book, "openai", "o3", ep(2025, 6, 1), tin=1_000_000)
    after, _ = cost(book, "openai", "o3", ep(2025, 6, 20), tin=1_000_000)
    assert (before, after) == (10_000_000_000, 2_000_000_000)
    mp = book.lookup("openai", "o3")
    assert mp is not None
    ts = np.array([ep(2025, 6, 1), ep(2025, 6, 20), ep(2025, 6, 2)])
    z = np.zeros(3, dtype=np.int64)
    nanos, _ = mp.cost(ts, np.full(3, 1_000_000), z, z, z, z)
    assert nanos.tolist() == [10_000_000_000, 2_000_000_000, 10_000_000_000]


def test_tiered_rate_applies_to_every_token_past_the_threshold() -> None:
    # gemini-1.5-pro: $1.25 in / $5 out, $2.50 / $10 once a prompt passes 128k tokens.
    book = PriceBook()
    small, _ = cost(book, "google", "gemini-1.5-pro", ep(2026, 1, 1), tin=128_000, tout=1000)
    big, _ = cost(book, "google", "gemini-1.5-pro", ep(2026, 1, 1), tin=128_001, tout=1000)
    assert small == round((128_000 * 1.25 + 1000 * 5) * 1000)
    assert big == round((128_001 * 2.5 + 1000 * 10) * 1000)
    # cache reads count towards the threshold (the whole prompt decides the tier)
    mixed, _ = cost(book, "google", "gemini-1.5-pro", ep(2026, 1, 1), tin=100_000, cr=30_000)
    assert mixed == round(130_000 * 2.5 * 1000)  # no cache-read rate: billed as input


def test_local_models_are_free_and_unknown_models_are_not_priced() -> None:
    book = PriceBook()
    local = book.lookup("ollama", "llama3.1:8b")
    assert local is not None and local.free and local.origin == "local"
    assert cost(book, "ollama", "llama3.1:8b", ep(2026, 1, 1), tin=10_000) == (0, True)
    assert book.lookup("acme", "no-such-model-xyz") is None
    assert book.lookup("anthropic", "") is None


def test_prices_yaml_overrides_globs_free_and_valid_from() -> None:
    entries, errors = parse_prices(
        "prices:\n"
        "  - model: my-ft-*\n    input: 3\n    output: 15\n"
        "  - model: my-ft-special\n    input: 1\n    output: 1\n"
        "  - model: llama*\n    free: true\n"
        "  - model: gpt-4o\n    provider: openai\n    input: 5\n    output: 20\n"
        "    valid_from: 2026-10-01\n"
    )
    assert errors == []
    book = PriceBook(entries)
    # the exact pattern wins over the glob, whatever the file order
    assert cost(book, "openai", "my-ft-special", ep(2026, 1, 1), tin=1000)[0] == 1_000_000
    assert cost(book, "openai", "my-ft-7", ep(2026, 1, 1), tin=1000)[0] == 3_000_000
    assert cost(book, "ollama", "llama3", ep(2026, 1, 1), tin=1000) == (0, True)
    # valid_from: the user's rate from that date, the catalogue's before it ($2.50 in)
    assert cost(book, "openai", "gpt-4o", ep(2026, 10, 2), tin=1000)[0] == 5_000_000
    assert cost(book, "openai", "gpt-4o", ep(2026, 9, 30), tin=1000)[0] == 2_500_000
    # under another provider the entry does not apply
    mp = book.lookup("azure", "gpt-4o")
    assert mp is not None and mp.origin == "catalog"
    assert book.overridden([("openai", "gpt-4o"), ("azure", "gpt-4o"), ("x", "my-ft-1")]) == 2


def test_a_valid_from_entry_without_a_catalogue_price_leaves_earlier_calls_unpriced() -> None:
    entries, _ = parse_prices(
        "prices:\n  - model: corp-llm\n    input: 2\n    valid_from: 2026-10-01\n"
    )
    book = PriceBook(entries)
    assert cost(book, "corp", "corp-llm", ep(2026, 10, 5), tin=1000) == (2_000_000, True)
    assert cost(book, "corp", "corp-llm", ep(2026, 9, 5), tin=1000) == (0, False)


def test_bad_prices_yaml_entries_are_located_and_the_rest_still_load() -> None:
    entries, errors = parse_prices(
        "prices:\n"
        "  - model: good\n    input: 1\n"
        "  - model: bad\n    input: -1\n"
        "  - model: worse\n    input: .nan\n"
        "  - input: 3\n"
        "  - model: typo\n    inptu: 3\n"
        "  - model: both\n    free: true\n    input: 1\n"
        "  - model: when\n    input: 1\n    valid_from: someday\n"
    )
    assert [e.pattern for e in entries] == ["good"]
    assert errors == [
        "prices.yaml:4: 'input' must be a finite number >= 0",
        "prices.yaml:6: 'input' must be a finite number >= 0",
        "prices.yaml:8: 'model' must be a non-empty model id or glob",
        "prices.yaml:9: unknown key 'inptu' (one of cache_read, cache_write, cache_write_1h, "
        "free, input, model, output, provider, valid_from)",
        "prices.yaml:11: a free model takes no rates",
        "prices.yaml:14: 'valid_from' must be a date (YYYY-MM-DD)",
    ]


def test_yaml_aliases_are_refused() -> None:
    entries, errors = parse_prices("a: &x [1, 2]\nprices:\n  - model: m\n    input: *x\n")
    assert entries == [] and errors == ["prices.yaml:4: YAML aliases are not supported"]


MODELS = [
    ("anthropic", "claude-sonnet-4-20250514"),
    ("anthropic", "claude-3-5-haiku-20241022"),
    ("openai", "gpt-4o"),
    ("openai", "gpt-4o-mini"),
    ("google", "gemini-1.5-pro"),
]


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    st.sampled_from(MODELS),
    st.integers(0, 400_000),
    st.integers(0, 50_000),
    st.integers(0, 200_000),
    st.integers(0, 50_000),
)
def test_vectorised_cost_equals_the_library_for_any_token_counts(
    model: tuple[str, str], tin: int, tout: int, cr: int, cw: int
) -> None:
    provider, mid = model
    book = PriceBook()
    mp = book.lookup(provider, mid)
    assert mp is not None
    period = mp.period_at(ep(2026, 11, 1))
    assert period is not None
    if period.rates.cache_write is None:
        cw = 0  # the library refuses a cache write for a model without that price
    ours, _ = cost(book, provider, mid, ep(2026, 11, 1), tin=tin, tout=tout, cr=cr, cw=cw)
    lib = calc_price(
        Usage(input_tokens=tin + cr + cw, output_tokens=tout, cache_read_tokens=cr,
              cache_write_tokens=cw),
        mid, provider_id=provider, genai_request_timestamp=datetime(2026, 11, 1, 12, tzinfo=timezone.utc),
    ).total_price  # fmt: skip
    assert abs(ours - lib * Decimal(10**9)) <= 1


def test_cost_sources_in_each_mode_by_hand() -> None:
    from empathy_monitor.prices.sources import SOURCE_NAMES, classify

    # rows: actual billed; writer priced; writer 0 + known model; writer 0 + unknown model;
    #       failed call costed 0 (known model); local model; no tokens, unknown model
    writer = np.array([5, 7, 0, 0, 0, 0, 0], dtype=np.int64)
    actual = np.array([9, -1, -1, -1, -1, -1, -1], dtype=np.int64)
    ok = np.array([True, True, True, True, False, True, True])
    tokens = np.array([10, 10, 10, 10, 10, 10, 0])
    list_cost = np.array([4, 6, 3, 0, 8, 0, 0], dtype=np.int64)
    priced = np.array([True, True, True, False, True, True, False])
    free = np.array([False, False, False, False, False, True, False])
    names = lambda s: [SOURCE_NAMES[i] for i in s.tolist()]  # noqa: E731

    src, c = classify("auto", writer, actual, ok, tokens, list_cost, priced, free)
    assert names(src) == ["actual", "writer", "list", "unpriced", "free", "free", "free"]
    assert c.tolist() == [9, 7, 3, 0, 0, 0, 0]

    src, c = classify("writer", writer, actual, ok, tokens, list_cost, priced, free)
    assert names(src) == ["writer"] * 7 and c.tolist() == writer.tolist()

    src, c = classify("list", writer, actual, ok, tokens, list_cost, priced, free)
    assert names(src) == ["list", "list", "list", "unpriced", "free", "free", "free"]
    assert c.tolist() == [4, 6, 3, 0, 0, 0, 0]


def test_without_the_catalogue_only_user_and_local_prices_apply(monkeypatch: object) -> None:
    """On Python 3.10 genai-prices (0.2+) cannot be installed: nothing breaks, known models are
    unpriced unless prices.yaml prices them, local models stay free."""
    import sys

    from empathy_monitor.prices import catalog

    mp = monkeypatch  # pytest's MonkeyPatch
    mp.setitem(sys.modules, "genai_prices", None)  # type: ignore[attr-defined]
    catalog._snapshot.cache_clear()
    catalog.lookup.cache_clear()
    try:
        assert not catalog.available()
        entries, _ = parse_prices("prices:\n  - model: gpt-4o\n    input: 5\n")
        book = PriceBook(entries)
        assert book.lookup("anthropic", "claude-sonnet-4-20250514") is None
        assert cost(book, "openai", "gpt-4o", ep(2026, 1, 1), tin=1000)[0] == 5_000_000
        assert cost(book, "ollama", "llama3", ep(2026, 1, 1), tin=1000) == (0, True)
    finally:
        catalog._snapshot.cache_clear()
        catalog.lookup.cache_clear()
