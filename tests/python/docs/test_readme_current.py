"""The README's settings table and command list name everything the extension contributes."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _contributes() -> dict[str, object]:
    pj = json.loads((ROOT / "extension" / "package.json").read_text(encoding="utf-8"))
    c: dict[str, object] = pj["contributes"]
    return c


def test_every_setting_has_a_row_in_the_readme_settings_table() -> None:
    conf = _contributes()["configuration"]
    sections = conf if isinstance(conf, list) else [conf]
    settings = [k for s in sections for k in s["properties"]]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(empathy\.[A-Za-z.]+)` \|", readme, re.M))
    assert settings and sorted(set(settings) - rows) == []
    assert sorted(rows - set(settings)) == []  # no row for a setting that no longer exists


def test_every_palette_command_is_named_in_the_readme() -> None:
    c = _contributes()
    hidden = {
        m["command"]
        for m in c.get("menus", {}).get("commandPalette", [])  # type: ignore[union-attr]
        if m.get("when") == "false"
    }
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    missing = [
        cmd["title"]
        for cmd in c["commands"]  # type: ignore[union-attr]
        if cmd["command"] not in hidden and cmd["title"] not in readme
    ]
    assert missing == []
