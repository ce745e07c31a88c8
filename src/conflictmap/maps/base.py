"""The map itself: what it shows besides the incidents (``MapSpec``), its tiles, and
its view. Every map of conflictmap (dashboard, export, snapshot) starts here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from conflictmap.assets import PluginAssets, localise
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.maps.archive import ArchiveLayer, deepest_zoom, is_archive, served_url
from conflictmap.maps.basemap import Basemap
from conflictmap.maps.context import LABEL_CSS
from conflictmap.settings import Region

MAX_MARKERS = 1000  # more incidents in view than this are counted in hexagons instead


# The page's own CSS: grey clusters (the stock green/yellow would read as faction
# colours) and popups whose values keep their own direction.
CLUSTER_CSS = """<style>.cm-cluster{background:rgba(60,60,60,.25);border-radius:50%;}
.cm-cluster div{margin:3px;border-radius:50%;background:rgba(60,60,60,.75);color:#fff;
 font:bold 12px sans-serif;text-align:center;height:calc(100% - 6px);display:flex;
 align-items:center;justify-content:center}
.cm-popup th{text-align:left;vertical-align:top;padding-right:6px;color:#555}
.cm-popup td{unicode-bidi:plaintext}</style>"""
OSM = (
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


class MapChrome(MacroElement):
    """A scale bar in kilometres, and popups that open clear of the controls: a popup
    near an edge pans the map until it clears the controls of the top corners (the layer
    control, the zoom and drawing buttons, the playback box), measured at each click."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map) {
  L.control.scale({imperial: false, maxWidth: 160}).addTo(map);
  // before a click opens a popup, its pan keeps it below the controls of the top corners
  // (the layer control's height depends on its layers) and above the scale
  function clear() {
    var corners = map._controlCorners, top = 0;
    ["topleft", "topright"].forEach(function (c) { top = Math.max(top, corners[c].offsetHeight); });
    L.Popup.prototype.options.autoPanPaddingTopLeft = L.point(60, top + 16);
    L.Popup.prototype.options.autoPanPaddingBottomRight = L.point(60, 40);
  }
  map.on("preclick", clear);
  map.whenReady(clear);
  // an open popup still under a control (the legend, bottom left) moves the shortest way
  // that leaves it clear of every control and inside the map
  function clearOf() {
    var popup = map._popup;  // the open one (Leaflet keeps one per map)
    var shown = popup && map.hasLayer(popup) && popup.getElement();
    if (shown) {
      var p = shown.getBoundingClientRect(), area = map.getContainer().getBoundingClientRect();
      var boxes = [].map.call(map.getContainer().querySelectorAll(".leaflet-control"),
        function (c) { return c.getBoundingClientRect(); });
      function clashes(dx, dy) {
        var l = p.left + dx, r = p.right + dx, t = p.top + dy, b = p.bottom + dy;
        if (l < area.left || r > area.right || t < area.top || b > area.bottom) { return true; }
        return boxes.some(function (c) {
          return !(c.right <= l || c.left >= r || c.bottom <= t || c.top >= b);
        });
      }
      if (!clashes(0, 0)) { return; }
      var moves = [];
      boxes.forEach(function (c) {
        moves.push([c.right - p.left + 8, 0], [c.left - p.right - 8, 0],
          [0, c.bottom - p.top + 8], [0, c.top - p.bottom - 8]);
      });
      moves.sort(function (a, b) {
        return Math.abs(a[0]) + Math.abs(a[1]) - Math.abs(b[0]) - Math.abs(b[1]);
      });
      var move = moves.find(function (m) { return !clashes(m[0], m[1]); });
      if (move) { map.panBy([-move[0], -move[1]]); }
    }
  }
  // once the popup's own pan (and any redraw) has settled
  map.on("popupopen", function () { setTimeout(clearOf, 350); });
  map.on("moveend", function () { if (map._popup) { setTimeout(clearOf, 100); } });
})({{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self):
        super().__init__()
        self._name = "MapChrome"


@dataclass(frozen=True)
class MapSpec:
    """What the map shows besides the incidents."""

    tiles: str = "osm"  # "osm", "none", a local .pmtiles archive, or a local tile server's URL
    center: tuple[float, float] = (35.0, 40.5)
    zoom: int = 8
    height: int = 620
    bounds: tuple[float, float, float, float] | None = None  # south, west, north, east
    fit: bool = True  # with no bounds: fit the incidents (else center/zoom)
    cluster: bool = True  # group dense incidents into counted circles
    uncertain: bool = True  # draw precision-2/3 incidents as areas (False: hide them)
    words: Wording = field(default=ENGLISH, compare=False)  # the language of every label
    aggregate: str = "auto"  # auto (one by one up to MAX_MARKERS), hexagons, areas
    measure: str = "incidents"  # what an area's colour counts: incidents or fatalities
    pad_top: int = 0  # px kept clear at the top when fitting (a snapshot's title box)
    heat: bool = False  # show the heat layer (it is always in the layer control)
    region: Region = field(default_factory=Region)  # drawn at 1:50m by the offline basemap
    archive_url: str = ""  # where the page reads a PMTiles basemap ("": the app serves it)


def base_map(spec: MapSpec, context=()) -> folium.Map:
    """Tiles (if any), the context layers (labels, reference layers) and plugin assets."""
    fmap = folium.Map(
        location=spec.center,
        zoom_start=spec.zoom,
        tiles=None,
        control_scale=False,  # ours: kilometres only (MapChrome)
        prefer_canvas=False,
        minZoom=3,
        maxZoom=18,
    )
    fmap.add_child(Basemap(spec.region))  # under the tiles: what shows with no internet
    fmap.add_child(MapChrome())
    if spec.tiles == "osm":
        folium.TileLayer(OSM[0], attr=OSM[1], name="OpenStreetMap", max_zoom=19).add_to(fmap)
    elif is_archive(spec.tiles):
        if url := spec.archive_url or served_url(spec.tiles):
            fmap.add_child(ArchiveLayer(url, spec.words.lang, deepest_zoom(spec.tiles)))
    elif spec.tiles and spec.tiles != "none":
        folium.TileLayer(spec.tiles, attr="Local tile server", name="Basemap").add_to(fmap)
    for layer in context:
        layer.add_to(fmap)
    fmap.add_child(PluginAssets())
    fmap.get_root().header.add_child(Element(CLUSTER_CSS + LABEL_CSS), name="cm_css")
    return localise(fmap)


def set_view(fmap: folium.Map, frame: pd.DataFrame, spec: MapSpec, core=None) -> None:
    """The map's first view: the spec's bounds, else (``spec.fit``) the incidents' core
    extent (``core``, when the caller knows it already)."""
    if spec.bounds:
        south, west, north, east = spec.bounds
        fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(0, spec.pad_top))
    elif spec.fit and len(frame):
        south, west, north, east = core or core_extent(frame, spec.region)
        corners = [[south, west], [north, east]]
        fmap.fit_bounds(
            corners,
            max_zoom=11,
            padding_top_left=(20, 20 + spec.pad_top),
            padding_bottom_right=(20, 20),
        )


CORE_SHARE = 0.5  # this share of the incidents in the work area: the view is theirs
TRIM = 0.02  # the view leaves out this share of the incidents on each side...
TRIMMED_FROM = 50  # ...when there are at least this many


def core_extent(frame: pd.DataFrame, region: Region) -> tuple[float, float, float, float]:
    """South, west, north, east of the incidents a first view should frame: those in the
    work area when most are there, and without the few far-off rows (a mistyped point, a
    stray country of a world export) that would otherwise open the map on the world."""
    lat, lon = frame["latitude"].astype(float), frame["longitude"].astype(float)
    inside = region.contains(lat, lon)
    if inside.mean() >= CORE_SHARE:
        lat, lon = lat[inside], lon[inside]
    if len(lat) < TRIMMED_FROM:
        return float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())
    (south, north), (west, east) = lat.quantile([TRIM, 1 - TRIM]), lon.quantile([TRIM, 1 - TRIM])
    return float(south), float(west), float(north), float(east)


def extent(frame: pd.DataFrame) -> tuple[float, float, float, float]:
    return (
        float(frame["latitude"].min()),
        float(frame["longitude"].min()),
        float(frame["latitude"].max()),
        float(frame["longitude"].max()),
    )
