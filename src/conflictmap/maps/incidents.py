"""Incidents drawn one by one: circles coloured by faction and sized by fatalities,
uncertain places as faint areas, popups and tooltips, clusters, the heat layer, the
rings around incidents selected in the table and the drawn area.

Every string that came from a file is escaped here before it reaches HTML.
"""

from __future__ import annotations

import json
import math

import folium
import pandas as pd
from branca.element import MacroElement
from folium.plugins import HeatMap, MarkerCluster
from jinja2 import Template

from conflictmap.assets import localise
from conflictmap.factions import UNASSIGNED, Factions
from conflictmap.i18n import ENGLISH, N_, Wording
from conflictmap.maps.base import MAX_MARKERS
from conflictmap.text import ID_MARK, html_text

_MARK_HTML = f'<span class="cm-mark" style="user-select:none">{ID_MARK}</span>'


PRECISION_STYLE = {  # geo_precision -> (fill opacity, dash pattern, words)
    1: (0.85, None, N_("the named place")),
    2: (0.40, "4 3", N_("near the place (within ~25 km)")),
    3: (0.15, "2 5", N_("only the region is known")),
}


# The area an uncertain point stands for: ACLED's precision 2 means "near" a town or a
# part of a district, 3 a region (a governorate's provincial capital is given instead).
UNCERTAIN_RADIUS_M = {2: 25_000, 3: 50_000}


# An uncertain place's area is an outline only: filled, even faintly, a few dozen of them
# overlapping wash the valley out (zoomed in, the view lies inside all of them); under the
# pointer it is drawn out, filled.
AREA_FILL = 0.0
AREA_LINE = 0.3


# Neutral grey clusters: the stock green/yellow would read as faction colours.
CLUSTER_ICON = """function (cluster) {
  var n = cluster.getChildCount(), size = n < 10 ? 28 : n < 100 ? 34 : 42;
  return L.divIcon({html: '<div><span>' + n + '</span></div>', className: 'cm-cluster',
    iconSize: L.point(size, size)});
}"""


def radius(fatalities) -> float:
    value = 0 if pd.isna(fatalities) else max(0, int(fatalities))
    return round(min(5 + 2.2 * math.sqrt(value), 24), 1)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _dates(row, w: Wording = ENGLISH) -> str:
    start, end = row.event_date, row.end_date
    text = w.day(start) if pd.notna(start) else "?"
    if pd.notna(end) and end != start:
        text = w("{start} to {end}", start=text, end=w.day(end))
    return text


def _fatalities(row, w: Wording = ENGLISH) -> str:
    best = w("unknown") if pd.isna(row.fatalities) else str(int(row.fatalities))
    low, high = row.fatalities_low, row.fatalities_high
    if pd.notna(low) and pd.notna(high) and (low != high):
        best += " " + w("(range {low}–{high})", low=int(low), high=int(high))
    return best


def popup_html(row, w: Wording = ENGLISH) -> str:
    """The popup of one incident, in the chosen language; every value escaped."""
    e = html_text
    precision = int(row.geo_precision) if pd.notna(row.geo_precision) else 1
    versus = f" {w('vs')} "
    actors = versus.join(e(w.name(a)) for a in (_text(row.actor1), _text(row.actor2)) if a)
    sides = [w.name(f) for f in (_text(row.faction1), _text(row.faction2)) if f]
    where = [w.name(x) for x in (_text(row.location), _text(row.admin1), _text(row.country)) if x]
    kinds = [w.name(x) for x in (_text(row.event_type), _text(row.sub_event_type)) if x]
    rows = [
        (N_("Date"), e(_dates(row, w))),
        (N_("Event"), e(" / ".join(kinds))),
        (N_("Actors"), actors),
        (N_("Faction"), e(versus.join(sides) or w.name(UNASSIGNED))),
        (N_("Place"), e(("، " if w.rtl else ", ").join(where))),
        (N_("Precision"), e(w(PRECISION_STYLE.get(precision, PRECISION_STYLE[3])[2]))),
        (N_("Fatalities"), e(_fatalities(row, w))),
        (N_("Source"), e(_text(row.source))),
        (N_("Also reported by"), e(_text(getattr(row, "also_reported", "")))),
        (N_("Notes"), e(_text(row.notes))),
        # the id between invisible separators: a click reads it back whatever the language
        # or the id's own letters (views.clicked_incident); they cannot be selected, so
        # an analyst who copies the id gets the id alone
        (N_("Id"), f"{_MARK_HTML}{e(_text(row.incident_id))}{_MARK_HTML}"),
    ]
    body = "".join(f"<tr><th>{w(k)}</th><td>{v}</td></tr>" for k, v in rows if v)
    return f'<table class="cm-popup" dir="{w.dir}">{body}</table>'


