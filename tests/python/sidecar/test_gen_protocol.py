"""The protocol drift gate: ``scripts/gen_protocol --check`` fails when a model of the protocol
package changes and the generated TypeScript (types or guards) is not regenerated, and passes
again once it is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
HOME = Path("webview/src/protocol")


def _copy(tmp: Path) -> Path:
    """The generator, the Python package and the generated files, laid out as in the repo."""
    root = tmp / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy2(REPO / "scripts" / "gen_protocol", root / "scripts" / "gen_protocol")
    shutil.copytree(
        REPO / "python" / "empathy_monitor",
        root / "python" / "empathy_monitor",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (root / HOME).mkdir(parents=True)
    for name in ("protocol.generated.ts", "guards.generated.ts"):
        shutil.copy2(REPO / HOME / name, root / HOME / name)
    return root


def _gen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "gen_protocol"), *args],
        capture_output=True, text=True, timeout=120, cwd=root,
    )  # fmt: skip


def test_the_checked_in_files_are_current() -> None:
    res = _gen(REPO, "--check")
    assert res.returncode == 0, res.stderr


def test_check_fails_on_a_changed_model_until_regenerated(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert _gen(root, "--check").returncode == 0
    proto = root / "python" / "empathy_monitor" / "sidecar" / "protocol" / "alerts.py"
    text = proto.read_text(encoding="utf-8")
    marker = "class CheckAlertsResult(Out):\n    evaluated: int\n"
    assert marker in text
    proto.write_text(text.replace(marker, marker + "    skipped: list[str]\n"), encoding="utf-8")
    res = _gen(root, "--check")
    assert res.returncode == 1
    assert "protocol.generated.ts is out of date" in res.stderr
    assert "guards.generated.ts is out of date" in res.stderr
    assert _gen(root).returncode == 0
    assert _gen(root, "--check").returncode == 0
    types = (root / HOME / "protocol.generated.ts").read_text(encoding="utf-8")
    guards = (root / HOME / "guards.generated.ts").read_text(encoding="utf-8")
    assert "  skipped: string[];\n" in types
    assert "  skipped: arr(str),\n" in guards


def test_check_fails_on_a_hand_edited_guard(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    guards = root / HOME / "guards.generated.ts"
    text = guards.read_text(encoding="utf-8")
    guards.write_text(text.replace("  evaluated: int,\n", "  evaluated: num,\n"), encoding="utf-8")
    res = _gen(root, "--check")
    assert res.returncode == 1
    assert "guards.generated.ts is out of date" in res.stderr
    assert "protocol.generated.ts" not in res.stderr
