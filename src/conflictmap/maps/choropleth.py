"""Counts per administrative unit on the map: units coloured in classes of incidents or
fatalities, their popups, and the key of the classes.
"""

from __future__ import annotations

import json

import folium
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from conflictmap.areas import Units, breaks
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.text import html_text

CLASS_COLOURS = ("#fff3b0", "#fdc35c", "#f88d3c", "#e4502b", "#b3001e")  # light to dark


def colour(value: float, bounds: list[int]) -> str | None:
    if value <= 0 or not bounds:
        return None
    for i, bound in enumerate(bounds):
        if value <= bound:
            return CLASS_COLOURS[len(CLASS_COLOURS) - len(bounds) + i]
    return CLASS_COLOURS[-1]


def _popup(row, w: Wording = ENGLISH) -> str:
    e = html_text
    first, second = (row.unit_ar, row.unit) if w.rtl and row.unit_ar else (row.unit, row.unit_ar)
    names = e(first) + (f" · <span dir='auto'>{e(second)}</span>" if second else "")
    code = f" ({e(row.code)})" if row.code else ""
    lead = ""
    if row.leading_faction:
        lead = "<br>" + e(w("Most incidents: {faction}", faction=w.name(row.leading_faction)))
    figures = w(
        "{count} incidents, {killed} reported fatalities",
        count=f"{int(row.incidents):,}",
        killed=f"{int(row.fatalities):,}",
    )
    return f"<div dir='{w.dir}'><b>{names}</b>{code}<br>{e(figures)}{lead}</div>"


def choropleth_layer(
    units: Units, table: pd.DataFrame, measure: str = "incidents", w: Wording = ENGLISH
):
    """The units filled by class of ``measure``; units with none are outlined only."""
    bounds = breaks(table[measure].to_numpy())
    shapes = units.shapes
    if sum(len(shapely.to_wkb(g)) for g in shapes) > 2_000_000:  # keep pages light
        shapes = shapely.simplify(shapes, 0.005, preserve_topology=True)
    features = []
    for row, shape in zip(table.itertuples(), shapes, strict=True):
        fill = colour(getattr(row, measure), bounds)
        shown = row.unit_ar if w.rtl and row.unit_ar else row.unit
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(shape)),
                "properties": {
                    "fill": fill or "#ffffff",
                    "opacity": 0.7 if fill else 0.0,
                    "tip": html_text(f"{shown}: {int(getattr(row, measure)):,} {w(measure)}"),
                    "popup": _popup(row, w),
                },
            }
        )
    title = w(
        "{layer}: {measure} per {level}",
        layer=units.layer,
        measure=w(measure),
        level=w(units.level),
    )
    group = folium.FeatureGroup(name=html_text(title))
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=_style,
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=380),
    ).add_to(group)
    group.add_child(AreaKey(key_html(bounds, measure, units, w)))
    return group


class AreaKey(MacroElement):
    """The choropleth's classes in a box on the map, shown while its layer is: a layer
    redrawn by the dashboard (filters, pan) brings its own key and takes it away."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }}, key = L.control({position: "bottomright"});
  key.onAdd = function () {
    var box = L.DomUtil.create("div", "cm-area-key");
    box.style.cssText = "background:rgba(255,255,255,.93);padding:6px 9px;" +
      "border:1px solid #999;border-radius:4px;font:12px/1.35 sans-serif";
    box.innerHTML = {{ this.body }};
    return box;
  };
  function show() { if (group._map && !key._map) { key.addTo(group._map); } }
  group.on("add", show);
  group.on("remove", function () { key.remove(); });
  setTimeout(show);
})();
{% endmacro %}""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "AreaKey"
        self.body = json.dumps(body, ensure_ascii=False).replace("</", "<\\/")


def _style(feature) -> dict:
    return {
        "fillColor": feature["properties"]["fill"],
        "fillOpacity": feature["properties"]["opacity"],
        "color": "#444444",
        "weight": 1,
    }


def key_html(bounds: list[int], measure: str, units: Units, w: Wording = ENGLISH) -> str:
    """The legend lines of a choropleth: each class's range and colour."""
    e = html_text
    colours = CLASS_COLOURS[len(CLASS_COLOURS) - len(bounds) :]
    rows, low = [], 1
    for bound, fill in zip(bounds, colours, strict=True):
        span = f"{low:,}" if low == bound else f"{low:,}–{bound:,}"
        rows.append(
            f"<div><span style='display:inline-block;width:14px;height:11px;background:{fill};"
            f"border:1px solid #444;margin-right:5px'></span>{span}</div>"
        )
        low = bound + 1
    rows.append(f"<div>{e(w('outline only: none'))}</div>")
    head = e(w("{measure} per {level}", measure=w(measure.capitalize()), level=w(units.level)))
    head = f"<b>{head}</b> ({e(units.layer)})"
    return f"<div dir='{w.dir}'><div style='margin-top:4px'>{head}</div>{''.join(rows)}</div>"
