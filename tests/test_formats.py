import codecs

import pytest

from conflictmap.errors import InputError
from conflictmap.formats import (
    ACLED,
    ACLED_LEGACY,
    OWN,
    SHEET,
    UCDP,
    UCDP_CANDIDATE,
    decode,
    detect_format,
    read_table,
)
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
    line, _, _, message = table.notes[0]
    assert line == 3 and "3 fields" in message


def test_comment_lines_of_our_exports_are_skipped_and_lines_still_count():
    table = read_table(b"# conflictmap export\ndate,place\n2020-01-01,Hajin\n")
    assert list(table.frame["__line"]) == [3]


def test_a_utf8_row_inside_a_windows_1256_file_is_read_as_utf8_and_named(settings):
    """Read as Windows-1256 with the rest, "حماة" became "ط­ظ…ط§ط©" with no word."""
    from conflictmap.i18n import message
    from conflictmap.importer import check_bytes

    data = (
        "التاريخ,المكان,القتلى\n2020-01-01,دير الزور,2\n".encode("cp1256")
        + "2020-01-02,حماة,1\n".encode()
        + "2020-01-03,الميادين,1\n".encode("cp1256")
    )
    report, good = check_bytes(data, "mixed.csv", settings)
    assert good["location"].tolist() == ["دير الزور", "حماة", "الميادين"]
    [warning] = report.issues
    assert warning.line == 3 and "UTF-8" in warning.message and "Windows-1256" in warning.message
    assert "ترميز" in message(warning.message, "ar")
