"""The daily spend model behind the forecast: level, trend, weekday profile, outliers, residuals.

Pure numpy. ``fit_daily`` takes a contiguous run of local-day totals (oldest first, the last entry
is yesterday) and returns what ``forecast.py`` needs to project and to resample. Outliers (an 8x
day, a gap with no spend) are judged against a local running median, so a trend or a change of
level is not mistaken for them; a day without spend is a gap only where spend is the rule (a
weekend off or occasional use is data). Effects (trend, each weekday factor) are shrunk toward
"none" by their own signal-to-noise, so flat noisy data is not extrapolated; a trend from few days
or a steep one is damped further (``Params.trend_days_half``, ``trend_clip``) and the interval
widens by what was cut, so a short rising history projects near its burn rate.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from empathy_monitor.budgets.periods import local_date

_MAD_SCALE = 1.4826  # MAD -> standard deviation for normal data


@dataclass(frozen=True)
class Params:
    """The forecast's fixed knobs (one set for every regime; the bench checks them)."""

    window_days: int = 182  # history used at all
    trend_days: int = 91  # the most recent days that set the trend and profile
    pool_days: int = 182  # recent days whose ratios make the interval's resampling pool
    pool_ref_days: int = 57  # running inlier-mean width the pool's ratios are taken against
    block_days: int = 7  # resampled in runs of this many days (gaps and busy weeks cluster)
    local_days: int = 15  # running-median width that outliers are judged against
    level_days: int = 56  # the most recent days that set the level
    reject_mads: float = 3.0  # a day further than this from the median is an outlier
    trend_shrink: float = 4.0  # slope * t^2 / (t^2 + k): keep a trend only when t is large
    # A trend is damped before it is carried ahead, so ten rising days do not compound into a
    # month at 100x: scaled by m^4 / (m^4 + trend_days_half^4) (m: the days it was fitted on) and
    # softly limited to about trend_clip a day (doubling in ~23 days; 1%/day keeps 99.7%). What
    # was cut widens the interval instead, by up to trend_cut_se a day of slope error.
    trend_days_half: float = 7.0
    trend_clip: float = 0.03
    trend_cut_se: float = 0.012
    profile_min_days: int = 7  # fewer days: no weekday profile
    profile_shrink: float = 4.0  # the same shrinkage for each weekday factor's deviation
    min_history_days: int = 7  # fewer: blend with the naive rate
    # The 80% interval's quantiles (tail .. 1 - tail of the replicates): resampling a finite
    # history under-represents clustered rare days, so the nominal tails sit a little further out.
    tail: float = 0.075
    replicates: int = 400
    seed: int = 20261201


DEFAULT_PARAMS = Params()


@dataclass(frozen=True)
class DailyFit:
    """What the model learned from the history."""

    level: float  # per average day, at the end of history
    slope: float  # relative growth per day (already shrunk)
    profile: NDArray[np.float64]  # 7 weekday factors, mean 1
    residuals: NDArray[np.float64]  # recent days / their local expectation, oldest first
    level_se: float  # relative standard error of the level from day-to-day noise
    slope_se: float  # standard error of the slope, shrinkage included
    lever: float  # days from the level's data to the end of history (a slope error moves both)
    days: int


def _shrink(raw: float, se: float, k: float) -> float:
    """``raw * d^2 / (d^2 + k)`` with ``d = raw / se``: keep an effect only when the data shows it."""
    if se <= 0:
        return raw
    d2 = (raw / se) ** 2
    return raw * d2 / (d2 + k)


def _weekday_medians(y: NDArray[np.float64], wd: NDArray[np.int64]) -> NDArray[np.float64]:
    lists: list[list[float]] = [[] for _ in range(7)]
    for v, k in zip(y.tolist(), wd.tolist()):
        lists[k].append(v)
    return np.array([statistics.median(v) if v else np.nan for v in lists])


def _median_profile(med: NDArray[np.float64]) -> NDArray[np.float64]:
    if not np.all(np.isfinite(med)) or med.mean() <= 0:
        return np.ones(7)
    return np.asarray(np.maximum(med / med.mean(), 0.02), dtype=np.float64)


