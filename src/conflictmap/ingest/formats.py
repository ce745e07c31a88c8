"""Reading incident files: bytes -> text -> table of strings -> incident columns.

Pure functions, no store and no Streamlit. ``read_table`` sniffs encoding and
delimiter; ``detect_format`` recognises ACLED, UCDP GED, our own exports and analysts'
sheets from the header alone; ``to_incident_columns`` renames and derives columns so
every format arrives at the one incident model (as strings, typed later by
``validate``).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from conflictmap.errors import InputError
from conflictmap.i18n import N_
from conflictmap.i18n.catalogue import msg
from conflictmap.ingest.encoding import MAGIC, bomless_utf16, decode_lines, mixed_warnings
from conflictmap.ingest.workbook import is_xlsx, too_many, xlsx_to_csv


@dataclass
class Table:
    """A file read as strings: header, rows as a DataFrame, and what reading noticed."""

    frame: pd.DataFrame  # all str; column "__line" = record number (header is line 1)
    encoding: str
    delimiter: str
    # (line, column, value, message[, its values when the message is a template])
    notes: list[tuple] = field(default_factory=list)
    warnings: list[tuple] = field(default_factory=list)  # the same, for rows still read


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text[:20_000].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count)


def _strip_comment_lines(text: str) -> tuple[str, int]:
    """Drop leading ``#`` lines (our exports state their filters there)."""
    skipped = 0
    while text.startswith("#"):
        end = text.find("\n")
        text = "" if end < 0 else text[end + 1 :]
        skipped += 1
    return text, skipped


csv.field_size_limit(2**31 - 1)  # an unclosed quote makes one huge field: report it, not crash


def _records(text: str, delimiter: str, width: int, number: int = 2):
    """(record number, cells, unclosed quote?) for each record after the header. A record
    whose quote never closes swallows the lines after it; those are read again."""
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            row = [lines[start] if start < len(lines) else ""]
            yield number, row, True
            yield from _records("\n".join(lines[start + 1 :]), delimiter, width, number + 1)
            return
        if len(row) != width and any("\n" in cell or "\r" in cell for cell in row):
            yield number, [lines[start]], True
            yield from _records("\n".join(lines[start + 1 :]), delimiter, width, number + 1)
            return
        yield number, row, False
        number += 1


def _leading_comments(data: bytes) -> int:
    """Bytes taken by the leading ``#`` lines (our exports state their filters there)."""
    start = 0
    while data.startswith(b"#", start):
        end = data.find(b"\n", start)
        if end < 0:
            return len(data)
        start = end + 1
    return start


HEAD = 96 * 1024  # the BOM, the leading comment lines read (64 KiB) and the sample after
TAIL = 4096


@dataclass(frozen=True)
class Ends:
    """What the fast reader needs to know of a file before parsing it: its first and last
    bytes and its size."""

    head: bytes
    tail: bytes
    size: int


@dataclass(frozen=True)
class Probe(Ends):
    """``Ends``, and how many line feeds and carriage returns the file holds (the fast
    reader's check after its parse)."""

    newlines: int
    returns: int


def file_ends(path: Path) -> Ends:
    """A file's ``Ends``, read without reading the rest of it."""
    with path.open("rb") as handle:
        head = handle.read(HEAD)
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - TAIL))
        return Ends(head, handle.read(TAIL), size)


def probe_bytes(data: bytes) -> Probe:
    return Probe(
        bytes(data[:HEAD]), bytes(data[-TAIL:]), len(data), data.count(b"\n"), data.count(b"\r")
    )


def probe_file(path: Path, piece: int = 1 << 24) -> Probe:
    """The file's ``Probe``, in one pass that holds a piece at a time."""
    newlines = returns = 0

    def count(chunk: bytes) -> None:
        nonlocal newlines, returns
        newlines += chunk.count(b"\n")
        returns += chunk.count(b"\r")

    ends = _read_through(path, piece, count)
    return Probe(ends.head, ends.tail, ends.size, newlines, returns)


def digest_file(path: Path, ends: Ends, piece: int = 1 << 24) -> str:
    """The file's SHA-256, from a pass of its own (it runs beside the checks, once the
    parse no longer needs both cores); a file whose ends changed since ``ends`` were read
    is refused (what was read is no longer what the file holds)."""
    digest = hashlib.sha256()
    read = _read_through(path, piece, digest.update)
    if (read.head, read.tail, read.size) != (ends.head, ends.tail, ends.size):
        raise InputError(
            msg(
                (
                    "{name} changed while it was being read; nothing was imported. Import it "
                    "again once the program writing it is done."
                ),
                name=path.name,
            )
        )
    return digest.hexdigest()


