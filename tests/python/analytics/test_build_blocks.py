"""A build in many small blocks equals one in a few large ones (every dashboard section), and the
block size grows with the number of combos within its bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathy_monitor.analytics import SECTIONS, Filters, WindowSpec, build
from empathy_monitor.demo import generate
from empathy_monitor.telemetry import Telemetry


def test_block_rows_grow_with_the_combos_within_bounds() -> None:
    assert build.block_rows(10) == build.BUILD_BLOCK
    assert build.block_rows(40_000) == 80_000
    assert build.block_rows(10**6) == build.MAX_BLOCK


@pytest.mark.parametrize("flt", [Filters(), Filters(provider="openai"), Filters(user="alice")])
def test_small_blocks_build_the_same_sums(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flt: Filters
) -> None:
    generate(tmp_path, calls=900, days=4, seed=5)
    tel = Telemetry([tmp_path], naive_tz="UTC", workers=1)
    tel.refresh()
    spec = WindowSpec(range="all")
    big = tel.view(spec, flt).render()
    monkeypatch.setattr(build, "BUILD_BLOCK", 7)
    monkeypatch.setattr(build, "MAX_BLOCK", 7)
    small = tel.view(spec, flt).render()
    assert big["overview"]["calls"] > 0
    for k in SECTIONS:
        if k in small and k != "window":
            assert small[k] == big[k], k
