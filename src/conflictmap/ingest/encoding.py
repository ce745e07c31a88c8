"""Bytes to text: the file's encoding (UTF-8, UTF-16, or the legacy code pages Arabic
and European spreadsheets save in), with a warning for lines that are in another
encoding than the rest, and a clear refusal of files that are not text at all.
"""

from __future__ import annotations

import codecs

from conflictmap.errors import InputError
from conflictmap.i18n import N_
from conflictmap.i18n.catalogue import msg

MAGIC = {
    b"PK\x03\x04": "a ZIP archive; conflictmap does not open archives: unzip it and import "
    "the .csv inside",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls); save it as CSV UTF-8 and import that",
}


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (BOM or not), UTF-16 (BOM or not), Windows-1256."""
    text, encoding, _lines = decode_lines(data)
    return text, encoding


def decode_lines(data: bytes) -> tuple[str, str, list[int]]:
    """As ``decode``, and the lines (1 = the first) written in UTF-8 inside a file in a
    legacy encoding: each such line is read as UTF-8 (read as Windows-1256, "حماة" would
    become "ط­ظ…ط§ط©"), and named so the analyst can check it."""
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputError(msg("This file is {what}, not a CSV text file.", what=what))
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16", []
    head = data[:4096]
    if encoding := bomless_utf16(head):
        return data.decode(encoding, errors="replace"), encoding, []
    if b"\x00" in head:
        raise InputError("This file holds binary data (NUL bytes), not CSV text.")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["cp1256", "cp1252", "latin_1"]).best()
    encoding = best.encoding if best else "cp1256"
    lines = data.split(b"\n")
    in_utf8 = [i for i, line in enumerate(lines) if not line.isascii() and _is_utf8(line)]
    if not in_utf8:
        return data.decode(encoding, errors="replace"), encoding, []
    chosen = set(in_utf8)
    text = "\n".join(
        line.decode("utf-8") if i in chosen else line.decode(encoding, errors="replace")
        for i, line in enumerate(lines)
    )
    return text, f"{encoding} (some lines utf-8)", [i + 1 for i in in_utf8]


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a BOM: one byte of each pair is nearly always 0x00 (Latin) or 0x06
    (Arabic)."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]

    def share(part: bytes) -> float:
        return (part.count(0) + part.count(6)) / len(part)

    if share(odd) > 0.7 > share(even):
        return "utf-16-le"
    if share(even) > 0.7 > share(odd):
        return "utf-16-be"
    return None


LEGACY_NAMES = {"cp1256": "Windows-1256", "cp1252": "Windows-1252", "latin_1": "Latin-1"}


def mixed_warnings(text: str, in_utf8: list[int], skipped: int, encoding: str) -> list:
    if not in_utf8:
        return []
    physical = text.split("\n")
    legacy = LEGACY_NAMES.get(encoding.split()[0], encoding.split()[0])
    return [
        (
            number,
            "",
            physical[number - 1 - skipped][:80] if number - 1 - skipped < len(physical) else "",
            N_(
                "This line is written in UTF-8 while the rest of the file is in {encoding}; "
                "it was read as UTF-8. Check its text, and save the file in one encoding "
                "(CSV UTF-8) next time."
            ),
            {"encoding": legacy},
        )
        for number in in_utf8
        if number > skipped
    ]