def _read_through(path: Path, piece: int, take: Callable[[bytes], object]) -> Ends:
    """Every byte of the file given to ``take``, a piece at a time; its ``Ends`` as read."""
    head, tail, size = b"", b"", 0
    with path.open("rb") as handle:
        while chunk := handle.read(piece):
            take(chunk)
            size += len(chunk)
            if len(head) < HEAD:
                head += chunk[: HEAD - len(head)]
            tail = (tail + chunk[-TAIL:])[-TAIL:]
    return Ends(head, tail, size)


def _fast_table(data: bytes, max_rows: int) -> Table | None:
    """``_fast`` over bytes in memory."""
    import pyarrow as pa

    view = memoryview(data)
    probe = probe_bytes(data)
    return _fast(
        probe,
        lambda start, stop: contextlib.nullcontext(pa.py_buffer(view[start:stop])),
        max_rows,
        lambda: probe,
    )


def fast_file_table(
    path: Path, ends: Ends, max_rows: int, counted: Callable[[], Probe]
) -> Table | None:
    """``_fast`` over a file, read by pyarrow a block at a time (never held whole).
    ``counted()`` gives its ``Probe``, asked for once the parse is done (the caller may
    count while pyarrow parses)."""
    if ends.head.startswith(b"PK\x03\x04"):  # a workbook, perhaps: read whole
        return None
    return _fast(ends, lambda start, stop: _file_body(path, start, stop), max_rows, counted)


@contextlib.contextmanager
def _file_body(path: Path, start: int, stop: int):
    """Bytes ``start`` to ``stop`` of the file, as pyarrow's own stream: its blocks are
    read without Python, so work that holds the interpreter meanwhile (the gazetteer and
    the digest, beside the parse) does not stall the parse."""
    import pyarrow as pa

    with pa.OSFile(str(path)) as file:
        yield file.get_stream(start, stop - start)


def _fast(ends: Ends, body_of, max_rows: int, counted: Callable[[], Probe]) -> Table | None:
    """The common case read by pyarrow's C++ reader: UTF-8, one separator, every record
    as wide as the header, no line break inside a value. Anything else returns None and
    the careful reader below reads the file (it finds and words every problem); a test
    checks the two readers agree on every file this one accepts. ``body_of(start, stop)``
    opens those bytes of the file for pyarrow; ``counted()`` is the file's ``Probe``."""
    bom = 3 if ends.head.startswith(codecs.BOM_UTF8) else 0
    head = ends.head[bom : bom + 4096]
    if bomless_utf16(head) or b"\x00" in head or head.startswith(tuple(MAGIC)):
        return None
    comments = _leading_comments(ends.head[bom : bom + 65536])
    skipped = ends.head[bom : bom + comments].count(b"\n")
    start = bom + comments
    left = min(max(0, ends.size - start), len(ends.tail))
    end = ends.tail[len(ends.tail) - left :]  # the body's last bytes
    run = end[len(end.rstrip(b"\r\n")) :]  # the last line break and blank lines after it
    stop = ends.size - len(run)  # blank lines at the end hold no record
    sample = ends.head[start : min(start + 20_000, stop)].decode("utf-8", errors="replace")
    if not sample.strip():
        return None
    delimiter = sniff_delimiter(sample)
    try:
        first = sample.split("\n")[0]
        header = [
            h.strip().lstrip("\ufeff") for h in next(csv.reader([first], delimiter=delimiter))
        ]
    except (csv.Error, StopIteration):
        return None
    if len({h.lower() for h in header}) != len(header) or '"' in first:
        return None  # duplicate or quoted header names: the careful reader explains them
    arrow = _arrow_csv(lambda: body_of(start, stop), header, delimiter)
    if arrow is None:
        return None
    if arrow.num_rows > max_rows:
        raise InputError(too_many(max_rows))
    # one line per record, else a value holds a line break (or a quote never closes):
    # the careful reader checks those quotes.
    counts = counted()
    if (counts.head, counts.tail, counts.size) != (ends.head, ends.tail, ends.size):
        return None  # the file changed while it was read: read it again, carefully
    lines = counts.newlines - run.count(b"\n") + (1 if run else 0)
    returns = counts.returns - run.count(b"\r") + (1 if run.startswith(b"\r") else 0)
    expected = skipped + arrow.num_rows + (1 if run else 0)
    if lines != expected or returns not in (0, lines):
        return None
    frame = arrow.to_pandas(self_destruct=True)
    del arrow
    frame["__line"] = pd.RangeIndex(2 + skipped, 2 + skipped + len(frame))
    if len(frame):
        blank = pd.Series(True, index=frame.index)
        for name in header:
            blank &= frame[name].str.strip() == ""
            if not blank.any():
                break
        if blank.any():
            frame = frame.loc[~blank].reset_index(drop=True)
    return Table(frame, "utf-8-sig" if bom else "utf-8", delimiter)


