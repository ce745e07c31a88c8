"""The corpus of messy files in tests/data/bad: each gives a row-level message and the
good rows still import; files that cannot be used at all are refused with what to do."""

import io
import time
import zipfile

import openpyxl
import pytest

from conflictmap.errors import ConflictmapError, InputError
from conflictmap.ingest.pipeline import check_bytes, import_bytes, read_limited
from conflictmap.settings import Settings
from conftest import DATA

BAD = DATA / "bad"

# file: (rows imported, [(line, column or "", words in the message)])
CORPUS = {
    "truncated.csv": (1, [(3, "", "fields but the header has")]),
    "ragged.csv": (2, [(3, "", "10 fields"), (4, "", "3 fields")]),
    "open-quote.csv": (1, [(2, "", "never closed")]),
    "header-only.csv": (0, [(1, "", "no incident rows")]),
    "duplicate-columns.csv": (1, [(1, "fatalities", "more than once")]),
    "unknown-column.csv": (1, [(1, "weather", "not one conflictmap knows")]),
    "mixed-dates.csv": (4, [(6, "event_date", "not a date")]),
    "future-and-ancient.csv": (1, [(2, "event_date", "future"), (3, "event_date", "1900")]),
    "bad-fatalities.csv": (
        1,
        [
            (2, "fatalities", "0 or more"),
            (3, "fatalities", "0 or more"),
            (4, "fatalities", "whole"),
        ],
    ),
    "swapped.csv": (1, [(2, "latitude", "Swap")]),
    "out-of-range-and-zero.csv": (
        2,
        [
            (2, "latitude", "between -90 and 90"),
            (3, "longitude", "-180"),
            (4, "latitude", "(0, 0)"),
        ],
    ),
    "unknown-place.csv": (1, [(2, "location", "not in the gazetteer")]),
    # Kabul, in the Afghanistan its row names: outside the work area, but not doubtful
    "other-country.csv": (2, []),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_messy_file_gives_row_level_messages_and_keeps_good_rows(name, settings):
    report, good = check_bytes((BAD / name).read_bytes(), name, settings)
    imported, expected = CORPUS[name]
    assert report.imported == imported == len(good)
    for line, column, words in expected:
        assert any(
            i.line == line and i.column == column and words in i.message for i in report.issues
        ), (line, column, words, [(i.line, i.column, i.message) for i in report.issues])


def test_ambiguous_place_names_its_alternatives(settings):
    report, _ = check_bytes(b"date,place\n2020-01-01,Sinjar\n", "a.csv", settings)
    (issue,) = [i for i in report.issues if i.column == "location"]
    assert "names several places" in issue.message and issue.severity == "warning"


@pytest.mark.parametrize(
    ("name", "words"),
    [("empty.csv", "empty"), ("image.csv", "PNG image")],
)
def test_unusable_files_are_refused_with_what_to_do(name, words, settings):
    with pytest.raises(InputError, match=words):
        check_bytes((BAD / name).read_bytes(), name, settings)


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_is_imported_as_its_first_sheet(settings, store):
    import datetime as dt

    data = _xlsx(
        [
            ["date", "place", "actor 1", "fatalities", "id"],
            [dt.datetime(2020, 1, 1), "Hajin", "IRGC", 3, "X-1"],
            ["2020-01-02", "Al Mayadin", "NDF", 2.0, "X-2"],
            ["not a date", "Hajin", "NDF", 1, "X-3"],
        ]
    )
    report = import_bytes(data, "sheet.xlsx", store, settings)
    assert (report.imported, report.rejected, report.encoding) == (2, 1, "xlsx")
    assert any(i.line == 4 and i.column == "event_date" for i in report.issues)
    assert sorted(store.read()["fatalities"].astype(int)) == [2, 3]


def test_a_zip_or_a_damaged_workbook_is_refused_with_what_to_do(settings):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("incidents.csv", "date,place\n2020-01-01,Hajin\n")
    with pytest.raises(InputError, match="unzip it"):
        check_bytes(out.getvalue(), "incidents.zip", settings)
    broken = _xlsx([["date", "place"]])[:-200]
    with pytest.raises(ConflictmapError):
        check_bytes(broken, "broken.xlsx", settings)


def test_a_2_gb_file_is_refused_before_it_is_read(tmp_path, settings):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: 2 GB on paper, nothing on disk
        handle.truncate(2 * 2**30)
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"2,048 MB; the limit is 1,024 MB"):
        read_limited(huge, settings)
    assert time.perf_counter() - started < 1


def test_row_limit_is_a_setting_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_MAX_ROWS", "3")
    settings = Settings()
    rows = "".join(f"2020-01-0{i},Hajin\n" for i in range(1, 6))
    with pytest.raises(InputError, match=r"more than 3 rows.*CONFLICTMAP_MAX_ROWS"):
        check_bytes(("date,place\n" + rows).encode(), "many.csv", settings)
    few, _ = check_bytes(("date,place\n" + rows.split("\n", 3)[3]).encode(), "few.csv", settings)
    assert few.imported == 2


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


VRT = b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource>'


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        (
            "rivers.zip",
            _zip({"x.vrt": VRT + b"</OGRVRTLayer></OGRVRTDataSource>"}),
            "one shapefile",
        ),
        ("rivers.zip", _zip({"../../x.shp": b"\x00\x00\x27\x0a"}), "one shapefile"),
        ("rivers.geojson", VRT, "not GeoJSON"),
        ("rivers.gpkg", VRT, "not a GeoPackage"),
    ],
)
def test_layer_uploads_cannot_point_gdal_outside_the_data_folder(name, data, words, settings):
    from conflictmap.layers import save_upload

    with pytest.raises(InputError, match=words):
        save_upload(data, name, settings)
    assert not list((settings.data_dir / "layers").glob("layer-*"))  # nothing kept
