import json

import pandas as pd
import pytest

from conflictmap.errors import InputError
from conflictmap.ingest.pipeline import check_bytes, import_bytes
from conftest import fixture_bytes


def check(text: str, settings):
    return check_bytes(text.encode("utf-8"), "test.csv", settings)


def issues(report, column=None):
    return [i for i in report.issues if column is None or i.column == column]


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("acled-current.csv", 3),
        ("acled-legacy.csv", 2),
        ("ucdp-ged.csv", 2),
        ("ucdp-candidate.csv", 2),
        ("sheet-en.csv", 3),
        ("sheet-ar.csv", 4),
    ],
)
def test_fixture_files_import_cleanly(name, rows, settings):
    report, good = check_bytes(fixture_bytes(name), name, settings)
    assert (report.rows_read, report.imported, report.rejected) == (rows, rows, 0)
    assert not report.errors, report.issues
    assert good["latitude"].notna().all() and good["event_date"].notna().all()


def test_ucdp_keeps_the_fatality_range_and_dates(settings):
    _, good = check_bytes(fixture_bytes("ucdp-ged.csv"), "u.csv", settings)
    first = good.iloc[0]
    assert (first.fatalities, first.fatalities_low, first.fatalities_high) == (8, 8, 11)
    assert str(first.event_date.date()) == "2018-06-03"
    assert str(first.end_date.date()) == "2018-06-09"
    assert first.time_precision == 2 and first.geo_precision == 2
    assert first.source_event_id == "900001" and first.incident_id == "ucdp:900001"


def test_arabic_sheet_is_geocoded_with_arabic_digits(settings):
    _report, good = check_bytes(fixture_bytes("sheet-ar.csv"), "a.csv", settings)
    assert list(good["fatalities"].astype("float").fillna(-1)) == [-1, 25, 5, 12]
    assert good.iloc[0]["geocoded_by"] == "OCHA, via Syrian Archive"  # the village list
    assert good.iloc[2]["geocoded_by"].startswith("conflictmap team")  # Buqrus, from geo/


def test_rows_with_coordinates_keep_them(settings):
    _, good = check_bytes(fixture_bytes("acled-current.csv"), "a.csv", settings)
    assert good.iloc[1]["latitude"] == pytest.approx(35.0198)
    assert set(good["geocoded_by"]) == {"file"}


def test_every_problem_is_reported_and_good_rows_survive(settings):
    text = (
        "date,place,fatalities,lat,lon\n"
        "2020-01-01,Hajin,3,,\n"  # good
        "not a date,Hajin,1,,\n"  # bad date
        "2020-01-02,Hajin,-4,,\n"  # negative
        "2020-01-03,Hajin,many,,\n"  # non-numeric
        "2020-01-04,Atlantisville,0,,\n"  # not in gazetteer
        "2020-01-05,Hajin,0,40.83,34.69\n"  # swapped
        "2020-01-06,Hajin,0,95,40\n"  # out of range
        "2020-01-07,Hajin,0,0,0\n"
    )  # (0, 0): geocoded instead, warned
    report, good = check(text, settings)
    assert report.rows_read == 8 and report.imported == 2 and report.rejected == 5
    assert report.held == 1  # only its place is wrong: it waits for one (see test_places)
    by_line = {i.line: i for i in report.errors}
    assert set(by_line) == {3, 4, 5, 6, 7, 8}
    assert by_line[3].column == "event_date" and by_line[3].value == "not a date"
    assert by_line[4].column == "fatalities" and "0 or more" in by_line[4].message
    assert by_line[5].value == "many"
    assert "not in the gazetteer" in by_line[6].message and "geo/" in by_line[6].message
    assert "swapped" in by_line[7].message and "Swap" in by_line[7].message
    assert by_line[8].column == "latitude" and "between -90 and 90" in by_line[8].message
    assert any(i.line == 9 and i.severity == "warning" for i in report.issues)
    assert sorted(good["fatalities"].tolist()) == [0, 3]


def test_future_and_ancient_dates_are_rejected(settings):
    report, _ = check("date,place\n2999-01-01,Hajin\n1850-01-01,Hajin\n", settings)
    messages = [i.message for i in report.errors]
    assert any("future" in m for m in messages) and any("1900" in m for m in messages)


def test_ambiguous_day_month_is_reported_not_silently_guessed(settings):
    report, good = check("date,place\n01/02/2020,Hajin\n03/04/2020,Hajin\n", settings)
    assert report.imported == 2
    assert any(i.severity == "warning" and "day first" in i.message for i in report.issues)
    assert str(good.iloc[0].event_date.date()) == "2020-02-01"


def test_ambiguous_place_is_resolved_and_reported_with_alternatives(settings):
    report, _good = check("date,place\n2020-01-01,Sinjar\n", settings)
    assert report.imported == 1
    warning = next(i for i in report.issues if i.column == "location")
    assert warning.severity == "warning" and "several places" in warning.message
    assert "IQ" in warning.message and "SY" in warning.message


def test_governorate_column_picks_among_same_names(settings):
    _, good = check("date,place,governorate\n2020-01-01,Sinjar,Idleb\n", settings)
    assert good.iloc[0]["latitude"] < 36.0  # Sinjar of Idleb, not of Nineveh (36.3)


def test_unknown_sheet_columns_are_named(settings):
    report, _ = check("date,place,weather\n2020-01-01,Hajin,sunny\n", settings)
    assert any(i.column == "weather" and i.severity == "warning" for i in report.issues)


def test_duplicate_ids_in_one_file(settings):
    text = "date,place,id\n2020-01-01,Hajin,X1\n2020-01-02,Hajin,X1\n"
    report, good = check(text, settings)
    assert len(good) == 1 and report.errors[0].line == 3 and "line 2" in report.errors[0].message


def test_size_limit_refuses_before_reading(settings):
    from dataclasses import replace

    small = replace(settings, max_file_bytes=10)
    with pytest.raises(InputError, match="limit"):
        check_bytes(b"date,place\n2020-01-01,Hajin\n", "big.csv", small)


def test_import_stores_one_batch_and_reimport_doubles_nothing(settings, store):
    data = fixture_bytes("acled-current.csv")
    first = import_bytes(data, "a.csv", store, settings)
    again = import_bytes(data, "a.csv", store, settings)
    assert first.stored and first.batch_id == 1 and first.added == 3
    assert again.batch_id is None and again.duplicate_of == 1
    assert "already imported as batch 1: nothing changed" in again.summary()
    assert store.count() == 3 and len(store.batches()) == 1


def test_report_json_has_the_documented_fields(settings):
    report, _ = check("date,place\nbad,Hajin\n", settings)
    data = json.loads(json.dumps(report.to_dict()))
    assert {"format", "rows_read", "imported", "rejected", "issues"} <= set(data)
    issue = data["issues"][0]
    assert set(issue) == {"line", "column", "value", "message", "severity", "code", "params"}
    # an issue is data: its template and values make its sentence in any language
    assert issue["code"].format(**issue["params"]) == issue["message"]
    assert issue["params"] == {"cell": "bad"}


def test_report_csv_defuses_formulas(settings):
    report, _ = check("date,place\n=cmd|' /C calc'!A0,Hajin\n", settings)
    frame = pd.read_csv(pd.io.common.BytesIO(report.to_csv()), encoding="utf-8-sig")
    assert frame["value"].iloc[0].startswith("'=")
