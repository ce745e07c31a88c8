"""Real third-party files (../shared/data): what an analyst downloads must import as it is."""

from __future__ import annotations

import pandas as pd
import pytest

from conflictmap.ingest.issues import ERROR
from conflictmap.ingest.pipeline import check_bytes, import_bytes

WORLD = "acled/acled_world_2020-04-27_to_2020-05-09_without_syria_iraq.csv"


@pytest.fixture(scope="module")
def world(request):
    from conftest import SHARED

    path = SHARED / WORLD
    if not path.exists():
        pytest.skip(f"{path} (the shared real files) is not present")
    return path.read_bytes()


def test_the_world_export_imports_whole_with_its_own_dates_and_points(world, settings, store):
    report = import_bytes(world, "world.csv", store, settings)
    source = pd.read_csv(pd.io.common.BytesIO(world), dtype=str, keep_default_na=False)
    given = source.loc[(source["latitude"] != "") & (source["longitude"] != "")]
    stored = store.read().set_index("source_event_id")
    assert set(given["event_id_cnty"]) == set(stored.index)
    assert report.rejected == 1  # the last row, cut off in the middle (see below)
    given = given.set_index("event_id_cnty")
    assert (stored.loc[given.index, "latitude"] == given["latitude"].astype(float)).all()
    assert (stored.loc[given.index, "longitude"] == given["longitude"].astype(float)).all()
    dates = pd.to_datetime(given["event_date"], format="%d-%b-%y")
    assert (pd.to_datetime(stored.loc[given.index, "event_date"]) == dates).all()


@pytest.mark.parametrize(
    ("event", "lat", "lon"),
    [("Ankara", 39.9117, 32.8403), ("Odessa", 46.4639, 30.7386), ("Mersin", 36.8004, 34.6128)],
)
def test_a_point_inside_its_own_country_is_never_taken_as_swapped(event, lat, lon, settings):
    """Swapped, these cities fall in the work area (Iraq, Jordan, Syria); the row says
    Turkey or Ukraine, and the point lies there."""
    country, iso = ("Ukraine", "804") if event == "Odessa" else ("Turkey", "792")
    header = "event_id_cnty,event_date,actor1,latitude,longitude,country,iso,location"
    row = f"X1,2020-05-01,Police,{lat},{lon},{country},{iso},{event}"
    report, good = check_bytes(f"{header}\n{row}\n".encode(), "x.csv", settings)
    assert not report.errors, report.errors
    assert (good["latitude"].iloc[0], good["longitude"].iloc[0]) == (lat, lon)


def test_a_swap_is_still_caught_when_the_stated_country_says_so(settings):
    header = "event_id_cnty,event_date,actor1,latitude,longitude,country,location"
    rows = [
        "X1,2020-05-01,Police,40.83,34.69,Syria,Hajin",  # swapped: (34.69, 40.83) is Syria
        "X2,2020-05-01,Police,40.83,34.69,,Hajin",  # no country: the work area decides
    ]
    report, _good = check_bytes(("\n".join([header, *rows]) + "\n").encode(), "x.csv", settings)
    assert [(i.line, "swapped" in i.message) for i in report.errors] == [(2, True), (3, True)]


def test_the_cut_off_last_row_is_named_as_such_and_offered_to_fix(world, settings):
    report, _good = check_bytes(world, "world.csv", settings)
    [error] = report.errors
    assert error.line == 4668 and "end in the middle of this row" in error.message
    rejected = pd.read_csv(pd.io.common.BytesIO(report.rejected_csv()), dtype=str)
    assert list(rejected["conflictmap_line"]) == ["4668"]
    assert rejected["event_id_cnty"].iloc[0] == "PHL10453"  # its own columns, as read
    groups = report.groups()
    assert groups["severity"].iloc[0] == ERROR  # errors first
    # the warnings, one row: the 6 points outside their own country's outline (Kosovo,
    # Somaliland, Guadeloupe, a small island), not the 4,660 inside theirs
    assert len(groups) == 2 and groups["rows"].iloc[1] == "6"
    assert report.summary().startswith(
        "world.csv (ACLED export (layout before 2023)): 4,667 rows read, 4,666 to import"
    )


def test_the_file_reader_checks_real_files_as_the_bytes_reader_does(settings):
    """``conflictmap import`` reads a file a block at a time (``check_file``), an upload
    from its bytes (``check_bytes``): on each real file, the same hash, report and rows."""
    from conflictmap.ingest.pipeline import check_file
    from conftest import SHARED

    paths = sorted((SHARED / "acled").glob("*.csv")) + sorted((SHARED / "ucdp").glob("*.csv"))
    if not paths:
        pytest.skip("the shared real files are not present")
    for path in paths:
        by_bytes, rows = check_bytes(path.read_bytes(), path.name, settings)
        by_file, file_rows = check_file(path, settings)
        assert by_file.sha256 == by_bytes.sha256, path.name
        assert by_file.to_dict() == by_bytes.to_dict(), path.name
        pd.testing.assert_frame_equal(file_rows, rows)
