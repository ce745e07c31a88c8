import datetime as dt
import json
import sqlite3

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from conflictmap.csvfile import defuse, restore
from conflictmap.export import export
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.ingest.pipeline import check_bytes, import_bytes
from conflictmap.schema import NAMES
from conflictmap.views import with_factions
from conftest import ROOT, fixture_bytes

FILTERS = Filters(dt.date(2018, 1, 1), dt.date(2020, 12, 31))


@pytest.fixture
def factions():
    return load_factions(ROOT / "data" / "factions.csv")


@pytest.fixture
def loaded(settings, store, factions):
    for name in ("acled-current.csv", "ucdp-ged.csv", "sheet-ar.csv"):
        import_bytes(fixture_bytes(name), name, store, settings)
    return with_factions(store.read(), factions)


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(NAMES)].copy()
    out = out.astype(object).where(out.notna(), None)
    for name in ("latitude", "longitude"):
        out[name] = out[name].map(lambda v: None if v is None else round(float(v), 6))
    for name in ("event_date", "end_date"):
        out[name] = out[name].map(lambda v: None if v is None else str(pd.Timestamp(v).date()))
    out = out.map(lambda v: None if v == "" else str(v) if v is not None else None)
    return out.sort_values("incident_id").reset_index(drop=True)


def test_csv_states_filters_and_round_trips(loaded, factions, settings):
    data = export(loaded, "csv", factions, FILTERS)
    assert data.startswith(b"# conflictmap export") and FILTERS.describe().encode() in data
    report, back = check_bytes(data, "export.csv", settings)
    assert report.format == "conflictmap" and not report.errors
    pd.testing.assert_frame_equal(comparable(back), comparable(loaded))


def test_geojson_carries_every_field_and_the_filters(loaded, factions):
    data = json.loads(export(loaded, "geojson", factions, FILTERS))
    assert data["conflictmap"]["filters"]["description"] == FILTERS.describe()
    props = data["features"][0]["properties"]
    assert set(NAMES) <= set(props) and "faction" in props
    ids = {f["properties"]["source_event_id"] for f in data["features"]}
    assert {"SYRT001", "900001"} <= ids


def test_gpkg_is_readable_and_described(loaded, factions, tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_bytes(export(loaded, "gpkg", factions, FILTERS))
    back = gpd.read_file(path, layer="incidents")
    assert len(back) == len(loaded) and back.crs.to_epsg() == 4326
    assert set(NAMES) <= set(back.columns)
    with sqlite3.connect(path) as db:
        described = db.execute("SELECT description FROM gpkg_contents").fetchone()[0]
    assert FILTERS.describe() in described


def test_html_is_standalone_and_offline(loaded, factions):
    html = export(loaded, "html", factions, FILTERS).decode()
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    assert FILTERS.describe() in html and "L.map(" in html


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2 killed", "@cmd", "\tx", "plain", ""])
def test_defuse_round_trips(text):
    assert restore(defuse(text)) == text


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
_row = st.fixed_dictionaries(
    {
        "date": st.dates(dt.date(1990, 1, 1), dt.date(2024, 12, 31)),
        "place": st.sampled_from(["Hajin", "البوكمال", "Al-Mayadin", "بقرص", "Abu Kamal"]),
        "actor1": _text | st.sampled_from(["قوات النظام", '=HYPERLINK("x")', "Liwa Fatemiyoun"]),
        "actor2": _text,
        "fatalities": st.none() | st.integers(0, 5000),
        "notes": _text | st.sampled_from(['He said "no", then left\nnext line', "-5 dead"]),
    }
)


@hyp_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_row, min_size=1, max_size=8))
def test_export_then_import_gives_the_same_incidents(rows, settings, factions):
    sheet = pd.DataFrame(rows).rename(columns={"place": "location"})
    sheet["fatalities"] = sheet["fatalities"].astype("Int64")
    source = sheet.to_csv(index=False).encode("utf-8")
    _report, first = check_bytes(source, "gen.csv", settings)
    if first.empty:
        return
    frame = gpd.GeoDataFrame(
        factions.assign(first),
        geometry=gpd.points_from_xy(first.longitude, first.latitude),
        crs="EPSG:4326",
    )
    for column in ("event_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    again, back = check_bytes(export(frame, "csv", factions, Filters()), "back.csv", settings)
    assert not again.errors, again.issues
    pd.testing.assert_frame_equal(comparable(back), comparable(frame))
