"""Mirror the enabled agents' usage records into the local store as they are read.

After a refresh, every agent row read since the last sync is appended (metadata only, via
``TelemetryStore.log_calls``) to ``<dir>/llm_calls-<source>.jsonl`` with ``metadata.mirror_of``
naming its transcript. How the mirror and the transcript avoid counting one request twice is the
rule in ``ingest/formats/mirror.py``: a mirrored copy counts only once its transcript is gone.

Progress is remembered per transcript (path, inode, bytes mirrored) in ``.sources-mirror.json``
next to the mirror files, so a restart does not copy anything twice. A crash between the append
and the state write can leave a copy twice in the mirror; the two share a ``call_id``, so the
reader's dedupe by ``call_id`` counts it once.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from ..ingest import format as formats
from ..ingest.formats.mirror import MIRROR_KEY, mirror_file
from ..ingest.lines import LineReader
from ..store import TelemetryStore
from ..telemetry import Telemetry

log = logging.getLogger(__name__)
STATE_FILE = ".sources-mirror.json"


class Mirror:
    """Copies agent rows of one :class:`Telemetry` into ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.state_path = self.dir / STATE_FILE
        self.state: dict[str, dict[str, int]] = self._load()

    def _load(self) -> dict[str, dict[str, int]]:
        try:
            d = json.loads(self.state_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return d if isinstance(d, dict) else {}

    def _save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, sort_keys=True), "utf-8")
        tmp.replace(self.state_path)

    def sync(self, tel: Telemetry) -> int:
        """Mirror what is new; returns the number of records written."""
        reader, calls = tel.reader, tel.tables.calls
        combos = tel.tables.call_combos.items
        written = 0
        files_col = offs_col = combo_col = None
        for fid, fs in list(reader.files.items()):
            fmt = reader._format_or_none(fs.path)
            if fmt is None or not formats.home_only(fmt):
                continue
            key = str(fs.path)
            st = self.state.get(key)
            done = st["offset"] if st and st.get("ino") == fs.ino else 0
            if done >= fs.offset:
                continue
            if files_col is None:
                files_col, offs_col = calls.col("file"), calls.col("off")
                combo_col = calls.col("combo")
            assert offs_col is not None and combo_col is not None
            sel = np.flatnonzero((files_col == fid) & (offs_col >= done))
            sel = sel[np.argsort(offs_col[sel], kind="stable")]
            src = reader.parser_of(fid)
            recs: list[dict[str, Any]] = []
            if src is not None:
                path, parse = src
                with LineReader() as lines:
                    for i in sel.tolist():
                        d = parse(lines.at(path, int(offs_col[i])))
                        if d is None:
                            continue
                        d["model_id"] = combos[int(combo_col[i])].model  # as it was counted
                        if d.get("estimated_cost") is None:  # no cost of its own: the store's 0
                            d.pop("estimated_cost", None)  # (read back as "no cost", not $0)
                        d["metadata"][MIRROR_KEY] = key
                        recs.append(d)
            try:
                TelemetryStore(self.dir).log_calls(recs, file_name=mirror_file(fmt.source))
            except (OSError, ValueError) as exc:
                log.warning("sources: could not mirror %s: %s", key, exc)
                continue
            written += len(recs)
            self.state[key] = {"ino": fs.ino, "offset": fs.offset}
        if written or files_col is not None:
            try:
                self._save()
            except OSError as exc:
                log.warning("sources: could not save the mirror state: %s", exc)
        return written
