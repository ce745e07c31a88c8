"""The incident table under the map, linked to it by incident id (issue 8)."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from conflictmap.cli import main as cli
from conflictmap.maps.incidents import highlight_layer
from conflictmap.views import incident_table, selected_ids
from conftest import ROOT


def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": ["a:1", "a:2", "a:3"],
            "event_date": pd.to_datetime(["2018-06-01", "2018-06-03", "2018-06-02"]),
            "location": ["Hajin", "البوكمال", "Buqrus"],
            "actor1": ["NDF", "Liwa Fatemiyoun", "NDF"],
            "actor2": ["", "", ""],
            "faction": ["Syrian government forces", "Iran-backed militias", "Unassigned"],
            "event_type": ["Battles"] * 3,
            "fatalities": [1, 2, 3],
            "source": ["SOHR", "Sky News Arabia", "SOHR"],
            "notes": ["Clash near the river.", "قصف مدفعي", "Drone strike on a convoy."],
            "latitude": [34.69, 34.45, 35.09],
            "longitude": [40.83, 40.92, 40.39],
        }
    )


def test_the_table_puts_the_clicked_incident_first_then_the_newest():
    table = incident_table(rows(), clicked="a:3")
    assert table["incident_id"].tolist() == ["a:3", "a:2", "a:1"]
    assert table["on map"].tolist() == ["●", "", ""]
    assert incident_table(rows())["incident_id"].tolist() == ["a:2", "a:3", "a:1"]


def test_the_table_searches_notes_places_actors_and_sources():
    assert incident_table(rows(), "DRONE")["incident_id"].tolist() == ["a:3"]
    assert incident_table(rows(), "قصف")["incident_id"].tolist() == ["a:2"]
    assert incident_table(rows(), "sohr")["incident_id"].tolist() == ["a:3", "a:1"]
    assert incident_table(rows(), "nothing like this").empty


def test_selected_rows_become_ids_and_rings_on_the_map():
    ids = incident_table(rows())["incident_id"].tolist()
    assert selected_ids({"selection": {"rows": [0, 2], "columns": []}}, ids) == ["a:2", "a:1"]
    assert selected_ids(None, ids) == [] and selected_ids({"selection": {"rows": [9]}}, ids) == []
    import folium

    frame = rows()
    fmap = folium.Map()
    highlight_layer(frame.loc[frame["incident_id"].isin(["a:2", "a:3"])]).add_to(fmap)
    html = fmap.get_root().render()
    assert html.count("L.circleMarker(") == 2 and "[34.45, 40.92]" in html


def test_the_dashboard_lists_and_searches_the_incidents(env_data):
    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "on map" in d.value.columns)
    assert len(table) == 246 and table["event_date"].is_monotonic_decreasing
    next(t for t in at.text_input if t.label.startswith("Search notes")).set_value("بقرص").run()
    found = next(d.value for d in at.dataframe if "on map" in d.value.columns)
    assert 0 < len(found) < 246
    assert found["location"].str.contains("بقرص").any()
    assert any(
        b.label.startswith(f"Download these {len(found)} rows") for b in at.get("download_button")
    )


def test_the_table_shows_days_and_the_sidebar_s_names():
    from conflictmap.language import wording
    from conflictmap.settings import Settings

    frame = rows().assign(faction="Syrian government forces")
    table = incident_table(frame, w=wording("ar", Settings()))
    assert all(len(d) == 10 for d in table["event_date"])  # 2020-05-07, no 00:00:00
    assert set(table["faction"]) == {"قوات الحكومة السورية"}
