import codecs

import pytest

from conflictmap.errors import InputError
from conflictmap.ingest.detect import (
    ACLED,
    ACLED_LEGACY,
    OWN,
    SHEET,
    UCDP,
    UCDP_CANDIDATE,
    detect_format,
)
from conflictmap.ingest.encoding import decode
from conflictmap.ingest.formats import read_table
from conftest import fixture_bytes

ARABIC = "التاريخ,المكان,القتلى\n2018-06-09,البوكمال,25\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ARABIC.encode("utf-8"), "utf-8-sig"),
        (ARABIC.encode("utf-16"), "utf-16"),
        (ARABIC.encode("utf-16-le"), "utf-16-le"),
        (ARABIC.encode("utf-16-be"), "utf-16-be"),
        (ARABIC.encode("cp1256"), "windows-1256"),
    ],
)
def test_decodes_the_encodings_analysts_have(data, encoding):
    text, used = decode(data)
    assert text == ARABIC
    assert used.replace("cp", "windows-") == encoding


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_sniffs_the_separator(sep):
    table = read_table(ARABIC.replace(",", sep).encode())
    assert table.delimiter == sep
    assert list(table.frame.columns) == ["التاريخ", "المكان", "القتلى", "__line"]
    assert table.frame.iloc[0]["المكان"] == "البوكمال"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("acled-current.csv", ACLED),
        ("acled-legacy.csv", ACLED_LEGACY),
        ("ucdp-ged.csv", UCDP),
        ("ucdp-candidate.csv", UCDP_CANDIDATE),
        ("sheet-en.csv", SHEET),
        ("sheet-ar.csv", SHEET),
    ],
)
def test_detects_format_from_header(name, fmt):
    table = read_table(fixture_bytes(name))
    assert detect_format([c for c in table.frame.columns if c != "__line"]) == fmt


def test_detects_own_export():
    assert detect_format(["incident_id", "dataset", "event_date", "latitude", "longitude"]) == OWN


def test_unknown_header_names_the_columns_and_what_is_needed():
    with pytest.raises(InputError, match=r"colour, size.*date column"):
        detect_format(["colour", "size"])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04rest", "ZIP archive"),
        (b"\x89PNG\r\n", "PNG image"),
        (b"%PDF-1.4", "PDF"),
        (b"", "empty"),
        (b"abc\x00def", "binary"),
    ],
)
def test_refuses_files_that_are_not_csv(data, words):
    with pytest.raises(InputError, match=words):
        read_table(data)


def test_ragged_row_is_noted_with_its_line_and_skipped():
    table = read_table(b"date,place\n2020-01-01,Hajin\n2020-01-02,Hajin,extra\n")
    assert len(table.frame) == 1
    line, _, _, template, values = table.notes[0]
    assert line == 3 and "3 fields" in template.format(**values)


def test_comment_lines_of_our_exports_are_skipped_and_lines_still_count():
    table = read_table(b"# conflictmap export\ndate,place\n2020-01-01,Hajin\n")
    assert list(table.frame["__line"]) == [3]


def test_a_utf8_row_inside_a_windows_1256_file_is_read_as_utf8_and_named(settings):
    """Read as Windows-1256 with the rest, "حماة" became "ط­ظ…ط§ط©" with no word."""
    from conflictmap.i18n import Wording
    from conflictmap.ingest.pipeline import check_bytes

    data = (
        "التاريخ,المكان,القتلى\n2020-01-01,دير الزور,2\n".encode("cp1256")
        + "2020-01-02,حماة,1\n".encode()
        + "2020-01-03,الميادين,1\n".encode("cp1256")
    )
    report, good = check_bytes(data, "mixed.csv", settings)
    assert good["location"].tolist() == ["دير الزور", "حماة", "الميادين"]
    [warning] = report.issues
    assert warning.line == 3 and "UTF-8" in warning.message and "Windows-1256" in warning.message
    assert "ترميز" in warning.render(Wording("ar"))


def xlsx_bomb(tmp_path, unpacked_mb: int) -> bytes:
    """A valid workbook whose shared strings unpack to ``unpacked_mb`` MB (they compress
    about a thousand times: the file stays small)."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["date", "location"])
    book.active.append(["2020-01-01", "x"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    huge = b"A" * (unpacked_mb * 2**20)
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>date</t></si><si><t>'
        + huge
        + b"</t></si></sst>"
    )
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                out.writestr(item, source.read(item))
        out.writestr("xl/sharedStrings.xml", strings)
    return bomb.read_bytes()


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(tmp_path):
    """The attack: a few hundred KB that unpack to 300 MB of shared strings. Refused from
    the archive's directory, fast, in a sentence, with little memory."""
    import subprocess
    import sys
    import time

    bomb = tmp_path / "bomb-file.xlsx"
    bomb.write_bytes(xlsx_bomb(tmp_path, 300))
    assert bomb.stat().st_size < 2 * 2**20
    probe = (
        "import sys\n"
        "from conflictmap.errors import InputError\n"
        "from conflictmap.ingest.pipeline import check_bytes\n"
        "try:\n"
        f"    check_bytes(open({str(bomb)!r}, 'rb').read(), 'bomb.xlsx')\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    said, peak_kb = done.stdout.strip().splitlines()
    assert time.time() - started < 20
    assert said.startswith("This workbook unpacks to 300 MB") and len(said) < 300
    assert int(peak_kb) < 400 * 1024, f"peak {int(peak_kb) / 1024:.0f} MB"


def test_a_header_never_echoes_more_than_a_line():
    from conflictmap.ingest.detect import detect_format

    with pytest.raises(InputError) as refused:
        detect_format(["x" * 5000, "y" * 5000])
    assert len(str(refused.value)) < 600


@pytest.mark.parametrize(
    ("ending", "last", "kept"),
    [
        ("\n", "2020-01-25,Hajin,3,IS,SDF,Battles,,", True),  # 2 of 8 empty: kept, named
        ("", "2020-01-25,Hajin,3,IS,SDF,Battles,,", False),  # no last line break
        ("\n", "2020-01-25,Hajin,3,IS (in,,,,", False),  # a bracket never closed
    ],
)
def test_a_last_row_that_may_be_cut_off(ending, last, kept, settings):
    from conflictmap.ingest.pipeline import check_bytes

    rows = "".join(f"2020-01-{d:02d},Hajin,1,IS,SDF,Battles,SOHR,note {d}\n" for d in range(1, 25))
    header = "date,location,fatalities,actor 1,actor 2,event type,source,notes\n"
    data = (header + rows + last + ending).encode()
    report, good = check_bytes(data, "sheet.csv", settings)
    [issue] = [i for i in report.issues if "end in the middle" in i.message]
    assert issue.line == 26 and (issue.severity == "warning") == kept
    assert len(good) == (25 if kept else 24)
