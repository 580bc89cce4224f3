"""Warm start: the reader's state (columns, combos, per-file offsets) saved to the user's cache.

A restart then parses only the bytes appended since the cache was written: each file's identity
(device, inode, head hash) and offset are checked by the normal incremental read, so a file that
was truncated, replaced or deleted meanwhile is re-read or dropped exactly as it would be live.
The cache lives under ``$EMPATHY_CACHE_DIR`` (default ``$XDG_CACHE_HOME/empathy-telemetry/index``),
never next to the telemetry, and holds only arrays and JSON: loading it never runs code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..tables import CallCombo, Problem, RunCombo
from ..workspace import RunScope
from .bound import SourcePath
from .dedupe import Duplicates, IdIndex
from .tailer import FileState, TelemetryReader

log = logging.getLogger(__name__)
VERSION = 4  # 2: cache/actual/user/session/id-hash columns, source and project in combos;
# 3: duplicate ids left out (rows of a v2 cache may hold duplicates); 4: run scopes


def cache_dir() -> Path:
    env = os.environ.get("EMPATHY_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "empathy-telemetry" / "index"


def cache_path(
    dirs: list[Path],
    naive_tz: str,
    scopes: Mapping[Path, RunScope] | None = None,
    sources: Iterable[SourcePath] = (),
) -> Path:
    """One cache file per (set of telemetry dirs, naive time zone, run scopes, enabled sources'
    folders): a scoped folder read for another project holds other rows, and another set of
    enabled agents other files (switching sets then starts warm from that set's own cache
    instead of dropping the other set's files and rows on the first refresh)."""
    scoped = sorted((str(d.resolve()), s.project) for d, s in (scopes or {}).items())
    key: list[Any] = [sorted(str(d.resolve()) for d in dirs), naive_tz]
    if scoped:
        key.append(scoped)
    bound = sorted({(str(s.path), s.format, str(s.scope or "")) for s in sources})
    if bound:
        key.append(bound)
    ident = json.dumps(key).encode()
    return cache_dir() / f"{hashlib.sha256(ident).hexdigest()[:20]}.npz"


def save(reader: TelemetryReader, path: Path) -> None:
    """Write the reader's state atomically (temp file + rename)."""
    t = reader.tables
    meta = {
        "version": VERSION,
        "tz": reader.parser.name,
        "dirs": [str(d) for d in reader.dirs],
        "next_id": reader._next_id,
        "calls": t.calls.n,
        "runs": t.runs.n,
        "call_combos": [_combo_json(c) for c in t.call_combos.items],
        "run_combos": [
            [c.workflow, list(c.providers), list(c.tiers), c.project] for c in t.run_combos.items
        ],
        "users": t.users.items[1:],
        "sessions": t.sessions.items[1:],
        "files": [_file_json(fs) for fs in reader.files.values()],
        "duplicates": [_dup_json(reader.dup_calls), _dup_json(reader.dup_runs)],
    }
    arrays: dict[str, Any] = {f"calls_{k}": t.calls.col(k) for k in t.calls.schema}
    arrays.update({f"runs_{k}": t.runs.col(k) for k in t.runs.schema})
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)


def load(reader: TelemetryReader, path: Path) -> bool:
    """Restore a fresh reader from ``path``; False (reader untouched) if absent or unusable."""
    if reader.files or reader.tables.calls.n or reader.tables.runs.n or not path.is_file():
        return False
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            if meta.get("version") != VERSION or meta.get("tz") != reader.parser.name:
                return False
            n_calls, n_runs = int(meta["calls"]), int(meta["runs"])
            calls = {k: z[f"calls_{k}"] for k in reader.tables.calls.schema}
            runs = {k: z[f"runs_{k}"] for k in reader.tables.runs.schema}
        if any(len(a) != n_calls for a in calls.values()) or any(
            len(a) != n_runs for a in runs.values()
        ):
            return False
        files = [_file_from(d) for d in meta["files"]]
        call_combos = [_combo_from(c) for c in meta["call_combos"]]
        run_combos = [RunCombo(c[0], tuple(c[1]), tuple(c[2]), c[3]) for c in meta["run_combos"]]
        dups = [_dup_from(d) for d in meta["duplicates"]]
        users = [str(u) for u in meta["users"]]
        sessions = [str(x) for x in meta["sessions"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("ignoring the index cache %s: %s", path, exc)
        return False
    t = reader.tables
    for c in call_combos:
        t.call_combos.id(c)
    for rc in run_combos:
        t.run_combos.id(rc)
    for u in users:
        t.users.id(u)
    for x in sessions:
        t.sessions.id(x)
    t.calls.append(calls, n_calls)
    t.runs.append(runs, n_runs)
    t.reindex()  # calls' projects through their runs (derived, so not stored)
    for fs in files:
        reader.files[fs.id] = fs
        reader._by_path[fs.path] = fs.id
    reader._next_id = int(meta["next_id"])
    # The rows held are first occurrences: their id hashes are the seen sets.
    reader.call_ids, reader.run_ids = IdIndex(t.calls), IdIndex(t.runs)
    reader.dup_calls, reader.dup_runs = dups
    return True


def _dup_json(d: Duplicates) -> list[Any]:
    return [d.what, d.count, list(d.first) if d.first else None]


def _dup_from(d: list[Any]) -> Duplicates:
    what, count, first = d
    return Duplicates(str(what), int(count), (str(first[0]), int(first[1])) if first else None)


def _combo_json(c: CallCombo) -> list[Any]:
    # A JSON array in CallCombo field order (the chain as a list).
    d: dict[str, Any] = c._asdict()
    d["fallback_chain"] = list(c.fallback_chain)
    return list(d.values())


def _combo_from(c: list[Any]) -> CallCombo:
    prov, tier, model, wf, step, task, etype, oprov, chain, breaker, source = c
    return CallCombo(
        prov, tier, model, wf, step, task, etype, oprov, tuple(chain), int(breaker), str(source)
    )


def _file_json(fs: FileState) -> dict[str, Any]:
    return {
        "id": fs.id,
        "path": str(fs.path),
        "dev": fs.dev,
        "ino": fs.ino,
        "head": fs.head.hex(),
        "offset": fs.offset,
        "lines": fs.lines,
        "records": fs.records,
        "malformed": fs.malformed,
        "salvaged": fs.salvaged,
        "flagged": fs.flagged,
        "problems": [[p.line, p.kind, p.reason] for p in fs.problems],
        "open_tail": fs.open_tail,
        "duplicates": fs.duplicates,
        "mark": fs.mark.hex() if fs.mark is not None else None,
        "hidden": dict(fs.hidden),
    }


def _file_from(d: dict[str, Any]) -> FileState:
    return FileState(
        id=int(d["id"]),
        path=Path(d["path"]),
        dev=int(d["dev"]),
        ino=int(d["ino"]),
        head=bytes.fromhex(d["head"]),
        offset=int(d["offset"]),
        lines=int(d["lines"]),
        records=int(d["records"]),
        malformed=int(d["malformed"]),
        salvaged=int(d["salvaged"]),
        flagged=int(d["flagged"]),
        problems=[Problem(int(a), str(b), str(c)) for a, b, c in d["problems"]],
        open_tail=bool(d["open_tail"]),
        duplicates=int(d["duplicates"]),
        mark=bytes.fromhex(d["mark"]) if d["mark"] is not None else None,
        hidden=Counter({str(k): int(v) for k, v in d.get("hidden", {}).items()}),
    )
