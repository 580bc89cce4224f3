"""The dimension breakdowns' fast paths against the plain computation: the top values picked
with numpy (``by_dimension._top_rows`` through ``values``) against sorting every value, and the
sections' own dump against the pydantic TypeAdapter's, in both modes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_monitor.analytics.sections import BY_NAME
from empathy_monitor.analytics.sections.by_dimension import _stats, values
from empathy_monitor.analytics.sums import DimSums, Sums
from empathy_monitor.tables import Tables

_sums = st.builds(
    DimSums,
    st.integers(0, 3),  # calls (0: a value without calls in the window)
    st.integers(0, 2),
    st.integers(0, 5) | st.integers(0, 10**12),  # costs with many ties, and large ones
    st.integers(0, 10**6),
    st.integers(0, 10**7),
    st.integers(0, 4),
)


def _tables(n: int) -> Tables:
    t = Tables()
    for i in range(1, n):
        t.sessions.id(f"s-{(i * 7919) % 1000:03d}-{i}")  # labels not in id order
    return t


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.lists(_sums, min_size=0, max_size=60), st.integers(1, 12))
def test_top_values_are_the_sorted_prefix(rows: list[DimSums], top: int) -> None:
    t = _tables(len(rows) + 1)
    s = Sums()
    s.dims["session"] = dict(enumerate(rows))
    everything = values(s, "session", t)
    plain = sorted(everything, key=lambda r: (-r[1].cost, r[0]))[:top]  # sort all, then cut
    assert values(s, "session", t, top) == plain
    assert all(a.calls for _k, a in everything)


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(_sums, min_size=0, max_size=20))
def test_dump_is_the_adapters(rows: list[DimSums]) -> None:
    rendered = {f"v{i}": _stats(a) for i, a in enumerate(rows)}
    for name in ("by_project", "by_user", "by_session", "by_source"):
        d = BY_NAME[name]
        for mode in ("python", "json"):
            got = d.to_wire(rendered, mode, None)  # type: ignore[arg-type]
            want = d.adapter.dump_python(rendered, mode=mode)
            assert got == want
            assert [type(v) for r in got.values() for v in r.values()] == [
                type(v) for r in want.values() for v in r.values()
            ]
