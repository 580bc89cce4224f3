"""The one definition of "unusual": a key's day against its own rolling baseline.

For each key (a workflow, a provider, ...) and each of its days, the baseline is the key's values
on the days *with data* among the 14 calendar days before (a day without spend is not part of it,
so a weekday-only workflow is judged against its weekdays). The score is robust:
``(value - median) / max(1.4826 * MAD, floor * median)`` — the scaled MAD estimates a standard
deviation without letting one earlier spike inflate it, and the floor keeps a perfectly flat
baseline from dividing by zero. A day is an anomaly only with enough history (7 days with data)
and when both the score and the ratio to the median clear their thresholds (3.5 and 2x), so a
small wobble on a flat series is not "6 sigma". The panel's chart markers and the spike alert
metrics both read this.

Pure numpy; values are any non-negative amounts (nanodollars for cost, tokens for token spikes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

MAD_SCALE = 1.4826  # MAD -> standard deviation for normal data
NANO = 1_000_000_000


@dataclass(frozen=True)
class AnomalyParams:
    baseline_days: int = 14  # calendar days before the day
    min_history: int = 7  # days with data in the baseline before anything is unusual
    threshold: float = 3.5  # robust score
    min_ratio: float = 2.0  # value / median
    floor: float = 0.1  # the scale is at least this share of the median
    min_value: float = 0.0  # a day below this is never unusual (e.g. a fraction of a cent)


DEFAULT_ANOMALY = AnomalyParams()


@dataclass(frozen=True)
class DayScore:
    """One (key, day): its value against its baseline. Baseline fields are None without enough
    history."""

    key: str
    day_start: int
    value: float
    history_days: int
    median: float | None
    mad: float | None  # raw MAD (not scaled)
    score: float | None
    ratio: float | None
    anomaly: bool


def robust_rows(windows: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(median, raw MAD) of each row, NaN entries left out (rows need at least one value).

    The same numbers as ``np.nanmedian`` (the mean of the two middle values of an even count),
    by one sort per pass: NaNs sort last, so a row's values are its first ``count`` entries.
    """
    w = np.asarray(windows, dtype=np.float64)
    count = np.sum(~np.isnan(w), axis=1)
    rows = np.arange(w.shape[0])
    lo, hi = (count - 1) // 2, count // 2

    def mid(x: NDArray[np.float64]) -> NDArray[np.float64]:
        srt = np.sort(x, axis=1)
        return np.asarray((srt[rows, lo] + srt[rows, hi]) / 2.0, dtype=np.float64)

    med = mid(w)
    return med, mid(np.abs(w - med[:, None]))


def robust_score(
    value: float, median: float, mad: float, params: AnomalyParams = DEFAULT_ANOMALY
) -> tuple[float, float]:
    """(robust score, ratio to the median) of ``value`` against a baseline (median > 0)."""
    scale = max(MAD_SCALE * mad, params.floor * median)
    return (value - median) / scale, value / median


def baseline_of(values: NDArray[np.float64]) -> tuple[int, float, float] | None:
    """(values, median, raw MAD) of a baseline's values with data (NaN / 0 = no data); None
    when it has none."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return None
    med, mad = robust_rows(v[None, :])
    return int(v.size), float(med[0]), float(mad[0])


def _day_index(day_starts: NDArray[np.int64]) -> NDArray[np.int64]:
    # Local midnights are n days +- one DST offset (at most an hour) apart: rounding counts days.
    d = np.asarray(day_starts, dtype=np.int64)
    return np.asarray(np.round((d - d.min()) / 86400.0), dtype=np.int64)


def score_days(
    key: str,
    day_starts: NDArray[np.int64],
    values: NDArray[np.float64],
    params: AnomalyParams = DEFAULT_ANOMALY,
) -> list[DayScore]:
    """Score each of one key's days (input order kept; days missing from the input have no data)."""
    ds = np.asarray(day_starts, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if ds.size == 0:
        return []
    idx = _day_index(ds)
    dense = np.zeros(int(idx.max()) + 1)
    np.add.at(dense, idx, v)  # rows of the same day add up
    base = np.where(dense > 0, dense, np.nan)  # a day with no spend is no data
    w = params.baseline_days
    padded = np.concatenate([np.full(w, np.nan), base])
    windows = np.lib.stride_tricks.sliding_window_view(padded, w)[: base.size]  # the w days before
    count = np.sum(~np.isnan(windows), axis=1)
    enough = count >= max(params.min_history, 1)
    med = np.full(base.size, np.nan)
    mad = np.full(base.size, np.nan)
    if enough.any():
        med[enough], mad[enough] = robust_rows(windows[enough])
    out: list[DayScore] = []
    for i, day in zip(idx.tolist(), ds.tolist()):
        value = float(dense[i])
        if not enough[i] or not med[i] > 0:
            out.append(DayScore(key, day, value, int(count[i]), None, None, None, None, False))
            continue
        score, ratio = robust_score(value, float(med[i]), float(mad[i]), params)
        flag = bool(
            score >= params.threshold and ratio >= params.min_ratio and value >= params.min_value
        )
        out.append(
            DayScore(
                key, day, value, int(count[i]), float(med[i]), float(mad[i]), score, ratio, flag
            )
        )
    return out


def score_keys(
    keys: Sequence[str],
    day_starts: NDArray[np.int64],
    values: NDArray[np.float64],
    params: AnomalyParams = DEFAULT_ANOMALY,
) -> list[DayScore]:
    """Score rows of ``(key, day, value)`` per key (rows of one key and day are summed)."""
    k = np.asarray(keys, dtype=object)
    ds = np.asarray(day_starts, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    out: list[DayScore] = []
    for key in sorted(set(k.tolist())):
        m = k == key
        days, inverse = np.unique(ds[m], return_inverse=True)
        sums = np.zeros(days.size)
        np.add.at(sums, inverse, v[m])
        out.extend(score_days(str(key), days, sums, params))
    return out


def anomalies(scores: Sequence[DayScore]) -> list[DayScore]:
    """Only the unusual days."""
    return [s for s in scores if s.anomaly]


def _usd(nd: float) -> str:
    usd = nd / NANO
    if usd >= 10:
        return f"${usd:,.0f}"
    if usd >= 0.01:
        return f"${usd:.2f}"
    return f"${usd:.4f}"


def describe_cost(s: DayScore, tz: ZoneInfo) -> str:
    """``code-review: $41 on Nov 27, 6.2× its usual`` (values in nanodollars)."""
    day = datetime.fromtimestamp(s.day_start, tz)
    when = f"{day:%b} {day.day}"
    if s.ratio is None:
        return f"{s.key}: {_usd(s.value)} on {when}"
    return f"{s.key}: {_usd(s.value)} on {when}, {s.ratio:.1f}× its usual"