def tooltip_text(row, w: Wording = ENGLISH) -> str:
    return html_text(
        w(
            "{date} · {place} · {killed} killed",
            date=_dates(row, w),
            place=w.name(_text(row.location)),
            killed=_fatalities(row, w),
        )
    )


class IncidentMarkers(MacroElement):
    """The incidents as circle markers, built in the browser from one JSON array: a
    thousand incidents are one element on the server and one script in the page, not
    five folium objects each. Popup and tooltip texts are escaped before they are
    put in the array (``popup_html``, ``tooltip_text``)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var AREA_LINE = {{ this.area_line }};
  var parent = {{ this._parent.get_name() }}, records = {{ this.incidents }};
  var markers = records.map(function (d) {
    var box = document.createElement("div");  // an element: the map reports its text
    box.innerHTML = d[8];
    var style = {radius: d[2], color: d[3], weight: d[4], dashArray: d[5], fill: true,
      fillColor: d[6], fillOpacity: d[7], opacity: 0.9};
    var mark = d[12] ? L.circle([d[0], d[1]], Object.assign(style, {radius: d[12],
                         opacity: AREA_LINE}))
                     : L.circleMarker([d[0], d[1]], style);
    if (d[12]) {  // an uncertain place: faint, drawn out while the pointer is on it
      mark.on("mouseover", function () { mark.setStyle({opacity: 0.9, fillOpacity: 0.15}); });
      mark.on("mouseout", function () { mark.setStyle({opacity: AREA_LINE, fillOpacity: d[7]}); });
    }
    // at most 300 px high (it scrolls): it fits under the layer control when it pans
    return mark.bindPopup(box, {maxWidth: 380, maxHeight: 300}).bindTooltip(d[9]);
  });
  if (parent.addLayers) { parent.addLayers(markers); }
  else { markers.forEach(function (m) { parent.addLayer(m); }); }
  // playback (see playback.py) shows and hides them by date
  var reg = window.__cmTimed = window.__cmTimed || {layers: [], show: null};
  var entry = {parent: parent, markers: markers, shown: markers.map(function () { return true; }),
    spans: records.map(function (d) { return [d[10], d[11]]; })};
  reg.layers.push(entry);
  if (reg.show) { reg.show(entry); }
})();
{% endmacro %}""")

    def __init__(self, records: list[list]):
        super().__init__()
        self._name = "IncidentMarkers"
        self.area_line = AREA_LINE
        self.incidents = json.dumps(records, ensure_ascii=False, separators=(",", ":"))


