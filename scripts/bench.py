"""Benchmark of the core (not a test): cold load + analytics vs the bare orjson floor, memory,
incremental append, and window/filter change. Prints one JSON object.

Each measurement runs in a fresh child process so peak RSS is that workload's own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMPATHY_BENCH_DATA", ROOT / "bench-data"))
PROVIDERS = [("anthropic", "claude-sonnet-4-5"), ("anthropic", "claude-haiku-4-5"), ("openai", "gpt-4.1"),
             ("openai", "gpt-4o-mini"), ("google", "gemini-2.5-pro"), ("ollama", "llama3.1:8b")]
WORKFLOWS = ["code-review", "security-audit", "test-gen", "doc-gen", "bug-predict", "refactor-plan"]


def make_file(n: int) -> Path:
    """``n`` realistic call lines (~650 bytes, the writers' format) spread over 30 days."""
    d = DATA / f"calls-{n}"
    p = d / "llm_calls.jsonl"
    if p.exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    rng = random.Random(n)
    t0 = time.time() - 30 * 86400
    step = 30 * 86400 / n
    tmp = p.with_suffix(".tmp")
    with tmp.open("wb") as f:
        buf = []
        for i in range(n):
            prov, model = PROVIDERS[i % len(PROVIDERS)]
            ok = rng.random() > 0.04
            fb = rng.random() < 0.06
            wf = WORKFLOWS[i % len(WORKFLOWS)]
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t0 + i * step)) + f".{i % 1000000:06d}"
            rec = {
                "call_id": f"{rng.getrandbits(40):010x}{i:010d}", "timestamp": ts,
                "workflow_name": wf, "step_name": f"step-{i % 4}", "user_id": "bench-user",
                "session_id": f"s-{i // 500:06d}", "task_type": "code_review",
                "provider": prov, "tier": ("cheap", "capable", "premium")[i % 3], "model_id": model,
                "input_tokens": rng.randint(100, 9000), "output_tokens": rng.randint(0, 3000),
                "estimated_cost": round(rng.random() / 20, 6), "actual_cost": None,
                "latency_ms": rng.randint(80, 20000), "fallback_used": fb,
                "fallback_chain": ["openai:capable", "anthropic:capable"] if fb else [],
                "original_provider": "openai" if fb else None, "original_model": "gpt-4.1" if fb else None,
                "retry_count": 1 if rng.random() < 0.05 else 0,
                "circuit_breaker_state": "closed", "success": ok,
                "error_type": None if ok else "rate_limit",
                "error_message": None if ok else "429 Too Many Requests: rate limit exceeded",
                "metadata": {"run_id": f"run-{i // 3:010d}", "source_file": f"workflows/{wf.replace('-', '_')}.py",
                             "source_line": 10 + i % 4 * 7},
            }
            buf.append(json.dumps(rec))
            if len(buf) >= 10000:
                f.write(("\n".join(buf) + "\n").encode())
                buf = []
        if buf:
            f.write(("\n".join(buf) + "\n").encode())
    tmp.rename(p)
    return d


ERRORS = [("rate_limit", "429 Too Many Requests: rate limit exceeded (retry after {n}s)"),
          ("timeout", "Request timed out after {n} ms"), ("overloaded", "529 Overloaded: try again ({n})"),
          ("invalid_request", "400 prompt is too long: {n} tokens > 200000 maximum"),
          ("server_error", "500 Internal Server Error (request id req_{n:08x})")]


