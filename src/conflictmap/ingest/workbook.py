"""Excel workbooks (.xlsx) read as their first sheet, refused when they would unpack to
more than a bound (a decompression bomb) before anything is unpacked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from conflictmap.errors import InputError
from conflictmap.i18n.catalogue import Message, msg


def is_xlsx(data: bytes) -> bool:
    """An Excel 2007+ workbook (a ZIP holding xl/workbook.xml)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


XLSX_MAX_UNPACKED = 128 * 2**20  # openpyxl holds a workbook's shared strings in memory
XLSX_MAX_RATIO = 200  # a real workbook packs text 5-20 times; a bomb, thousands


def _check_unpacked(data: bytes, limit: int) -> None:
    """Refuse a workbook before unpacking it when its parts, as the archive declares them
    (zipfile never reads past a declared size), would hold more than ``limit`` bytes or
    pack far tighter than any spreadsheet does (a decompression bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
    unpacked = sum(p.file_size for p in parts)
    packed = max(sum(p.compress_size for p in parts), 1)
    if unpacked > limit or (unpacked > 2**20 and unpacked / packed > XLSX_MAX_RATIO):
        raise InputError(
            msg(
                (
                    "This workbook unpacks to {size} MB ({ratio} times its size); "
                    "conflictmap opens workbooks up to {limit} MB unpacked. Save the "
                    "sheet as CSV UTF-8 and import that."
                ),
                size=f"{unpacked / 2**20:,.0f}",
                ratio=f"{unpacked / packed:,.0f}",
                limit=f"{limit / 2**20:,.0f}",
            )
        )


def xlsx_to_csv(data: bytes, max_rows: int, max_bytes: int) -> str:
    """The first sheet of a workbook as CSV text (rows as Excel numbers them)."""
    import openpyxl

    try:
        _check_unpacked(data, min(max_bytes, XLSX_MAX_UNPACKED))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise InputError(
            msg(
                (
                    "This Excel workbook cannot be read ({reason}); open it in Excel or "
                    "LibreOffice and save the sheet as CSV UTF-8."
                ),
                reason=type(exc).__name__,
            )
        ) from None
    out = io.StringIO()
    writer = csv.writer(out)
    sheet = book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > max_rows + 1:
            book.close()
            raise InputError(too_many(max_rows))
        writer.writerow([_cell(v) for v in row])
    book.close()
    return out.getvalue()


def too_many(max_rows: int) -> Message:
    return msg(
        "The file has more than {count} rows, the limit (setting CONFLICTMAP_MAX_ROWS). "
        "Split it into smaller files or raise the limit.",
        count=f"{max_rows:,}",
    )