def _arrow_csv(opened, header: list[str], delimiter: str):
    """pyarrow's parse of the body (``opened()``: a context of something pyarrow reads),
    all strings, or None. First in blocks of 8 MiB, split at line breaks and parsed on
    every core (a million rows: 1.1 s; in blocks of 1 MiB, 2.0 s, the columns in eight
    times as many chunks): right for a file with no line break inside a value (a break
    inside quotes within a block is still read as part of the value, and one at a
    block's edge stops pyarrow: "out of sync with chunker"). If that fails (such a
    break, a record longer than a block), once more in large quote-aware blocks."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    convert = pacsv.ConvertOptions(  # large strings: what pandas' text columns hold
        column_types=dict.fromkeys(header, pa.large_string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    for block, breaks in ((1 << 23, False), (1 << 24, True)):
        read = pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=block)
        parse = pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=breaks, ignore_empty_lines=False
        )
        try:
            with opened() as body:
                return pacsv.read_csv(
                    body, read_options=read, parse_options=parse, convert_options=convert
                )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            continue
    return None


def read_table(data: bytes, max_rows: int = 5_000_000, max_bytes: int = 2**31) -> Table:
    """Read bytes into a table of strings, every problem noted with its record number.
    An Excel workbook's first sheet is read as if it had been saved as CSV."""
    if not is_xlsx(data) and (fast := _fast_table(data, max_rows)) is not None:
        return fast
    return _careful_table(data, max_rows, max_bytes)


def _careful_table(data: bytes, max_rows: int, max_bytes: int) -> Table:
    if is_xlsx(data):
        text, encoding, in_utf8 = xlsx_to_csv(data, max_rows, max_bytes), "xlsx", []
    else:
        text, encoding, in_utf8 = decode_lines(data)
    text, skipped = _strip_comment_lines(text)
    if not text.strip():
        raise InputError("The file is empty: there is no header and no rows to import.")
    delimiter = sniff_delimiter(text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(rows)]
    except csv.Error as exc:
        raise InputError(
            msg("The header line cannot be read as CSV ({reason}); check it.", reason=exc)
        ) from None
    notes, good, lines = [], [], []
    body = text.split("\n")[rows.line_num :]
    for number, row, unclosed in _records("\n".join(body), delimiter, len(header)):
        if number > max_rows + 1:
            raise InputError(too_many(max_rows))
        if unclosed:
            notes.append(
                (
                    number,
                    "",
                    delimiter.join(row)[:80],
                    "A quote opened on this row is never closed, so the lines after it were "
                    "read as one field. The row was skipped and the lines after it read again "
                    "on their own; close the quote (or remove it) and import this row again.",
                )
            )
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            shown = delimiter.join(row)[:80]
            notes.append(
                (
                    number,
                    "",
                    shown,
                    N_(
                        "This row has {fields} fields but the header has {columns}; it was "
                        "skipped. Check for a missing or extra separator or an unclosed quote."
                    ),
                    {"fields": len(row), "columns": len(header)},
                )
            )
            continue
        good.append(row)
        lines.append(number)
    header = _dedupe(header, notes)
    frame = (
        pd.DataFrame(good, columns=header, dtype=object)
        if good
        else pd.DataFrame(columns=header, dtype=object)
    )
    frame["__line"] = pd.Series(lines, dtype="int64") + skipped
    mixed = mixed_warnings(text, in_utf8, skipped, encoding)
    return Table(frame, encoding, delimiter, notes, mixed)


def _dedupe(header: list[str], notes: list) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        key = name.lower()
        if key in seen:
            notes.append(
                (
                    1,
                    name,
                    name,
                    N_(
                        "The column '{name}' appears more than once; only the first is used. "
                        "Rename or delete the copy."
                    ),
                    {"name": name},
                )
            )
            name = f"{name}__dup{seen[key]}"
        seen[key] = seen.get(key, 0) + 1
        out.append(name)
    return out