def _mean_profile(
    y: NDArray[np.float64], wd: NDArray[np.int64], inl: NDArray[np.bool_], rel_sd: float, p: Params
) -> NDArray[np.float64]:
    """Weekday factors from inlier means; ``rel_sd`` is a day's relative noise (from the MAD)."""
    m = np.full(7, np.nan)
    count = np.zeros(7)
    for k in range(7):
        v = y[inl & (wd == k)]
        if v.size:
            m[k], count[k] = v.mean(), v.size
    if not np.all(np.isfinite(m)) or m.mean() <= 0:
        return np.ones(7)
    raw = m / m.mean()
    se = rel_sd * raw / np.sqrt(count)
    prof = 1.0 + np.array(
        [_shrink(float(r - 1.0), float(e), p.profile_shrink) for r, e in zip(raw, se)]
    )
    prof = np.maximum(prof, 0.02)
    return np.asarray(prof / prof.mean(), dtype=np.float64)


def _running_median(x: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    """Centered running median, the window cut (not padded) at both ends."""
    half = width // 2
    n = x.size
    out = np.empty(n)
    if n > 2 * half:
        out[half : n - half] = np.median(
            np.lib.stride_tricks.sliding_window_view(x, 2 * half + 1), axis=1
        )
    for i in [*range(min(half, n)), *range(max(n - half, half), n)]:
        out[i] = statistics.median(x[max(0, i - half) : i + half + 1].tolist())
    return out


def _running_mean(
    x: NDArray[np.float64], keep: NDArray[np.bool_], width: int
) -> NDArray[np.float64]:
    """Centered running mean of the kept entries (window cut at both ends; empty -> overall mean)."""
    half = width // 2
    c = np.concatenate([[0.0], np.cumsum(np.where(keep, x, 0.0))])
    k = np.concatenate([[0], np.cumsum(keep)])
    i = np.arange(x.size)
    lo, hi = np.maximum(i - half, 0), np.minimum(i + half + 1, x.size)
    cnt = k[hi] - k[lo]
    overall = float(x[keep].mean()) if keep.any() else 0.0
    return np.where(cnt > 0, (c[hi] - c[lo]) / np.maximum(cnt, 1), overall)


def fit_daily(y: NDArray[np.float64], wd: NDArray[np.int64], p: Params) -> DailyFit:
    """Fit level, trend and profile to ``y`` (oldest first, the last entry is yesterday)."""
    n = y.size
    use_profile = n >= p.profile_min_days
    t = np.arange(n, dtype=np.float64) - (n - 0.5)  # days before the end of history (< 0)
    # Pass 1: a median profile, then outliers (spikes, gaps) against a local running median,
    # so a trend or a change of level is not mistaken for outliers.
    med = _weekday_medians(y, wd) if use_profile else np.full(7, np.nan)
    z0 = y / (_median_profile(med) if use_profile else np.ones(7))[wd]
    local = _running_median(z0, p.local_days)
    dev = np.where(local > 0, z0 / np.maximum(local, 1e-9) - 1.0, 0.0)
    rel_sd = max(_MAD_SCALE * float(np.median(np.abs(dev - np.median(dev)))), 0.05)
    # A day without spend is a gap (an outlier) only where spend is the rule, locally and on
    # that weekday; where quiet days are common (weekends off, occasional use) it is data.
    quiet_ok = (y == 0) & ((local <= 0) | ~(med[wd] > 0))
    inl = ((np.abs(dev) <= p.reject_mads * rel_sd) & (y > 0)) | quiet_ok
    if not inl.any() or y[inl].sum() <= 0:
        return DailyFit(0.0, 0.0, np.ones(7), np.ones(1), 1.0, 0.0, 0.0, n)
    # Pass 2: the weekday profile from inlier means, each factor shrunk by its significance.
    near = inl & (t >= -p.trend_days)
    prof = _mean_profile(y, wd, near, rel_sd, p) if use_profile else np.ones(7)
    z = y / prof[wd]
    pos = near & (y > 0)
    lz, ti = np.log(z[pos]), t[pos]
    slope = slope_se = 0.0
    if lz.size >= 7:
        tc = ti - ti.mean()
        sxx = float(np.sum(tc * tc))
        if sxx > 0:
            b = float(np.sum(tc * (lz - lz.mean())) / sxx)
            res = lz - lz.mean() - b * tc
            se = float(np.sqrt(np.sum(res * res) / max(lz.size - 2, 1) / sxx))
            slope = _shrink(b, se, p.trend_shrink)
            # A kept trend is as uncertain as its fit; a shrunk one errs by about what was cut.
            slope_se = float(np.hypot(se * slope / b if b else 0.0, b - slope))
            # A short or steep trend (ten rising days) would compound far past the data: damp
            # it toward the plain rate and count the cut as uncertainty (bounded).
            g = lz.size**4 / (lz.size**4 + p.trend_days_half**4)
            if p.trend_clip > 0:
                g /= float((1.0 + (slope * g / p.trend_clip) ** 4) ** 0.25)
            cut = min(abs(slope) * (1.0 - g), p.trend_cut_se)
            slope_se = float(np.hypot(slope_se * g, cut))
            slope *= g
    # Level: the recent inliers carried to the end of history along the (shrunk) trend, as a
    # ratio of sums (sum of spend / sum of weekday factors), so a near-zero weekend neither
    # divides by ~0 nor counts as a day of evidence about the level.
    rmask = inl & (t >= -p.level_days)
    if rmask.sum() < 2:
        rmask = inl
    w = prof[wd][rmask]
    carried = y[rmask] * np.exp(-slope * t[rmask])
    level = float(carried.sum() / w.sum())
    lever = float(np.sum(w * -t[rmask]) / w.sum())
    n_eff = float(w.sum() ** 2 / np.sum(w * w))
    if level > 0 and n_eff > 1:
        var = float(np.sum(w * (carried / w / level - 1.0) ** 2) / w.sum())
        level_se = float(np.sqrt(var / (n_eff - 1.0)))
    else:
        level_se = 0.5
    # Ratios to a local running inlier mean, not to the fitted trend: a slightly wrong slope
    # carried back over months would bias the whole pool.
    ref = np.maximum(_running_mean(z, inl, p.pool_ref_days) * prof[wd], 1e-9)
    resid = (y / ref)[-p.pool_days :]
    return DailyFit(level, slope, prof, resid, level_se, slope_se, lever, n)


def daily_history(
    day_starts: NDArray[np.int64], spend: NDArray[np.int64], today: int, tz: ZoneInfo, p: Params
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Daily spend for the window before ``today`` (oldest first), with weekdays.

    Missing days are 0; history starts at the first day that had any spend, so a long quiet
    stretch before the user started does not drag the rate down.
    """
    ds = np.asarray(day_starts, dtype=np.int64)
    sp = np.asarray(spend, dtype=np.int64)
    keep = (ds < today) & (sp > 0)
    if not keep.any():
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    tdate = local_date(today, tz)
    first = local_date(int(ds[keep].min()), tz)
    n = min(p.window_days, (tdate - first).days)
    # Local midnights k days apart differ by k days +- one DST shift (at most an hour or two):
    # rounding counts the days without a per-day time-zone lookup.
    k = np.round((today - ds[keep]) / 86400.0).astype(np.int64)  # 1 = yesterday
    inside = (k >= 1) & (k <= n)
    y = np.zeros(n)
    np.add.at(y, n - k[inside], sp[keep][inside].astype(np.float64))
    wd = (tdate.weekday() - (n - np.arange(n, dtype=np.int64))) % 7
    return y, wd


def empty_fit() -> DailyFit:
    """The fit of no history at all."""
    return DailyFit(0.0, 0.0, np.ones(7), np.ones(1), 0.5, 0.0, 0.0, 0)
