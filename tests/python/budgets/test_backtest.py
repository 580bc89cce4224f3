"""A small rolling-origin backtest (one seed the bench does not use, a period every 10 days):
the forecast must beat the naive rate at day 7 by the issue's 25% in every regime, and must not
be clearly worse at day 21. ``scripts/bench_forecast`` runs the full version."""

from __future__ import annotations

import numpy as np
import pytest

from empathy_monitor.budgets.backtest import REGIMES, backtest, generate


@pytest.mark.parametrize("regime", REGIMES)
def test_forecast_beats_naive_at_day_7(regime: str) -> None:
    scores = {s.origin: s for s in backtest(regime, seeds=(7,), stride=10)}
    d7, d21 = scores[7], scores[21]
    assert d7.n >= 30
    assert d7.mape <= 0.75 * d7.naive_mape, (regime, d7)
    assert d21.mape <= 1.1 * d21.naive_mape, (regime, d21)
    assert 55.0 <= d7.coverage <= 97.0, (regime, d7)


def test_regimes_are_what_they_say() -> None:
    flat, growth = generate("flat", 1), generate("growth", 1)
    assert abs(flat[-90:].mean() / flat[:90].mean() - 1) < 0.1
    assert growth[-30:].mean() / growth[:30].mean() > 5  # 1.2 ** 11.2 ~ 7.7
    wk = generate("weekday", 1)
    weekend = np.arange(wk.size) % 7 >= 5
    assert wk[weekend].mean() / wk[~weekend].mean() == pytest.approx(0.2, rel=0.05)
    sp = generate("spikes", 1)
    assert int((sp == 0).sum()) == 20  # a 5-day gap in each of 4 quarters
