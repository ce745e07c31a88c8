"""Context under the incidents: place labels from the gazetteer and the analyst's own
reference layers drawn on the map.
With no basemap tiles, this is what tells a reader where things are.
"""

from __future__ import annotations

import json
from functools import lru_cache

import folium
from folium.template import Template

from conflictmap.gazetteer import Gazetteer
from conflictmap.gazetteer.model import SAME_PLACE_KM, distance_km
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.layers import RefLayer, find_layers, read_layer
from conflictmap.settings import Settings
from conflictmap.text import html_text

LABEL_POPULATION = 20_000


LABEL_CSS = (
    "<style>.cm-label{font:600 11px/1.1 sans-serif;color:#333;white-space:nowrap;"
    "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;unicode-bidi:plaintext}</style>"
)


def _style(data: dict) -> dict:
    kinds = {f["geometry"]["type"] for f in data.get("features", []) if f.get("geometry")}
    if kinds and kinds <= {"LineString", "MultiLineString"}:
        return {"color": "#2b7bba", "weight": 2.5, "opacity": 0.8}
    return {"color": "#555555", "weight": 1.3, "opacity": 0.9, "fillOpacity": 0.0}


def reference_layer(layer: RefLayer) -> folium.GeoJson:
    data = read_layer(layer.path)
    style = _style(data)
    return folium.GeoJson(
        data,
        name=html_text(layer.name),
        style_function=lambda _: style,
        interactive=False,
        control=True,
    )


class PlaceLabels(folium.FeatureGroup):
    """One layer of text labels built in the browser from a JSON list: hundreds of
    names cost one element on the server, not three each."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup({{ this.options|tojavascript }});
(function (group, labels) {
  // bigger places first (the list's order); a label that would overlap one already
  // placed waits for a closer zoom
  var pen = document.createElement("canvas").getContext("2d");
  var scratch = document.createElement("div");
  pen.font = "600 11px sans-serif";
  var EVENTS = "zoomend moveend resize viewreset load";
  var items = labels.map(function (p) {
    scratch.innerHTML = p[2];
    return {at: L.latLng(p[0], p[1]), width: pen.measureText(scratch.textContent).width + 6,
      marker: L.marker([p[0], p[1]], {interactive: false, pane: "cmLabels",
        icon: L.divIcon({className: "empty",
        html: '<div class="cm-label">' + p[2] + "</div>", iconSize: [0, 0],
        iconAnchor: [-4, 6]})})};
  });
  function place() {
    var map = group._map;
    if (!map || !map._loaded) { return; }  // no view yet: placed on the first move
    var size = map.getSize(), taken = [];
    items.forEach(function (item) {
      var pt = map.latLngToContainerPoint(item.at);
      var box = [pt.x + 2, pt.y - 8, pt.x + 4 + item.width, pt.y + 7];
      var seen = box[2] > 0 && box[0] < size.x && box[3] > 0 && box[1] < size.y;
      var free = seen && taken.every(function (b) {
        return b[2] < box[0] || b[0] > box[2] || b[3] < box[1] || b[1] > box[3];
      });
      if (free) {
        taken.push(box);
        if (!group.hasLayer(item.marker)) { group.addLayer(item.marker); }
      } else if (group.hasLayer(item.marker)) {
        group.removeLayer(item.marker);
      }
    });
  }
  group.on("add", function () {
    var map = group._map;
    if (!map.getPane("cmLabels")) {  // names over the incidents, never in the way of a click
      map.createPane("cmLabels").style.zIndex = 640;
      map.getPane("cmLabels").style.pointerEvents = "none";
    }
    map.on(EVENTS, place);
    place();
  });
  group.on("remove", function (e) { e.target._map && e.target._map.off(EVENTS, place); });
  window.__cmLabels = place;  // the browser tests ask where each label went
})({{ this.get_name() }}, {{ this.labels }});
{% endmacro %}""")

    def __init__(self, labels: str, name: str = "Place names"):
        super().__init__(name=name, control=True)
        self.labels = labels  # see _labels


def place_labels(gaz: Gazetteer, w: Wording = ENGLISH) -> folium.FeatureGroup:
    """Names of the region's towns, drawn as text (offline context for the map); in
    Arabic, each town's Arabic name where the gazetteer has one."""
    return PlaceLabels(_labels(gaz, w.rtl), html_text(w("Place names")))


@lru_cache(maxsize=4)  # both directions of the gazetteer, and of the one before an edit
def _labels(gaz: Gazetteer, rtl: bool) -> str:
    """The labels of ``gaz`` as a JS array, chosen once per gazetteer and direction (every
    rerun draws them)."""
    labels, shown, placed = [], set(), []
    order = sorted(
        range(len(gaz.places)),
        key=lambda i: (-gaz.places[i].population, gaz.places[i].team),  # GeoNames' names
    )
    for index in order:
        place = gaz.places[index]
        major = place.population >= LABEL_POPULATION or place.kind in ("town", "village")
        major &= place.precision == 1  # towns, not the governorate named after one
        inside = bool(gaz.region.contains(place.latitude, place.longitude))
        if not (major and inside) or place.name in shown:
            continue
        if any(distance_km(place, other) <= SAME_PLACE_KM for other in placed):
            continue  # the same town from another list (OCHA's and GeoNames' Abu Kamal)
        shown.add(place.name)
        placed.append(place)
        name = gaz.arabic.get(index, place.name) if rtl else place.name
        # names are escaped as HTML; json.dumps makes them JS string literals
        labels.append([place.latitude, place.longitude, html_text(name)])
    return json.dumps(labels)


def context_layers(settings: Settings, w: Wording = ENGLISH) -> list:
    """Fresh context layers for one map: place names, then every reference layer."""
    from conflictmap.gazetteer import load_gazetteer

    return [
        place_labels(load_gazetteer(settings), w),
        *(reference_layer(layer) for layer in find_layers(settings)),
    ]
