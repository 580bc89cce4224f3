"""The committed walkthrough video (docs/media/walkthrough.webm) is what the README promises.

Checked without ffprobe (CI may have no ffmpeg): a small EBML reader walks the WebM header down to
Segment/Info (TimecodeScale, Duration) and Segment/Tracks/TrackEntry (CodecID, Video/PixelWidth,
PixelHeight). The caption track (walkthrough.vtt) has one cue per tour step, in time order, within
the video. scripts/record_walkthrough regenerates both.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VIDEO = ROOT / "docs" / "media" / "walkthrough.webm"
CAPTIONS = ROOT / "docs" / "media" / "walkthrough.vtt"
RECORDER = ROOT / "tests" / "e2e" / "walkthrough.mjs"

EBML = 0x1A45DFA3
SEGMENT = 0x18538067
INFO = 0x1549A966
TIMECODE_SCALE = 0x2AD7B1
DURATION = 0x4489
TRACKS = 0x1654AE6B
TRACK_ENTRY = 0xAE
CODEC_ID = 0x86
VIDEO_SETTINGS = 0xE0
PIXEL_WIDTH = 0xB0
PIXEL_HEIGHT = 0xBA
CLUSTER = 0x1F43B675
# Masters the reader descends into; everything else is skipped by its size.
MASTERS = {SEGMENT, INFO, TRACKS, TRACK_ENTRY, VIDEO_SETTINGS}


class WebMError(ValueError):
    """The bytes are not a WebM file this reader understands."""


@dataclass
class WebMInfo:
    duration_s: float
    codec_id: str
    width: int
    height: int


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length integer at `pos`: (value, next position, all value bits set)."""
    if pos >= len(data):
        raise WebMError(f"truncated at byte {pos}")
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(data):
        raise WebMError(f"bad variable-length integer at byte {pos}")
    value = first if keep_marker else first & (0xFF >> length)
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, pos + length, unknown


def _elements(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(id, payload start, payload end) of every element in data[start:end], masters flattened."""
    out: list[tuple[int, int, int]] = []
    pos = start
    while pos < end:
        eid, pos, _ = _vint(data, pos, keep_marker=True)
        size, pos, unknown = _vint(data, pos, keep_marker=False)
        stop = end if unknown else pos + size
        if stop > end:
            raise WebMError(f"element 0x{eid:X} runs past its parent (byte {pos})")
        out.append((eid, pos, stop))
        if eid == CLUSTER:
            break  # the header (Info, Tracks) comes before the first cluster
        if eid in MASTERS:
            out.extend(_elements(data, pos, stop))
            if unknown:
                break
        pos = stop
    return out


def read_webm(data: bytes) -> WebMInfo:
    """Duration, codec and frame size of a WebM file's first video track."""
    if len(data) < 4 or int.from_bytes(data[:4], "big") != EBML:
        raise WebMError("no EBML header")
    found: dict[int, bytes] = {}
    for eid, a, b in _elements(data, 0, len(data)):
        found.setdefault(eid, data[a:b])
    if SEGMENT not in found:
        raise WebMError("no Segment")
    missing = [hex(e) for e in (DURATION, CODEC_ID, PIXEL_WIDTH, PIXEL_HEIGHT) if e not in found]
    if missing:
        raise WebMError(f"missing elements: {', '.join(missing)}")
    scale_ns = int.from_bytes(found.get(TIMECODE_SCALE, (1_000_000).to_bytes(3, "big")), "big")
    raw = found[DURATION]
    if len(raw) not in (4, 8):
        raise WebMError(f"Duration has {len(raw)} bytes")
    ticks = struct.unpack(">f" if len(raw) == 4 else ">d", raw)[0]
    return WebMInfo(
        duration_s=ticks * scale_ns / 1e9,
        codec_id=found[CODEC_ID].rstrip(b"\0").decode("ascii"),
        width=int.from_bytes(found[PIXEL_WIDTH], "big"),
        height=int.from_bytes(found[PIXEL_HEIGHT], "big"),
    )


def _el(eid: int, payload: bytes) -> bytes:
    """One element with a 1..8-byte id (as given) and an 8-byte size."""
    ident = eid.to_bytes((eid.bit_length() + 7) // 8, "big")
    return ident + (0x01 << 56 | len(payload)).to_bytes(8, "big") + payload


def _minimal(duration_ticks: float = 120_000.0) -> bytes:
    video = _el(VIDEO_SETTINGS, _el(PIXEL_WIDTH, b"\x05\x00") + _el(PIXEL_HEIGHT, b"\x03\x20"))
    track = _el(TRACK_ENTRY, _el(CODEC_ID, b"V_VP9") + video)
    info = _el(
        INFO,
        _el(TIMECODE_SCALE, b"\x0f\x42\x40") + _el(DURATION, struct.pack(">d", duration_ticks)),
    )
    return _el(EBML, _el(0x4282, b"webm")) + _el(SEGMENT, info + _el(TRACKS, track))


def test_the_reader_reads_a_hand_built_webm_header() -> None:
    info = read_webm(_minimal())
    assert info == WebMInfo(duration_s=120.0, codec_id="V_VP9", width=1280, height=800)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "no EBML header"),
        (b"RIFF\0\0\0\0WEBP", "no EBML header"),
        (_el(EBML, b""), "no Segment"),
        (_minimal()[:-3], "runs past its parent"),
        (_el(EBML, b"") + _el(SEGMENT, _el(INFO, b"")), "missing elements"),
        (_el(EBML, b"") + b"\x18\x53\x80\x67\x00", "bad variable-length integer"),
    ],
)
def test_the_reader_rejects_what_is_not_a_webm_header(data: bytes, why: str) -> None:
    with pytest.raises(WebMError, match=why):
        read_webm(data)


def test_the_committed_walkthrough_is_a_two_minute_1280x800_vp9_webm_under_12_mb() -> None:
    data = VIDEO.read_bytes()
    assert len(data) <= 12 * 1024 * 1024, f"{len(data)} bytes"
    info = read_webm(data)
    assert 100 <= info.duration_s <= 150, info
    assert (info.width, info.height) == (1280, 800), info
    assert info.codec_id == "V_VP9", info


def _cues() -> list[tuple[float, float, str]]:
    text = CAPTIONS.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT")
    stamp = r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)"
    out = []
    for m in re.finditer(rf"^{stamp} --> {stamp}\n(.+)$", text, re.M):
        g = [int(x) for x in m.groups()[:8]]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        out.append((start, end, m.group(9)))
    return out


def test_the_caption_track_has_a_cue_per_step_in_order_within_the_video() -> None:
    steps = re.findall(r"^  \['([^']+)', async", RECORDER.read_text(encoding="utf-8"), re.M)
    assert len(steps) >= 12, steps  # the tour the issue lists, plus an intro and an outro
    cues = _cues()
    assert len(cues) == len(steps), (len(cues), steps)
    duration = read_webm(VIDEO.read_bytes()).duration_s
    starts = [c[0] for c in cues]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts
    for start, end, text in cues:
        assert 0 <= start < end <= duration + 0.5, (start, end, duration)
        assert text.strip()