def make_varied(n: int) -> Path:
    """``n`` call lines as varied as real data: timestamps out of order within a day (several
    writers), thousands of sessions, dozens of users, varied error messages, fallback chains,
    cache tokens on some calls, metadata with run_id / source_file / source_line."""
    d = DATA / f"varied-{n}"
    p = d / "llm_calls.jsonl"
    if p.exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    rng = random.Random(n + 1)
    t0 = time.time() - 30 * 86400
    step = 30 * 86400 / n
    chains = [[], ["openai:capable", "anthropic:capable"], ["google:cheap", "openai:cheap"],
              ["anthropic:premium", "openai:premium", "google:premium"]]
    tmp = p.with_suffix(".tmp")
    with tmp.open("wb") as f:
        buf = []
        for i in range(n):
            prov, model = PROVIDERS[rng.randrange(len(PROVIDERS))]
            ok = rng.random() > 0.06
            chain = chains[rng.randrange(4)] if rng.random() < 0.08 else []
            wf = WORKFLOWS[rng.randrange(len(WORKFLOWS))]
            at = t0 + i * step + rng.uniform(-3 * 3600, 3 * 3600)  # not sorted within a day
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(at)) + f".{rng.randrange(10**6):06d}"
            etype, emsg = ERRORS[rng.randrange(len(ERRORS))]
            rec: dict[str, object] = {
                "call_id": f"{rng.getrandbits(64):016x}", "timestamp": ts,
                "workflow_name": wf if rng.random() > 0.1 else None, "step_name": f"step-{rng.randrange(7)}",
                "user_id": f"user-{rng.randrange(40):02d}@example.com", "session_id": f"sess-{rng.randrange(5000):05d}",
                "task_type": rng.choice(["code_review", "summarize", "chat", "refactor", "test_gen"]),
                "provider": prov, "tier": rng.choice(["cheap", "capable", "premium"]), "model_id": model,
                "input_tokens": rng.randint(10, 120000), "output_tokens": rng.randint(0, 8000),
                "estimated_cost": round(rng.random() / 5, 8), "actual_cost": round(rng.random() / 5, 8) if rng.random() < 0.3 else None,
                "latency_ms": int(rng.lognormvariate(7.5, 1.0)), "fallback_used": bool(chain), "fallback_chain": chain,
                "original_provider": chain[0].split(":")[0] if chain else None,
                "original_model": "gpt-4.1" if chain else None,
                "retry_count": rng.choice([0] * 18 + [1, 2, 3]),
                "circuit_breaker_state": rng.choice(["closed"] * 30 + ["open", "half-open", None]),
                "success": ok, "error_type": None if ok else etype,
                "error_message": None if ok else emsg.format(n=rng.randrange(1, 1 << 31)),
                "metadata": {"run_id": f"run-{rng.getrandbits(48):012x}", "source_file": f"src/{wf}/{rng.choice(['a', 'b', 'main'])}.py",
                             "source_line": rng.randrange(1, 2000)},
            }
            if prov == "anthropic" and rng.random() < 0.4:
                rec["cache_read_input_tokens"] = rng.randint(0, 50000)
                rec["cache_creation_input_tokens"] = rng.randint(0, 5000)
            buf.append(orjson.dumps(rec))
            if len(buf) >= 10000:
                f.write(b"\n".join(buf) + b"\n")
                buf = []
        if buf:
            f.write(b"\n".join(buf) + b"\n")
    tmp.rename(p)
    return d


