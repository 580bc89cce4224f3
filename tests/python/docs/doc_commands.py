"""Find the `empathy …` commands a user is shown in the README and the guides.

Only fenced ```bash blocks count: a synopsis (``[--flag]``, ``a|b``, ``...``, ``<placeholder>``) belongs
in a ```text block, so a bash line that looks like one is an error here rather than a silent skip.
Within a file, ``export K=V`` lines carry on to later commands, as they would in the reader's shell.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^\s*```(\S*)\s*$")
ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
EXITS = re.compile(r"#\s*exits (\d+)\b")
# Commands that serve until stopped unless told `--once`.
SERVERS = (("alerts", "watch"), ("otel", "export"), ("otel", "receive"))
SYNOPSIS = re.compile(r"(\[|\]|(?<![<>])\|(?![|])|\.\.\.|<[a-z][^>]*>)")


class SynopsisInBash(ValueError):
    """A bash block holds a line that cannot be run as written."""


@dataclass(frozen=True)
class DocCommand:
    file: str
    line: int
    text: str  # as written, comment included
    argv: tuple[str, ...]  # starts with "empathy"
    env: dict[str, str] = field(default_factory=dict)  # exports so far + inline assignments
    expect: int = 0
    serves: bool = False  # runs until stopped: started, read until first output, then stopped

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _logical_lines(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for no, raw in body:
        text = raw.rstrip()
        if pending is not None:
            text = pending[1] + " " + text.lstrip()
            no = pending[0]
            pending = None
        if text.endswith("\\"):
            pending = (no, text[:-1])
            continue
        out.append((no, text))
    if pending is not None:
        out.append(pending)
    return out


def _split_comment(line: str) -> tuple[str, str]:
    """(code, comment): the comment starts at a `#` that begins a word outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i], line[i:]
    return line, ""


def parse(path: Path, root: Path) -> list[DocCommand]:
    rel = path.relative_to(root).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[list[tuple[int, str]]] = []
    lang: str | None = None
    body: list[tuple[int, str]] = []
    for no, line in enumerate(lines, 1):
        m = FENCE.match(line)
        if m is None:
            if lang is not None:
                body.append((no, line))
            continue
        if lang is None:
            lang, body = m.group(1), []
        else:
            if lang in ("bash", "sh", "shell", "console"):
                blocks.append(body)
            lang = None
    env: dict[str, str] = {}
    found: list[DocCommand] = []
    for block in blocks:
        for no, text in _logical_lines(block):
            words = shlex.split(text, comments=True)
            if not words:
                continue
            if words[0] == "export":
                for w in words[1:]:
                    if ASSIGN.match(w):
                        k, _, v = w.partition("=")
                        env[k] = v
                continue
            inline: dict[str, str] = {}
            while words and ASSIGN.match(words[0]):
                k, _, v = words.pop(0).partition("=")
                inline[k] = v
            if not words or words[0] != "empathy":
                continue
            code, comment = _split_comment(text)
            if SYNOPSIS.search(code):
                raise SynopsisInBash(
                    f"{rel}:{no}: {text.strip()!r} is a synopsis, not a command: "
                    "put it in a ```text block or write a command that runs"
                )
            m = EXITS.search(comment)
            serves = any(tuple(words[1:3]) == s and "--once" not in words for s in SERVERS)
            found.append(
                DocCommand(
                    file=rel,
                    line=no,
                    text=text.strip(),
                    argv=tuple(words),
                    env={**env, **inline},
                    expect=int(m.group(1)) if m else 0,
                    serves=serves,
                )
            )
    return found


def documents(root: Path) -> list[Path]:
    """The README and every guide a user may read."""
    docs = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    return [d for d in docs if d.is_file()]
