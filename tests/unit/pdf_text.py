"""Minimal text extraction for the uncompressed PDFs fpdf2 writes (pypdf is not a dependency).

fpdf2 writes Unicode TTF text as 2-byte glyph codes in `(...) Tj` strings and maps
them back to Unicode in each font's ToUnicode CMap; this reverses that mapping.
"""

from __future__ import annotations

import re

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_FONT_REF = re.compile(rb"/(F\d+) (\d+) 0 R")
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>")
_CONTENTS = re.compile(rb"/Contents (\d+) 0 R")
_LITERAL = rb"\(((?:\\.|[^\\)])*)\)"
_OPERATION = re.compile(
    rb"/(F\d+) [\d.]+ Tf|" + _LITERAL + rb" Tj|\[((?:" + _LITERAL + rb"|[-\d. ]+)*)\] TJ",
    re.DOTALL,
)
_ARRAY_PART = re.compile(_LITERAL + rb"|(-?[\d.]+)", re.DOTALL)
_WORD_GAP = 100  # a TJ adjustment at least this wide (thousandths of an em) is a space
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def extract_text(pdf: bytes) -> str:
    """The text of every `Tj` (and `TJ` array, as written for justified or wrapped
    lines) of every page, one line per operator."""
    objects = {int(num): body for num, body in _OBJECT.findall(pdf)}
    cmaps = {name.decode(): _cmap(objects, int(font)) for name, font in _FONT_REF.findall(pdf)}
    lines: list[str] = []
    for contents in _CONTENTS.findall(pdf):
        font = ""
        for name, literal, array, _ in _OPERATION.findall(_stream(objects[int(contents)])):
            if name:
                font = name.decode()
            elif array:
                parts = []
                for part, gap in _ARRAY_PART.findall(array):
                    if gap:
                        parts.append(" " if abs(float(gap)) >= _WORD_GAP else "")
                    else:
                        parts.append(_decode(cmaps[font], part))
                lines.append("".join(parts))
            else:
                lines.append(_decode(cmaps[font], literal))
    return "\n".join(lines)


def _decode(cmap: dict[int, str], literal: bytes) -> str:
    codes = _unescape(literal)
    return "".join(
        cmap.get(int.from_bytes(codes[i : i + 2]), "\ufffd") for i in range(0, len(codes), 2)
    )


def _stream(body: bytes) -> bytes:
    match = _STREAM.search(body)
    assert match is not None, "object has no stream"
    return match.group(1)


def _cmap(objects: dict[int, bytes], font: int) -> dict[int, str]:
    match = _TO_UNICODE.search(objects[font])
    assert match is not None, "font has no ToUnicode map (compressed PDF?)"
    return {
        int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
        for code, text in _BFCHAR.findall(_stream(objects[int(match.group(1))]))
    }


def _unescape(literal: bytes) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        if escaped.isdigit():
            return bytes([int(escaped, 8)])
        return _ESCAPES.get(escaped, escaped)

    return _ESCAPE.sub(replace, literal)
