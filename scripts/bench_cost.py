"""What reading robustly costs at scale (issue 11 items 2-4): load time and peak RSS of a cold
load, with this checkout's duplicate-id detection on and off, and against other checkouts (e.g.
one from before issue 11: ``git worktree add /tmp/b f1771fb^1``). Run as ``scripts/bench --cost
[--base DIR ...] [--rounds N] [--sizes 1000000]``.

Each load runs in a fresh child process (peak RSS is its own); the variants alternate round by
round so a shared machine's drift hits them alike, and the medians are reported with the load
average. Items 2 (glued records) and 3 (an unterminated last record) only act on lines the fast
path rejects or at a file's end, so their cost on clean data shows only against a ``--base``
from before them; item 4 (dedupe) is measured directly by switching it off.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _timed(fn: Any, spent: list[float]) -> Any:
    def run(*a: Any) -> Any:
        w, c = time.perf_counter(), time.process_time()
        try:
            return fn(*a)
        finally:
            spent[0] += time.perf_counter() - w
            spent[1] += time.process_time() - c

    return run


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return float(ru.ru_utime + ru.ru_stime)


def child(code: str, d: str) -> dict[str, object]:
    sys.path.insert(0, str(Path(code) / "python"))
    if os.environ.get("EMPATHY_BENCH_NO_DEDUPE"):
        from empathy_monitor.ingest import dedupe

        for name in ("IdIndex", "IdSet"):  # this checkout's index, or the one before it
            cls = getattr(dedupe, name, None)
            if cls is not None:
                cls.first_seen = lambda self, h: None
                if hasattr(cls, "sync"):
                    cls.sync = lambda self: None
    spent = [0.0, 0.0]  # wall and CPU seconds inside the duplicate-id index, this process
    if not os.environ.get("EMPATHY_BENCH_NO_DEDUPE"):
        from empathy_monitor.ingest import dedupe as dd

        for name in ("IdIndex", "IdSet"):
            cls = getattr(dd, name, None)
            for meth in ("first_seen", "sync"):
                if cls is not None and hasattr(cls, meth):
                    setattr(cls, meth, _timed(getattr(cls, meth), spent))
    try:
        from empathy_monitor.telemetry import Telemetry
    except ImportError:  # before the facade moved (issue 10)
        from empathy_monitor.analytics import Telemetry  # type: ignore[attr-defined,no-redef]
    import numpy as np

    import empathy_monitor

    workers = os.environ.get("EMPATHY_BENCH_WORKERS")
    t, cpu = time.perf_counter(), time.process_time()
    tel = Telemetry([Path(d)], workers=int(workers) if workers else None)
    tel.refresh()
    r = tel.reader
    return {
        "load_s": time.perf_counter() - t,
        "load_cpu_s": time.process_time() - cpu,  # the main process's CPU
        "workers_cpu_s": _children_cpu(),  # the decode processes' (a parallel read)
        "dedupe_s": spent[0],
        "dedupe_cpu_s": spent[1],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "records": tel.tables.calls.n,
        "code": str(Path(empathy_monitor.__file__).parents[2]),  # which checkout was measured
        # what the duplicate-id index itself holds after the load (this checkout's IdIndex)
        "index_mb": sum(getattr(ix, "_order", np.empty(0)).nbytes for ix in (getattr(r, "call_ids", None), getattr(r, "run_ids", None)))
        / 1e6,
    }


def _run(code: Path, d: Path, no_dedupe: bool) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("EMPATHY_BENCH_NO_DEDUPE", None)
    if no_dedupe:
        env["EMPATHY_BENCH_NO_DEDUPE"] = "1"
    r = subprocess.run(
        [sys.executable, __file__, "--child", str(code), str(d)],
        capture_output=True, text=True, check=True, env=env,
    )
    out: dict[str, float] = json.loads(r.stdout)
    return out


def main(d: Path, bases: list[str], rounds: int, workers: int | None = None) -> dict[str, object]:
    """``workers=1``: a serial read, whose peak RSS does not depend on how many decoded chunks
    wait for the main process (the parallel read's peak moves by tens of MB with the timing)."""
    if workers is not None:
        os.environ["EMPATHY_BENCH_WORKERS"] = str(workers)
    variants: list[tuple[str, Path, bool]] = [("dedupe_on", ROOT, False), ("dedupe_off", ROOT, True)]
    variants += [(f"base:{b}", Path(b), False) for b in bases]
    got: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in variants}
    load_avg = []
    for i in range(rounds):
        for name, code, off in variants if i % 2 == 0 else variants[::-1]:
            load_avg.append(os.getloadavg()[0])
            got[name].append(_run(code, d, off))
            print(json.dumps({name: got[name][-1]}), file=sys.stderr)
    med = {
        name: {
            "load_s": round(statistics.median(r["load_s"] for r in runs), 3),
            "peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs), 1),
            "records": runs[0]["records"],
            "code": runs[0]["code"],
            "index_mb": runs[0]["index_mb"],
            "dedupe_s": round(statistics.median(r["dedupe_s"] for r in runs), 3),
            "dedupe_cpu_s": round(statistics.median(r["dedupe_cpu_s"] for r in runs), 3),
            "load_cpu_s": round(statistics.median(r["load_cpu_s"] for r in runs), 3),
            "workers_cpu_s": round(statistics.median(r["workers_cpu_s"] for r in runs), 3),
            "load_s_all": [round(r["load_s"], 2) for r in runs],
            "peak_rss_mb_all": [round(r["peak_rss_mb"], 1) for r in runs],
        }
        for name, runs in got.items()
    }
    on, off = med["dedupe_on"], med["dedupe_off"]
    report: dict[str, object] = {
        "file": str(d),
        "rounds": rounds,
        "workers": workers or "default",
        "load_average_1m": [round(min(load_avg), 2), round(statistics.median(load_avg), 2),
                            round(max(load_avg), 2)],
        "medians": med,
        # item 4: what detecting duplicate call_ids / run_ids costs (target <= 16 MB, <= 10 %)
        "dedupe_rss_mb": round(float(on["peak_rss_mb"]) - float(off["peak_rss_mb"]), 1),  # type: ignore[arg-type]
        "dedupe_load_ratio": round(float(on["load_s"]) / float(off["load_s"]), 3),  # type: ignore[arg-type]
        # the same, read inside one process (robust to a busy machine): time spent in the index
        "dedupe_share_of_load": round(float(on["dedupe_s"]) / float(on["load_s"]), 4),  # type: ignore[arg-type]
        "dedupe_share_of_load_cpu": round(
            float(on["dedupe_cpu_s"])  # type: ignore[arg-type]
            / (float(on["load_cpu_s"]) + float(on["workers_cpu_s"])),  # type: ignore[arg-type]
            4,
        ),
    }
    for b in bases:
        base = med[f"base:{b}"]
        report[f"vs base:{b}"] = {
            "rss_mb": round(float(on["peak_rss_mb"]) - float(base["peak_rss_mb"]), 1),  # type: ignore[arg-type]
            "load_ratio": round(float(on["load_s"]) / float(base["load_s"]), 3),  # type: ignore[arg-type]
        }
    return report


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
