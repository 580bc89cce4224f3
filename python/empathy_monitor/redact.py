"""Secrets out of every line we print or store: the one masking helper.

Header values (API keys, bearer tokens), URL userinfo, webhook paths and queries (Slack and
Discord put their tokens there), SMTP passwords and HMAC secrets reach error texts by way of
library exceptions (``Invalid header value b'Bearer …\\n'``), so masking at the edge where a
text leaves us — status lines, history rows, ``alerts.db``, ``otel_cursor.json``, logs — is the
only place it can be done once. Header names and values are also checked at load
(:func:`check_header`), with a message that names the header and never shows its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
MIN_SECRET = 3  # shorter values would mask ordinary words; they are no secret anyway

_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 token
_BAD_VALUE_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # controls except HTAB
_URL_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#@]*@)?([^/?#]*)")


def redact_url(url: str) -> str:
    """Keep the scheme and host; userinfo is dropped, path and query become ``/…``."""
    m = _URL_RE.match(url)
    if not m:
        return "<url>"
    rest = url[m.end() :]
    return f"{m.group(1)}{m.group(3)}" + ("/…" if rest.strip("/") else "")


def mask_userinfo(url: str) -> str:
    """``http://user:pass@host:x`` -> ``http://***@host:x`` (the rest is kept: no token there)."""
    text = url if "://" in url else "//" + url
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:)?//([^/?#]*@)", text)
    if not m:
        return url
    out = text[: m.start(2)] + MASK + "@" + text[m.end(2) :]
    return out if "://" in url else out[2:]


def url_secrets(url: str) -> list[str]:
    """The parts of a URL that are secrets: userinfo, path and query (when not trivial)."""
    m = _URL_RE.match(url)
    if not m:
        return [url]
    out: list[str] = []
    if m.group(2):
        out.append(m.group(2)[:-1])
        out.extend(m.group(2)[:-1].split(":", 1))
    rest = url[m.end() :]
    if rest.strip("/"):
        out.append(rest)
        out.extend(p for p in re.split(r"[/?&=#]", rest) if len(p) >= 8)
    return out


def mask(text: str | None, secrets: Iterable[str | None]) -> str | None:
    """``text`` with every secret (as is, stripped, or as Python would ``repr`` it) masked."""
    if text is None:
        return None
    forms: set[str] = set()
    for s in secrets:
        if not s:
            continue
        for f in (s, s.strip(), repr(s)[1:-1], repr(s.encode("utf-8", "replace"))[2:-1]):
            if len(f.strip()) >= MIN_SECRET:
                forms.add(f)
            for part in f.split():  # "Bearer TOKEN": TOKEN alone is the secret
                if len(part) >= 8:
                    forms.add(part)
    for f in sorted(forms, key=len, reverse=True):
        text = text.replace(f, MASK)
    return text


def check_header(name: str, value: str, where: str) -> None:
    """Refuse a header an HTTP/gRPC client would reject, naming the header, never its value.

    Raises:
        ValueError: when the name is not a token or the value holds a line break or control.
    """
    if not _TOKEN_RE.fullmatch(name):
        # A name is no secret: shown (repr escapes a line break), cut to a readable length.
        raise ValueError(f"{where}: header name {name[:60]!r} is not a valid HTTP header name")
    if _BAD_VALUE_RE.search(value):
        raise ValueError(
            f"{where}: header {name!r} has a line break or control character in its value"
            " (value not shown)"
        )
