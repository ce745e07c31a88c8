"""The map's legend: factions with their colours, what the precision of a place looks
like, and the caption lines (filters, sources) a snapshot carries.
"""

from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from jinja2 import Template

from conflictmap.factions import Factions
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.maps.incidents import PRECISION_STYLE, UNCERTAIN_RADIUS_M
from conflictmap.text import html_text


def script_string(text: str) -> str:
    """A JS string literal of ``text`` that cannot end its script element (<, >, & as
    escapes), written in its own script (Arabic stays readable in the page)."""
    literal = json.dumps(text, ensure_ascii=False)
    return literal.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class Legend(MacroElement):
    """The legend box, a map control at the bottom left: Leaflet stacks it above the
    scale bar and beside the other controls, so that neither covers the other."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>.cm-legend{background:rgba(255,255,255,.93);padding:8px 10px;border:1px solid #999;
 border-radius:4px;font:12px/1.35 sans-serif;max-width:340px;max-height:45vh;
 overflow-y:auto;clear:both}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "cm-legend");
    box.innerHTML = {{ this.body_js }};
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "Legend"
        self.body_js = script_string(body)


class LegendUpdate(folium.FeatureGroup):
    """Puts the legend of what a view draws into the map's legend box: the dashboard's
    map is drawn once, and its layers (this one among them) change with the view. An
    empty legend hides the box (counts per area have their own key)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function () {
  var box = document.querySelector(".cm-legend"), body = {{ this.body_js }};
  if (box) { box.innerHTML = body; box.style.display = body ? "" : "none"; }
})();
{% endmacro %}""")

    def __init__(self, body: str):
        super().__init__(name="legend", control=False)  # keeps FeatureGroup's own _name:
        self.body_js = script_string(body)  # streamlit-folium finds the group by it


def precision_key(precision: int, uncertain: bool = True, w: Wording = ENGLISH) -> str:
    if precision not in UNCERTAIN_RADIUS_M:
        return w("solid circle")
    if not uncertain:
        return w("hidden (switch: uncertain places)")
    return w("dashed area of {km} km radius", km=UNCERTAIN_RADIUS_M[precision] // 1000)


def legend_html(
    factions: Factions,
    present: list[str],
    caption: list[str] = (),
    hexagons: str = "",
    uncertain: bool = True,
    words: Wording = ENGLISH,
    precisions=None,
) -> str:
    """The legend, in the chosen language; ``hexagons`` (a sentence) replaces the circle
    key when the view is counted in hexagons; ``precisions`` (those drawn) limits the
    place key to what is on the map."""
    e, w = html_text, words
    rows = [
        f'<div><span style="display:inline-block;width:11px;height:11px;'
        f"border-radius:50%;background:{factions.colours.get(f, '#7f8c8d')};"
        f'margin-inline-end:5px"></span>{e(w.name(f))}</div>'
        for f in present
    ]
    if hexagons:
        rows.append(f"<div class='cm-hex-key' style='margin-top:4px'>{e(hexagons)}</div>")
    else:
        rows.append(
            "<div style='margin-top:4px'>"
            + e(w("Circle size: reported fatalities. Outline colour: the other side's faction."))
            + "</div>"
        )
        rows += [
            f"<div>{e(precision_key(p, uncertain, w))}: {e(w(words_))}</div>"
            for p, (_, _, words_) in PRECISION_STYLE.items()
            if precisions is None or p in precisions or not uncertain  # hidden: said
        ]
    rows += [f"<div style='margin-top:4px'>{e(line)}</div>" for line in caption]
    return f"<div dir='{w.dir}'><b>{e(w('Factions'))}</b>" + "".join(rows) + "</div>"
