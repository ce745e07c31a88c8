import json
import re

import folium
import pandas as pd
import pytest

from conflictmap.assets import LOCAL, MODULES, URL_PREFIX, inline, localise
from conflictmap.factions import load_factions
from conflictmap.maps.base import MapSpec
from conflictmap.maps.compose import full_map
from conflictmap.maps.incidents import AREA_FILL, UNCERTAIN_LAYER, popup_html, radius, tooltip_text
from conftest import ROOT, incident_records

PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
def factions():
    return load_factions(ROOT / "data" / "factions.csv")


def incidents(**overrides) -> pd.DataFrame:
    row = dict(
        incident_id="sheet:1",
        event_date=pd.Timestamp("2018-06-09"),
        end_date=pd.Timestamp("2018-06-09"),
        event_type="Battles",
        sub_event_type="",
        actor1="Liwa Fatemiyoun",
        actor2="Military Forces of Syria",
        location="Abu Kamal",
        admin1="Deir-ez-Zor",
        country="Syria",
        latitude=34.45,
        longitude=40.92,
        geo_precision=1,
        fatalities=25,
        fatalities_low=None,
        fatalities_high=None,
        source="Test",
        notes="Notes",
        faction="Iran-backed militias",
        faction1="Iran-backed militias",
        faction2="Syrian government forces",
    )
    row.update(overrides)
    return pd.DataFrame([row])


def test_every_file_text_is_escaped_in_popups_and_tooltips():
    row = next(
        incidents(notes=PAYLOAD, actor1=PAYLOAD, location=PAYLOAD, source=PAYLOAD).itertuples()
    )
    for text in (popup_html(row), tooltip_text(row)):
        assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in popup_html(row)


def test_legend_escapes_faction_names(factions):
    table = factions.table.copy()
    table.loc[0, "faction"] = PAYLOAD
    from conflictmap.factions import Factions

    html = (
        full_map(incidents(faction=PAYLOAD), Factions(table), MapSpec(tiles="none"))
        .get_root()
        .render()
    )
    assert PAYLOAD not in html
    # the legend control's body: a JSON string of escaped HTML
    (body,) = re.findall(r"box\.innerHTML = (\"(?:[^\"\\]|\\.)*\");", html)
    legend = json.loads(body)
    assert "&lt;script&gt;" in legend and "<script>" not in legend and "<img" not in legend


def test_size_grows_with_fatalities_and_is_capped():
    assert radius(0) < radius(5) < radius(25) <= radius(10_000) == 24
    assert radius(None) == radius(0)


def test_uncertain_places_look_uncertain(factions):
    precise = full_map(incidents(geo_precision=1), factions, MapSpec(tiles="none"))
    vague = full_map(incidents(geo_precision=3), factions, MapSpec(tiles="none"))
    vague_records = incident_records(vague.get_root().render())
    precise_records = incident_records(precise.get_root().render())
    assert vague_records and {(r[5], r[7]) for r in vague_records} == {("2 5", AREA_FILL)}
    assert precise_records and {(r[5], r[7]) for r in precise_records} == {(None, 0.85)}


@pytest.mark.parametrize("precision, metres", [(1, 0), (2, 25_000), (3, 50_000)])
def test_uncertain_places_are_areas_of_their_size(factions, precision, metres):
    html = full_map(incidents(geo_precision=precision), factions, MapSpec(tiles="none"))
    records = incident_records(html.get_root().render())
    assert records and {r[12] for r in records} == {metres}


def test_one_switch_hides_uncertain_places(factions):
    frame = pd.concat([incidents(geo_precision=1), incidents(geo_precision=2)])
    frame["incident_id"] = [f"i{n}" for n in range(len(frame))]
    shown = full_map(frame, factions, MapSpec(tiles="none")).get_root().render()
    hidden = full_map(frame, factions, MapSpec(tiles="none", uncertain=False))
    hidden = hidden.get_root().render()
    assert {r[12] for r in incident_records(shown)} == {0, 25_000}
    assert {r[12] for r in incident_records(hidden)} == {0}
    assert "dashed area of 25 km radius" in shown and "Uncertain places" in shown
    assert "hidden (switch: uncertain places)" in hidden and UNCERTAIN_LAYER not in hidden


def test_incidents_carry_their_days_for_playback(factions):
    frame = incidents()
    html = full_map(frame, factions, MapSpec(tiles="none")).get_root().render()
    first = {(r[10], r[11]) for r in incident_records(html)}
    days = (frame["event_date"] - pd.Timestamp("1970-01-01")).dt.days
    assert first == set(zip(days, days, strict=True))


def test_rendered_map_uses_only_local_assets(factions):
    html = full_map(incidents(), factions, MapSpec(tiles="none")).get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith(URL_PREFIX) for u in urls), urls


def test_local_assets_are_installed():
    for path in filter(None, LOCAL.values()):
        assert (MODULES / path).exists(), path


def test_an_unknown_cdn_asset_is_refused():
    fmap = folium.Map()
    fmap.default_js = [*fmap.default_js, ("mystery", "https://cdn.example/x.js")]
    with pytest.raises(KeyError, match="mystery"):
        localise(fmap)


def test_inline_embeds_scripts_and_images():
    html = inline(
        f'<script src="{URL_PREFIX}leaflet/dist/leaflet.js"></script>'
        f'<link rel="stylesheet" href="{URL_PREFIX}leaflet/dist/leaflet.css"/>'
    )
    assert "<script src" not in html and 'rel="stylesheet"' not in html
    assert "Leaflet" in html
    assert "data:image/png;base64" in html


def test_tiles_are_a_setting(factions):
    html = full_map(incidents(), factions, MapSpec(tiles="osm")).get_root().render()
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html
    html = full_map(incidents(), factions, MapSpec(tiles="none")).get_root().render()
    assert "tile.openstreetmap.org" not in html


def test_braces_from_files_cannot_reach_a_template_engine():
    # streamlit-folium renders the map through Jinja: `{{ 7*7 }}` in a note must not run
    from conflictmap.text import html_text

    shown = html_text("{{ 7*7 }} {% if x %} {# c #}")
    assert "{" not in shown and "}" not in shown
    assert shown.startswith("&#123;&#123; 7*7 &#125;&#125;")


def test_when_every_incident_fits_a_pan_leaves_the_layer_unchanged(factions):
    """A popup near the edge auto-pans the map; the layer must stay the same then, or
    streamlit-folium redraws it and the popup closes."""
    from conflictmap.maps.compose import incident_layers

    frame = pd.concat(
        [incidents(incident_id=f"i{n}", longitude=40.0 + n * 0.1) for n in range(10)],
        ignore_index=True,
    )
    west = incident_layers(frame, factions, MapSpec(), (34.0, 39.9, 35.0, 40.45))
    east = incident_layers(frame, factions, MapSpec(), (34.0, 40.45, 35.0, 41.0))
    assert (west.in_view, east.in_view) == (5, 5)  # the caption counts those in view

    def drawn(result):
        fmap = folium.Map(tiles=None)
        for layer in result.layers:
            layer.add_to(fmap)
        return incident_records(fmap.get_root().render())

    assert len(drawn(west)) == 10 and drawn(west) == drawn(east)