def _record(row, colours: dict[str, str], area: bool, w: Wording = ENGLISH) -> list:
    """One incident for ``IncidentMarkers``: position, style, popup, tooltip, its days
    (for playback) and, for an uncertain place drawn as an area, the radius in metres."""
    precision = int(row.geo_precision) if pd.notna(row.geo_precision) else 1
    fill_opacity, dash, _ = PRECISION_STYLE.get(precision, PRECISION_STYLE[3])
    other = _text(row.faction2)
    stroke = colours.get(other, "#333333") if other and other != row.faction else "#333333"
    end = row.end_date if pd.notna(row.end_date) else row.event_date
    return [
        round(float(row.latitude), 5),
        round(float(row.longitude), 5),
        radius(row.fatalities),
        stroke,
        1 if area else 2 if dash else 1.5,
        dash,
        colours.get(row.faction, "#7f8c8d"),
        AREA_FILL if area else fill_opacity,
        popup_html(row, w),
        tooltip_text(row, w),
        _day(row.event_date),
        _day(end),
        UNCERTAIN_RADIUS_M.get(min(precision, 3), 0) if area else 0,
    ]


def _day(value) -> int:
    return int(pd.Timestamp(value).to_datetime64().astype("datetime64[D]").astype("int64"))


def incident_layer(
    frame: pd.DataFrame,
    factions: Factions,
    cluster: bool = True,
    uncertain: bool = True,
    w: Wording = ENGLISH,
) -> list[folium.FeatureGroup]:
    """Incidents at their place (clustered when dense), and those whose place is uncertain
    (precision 2-3) as areas of the size that precision implies, in their own layer
    (left out when ``uncertain`` is False). At most MAX_MARKERS, newest first."""
    shown = frame.sort_values("event_date", ascending=False).head(MAX_MARKERS)
    vague = shown["geo_precision"].fillna(1).astype(int) >= 2
    exact = folium.FeatureGroup(name=w("Incidents"), control=True)
    parent = exact
    if cluster:
        parent = MarkerCluster(
            name="Incidents",
            control=False,
            icon_create_function=CLUSTER_ICON,
            options={"disableClusteringAtZoom": 11, "maxClusterRadius": 35},
        ).add_to(exact)
    colours = factions.colours
    parent.add_child(
        IncidentMarkers([_record(r, colours, False, w) for r in shown[~vague].itertuples()])
    )
    groups = [localise(exact)]
    if uncertain:
        areas = folium.FeatureGroup(name=w(UNCERTAIN_LAYER), control=True)
        records = [_record(r, colours, True, w) for r in shown[vague].itertuples()]
        areas.add_child(IncidentMarkers(records))
        groups.insert(0, localise(areas))  # under the exact ones
    return groups


UNCERTAIN_LAYER = N_("Uncertain places (areas: ~25 km, region ~50 km)")


def heat_layer(frame: pd.DataFrame, show: bool = False, w=ENGLISH) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=w("Heat map (weighted by fatalities)"), show=show)
    points = frame[["latitude", "longitude"]].copy()
    points["weight"] = 1 + frame["fatalities"].fillna(0).astype(float)
    HeatMap(points.values.tolist(), radius=18, blur=22, min_opacity=0.3).add_to(group)
    return localise(group)


def highlight_layer(frame: pd.DataFrame, w: Wording = ENGLISH) -> folium.FeatureGroup:
    """Rings around the incidents selected in the table (a few, drawn on top)."""
    group = folium.FeatureGroup(name=w("Selected in the table"), control=True)
    for row in frame.itertuples(index=False):
        folium.CircleMarker(
            (row.latitude, row.longitude),
            radius=16,
            color="#000000",
            weight=3,
            fill=False,
            interactive=False,
        ).add_to(group)
    return localise(group)


def area_layer(area, w: Wording = ENGLISH) -> folium.FeatureGroup:
    """The drawn area the incidents are filtered to, as a dashed outline."""
    group = folium.FeatureGroup(name=w("Drawn area (filter)"), control=True)
    if area:
        folium.GeoJson(
            {"type": "Polygon", "coordinates": [[list(p) for p in area]]},
            style_function=lambda _f: {
                "color": "#111111",
                "weight": 2,
                "dashArray": "6 4",
                "fill": False,
            },
            interactive=False,
        ).add_to(group)
    return localise(group)
