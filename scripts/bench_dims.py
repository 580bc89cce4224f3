"""Benchmark (not a test): window/filter change at high cardinality, in memory.

1M calls over 30 days with 5,000 sessions, 200 users and 3 projects (calls joined to projects
through their runs' ids), built straight into the columnar tables (no file parsing: this measures
the analytics, not the decoder). Prints one JSON object: the ms of a full view build + render per
window/filter change, median of 3, for the filters every version has (the same-run baseline) and
for the new dimensions, alone and with workflow/provider/model filters; and the ms of the panel's
filter change (``Publisher.snapshot``: the filtered view, its previous period and the unfiltered
options of the window, after the unfiltered view of that window was shown). ``--rows`` changes
the size; ``--src`` imports another checkout's ``python/`` (a same-run baseline).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from array import array
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_src = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else str(ROOT / "python")
sys.path.insert(0, _src)

from empathy_monitor.analytics import Filters, WindowSpec  # noqa: E402
from empathy_monitor.tables import CallCombo, Chunk, RunCombo, Tables, id_hash  # noqa: E402
from empathy_monitor.telemetry import Telemetry  # noqa: E402

PROVIDERS = [
    ("anthropic", "claude-sonnet-4-5"),
    ("openai", "gpt-4.1"),
    ("google", "gemini-2.5-pro"),
]
WORKFLOWS = ["code-review", "security-audit", "test-gen", "doc-gen", "bug-predict", "refactor-plan"]


def fill(tables: Tables, n: int, sessions: int, users: int, now: float) -> None:
    rng = np.random.default_rng(7)
    block = 200_000
    runs_per = 3  # calls per run
    for lo in range(0, n, block):
        m = min(block, n - lo)
        ch = Chunk(file_idx=0)
        idx = np.arange(lo, lo + m)
        ch.combos = [
            CallCombo(p, t, mdl, wf, "step", "code", None, None, (), 0)
            for (p, mdl) in PROVIDERS
            for t in ("cheap", "capable", "premium")
            for wf in WORKFLOWS
        ]
        ch.c_ts = array("d", (now - 30 * 86400 + idx * (30 * 86400 / n)).tolist())
        ch.c_cost = array("q", rng.integers(0, 50_000_000, m).tolist())
        ch.c_in = array("q", rng.integers(100, 9000, m).tolist())
        ch.c_out = array("q", rng.integers(0, 3000, m).tolist())
        ch.c_lat = array("q", rng.integers(80, 20000, m).tolist())
        ch.c_retry = array("q", [0] * m)
        ch.c_ok = array("b", (rng.random(m) > 0.04).astype(np.int8).tolist())
        ch.c_fb = array("b", [0] * m)
        ch.c_combo = array("q", (idx % len(ch.combos)).tolist())
        ch.c_off = array("q", idx.tolist())
        ch.c_actual = array("q", [-1] * m)
        for a in ("c_cr", "c_cw", "c_cw1h"):
            setattr(ch, a, array("q", [0] * m))
        ch.users = [f"user-{i:03d}" for i in range(users)]
        ch.sessions = [f"s-{i:05d}" for i in range(sessions)]
        ch.c_user = array("q", (rng.integers(0, users, m) + 1).tolist())
        ch.c_session = array("q", (idx * sessions // n + 1).tolist())
        ch.c_idh = array("q", [id_hash(f"c{i}") for i in idx.tolist()])
        ch.c_runh = array("q", [id_hash(f"run-{i // runs_per}") for i in idx.tolist()])
        # one run per 3 calls, each naming one of 3 projects
        rids = sorted({i // runs_per for i in idx.tolist()})
        k = len(rids)
        ch.run_combos = [
            RunCombo(wf, ("anthropic",), ("capable",), f"proj-{p}")
            for wf in WORKFLOWS
            for p in range(3)
        ]
        ch.r_ts = array("d", [now - 30 * 86400 + r * runs_per * (30 * 86400 / n) for r in rids])
        ch.r_end = ch.r_ts
        ch.r_cost = array("q", [100_000] * k)
        ch.r_base = array("q", [300_000] * k)
        ch.r_save = array("q", [200_000] * k)
        ch.r_dur = array("q", [1000] * k)
        ch.r_ok = array("b", [1] * k)
        ch.r_combo = array("q", [r % len(ch.run_combos) for r in rids])
        ch.r_off = array("q", rids)
        ch.r_user = array("q", [1] * k)
        ch.r_session = array("q", [1] * k)
        ch.r_idh = array("q", [id_hash(f"run-{r}") for r in rids])
        tables.add_chunk(ch, 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sessions", type=int, default=5000)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--src", help="the python/ directory to import (default: this checkout's)")
    args = ap.parse_args()
    now = time.time()
    tel = Telemetry([])
    t = time.perf_counter()
    fill(tel.tables, args.rows, args.sessions, args.users, now)
    tel.pricing.update(tel.tables, reset=True)  # the list-price columns of the filled rows
    fill_s = time.perf_counter() - t
    fields = set(Filters.__dataclass_fields__)
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("7d", "7d", {}),
        ("30d provider", "30d", {"provider": "openai"}),
        ("all workflow+tier", "all", {"workflow": "doc-gen", "tier": "cheap"}),
        ("30d user", "30d", {"user": "user-017"}),
        ("30d session", "30d", {"session": "s-02500"}),
        ("30d project", "30d", {"project": "proj-1"}),
        ("30d source", "30d", {"source": "empathy"}),
        ("7d user+model", "7d", {"user": "user-017", "model": "gpt-4.1"}),
        ("30d session+workflow", "30d", {"session": "s-02500", "workflow": "doc-gen"}),
        ("30d project+provider", "30d", {"project": "proj-1", "provider": "openai"}),
        ("all user+workflow", "all", {"user": "user-017", "workflow": "doc-gen"}),
    ]
    out: dict[str, object] = {
        "rows": args.rows,
        "sessions": args.sessions,
        "users": args.users,
        "fill_s": round(fill_s, 2),
    }
    spec_now = WindowSpec(range="7d").now
    # as the sidecar builds its view: at most DIM_TOP users/sessions rendered per update
    view_kw: dict[str, int] = {}
    try:
        from empathy_monitor.sidecar.publisher import DIM_TOP

        view_kw["dim_top"] = DIM_TOP
    except ImportError:  # a version without dimensions
        pass
    ms: dict[str, float] = {}
    for name, rng, flt in cases:
        if not set(flt) <= fields:
            continue  # a dimension this version does not have
        times = []
        for _ in range(3):
            t = time.perf_counter()
            tel.view(WindowSpec(range=rng, now=spec_now), Filters(**flt), **view_kw).render()
            times.append((time.perf_counter() - t) * 1000)
        ms[name] = round(statistics.median(times), 1)
    out["window_filter_change_ms"] = ms
    from empathy_monitor.sidecar.publisher import Publisher, ViewKey

    if True:  # the panel's path
        panel: dict[str, float] = {}
        for name, rng, flt in cases:
            if not flt or not set(flt) <= fields:
                continue
            times = []
            for _ in range(3):
                pub = Publisher(tel)
                pub.snapshot(ViewKey(rng, None, None, None, Filters()))  # the window unfiltered
                t = time.perf_counter()
                pub.snapshot(ViewKey(rng, None, None, None, Filters(**flt)))
                times.append((time.perf_counter() - t) * 1000)
            panel[name] = round(statistics.median(times), 1)
        out["panel_filter_change_ms"] = panel
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
