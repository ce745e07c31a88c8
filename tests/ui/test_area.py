"""Drawing an area filters to it (issue 8): the filter, the link, the export sentence."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from conflictmap.cli import main as cli
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.settings import Settings
from conflictmap.share import from_params, to_params
from conflictmap.store import Query, open_store
from conflictmap.views import apply, drawn_area, store_query, with_factions
from conftest import ROOT

# around Al-Bukamal and the river crossing to Al-Qaim (lon, lat)
BUKAMAL = ((40.85, 34.38), (41.05, 34.38), (41.05, 34.52), (40.85, 34.52), (40.85, 34.38))


def test_an_area_keeps_the_incidents_inside_and_says_so():
    frame = pd.DataFrame(
        {"latitude": [34.45, 35.33, 34.38], "longitude": [40.92, 40.14, 40.95]}
    )  # Al-Bukamal, Deir ez-Zor, and one on the area's edge
    chosen = Filters(area=BUKAMAL)
    assert chosen.mask(frame).tolist() == [True, False, True]
    assert "inside the drawn area (34.380–34.520 N, 40.850–41.050 E)" in chosen.describe()
    assert chosen.to_dict()["area"]["type"] == "Polygon"
    assert chosen.bbox() == (40.85, 34.38, 41.05, 34.52)
    assert Filters().mask(frame).all() and "drawn" not in Filters().describe()


def test_a_drawing_from_the_map_becomes_the_area():
    rectangle = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in BUKAMAL]]},
    }
    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}
    assert drawn_area([line, rectangle]) == BUKAMAL
    assert drawn_area([rectangle, line]) == BUKAMAL  # the last polygon drawn
    assert drawn_area([]) is None and drawn_area(None) is None


def test_an_area_travels_in_the_link():
    params = to_params(Filters(area=BUKAMAL), None, None)
    assert params["area"].startswith("34.38000,40.85000;")
    shared = from_params({"area": [params["area"]]}, *(pd.Timestamp(0).date(),) * 2, [], [])
    assert shared.area == BUKAMAL and shared.ignored == []
    bad = from_params({"area": ["1,2;3"]}, *(pd.Timestamp(0).date(),) * 2, [], [])
    assert bad.area is None and bad.ignored


def test_the_store_is_narrowed_to_the_area_box(settings):
    store = open_store(f"sqlite:///{settings.data_dir / 's.sqlite'}", settings)
    query = store_query(Filters(area=BUKAMAL), load_factions(settings.factions_file), store)
    assert query == Query(bbox=(40.85, 34.38, 41.05, 34.52))


def test_the_dashboard_filters_to_an_area_from_a_link(env_data):
    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["area"] = to_params(Filters(area=BUKAMAL), None, None)["area"]
    at.run()
    assert not at.exception
    settings = Settings()
    frame = with_factions(open_store(None, settings).read(), load_factions(settings.factions_file))
    inside = len(apply(frame, Filters(area=BUKAMAL)))
    shown = int(next(m.value for m in at.metric if m.label == "Incidents").replace(",", ""))
    assert 0 < shown == inside < len(frame)
    assert any("inside the drawn area" in c.value for c in at.caption)
    next(b for b in at.sidebar.button if b.label == "Clear the drawn area").click().run()
    shown = int(next(m.value for m in at.metric if m.label == "Incidents").replace(",", ""))
    assert shown == len(frame)
