"""Text from a file reaches the page as written: folium never compiles it as a template
(``conflictmap.maps.verbatim``)."""

from __future__ import annotations

import html as markup
import json
import re

import folium
import pandas as pd
import pytest
from test_areas import WEST, boundary_file
from test_changes import FRAME, WINDOWS
from test_incidents import incidents

from conflictmap import areas
from conflictmap.changes import by_place
from conflictmap.factions import load_factions
from conflictmap.layers import RefLayer
from conflictmap.maps import choropleth
from conflictmap.maps.base import MapSpec
from conflictmap.maps.changes import change_layer
from conflictmap.maps.compose import full_map
from conftest import ROOT, dashboard_on_sheet, map_component, on_page

# what Jinja would run (the last one reads the server's working folder) or choke on
RUN = "{{ 7*7 }}"
REACH = "{{ cycler.__init__.__globals__.os.getcwd() }}"
CHOKE = "{% if %}"
COMMENT = "{# gone #}"
PAYLOADS = (RUN, REACH, CHOKE, COMMENT)


def shown(page: str) -> str:
    """The text a browser shows: JSON's escapes and HTML's character references read."""
    return markup.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), page))


@pytest.fixture
def factions():
    return load_factions(ROOT / "data" / "factions.csv")


def test_a_note_with_template_syntax_is_drawn_as_written(factions):
    frame = incidents(notes=" ".join(PAYLOADS), location=RUN, source=CHOKE, actor1=REACH)
    html = shown(full_map(frame, factions, MapSpec(tiles="none")).get_root().render())
    for text in PAYLOADS:
        assert text in html
    assert str(ROOT) not in html


def test_a_popup_and_tooltips_keep_their_braces():
    frame = FRAME.assign(location=FRAME["location"].replace("Buqrus", CHOKE + RUN))
    fmap = folium.Map(tiles=None)
    change_layer(by_place(frame, WINDOWS), set(), WINDOWS).add_to(fmap)
    folium.Marker([35, 40], tooltip=RUN, popup=folium.Popup(CHOKE)).add_to(fmap)
    html = shown(fmap.get_root().render())
    assert html.count(CHOKE + RUN) >= 2 and RUN in html and CHOKE in html


def test_an_area_name_with_template_syntax(tmp_path):
    path = boundary_file(tmp_path, [{"ADM1_EN": CHOKE, "ADM1_AR": RUN}], [WEST])
    units = areas.read_units(RefLayer("halves", path))
    table = areas.count(units, incidents_at([(36.0, 35.0)]))
    fmap = folium.Map(tiles=None)
    choropleth.choropleth_layer(units, table).add_to(fmap)
    html = shown(fmap.get_root().render())
    assert CHOKE in html and RUN in html


def incidents_at(points):
    return pd.DataFrame(
        {
            "latitude": [lat for lat, _ in points],
            "longitude": [lon for _, lon in points],
            "fatalities": [1] * len(points),
            "faction": ["Other"] * len(points),
        }
    )


SHEET = (  # the second place is where the file says; the third waits for the analyst
    "date,location,country,admin1,latitude,longitude,actor1,fatalities,notes\n"
    f'2018-06-09,Abu Kamal,Syria,Deir ez-Zor,,,ISIS,1,"{REACH} {CHOKE}"\n'
    f"2018-06-10,{CHOKE} {RUN},Syria,Deir ez-Zor,35.01,40.45,SDF,0,{COMMENT}\n"
    "2018-06-11,Qaryat Majhula,Syria,Deir ez-Zor,,,SDF,0,\n"
)


@pytest.fixture
def imported(env_data, tmp_path, monkeypatch):
    return dashboard_on_sheet(SHEET, tmp_path, monkeypatch)


def test_the_dashboard_draws_such_notes_and_lists_such_places(imported):
    """The map page and the places page both render through streamlit-folium."""
    assert not imported.exception
    args = json.loads(map_component(imported).proto.json_args)
    script = shown(args["script"] + args.get("feature_group", ""))
    for text in PAYLOADS:
        assert text in script
    assert str(ROOT) not in script
    at = on_page(imported, "places")
    assert not at.exception
    assert at.selectbox[0].options[0].startswith("Qaryat Majhula")
    args = json.loads(map_component(at).proto.json_args)
    assert f"{CHOKE} {RUN}" in shown(args["script"] + args.get("feature_group", ""))
