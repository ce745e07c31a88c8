"""What changed: two windows compared per area, place and faction; new actors and places."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conflictmap.changes import Windows, by_place, compare, new_names
from conflictmap.maps.changes import change_layer


def incidents(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["event_date", "admin1", "location", "actor1", "actor2", "fatalities"]
    )
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["faction"] = frame["actor1"].map(lambda a: "militias" if "Liwa" in a else "government")
    frame["latitude"] = frame["location"].map(
        {"Abu Kamal": 34.45, "Al Mayadin": 35.02, "Buqrus": 35.1, "<b>Hajin</b>": 34.7}
    )
    frame["longitude"] = 40.5
    return frame


FRAME = incidents(
    [
        # the window before (June 8-14)
        ("2018-06-08", "Deir-ez-Zor", "Abu Kamal", "Liwa Fatemiyoun", "Syrian army", 2),
        ("2018-06-10", "Deir-ez-Zor", "Al Mayadin", "Syrian army", "", 0),
        ("2018-06-14", "Deir-ez-Zor", "Al Mayadin", "Syrian army", "", None),
        # the last 7 days (June 15-21)
        ("2018-06-15", "Deir-ez-Zor", "Abu Kamal", "Liwa Fatemiyoun", "Syrian army", 5),
        ("2018-06-18", "Deir-ez-Zor", "Abu Kamal", "Liwa al-Quds", "", 1),
        ("2018-06-20", "Deir-ez-Zor", "Buqrus", "Liwa al-Quds", "", 3),
        ("2018-06-21", "Homs", "<b>Hajin</b>", "Syrian army", "", 0),
        # earlier history and after the window: neither counted
        ("2018-05-01", "Deir-ez-Zor", "Buqrus", "Syrian army", "", 9),
        ("2018-06-22", "Deir-ez-Zor", "Abu Kamal", "Liwa Zainebiyoun", "", 9),
    ]
)
WINDOWS = Windows(dt.date(2018, 6, 21), 7)


def test_the_two_windows():
    assert WINDOWS.recent == (dt.date(2018, 6, 15), dt.date(2018, 6, 21))
    assert WINDOWS.previous == (dt.date(2018, 6, 8), dt.date(2018, 6, 14))
    assert WINDOWS.describe() == "2018-06-15 to 2018-06-21 against 2018-06-08 to 2018-06-14"
    with pytest.raises(ValueError, match="1 to 366"):
        Windows(dt.date(2018, 1, 1), 0)


def test_per_place_biggest_change_first():
    table = compare(FRAME, WINDOWS, "location")
    assert table.astype(object).where(table.notna(), None).values.tolist() == [
        ["Al Mayadin", 2, 0, 0, 0, -2, -100],
        ["Abu Kamal", 1, 2, 2, 6, 1, 100],
        ["Buqrus", 0, 1, 0, 3, 1, None],
        ["<b>Hajin</b>", 0, 1, 0, 0, 1, None],
    ]


def test_per_governorate_and_per_faction():
    area = compare(FRAME, WINDOWS, "admin1").set_index("governorate")
    assert area.loc["Deir-ez-Zor", ["previous", "recent", "change"]].tolist() == [3, 3, 0]
    assert area.loc["Homs", "recent"] == 1
    side = compare(FRAME, WINDOWS, "faction").set_index("faction")
    assert side.loc["militias", ["previous", "recent"]].tolist() == [1, 3]
    assert side.loc["government", ["previous", "recent"]].tolist() == [2, 1]
    with pytest.raises(ValueError, match="admin1, location, faction"):
        compare(FRAME, WINDOWS, "colour")


def test_new_actors_and_places_are_those_never_reported_before():
    fresh = new_names(FRAME, WINDOWS)
    assert fresh.values.tolist() == [
        ["actor", "Liwa al-Quds", dt.date(2018, 6, 18), 2],
        ["place", "<b>Hajin</b>", dt.date(2018, 6, 21), 1],
    ]  # Buqrus was reported in May; Liwa Zainebiyoun only after the window


def test_the_change_layer_colours_rises_and_falls_and_escapes_names():
    import folium

    fmap = folium.Map(tiles=None)
    places = by_place(FRAME, WINDOWS)
    change_layer(places, {"<b>Hajin</b>"}, WINDOWS).add_to(fmap)
    html = fmap.get_root().render()
    assert (
        "<b>Hajin</b>" not in html
        and "&lt;b&gt;Hajin&lt;/b&gt;: 0 → 1 incidents (+1) · new place" in html
    )
    assert '"color": "#2471a3"' in html and '"fillColor": "#c0392b"' in html


def test_filters_never_add_rows_to_a_window():
    for days in (1, 3, 7, 30):
        windows = Windows(dt.date(2018, 6, 21), days)
        table = compare(FRAME, windows, "location")
        assert table["recent"].sum() + table["previous"].sum() <= len(FRAME)


def test_the_dashboard_compares_two_weeks(env_data):
    import json

    from streamlit.testing.v1 import AppTest

    from conflictmap.cli import main as cli
    from conftest import ROOT, map_component

    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.toggle(key="changes_on").set_value(True).run()
    assert not at.exception
    ending = next(d for d in at.sidebar.date_input if d.label == "Ending on")
    ending.set_value(dt.date(2018, 6, 30)).run()
    assert not at.exception
    expander = next(e for e in at.expander if "What changed" in e.label)
    assert "2018-06-24 to 2018-06-30 against 2018-06-17 to 2018-06-23" in expander.label.replace(
        "\\", ""
    )
    table = expander.dataframe[0].value
    assert list(table.columns[:3]) == ["governorate", "previous", "recent"]
    groups = json.loads(map_component(at).proto.json_args)["feature_group"]
    assert " incidents (" in groups and ("#c0392b" in groups or "#2471a3" in groups)


def test_a_snapshot_carries_the_change_layer():
    from test_incidents import incidents as incidents_on_map

    from conflictmap.factions import load_factions
    from conflictmap.filters import Filters
    from conflictmap.maps.base import MapSpec
    from conflictmap.snapshot import SnapshotSpec, snapshot_html
    from conftest import ROOT

    frame = incidents_on_map()  # any incidents: the layer is what is checked
    layer = change_layer(by_place(FRAME, WINDOWS), set(), WINDOWS)
    page = snapshot_html(
        frame,
        load_factions(ROOT / "data" / "factions.csv"),
        Filters(),
        MapSpec(tiles="none"),
        SnapshotSpec(),
        overlays=[layer],
    )
    assert "Al Mayadin: 2 → 0 incidents (-2)" in page