def child(kind: str, d: str) -> dict[str, object]:
    import resource

    out: dict[str, object] = {}
    if kind == "floor":
        t = time.perf_counter()
        with open(Path(d) / "llm_calls.jsonl", "rb") as f:
            for line in f:
                orjson.loads(line)
        out["seconds"] = time.perf_counter() - t
    else:
        # EMPATHY_BENCH_CODE: another checkout's code (a baseline) measured by this same script
        sys.path.insert(0, str(Path(os.environ.get("EMPATHY_BENCH_CODE", ROOT)) / "python"))
        from empathy_monitor.analytics import Filters, WindowSpec

        try:
            from empathy_monitor.telemetry import Telemetry
        except ImportError:  # before the facade moved (issue 10)
            from empathy_monitor.analytics import Telemetry  # type: ignore[attr-defined,no-redef]

        t = time.perf_counter()
        tel = Telemetry([Path(d)])
        tel.refresh()
        out["load_s"] = round(time.perf_counter() - t, 3)
        dash = {}
        for r in ("today", "7d", "30d", "all"):
            t1 = time.perf_counter()
            tel.dashboard(WindowSpec(range=r))
            dash[r] = round((time.perf_counter() - t1) * 1000, 1)
        out["seconds"] = time.perf_counter() - t
        out["first_dashboard_ms"] = dash
        # the targets' peak: cold load + every dashboard (the parent; the workers' is below)
        out["peak_rss_mb_load_and_dashboards"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        from empathy_monitor.sidecar.publisher import DIM_TOP  # what the panel ships per dimension
        # the first build of "all" then "30d" back to back (a fresh facade, before any pre-build)
        t1 = time.perf_counter()
        tel.view(WindowSpec(range="all")).render()
        tel.view(WindowSpec(range="30d")).render()
        out["first_build_all_30d_ms"] = round((time.perf_counter() - t1) * 1000, 1)
        # the same two builds as the panel makes them: the top DIM_TOP users and sessions
        # rendered, not all 5,000 (the CLI's --json lists every one)
        t1 = time.perf_counter()
        tel.view(WindowSpec(range="all"), dim_top=DIM_TOP).render()
        tel.view(WindowSpec(range="30d"), dim_top=DIM_TOP).render()
        out["first_build_all_30d_panel_ms"] = round((time.perf_counter() - t1) * 1000, 1)
        out["records"] = tel.tables.calls.n
        out["malformed"] = tel.health()["malformed"]
        # window / filter change: a full build of one view + render
        times = []
        for spec, flt in ((WindowSpec(range="7d"), Filters()), (WindowSpec(range="30d"), Filters(provider="openai")),
                          (WindowSpec(range="all"), Filters(workflow="doc-gen", tier="cheap"))):
            t = time.perf_counter()
            tel.view(spec, flt).render()
            times.append((time.perf_counter() - t) * 1000)
        out["window_change_ms"] = [round(x, 1) for x in times]
        # the same changes as the panel makes them: the top DIM_TOP users/sessions shipped
        times = []
        for spec, flt in ((WindowSpec(range="7d"), Filters()), (WindowSpec(range="30d"), Filters(provider="openai")),
                          (WindowSpec(range="all"), Filters(workflow="doc-gen", tier="cheap"))):
            t = time.perf_counter()
            tel.view(spec, flt, dim_top=DIM_TOP).render()
            times.append((time.perf_counter() - t) * 1000)
        out["window_change_panel_ms"] = [round(x, 1) for x in times]
        # history pages (newest first): the first builds the time index, then any page
        n_calls = tel.tables.calls.n
        t1 = time.perf_counter()
        tel.calls_page(0, 50)
        out["history_first_page_ms"] = round((time.perf_counter() - t1) * 1000, 1)
        pages = []
        for off, flt in ((0, None), (n_calls // 2, None), (n_calls - 50, None), (n_calls // 3, Filters(provider="openai")),
                         (n_calls // 3, Filters(provider="openai")), (1000, Filters(workflow="doc-gen", tier="cheap"))):
            t1 = time.perf_counter()
            _rows, _total = tel.calls_page(off, 50, flt)
            pages.append(round((time.perf_counter() - t1) * 1000, 2))
        out["history_page_ms"] = pages
        # cost mode switch (the panel's toggle / --cost): the 30-day view in each mode + render
        modes = []
        for mode in ("writer", "list", "auto"):
            t = time.perf_counter()
            tel.view(WindowSpec(range="30d"), cost_mode=mode).render()
            modes.append((time.perf_counter() - t) * 1000)
        out["mode_build_ms"] = [round(x, 1) for x in modes]
        out["peak_rss_mb_before_sidecar_views"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        # what the panel's toggle costs in the sidecar: the other modes are pre-built while idle
        # (Service._warm_when_idle), so a switch is a cache hit plus a render
        from dataclasses import replace

        from empathy_monitor.sidecar.publisher import Publisher, ViewKey

        pub = Publisher(tel)
        key = ViewKey("30d", None, None, None, Filters())
        pub.snapshot(key)
        switch = []
        for mode in ("list", "writer", "auto"):
            pub.warm(replace(key, cost_mode=mode))
            t = time.perf_counter()
            pub.snapshot(replace(key, cost_mode=mode))
            switch.append((time.perf_counter() - t) * 1000)
        out["mode_switch_ms"] = [round(x, 1) for x in switch]
        if kind == "full":
            # one appended line: read new bytes, fold into a live view, render
            p = Path(d) / "llm_calls.jsonl"
            size0 = p.stat().st_size
            live = tel.view(WindowSpec(range="30d"), dim_top=DIM_TOP)  # the panel's view
            base = live.render()
            lat = []
            try:
                for i in range(20):
                    rec = orjson.loads(p.open("rb").readline())
                    rec["call_id"] = f"append-{os.getpid()}-{i}"
                    rec["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S")
                    with p.open("ab") as f:
                        f.write(orjson.dumps(rec) + b"\n")
                    t = time.perf_counter()
                    res = tel.refresh(only=[p])
                    live.add_calls(*res.calls)
                    new = live.render()
                    changed = {k: v for k, v in new.items() if base.get(k) != v}
                    lat.append((time.perf_counter() - t) * 1000)
                    base = new
                assert changed and res.calls[1] - res.calls[0] == 1
            finally:
                # cut the appended lines back off so the file stays canonical for the next run
                with p.open("rb+") as f:
                    f.truncate(size0)
            lat.sort()
            out["append_update_ms_median"] = round(lat[len(lat) // 2], 3)
            out["append_update_ms_max"] = round(lat[-1], 3)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return out


def run_child(kind: str, d: Path) -> dict[str, object]:
    r = subprocess.run([sys.executable, __file__, "--child", kind, str(d)], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(r.stdout)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=2)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--files", default="regular,varied", help="which bench files (regular, varied)")
    ap.add_argument("--cost", action="store_true", help="issue 11 items 2-4: load and RSS, dedupe on/off vs --base")
    ap.add_argument("--base", action="append", default=[], help="with --cost: another checkout to compare")
    ap.add_argument("--rounds", type=int, default=3, help="with --cost: rounds of alternating loads")
    ap.add_argument("--workers", type=int, help="with --cost: decode processes (1: a serial read)")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if args.cost:
        import bench_cost  # scripts/bench_cost.py, next to this file

        n = int(args.sizes.split(",")[-1])
        print(json.dumps(bench_cost.main(make_file(n), args.base, args.rounds, args.workers), indent=2))
        return
    report: dict[str, object] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    runs = [(n, f) for n in (int(x) for x in args.sizes.split(",")) for f in args.files.split(",")]
    for n, which in runs:
        d = make_file(n) if which == "regular" else make_varied(n)
        name = str(n) if which == "regular" else f"varied-{n}"
        size_mb = (d / "llm_calls.jsonl").stat().st_size / 1e6
        floor = run_child("floor", d)
        kind = "full" if n >= 1_000_000 else "load"
        ours = run_child(kind, d)
        # Undo the benchmark's own appends so later runs see the same file.
        if kind == "full":
            p = d / "llm_calls.jsonl"
            lines = p.read_bytes().split(b"\n")
            keep = [ln for ln in lines if b'"append-' not in ln]
            p.write_bytes(b"\n".join(keep))
        report[name] = {
            "file_mb": round(size_mb, 1),
            "bytes_per_line": round(size_mb * 1e6 / n),
            "floor_orjson_parse_s": round(float(floor["seconds"]), 3),  # type: ignore[arg-type]
            "cold_load_and_analytics_s": round(float(ours["seconds"]), 3),  # type: ignore[arg-type]
            "ratio_to_floor": round(float(ours["seconds"]) / float(floor["seconds"]), 2),  # type: ignore[arg-type]
            **{k: v for k, v in ours.items() if k != "seconds"},
        }
        print(json.dumps({name: report[name]}), file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
