"""A bulk read moves what it made out of the cyclic collector's sight (``gc.freeze``), so the
collector's full passes stop scanning a million calls' objects; garbage is collected first."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from empathy_monitor import telemetry
from empathy_monitor.demo import generate
from empathy_monitor.telemetry import Telemetry


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_bulk_read_freezes_what_is_alive_and_collects_the_rest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path, calls=600, days=2, seed=3)
    monkeypatch.setattr(telemetry, "FREEZE_AFTER_ROWS", 500)
    gc.unfreeze()
    gc.disable()  # only the read's own collection may collect the cycle below
    try:
        dead = weakref.ref(_Cycle())  # cyclic garbage made before the read: collected, not frozen
        assert dead() is not None
        tel = Telemetry([tmp_path], naive_tz="UTC", workers=1)
        res = tel.refresh()
        assert res.calls[1] - res.calls[0] >= 500
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert dead() is None
        assert len(tel.tables.call_combos) > 0
        # a small refresh (a live append) does not freeze again
        calls: list[int] = []
        real = telemetry._freeze
        monkeypatch.setattr(telemetry, "_freeze", lambda: calls.append(1) or real())
        with (tmp_path / "llm_calls.jsonl").open("a") as f:
            f.write("\n")
        tel.refresh()
        assert calls == []
    finally:
        gc.enable()
        gc.unfreeze()
