"""One dashboard view (a window + filters) as running sums that a new record updates in O(1).

``View.build`` fills the sums from the columnar tables with numpy (a full pass: cold start, window
or filter change); ``View.add_calls`` / ``add_runs`` fold in appended rows one by one without a
recompute; ``View.render`` turns the sums into the dashboard sections. Both paths feed the same
sums, so the live panel and a fresh ``empathy telemetry --json`` agree to the nanodollar.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from ..ingest.decode import (
    C_PROV,
    C_TIER,
    NANOS,
    CallCombo,
)
from ..tables import Tables
from ..timeparse import TimestampParser
from .latency import LatencyHist
from .tzoffsets import apply_offsets, as_int, day_index, hour_index, offsets_plan
from .window import Filters, Window

# Accumulator slots: calls, errors, cost (nanodollars), input tokens, output tokens,
# latency sum (ms), fallbacks, retries, calls with retries.
# LAT_N counts calls with a usable latency: a flagged (unbelievable) latency is stored as -1 and
# left out of the average and the percentiles instead of counting as 0 ms.
CALLS, ERR, COST, TIN, TOUT, LAT, FB, RETRY, RETRIED, LAT_N = range(10)
N_ACC = 10
# Run accumulator slots: runs, cost, baseline, savings, duration sum (ms), successes.
R_RUNS, R_COST, R_BASE, R_SAVE, R_DUR, R_OK = range(6)
MAX_HOURLY_DAYS = 31
BUILD_BLOCK = 1 << 17  # rows per numpy pass in View.build
SECTIONS = (
    "window",
    "overview",
    "cost_series",
    "by_provider",
    "by_tier",
    "by_model",
    "top_workflows",
    "savings",
    "fallback",
    "errors",
    "circuit_breakers",
    "recent_calls",
    "health",
)

RowReader = Callable[[int, int], "dict[str, Any] | None"]


@functools.lru_cache(maxsize=65536)
def _day_label(d: int) -> str:
    return datetime.fromtimestamp(d * 86400, timezone.utc).date().isoformat()


@functools.lru_cache(maxsize=65536)
def _hour_label(h: int) -> str:
    return datetime.fromtimestamp(h * 3600, timezone.utc).strftime("%Y-%m-%dT%H:00")


def _bump(counter: Counter[Any], key: Any, by: int) -> None:
    """Add to a count, dropping it at zero (rows can be subtracted when a window slides)."""
    n = counter[key] + by
    if n:
        counter[key] = n
    else:
        del counter[key]


def _acc() -> list[int]:
    return [0] * N_ACC


def usd(nanos: int | float) -> float:
    """Nanodollars to dollars, rounded to the nanodollar (removes float noise, keeps cents exact)."""
    return round(nanos / NANOS, 9)


def _pct(part: int | float, whole: int | float) -> float:
    return round(part / whole * 100, 4) if whole else 0.0


def _avg(total: int | float, n: int) -> float | None:
    return round(total / n, 3) if n else None


class View:
    """Sums for one window and filter set."""

    def __init__(
        self,
        tables: Tables,
        parser: TimestampParser,
        window: Window,
        filters: Filters,
        row_reader: RowReader,
        recent_limit: int = 20,
        top: int = 10,
        overview_only: bool = False,
    ) -> None:
        # overview_only: keep just what render_overview needs (totals, per-workflow sums, the
        # overall latency histogram) — a previous-period view for deltas costs half as much.
        self.overview_only = overview_only
        self.tables = tables
        self.parser = parser
        self.window = window
        self.filters = filters
        self.row_reader = row_reader
        self.recent_limit = recent_limit
        self.top = top
        self._reset()

    def _reset(self) -> None:
        self.tot = _acc()
        self.hist = LatencyHist()
        self.prov: dict[str, list[int]] = {}
        self.tier: dict[str, list[int]] = {}
        self.tier_hist: dict[str, LatencyHist] = {}
        self.model: dict[str, list[int]] = {}
        self.model_meta: dict[str, tuple[str, str]] = {}
        self.wf_calls: dict[str, list[int]] = {}
        self.etype: Counter[str] = Counter()
        self.oprov: Counter[str] = Counter()
        self.chains: Counter[tuple[str, ...]] = Counter()
        self.days: dict[int, list[int]] = {}
        self.day_prov: dict[tuple[int, str], list[int]] = {}  # [cost, calls]
        self.hours: dict[int, list[int]] = {}
        self.runs_wf: dict[str, list[int]] = {}
        self.runs_tot = [0] * 6
        self.recent: list[tuple[float, int, int]] = []  # (ts, file, offset), newest first
        self._rows: dict[tuple[int, int], dict[str, Any] | None] = {}
        self._combo_ok: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        self._run_combo_ok: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        self._hour_cache: dict[int, float] = {}
        # Rendered day/hour rows; an append drops only the rows of the buckets it touched, so a
        # render rebuilds a handful of rows instead of ~750 (new dicts, so diffs still see them).
        self._rows_cache: dict[tuple[str, int], dict[str, Any]] = {}

    # -- building ---------------------------------------------------------------------------
    def build(self) -> View:
        """Compute every sum from the tables (vectorised)."""
        self._reset()
        self._build_calls()
        self._build_runs()
        return self

    def _combo_allowed(self) -> npt.NDArray[np.bool_]:
        if len(self._combo_ok) != len(self.tables.call_combos):
            self._combo_ok = self.tables.call_combo_mask(self.filters.match_call)
        return self._combo_ok

    def _run_allowed(self) -> npt.NDArray[np.bool_]:
        if len(self._run_combo_ok) != len(self.tables.run_combos):
            self._run_combo_ok = self.tables.run_combo_mask(self.filters.match_run)
        return self._run_combo_ok

    def _build_calls(self) -> None:
        """Fold every selected call into the sums, one block of rows at a time.

        Working in fixed-size blocks keeps numpy temporaries at a few MB whatever the table size
        (a million rows would otherwise need ~70 MB of full-length intermediates per build).
        """
        t = self.tables.calls
        if t.n == 0:
            return
        combos = self.tables.call_combos.items
        nc = len(combos)
        tier_names = sorted({c[C_TIER] for c in combos})
        tier_of = np.fromiter(
            (tier_names.index(c[C_TIER]) for c in combos), dtype=np.int32, count=nc
        )
        prov_names = sorted({c[C_PROV] for c in combos})
        prov_pos = {p: i for i, p in enumerate(prov_names)}
        prov_of = np.fromiter((prov_pos[c[C_PROV]] for c in combos), dtype=np.int64, count=nc)
        allowed = self._combo_allowed() if self.filters.active else None
        ts_all = t.col("ts")
        tz = offsets_plan(float(ts_all.min()), float(ts_all.max()), self.parser)
        sums = np.zeros((N_ACC, nc), dtype=np.int64)
        hist = LatencyHist()
        tier_hists: dict[int, LatencyHist] = {}
        hourly = self._hourly()
        candidates: list[tuple[float, int, int]] = []
        for lo in range(0, t.n, BUILD_BLOCK):
            hi = min(t.n, lo + BUILD_BLOCK)
            ts = ts_all[lo:hi]
            m = self.window.mask(ts)
            if allowed is not None:
                f = allowed[t.col("combo")[lo:hi]]
                m = f if m is None else (m & f)
            idx = None if m is None or m.all() else np.flatnonzero(m)
            if idx is not None and idx.size == 0:
                continue

            def pick(name: str, lo: int = lo, hi: int = hi, idx: Any = idx) -> npt.NDArray[Any]:
                c = t.col(name)[lo:hi]
                return c if idx is None else c[idx]

            ts = pick("ts")
            combo = pick("combo")
            ok = pick("ok")
            cost, tin, tout = pick("cost"), pick("tin"), pick("tout")
            lat, fb, retry = pick("lat"), pick("fb"), pick("retry")
            err = ~ok
            has_lat = lat >= 0
            for slot, weights, where in (
                (CALLS, None, None),
                (ERR, None, err),
                (COST, cost, None),
                (TIN, tin, None),
                (TOUT, tout, None),
                (LAT, lat, has_lat),
                (FB, None, fb),
                (RETRY, retry, None),
                (RETRIED, None, retry > 0),
                (LAT_N, None, has_lat),
            ):
                c = combo if where is None else combo[where]
                w = None if weights is None else (weights if where is None else weights[where])
                sums[slot] += np.rint(np.bincount(c, weights=w, minlength=nc)).astype(np.int64)
            # latency histograms, overall and per tier
            tiers = tier_of[combo]
            if not has_lat.all():
                lat, tiers = lat[has_lat], tiers[has_lat]
            hist.add_array(lat)
            if self.overview_only:
                continue
            for ti in np.unique(tiers).tolist():
                th = tier_hists.get(ti)
                if th is None:
                    th = tier_hists[ti] = LatencyHist()
                th.add_array(lat[tiers == ti])
            # day and hour buckets in local time
            local = ts + apply_offsets(ts, tz)
            days = as_int(local / 86400)
            d0 = int(days.min())
            dd = days - d0
            nd = int(dd.max()) + 1
            cnt = np.bincount(dd, minlength=nd)
            dcost = np.rint(np.bincount(dd, weights=cost, minlength=nd)).astype(np.int64)
            derr = np.bincount(dd[err], minlength=nd)
            din = np.rint(np.bincount(dd, weights=tin, minlength=nd)).astype(np.int64)
            dout = np.rint(np.bincount(dd, weights=tout, minlength=nd)).astype(np.int64)
            for i in np.flatnonzero(cnt).tolist():
                day = self.days.setdefault(d0 + i, [0, 0, 0, 0, 0])
                day[0] += int(dcost[i])
                day[1] += int(cnt[i])
                day[2] += int(derr[i])
                day[3] += int(din[i])
                day[4] += int(dout[i])
            npv = len(prov_names)
            key = dd * npv + prov_of[combo]
            kc = np.rint(np.bincount(key, weights=cost, minlength=nd * npv)).astype(np.int64)
            kn = np.bincount(key, minlength=nd * npv)
            for k in np.flatnonzero(kn).tolist():
                d, pi = divmod(k, npv)
                dp = self.day_prov.setdefault((d0 + d, prov_names[pi]), [0, 0])
                dp[0] += int(kc[k])
                dp[1] += int(kn[k])
            if hourly:
                hours = as_int(local / 3600)
                h0 = int(hours.min())
                hh = hours - h0
                hn = np.bincount(hh)
                he = np.bincount(hh[err], minlength=hn.size)
                for i in np.flatnonzero(hn).tolist():
                    hr = self.hours.setdefault(h0 + i, [0, 0])
                    hr[0] += int(hn[i])
                    hr[1] += int(he[i])
            # newest calls for the feed: keep each block's top candidates
            k = min(self.recent_limit, ts.size)
            if k:
                top = np.argpartition(ts, ts.size - k)[ts.size - k :]
                files, offs = pick("file")[top], pick("off")[top]
                candidates += zip(ts[top].tolist(), files.tolist(), offs.tolist(), strict=True)
        for cid in np.flatnonzero(sums[CALLS]).tolist():
            self._fold_combo(combos[cid], [int(x) for x in sums[:, cid]])
        hist.seal()
        self.hist = hist
        for ti, h in tier_hists.items():
            h.seal()
            self.tier_hist[tier_names[ti]] = h
        candidates.sort(key=lambda r: -r[0])
        self.recent = candidates[: self.recent_limit]

    def _build_runs(self) -> None:
        t = self.tables.runs
        if t.n == 0:
            return
        ts_all = t.col("ts")
        combo_all = t.col("combo")
        sel = self.window.mask(ts_all)
        if self.filters.active:
            f = self._run_allowed()[combo_all]
            sel = f if sel is None else (sel & f)
        idx = np.flatnonzero(sel) if sel is not None else None

        def pick(name: str) -> npt.NDArray[Any]:
            c = t.col(name)
            return c if idx is None else c[idx]

        combo = pick("combo")
        if combo.size == 0:
            return
        nc = len(self.tables.run_combos)

        def per_combo(w: npt.NDArray[Any] | None = None) -> list[int]:
            out: list[int] = (
                np.rint(np.bincount(combo, weights=w, minlength=nc)).astype(np.int64).tolist()
            )
            return out

        sums = [
            per_combo(),
            per_combo(pick("cost")),
            per_combo(pick("base")),
            per_combo(pick("save")),
            per_combo(pick("dur")),
            per_combo(pick("ok").astype(np.float64)),
        ]
        combos = self.tables.run_combos.items
        for rid in np.flatnonzero(np.asarray(sums[R_RUNS])).tolist():
            self._fold_run(combos[rid][0], [s[rid] for s in sums])

    def _fold_combo(self, c: CallCombo, acc: list[int]) -> None:
        prov, tier, model, wf, _step, _task, etype, oprov, chain, _cb = c
        for table, key in ((self.prov, prov), (self.tier, tier), (self.model, model)):
            a = table.get(key)
            if a is None:
                table[key] = list(acc)
            else:
                for i in range(N_ACC):
                    a[i] += acc[i]
        self.model_meta[model] = (prov, tier)
        if wf is not None:
            a = self.wf_calls.get(wf)
            if a is None:
                self.wf_calls[wf] = list(acc)
            else:
                for i in range(N_ACC):
                    a[i] += acc[i]
        for i in range(N_ACC):
            self.tot[i] += acc[i]
        if acc[ERR]:
            _bump(self.etype, etype or "unknown", acc[ERR])
        if acc[FB]:
            if oprov:
                _bump(self.oprov, oprov, acc[FB])
            if chain:
                _bump(self.chains, chain, acc[FB])

    def _fold_run(self, wf: str, acc: list[int]) -> None:
        a = self.runs_wf.get(wf)
        if a is None:
            self.runs_wf[wf] = list(acc)
        else:
            for i in range(6):
                a[i] += acc[i]
        for i in range(6):
            self.runs_tot[i] += acc[i]

    def _hourly(self) -> bool:
        w = self.window
        if w.since is None:
            return False
        end = w.until if w.until is not None else w.now
        return end - w.since <= MAX_HOURLY_DAYS * 86400

    def _offset(self, ts: float) -> float:
        h = int(ts // 3600)
        off = self._hour_cache.get(h)
        if off is None:
            off = self.parser.offset_at(h * 3600 + 1800)
            self._hour_cache[h] = off
        return off

    # -- incremental ------------------------------------------------------------------------
    def add_calls(self, start: int, end: int) -> int:
        """Fold appended call rows ``[start, end)``; returns how many fell in this view."""
        if end <= start:
            return 0
        return self._fold_calls(slice(start, end), 1, check=True)

    def add_runs(self, start: int, end: int) -> int:
        """Fold appended run rows ``[start, end)``; returns how many fell in this view."""
        if end <= start:
            return 0
        return self._fold_runs(slice(start, end), 1, check=True)

    def slide(self, since: float | None, until: float | None, now: float) -> None:
        """Move the window forward to ``[since, until)``: subtract the rows that left it and add
        the rows that entered it, instead of rebuilding (a 7-day window sliding by a minute
        touches a few dozen rows out of a million).

        Raises:
            ValueError: if a bound would move backwards or an open bound would close.
        """
        old = self.window
        if (since is None) != (old.since is None) or (until is None) != (old.until is None):
            raise ValueError("slide() keeps which bounds are open")
        if (since is not None and old.since is not None and since < old.since) or (
            until is not None and old.until is not None and until < old.until
        ):
            raise ValueError("slide() only moves a window forward")
        leaving: tuple[float, float] | None = None
        if since is not None and old.since is not None and since > old.since:
            hi = since if old.until is None else min(since, old.until)
            leaving = (old.since, hi)
        entering: tuple[float, float] | None = None
        if until is not None and old.until is not None and until > old.until:
            lo = old.until if since is None else max(old.until, since)
            entering = (lo, until)
        for span, sign in ((leaving, -1), (entering, 1)):
            if span is None or span[1] <= span[0]:
                continue
            for table, fold, allowed in (
                (self.tables.calls, self._fold_calls, self._combo_allowed),
                (self.tables.runs, self._fold_runs, self._run_allowed),
            ):
                if table.n == 0:
                    continue
                ts = table.col("ts")
                m = (ts >= span[0]) & (ts < span[1])
                if self.filters.active:
                    m &= allowed()[table.col("combo")]
                idx = np.flatnonzero(m)
                if idx.size:
                    fold(idx, sign, check=False)
        self.window = Window(old.range, since, until, now)

    def _fold_calls(self, rows: slice | npt.NDArray[Any], sign: int, check: bool) -> int:
        """Add (``sign`` 1) or subtract (-1) call rows; ``check`` keeps only rows in this view."""
        t = self.tables.calls
        cols = {
            k: t.col(k)[rows].tolist()
            for k in (
                "ts",
                "combo",
                "ok",
                "cost",
                "tin",
                "tout",
                "lat",
                "fb",
                "retry",
                "file",
                "off",
            )
        }
        allowed = self._combo_allowed() if (check and self.filters.active) else None
        combos = self.tables.call_combos.items
        win = self.window
        folded = 0
        for i in range(len(cols["ts"])):
            ts = cols["ts"][i]
            cid = cols["combo"][i]
            if check and (not win.contains(ts) or (allowed is not None and not allowed[cid])):
                continue
            folded += 1
            c = combos[cid]
            ok = cols["ok"][i]
            retry = cols["retry"][i]
            lat = cols["lat"][i]
            has_lat = lat >= 0
            acc = [
                sign,
                0 if ok else sign,
                sign * cols["cost"][i],
                sign * cols["tin"][i],
                sign * cols["tout"][i],
                sign * lat if has_lat else 0,
                sign if cols["fb"][i] else 0,
                sign * retry,
                sign if retry > 0 else 0,
                sign if has_lat else 0,
            ]
            self._fold_combo(c, acc)
            if has_lat:
                self.hist.add(lat) if sign > 0 else self.hist.remove(lat)
            if self.overview_only:
                continue
            if has_lat:
                th = self.tier_hist.get(c[C_TIER])
                if th is None:  # (not setdefault: that would allocate a histogram per row)
                    th = self.tier_hist[c[C_TIER]] = LatencyHist()
                th.add(lat) if sign > 0 else th.remove(lat)
            off = self._offset(ts)
            d = day_index(ts, off)
            day = self.days.get(d)
            if day is None:
                day = self.days[d] = [0, 0, 0, 0, 0]
            day[0] += acc[COST]
            day[1] += sign
            day[2] += acc[ERR]
            day[3] += acc[TIN]
            day[4] += acc[TOUT]
            if day[1] == 0:
                del self.days[d]
            self._rows_cache.pop(("series", d), None)
            self._rows_cache.pop(("eday", d), None)
            key = (d, c[C_PROV])
            dp = self.day_prov.get(key)
            if dp is None:
                dp = self.day_prov[key] = [0, 0]
            dp[0] += acc[COST]
            dp[1] += sign
            if dp[1] == 0:
                del self.day_prov[key]
            if self._hourly():
                h = hour_index(ts, off)
                hr = self.hours.get(h)
                if hr is None:
                    hr = self.hours[h] = [0, 0]
                hr[0] += sign
                hr[1] += acc[ERR]
                if hr[0] == 0:
                    del self.hours[h]
                self._rows_cache.pop(("hour", h), None)
            if sign > 0:
                self._push_recent(ts, cols["file"][i], cols["off"][i])
            else:
                ref = (cols["file"][i], cols["off"][i])
                self.recent = [r for r in self.recent if (r[1], r[2]) != ref]
        return folded

    def _push_recent(self, ts: float, file: int, off: int) -> None:
        r = self.recent
        if len(r) >= self.recent_limit and ts < r[-1][0]:
            return
        pos = 0
        while pos < len(r) and r[pos][0] >= ts:
            pos += 1
        r.insert(pos, (ts, file, off))
        del r[self.recent_limit :]

    def _fold_runs(self, rows: slice | npt.NDArray[Any], sign: int, check: bool) -> int:
        t = self.tables.runs
        cols = {
            k: t.col(k)[rows].tolist() for k in ("ts", "combo", "cost", "base", "save", "dur", "ok")
        }
        allowed = self._run_allowed() if (check and self.filters.active) else None
        combos = self.tables.run_combos.items
        folded = 0
        for i in range(len(cols["ts"])):
            rid = cols["combo"][i]
            if check and (
                not self.window.contains(cols["ts"][i])
                or (allowed is not None and not allowed[rid])
            ):
                continue
            folded += 1
            self._fold_run(
                combos[rid][0],
                [
                    sign,
                    sign * cols["cost"][i],
                    sign * cols["base"][i],
                    sign * cols["save"][i],
                    sign * cols["dur"][i],
                    sign if cols["ok"][i] else 0,
                ],
            )
        return folded

    # -- rendering --------------------------------------------------------------------------
    def render(self) -> dict[str, Any]:
        """Every section except ``health`` and ``circuit_breakers`` (those are not windowed)."""
        return {
            "window": self.render_window(),
            "overview": self.render_overview(),
            "cost_series": self.render_cost_series(),
            "by_provider": self.render_by_provider(),
            "by_tier": self.render_by_tier(),
            "by_model": self.render_by_model(),
            "top_workflows": self.render_top_workflows(),
            "savings": self.render_savings(),
            "fallback": self.render_fallback(),
            "errors": self.render_errors(),
            "recent_calls": self.render_recent(),
        }

    def _iso(self, epoch: float | None) -> str | None:
        return None if epoch is None else self.parser.to_local(epoch).isoformat()

    def render_window(self) -> dict[str, Any]:
        w = self.window
        return {
            "range": w.range,
            "since": self._iso(w.since),
            "until": self._iso(w.until),
            "now": self._iso(w.now),
            "timezone": self.parser.name,
        }

    def render_overview(self) -> dict[str, Any]:
        t = self.tot
        n = t[CALLS]
        wfs = {k for k, a in self.wf_calls.items() if a[CALLS]}
        wfs.update(k for k, a in self.runs_wf.items() if a[R_RUNS])
        return {
            "calls": n,
            "errors": t[ERR],
            "success_rate": round((n - t[ERR]) / n * 100, 4) if n else None,
            "total_cost": usd(t[COST]),
            "input_tokens": t[TIN],
            "output_tokens": t[TOUT],
            "avg_latency_ms": _avg(t[LAT], t[LAT_N]),
            "p50_latency_ms": self.hist.percentile(0.50),
            "p95_latency_ms": self.hist.percentile(0.95),
            "active_workflows": len(wfs),
        }

    def render_cost_series(self) -> list[dict[str, Any]]:
        if not self.days and self.window.since is None:
            return []
        w = self.window
        first = min(self.days) if self.days else None
        last = max(self.days) if self.days else None
        if w.since is not None:
            first = day_index(w.since, self._offset(w.since))
        end = w.until - 1e-6 if w.until is not None else w.now
        end_day = day_index(end, self._offset(end))
        last = end_day if last is None else max(last, end_day) if w.until is None else end_day
        assert first is not None and last is not None
        provs = sorted({p for (_, p) in self.day_prov})
        cache = self._rows_cache
        out = []
        for d in range(first, last + 1):
            row = cache.get(("series", d))
            if row is None:
                v = self.days.get(d, [0, 0, 0, 0, 0])
                row = cache["series", d] = {
                    "date": _day_label(d),
                    "cost": usd(v[0]),
                    "calls": v[1],
                    "errors": v[2],
                    "input_tokens": v[3],
                    "output_tokens": v[4],
                    "by_provider": {
                        p: usd(self.day_prov[(d, p)][0]) for p in provs if (d, p) in self.day_prov
                    },
                }
            out.append(row)
        return out

    def render_by_provider(self) -> dict[str, Any]:
        items = sorted(self.prov.items(), key=lambda kv: (-kv[1][COST], kv[0]))
        return {
            p: {
                "call_count": a[CALLS],
                "total_tokens": a[TIN] + a[TOUT],
                "total_cost": usd(a[COST]),
                "error_count": a[ERR],
                "avg_latency_ms": _avg(a[LAT], a[LAT_N]),
                "input_tokens": a[TIN],
                "output_tokens": a[TOUT],
            }
            for p, a in items
            if a[CALLS]
        }

    def render_by_tier(self) -> dict[str, Any]:
        total = sum(a[CALLS] for a in self.tier.values())
        order = {"cheap": 0, "capable": 1, "premium": 2}
        items = sorted(self.tier.items(), key=lambda kv: (order.get(kv[0], 3), kv[0]))
        out = {}
        for name, a in items:
            if not a[CALLS]:
                continue
            h = self.tier_hist.get(name)
            out[name] = {
                "count": a[CALLS],
                "cost": usd(a[COST]),
                "tokens": a[TIN] + a[TOUT],
                "percent": _pct(a[CALLS], total),
                "error_count": a[ERR],
                "avg_latency_ms": _avg(a[LAT], a[LAT_N]),
                "p95_latency_ms": h.percentile(0.95) if h else None,
            }
        return out

    def render_by_model(self) -> dict[str, Any]:
        items = sorted(self.model.items(), key=lambda kv: (-kv[1][COST], kv[0]))
        out = {}
        for m, a in items:
            if not a[CALLS]:
                continue
            prov, tier = self.model_meta.get(m, ("", ""))
            out[m] = {
                "call_count": a[CALLS],
                "total_tokens": a[TIN] + a[TOUT],
                "total_cost": usd(a[COST]),
                "error_count": a[ERR],
                "avg_latency_ms": _avg(a[LAT], a[LAT_N]),
                "provider": prov,
                "tier": tier,
            }
        return out

    def render_top_workflows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]]
        if self.runs_tot[R_RUNS]:
            rows = [
                {
                    "workflow_name": wf,
                    "total_cost": usd(a[R_COST]),
                    "run_count": a[R_RUNS],
                    "avg_cost": usd(a[R_COST] / a[R_RUNS]),
                    "total_savings": usd(a[R_SAVE]),
                    "avg_duration_ms": _avg(a[R_DUR], a[R_RUNS]),
                    "source": "runs",
                }
                for wf, a in self.runs_wf.items()
                if a[R_RUNS]
            ]
            rows.sort(key=lambda r: (-r["total_cost"], r["workflow_name"]))
        else:
            rows = [
                {
                    "workflow_name": wf,
                    "total_cost": usd(a[COST]),
                    "run_count": a[CALLS],
                    "avg_cost": usd(a[COST] / a[CALLS]),
                    "total_savings": 0.0,
                    "avg_duration_ms": _avg(a[LAT], a[LAT_N]),
                    "source": "calls",
                }
                for wf, a in self.wf_calls.items()
                if a[CALLS]
            ]
            rows.sort(key=lambda r: (-r["total_cost"], r["workflow_name"]))
        return rows[: self.top]

    def render_savings(self) -> dict[str, Any]:
        r = self.runs_tot
        return {
            "workflow_count": r[R_RUNS],
            "total_actual_cost": usd(r[R_COST]),
            "total_baseline_cost": usd(r[R_BASE]),
            "total_savings": usd(r[R_SAVE]),
            "savings_percent": _pct(r[R_SAVE], r[R_BASE]) if r[R_BASE] > 0 else 0.0,
            "avg_cost_per_workflow": usd(r[R_COST] / r[R_RUNS]) if r[R_RUNS] else 0.0,
        }

    def render_fallback(self) -> dict[str, Any]:
        t = self.tot
        return {
            "total_calls": t[CALLS],
            "fallback_count": t[FB],
            "fallback_percent": _pct(t[FB], t[CALLS]),
            "error_count": t[ERR],
            "error_rate": _pct(t[ERR], t[CALLS]),
            "by_original_provider": dict(
                sorted(self.oprov.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            "top_chains": [
                {"chain": list(ch), "count": n}
                for ch, n in sorted(self.chains.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
            ],
        }

    def render_errors(self) -> dict[str, Any]:
        t = self.tot
        cache = self._rows_cache
        by_day = []
        for d in sorted(self.days):
            row = cache.get(("eday", d))
            if row is None:
                v = self.days[d]
                row = cache["eday", d] = {
                    "date": _day_label(d),
                    "calls": v[1],
                    "errors": v[2],
                    "error_rate": _pct(v[2], v[1]),
                }
            by_day.append(row)
        by_hour: list[dict[str, Any]] | None = None
        if self._hourly():
            w = self.window
            assert w.since is not None
            end = w.until - 1e-6 if w.until is not None else w.now
            h0 = hour_index(w.since, self._offset(w.since))
            h1 = hour_index(end, self._offset(end))
            if self.hours:
                h1 = max(h1, max(self.hours)) if w.until is None else h1
            by_hour = []
            for h in range(h0, h1 + 1):
                row = cache.get(("hour", h))
                if row is None:
                    v = self.hours.get(h, [0, 0])
                    row = cache["hour", h] = {
                        "hour": _hour_label(h),
                        "calls": v[0],
                        "errors": v[1],
                        "error_rate": _pct(v[1], v[0]),
                    }
                by_hour.append(row)
        return {
            "total": t[ERR],
            "error_rate": _pct(t[ERR], t[CALLS]),
            "by_type": dict(sorted(self.etype.items(), key=lambda kv: (-kv[1], kv[0]))),
            "by_day": by_day,
            "by_hour": by_hour,
            "retries": {
                "total_retries": t[RETRY],
                "calls_with_retries": t[RETRIED],
                "retry_rate": _pct(t[RETRIED], t[CALLS]),
            },
        }

    def render_today_cost(self) -> float:
        """Cost of the local day that holds ``window.now`` (what the status bar shows)."""
        now = self.window.now
        day = self.days.get(day_index(now, self._offset(now)))
        return usd(day[0]) if day else 0.0

    def render_filter_options(self) -> dict[str, list[dict[str, Any]]]:
        """Every workflow, provider, tier and model with calls (or runs) in this view."""

        def opts(table: dict[str, list[int]]) -> list[dict[str, Any]]:
            rows = [(k, a[CALLS], a[COST]) for k, a in table.items() if a[CALLS]]
            rows.sort(key=lambda r: (-r[2], r[0]))
            return [{"value": k, "calls": n, "cost": usd(c)} for k, n, c in rows]

        workflows = opts(self.wf_calls)
        seen = {o["value"] for o in workflows}
        runs_only = sorted(
            ((wf, a[R_COST]) for wf, a in self.runs_wf.items() if a[R_RUNS] and wf not in seen),
            key=lambda r: (-r[1], r[0]),
        )
        workflows += [{"value": wf, "calls": 0, "cost": usd(c)} for wf, c in runs_only]
        return {
            "workflow": workflows,
            "provider": opts(self.prov),
            "tier": opts(self.tier),
            "model": opts(self.model),
        }

    def render_recent(self) -> list[dict[str, Any]]:
        out = []
        for _ts, f, o in self.recent:
            key = (f, o)
            if key not in self._rows:
                self._rows[key] = self.row_reader(f, o)
            row = self._rows[key]
            if row is not None:
                out.append(row)
        if len(self._rows) > 4 * self.recent_limit:
            keep = {(f, o) for _, f, o in self.recent}
            self._rows = {k: v for k, v in self._rows.items() if k in keep}
        return out
