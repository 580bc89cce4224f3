"""The README's and guides' pictures: every one they show exists, every file in docs/guides/img/
is shown somewhere (scripts/update_screenshots regenerates them; an orphan would go stale
unnoticed), and each is a real PNG of a reasonable size with alt text."""

from __future__ import annotations

import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
IMG = ROOT / "docs" / "guides" / "img"
MAX_BYTES = 600 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# ![alt](target "title") and <img src="target" alt="...">
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>", re.I)
HTML_ALT = re.compile(r"\balt=[\"']([^\"']*)[\"']", re.I)


def _docs() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [p for p in found if p.is_file()]


def _images(doc: Path) -> list[tuple[str, str]]:
    """(alt text, target) of each picture the Markdown file shows, code blocks left out."""
    text = re.sub(r"^```.*?^```", "", doc.read_text(encoding="utf-8"), flags=re.M | re.S)
    out = [(m.group(1), m.group(2)) for m in MD_IMAGE.finditer(text)]
    for m in HTML_IMAGE.finditer(text):
        alt = HTML_ALT.search(m.group(0))
        out.append((alt.group(1) if alt else "", m.group(1)))
    return [(alt, target) for alt, target in out if not re.match(r"^[a-z]+:", target)]


def _referenced() -> dict[Path, list[str]]:
    """Each local picture file -> the docs (relative names) that show it."""
    refs: dict[Path, list[str]] = {}
    for doc in _docs():
        for _, target in _images(doc):
            path = (doc.parent / target.split("#")[0]).resolve()
            refs.setdefault(path, []).append(str(doc.relative_to(ROOT)))
    return refs


def test_every_picture_a_doc_shows_exists() -> None:
    missing = [
        f"{', '.join(docs)}: {path.relative_to(ROOT)}"
        for path, docs in _referenced().items()
        if not path.is_file()
    ]
    assert missing == []


def test_the_readme_and_guides_show_the_regenerated_screenshots() -> None:
    shown = {p.name for p in _referenced() if p.parent == IMG.resolve()}
    # The first screen of the README and the overview in three themes, as the issue asks.
    want = {"panel-overview-light.png", "panel-overview-dark.png", "panel-overview-hc.png"}
    want |= {"panel-budget.png", "panel-sources.png", "panel-prices.png", "panel-dimensions.png"}
    assert sorted(want - shown) == []
    readme = [t for _, t in _images(ROOT / "README.md")]
    assert "docs/guides/img/panel-overview-light.png" in readme


def test_every_picture_has_alt_text() -> None:
    bare = [
        f"{doc.relative_to(ROOT)}: {target}"
        for doc in _docs()
        for alt, target in _images(doc)
        if len(alt.strip()) < 3
    ]
    assert bare == []


def test_no_file_in_docs_guides_img_is_an_orphan() -> None:
    shown = set(_referenced())
    files = sorted(p for p in IMG.iterdir() if p.is_file())
    assert files, "docs/guides/img/ is empty"
    assert [p.name for p in files if p.resolve() not in shown] == []


def test_each_screenshot_is_a_real_png_of_a_reasonable_size() -> None:
    bad = []
    for p in sorted(IMG.iterdir()):
        data = p.read_bytes()
        # The signature, then the IHDR chunk first with the width and height.
        ok = (
            p.suffix == ".png"
            and data[:8] == PNG_SIGNATURE
            and data[12:16] == b"IHDR"
            and len(data) >= 24
        )
        width, height = struct.unpack(">II", data[16:24]) if ok else (0, 0)
        if not ok or not (200 <= width <= 4000 and 100 <= height <= 4000):
            bad.append(f"{p.name}: not a PNG screenshot ({width}x{height})")
        elif len(data) > MAX_BYTES:
            bad.append(f"{p.name}: {len(data)} bytes > {MAX_BYTES}")
    assert bad == []
