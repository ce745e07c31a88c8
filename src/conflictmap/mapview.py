"""The interactive map: incidents coloured by faction, sized by fatalities, uncertain
places drawn as uncertain, popups, a legend, a heat layer and a layer control.

Every string that came from a file is escaped here before it reaches HTML.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.plugins import HeatMap, MarkerCluster
from jinja2 import Template

from conflictmap import areas, hexbins
from conflictmap.assets import PluginAssets, localise
from conflictmap.factions import UNASSIGNED, Factions
from conflictmap.i18n import ENGLISH, N_, Wording
from conflictmap.layers import LABEL_CSS
from conflictmap.text import html_text

MAX_MARKERS = 1000  # more incidents in view than this are counted in hexagons instead
ID_MARK = "\u2063"  # INVISIBLE SEPARATOR around the incident id in a popup
_MARK_HTML = f'<span class="cm-mark" style="user-select:none">{ID_MARK}</span>'
PRECISION_STYLE = {  # geo_precision -> (fill opacity, dash pattern, words)
    1: (0.85, None, N_("the named place")),
    2: (0.40, "4 3", N_("near the place (within ~25 km)")),
    3: (0.15, "2 5", N_("only the region is known")),
}
# The area an uncertain point stands for: ACLED's precision 2 means "near" a town or a
# part of a district, 3 a region (a governorate's provincial capital is given instead).
UNCERTAIN_RADIUS_M = {2: 25_000, 3: 50_000}
AREA_FILL = 0.04  # faint: many overlapping areas must not hide the places under them
# Neutral grey clusters: the stock green/yellow would read as faction colours.
CLUSTER_ICON = """function (cluster) {
  var n = cluster.getChildCount(), size = n < 10 ? 28 : n < 100 ? 34 : 42;
  return L.divIcon({html: '<div><span>' + n + '</span></div>', className: 'cm-cluster',
    iconSize: L.point(size, size)});
}"""
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


@dataclass(frozen=True)
class MapSpec:
    """What the map shows besides the incidents."""

    tiles: str = "osm"  # "osm", "none", or a tile URL template of a local tile server
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
        # or the id's own letters (dashboard.clicked_incident); they cannot be selected, so
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
  var parent = {{ this._parent.get_name() }}, records = {{ this.incidents }};
  var markers = records.map(function (d) {
    var box = document.createElement("div");  // an element: the map reports its text
    box.innerHTML = d[8];
    var style = {radius: d[2], color: d[3], weight: d[4], dashArray: d[5], fill: true,
      fillColor: d[6], fillOpacity: d[7], opacity: 0.9};
    var mark = d[12] ? L.circle([d[0], d[1]], Object.assign(style, {radius: d[12]}))
                     : L.circleMarker([d[0], d[1]], style);
    return mark.bindPopup(box, {maxWidth: 380}).bindTooltip(d[9]);
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
        areas.add_child(
            IncidentMarkers([_record(r, colours, True, w) for r in shown[vague].itertuples()])
        )
        groups.insert(0, localise(areas))  # under the exact ones
    return groups


UNCERTAIN_LAYER = N_("Uncertain places (areas: ~25 km, region ~50 km)")


def heat_layer(frame: pd.DataFrame, show: bool = False, w=ENGLISH) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=w("Heat map (weighted by fatalities)"), show=show)
    points = frame[["latitude", "longitude"]].copy()
    points["weight"] = 1 + frame["fatalities"].fillna(0).astype(float)
    HeatMap(points.values.tolist(), radius=18, blur=22, min_opacity=0.3).add_to(group)
    return localise(group)


def base_map(spec: MapSpec, context=()) -> folium.Map:
    """Tiles (if any), the context layers (labels, reference layers) and plugin assets."""
    fmap = folium.Map(
        location=spec.center,
        zoom_start=spec.zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        minZoom=3,
        maxZoom=18,
    )
    if spec.tiles == "osm":
        folium.TileLayer(OSM[0], attr=OSM[1], name="OpenStreetMap", max_zoom=19).add_to(fmap)
    elif spec.tiles and spec.tiles != "none":
        folium.TileLayer(spec.tiles, attr="Local tile server", name="Basemap").add_to(fmap)
    for layer in context:
        layer.add_to(fmap)
    fmap.add_child(PluginAssets())
    fmap.get_root().header.add_child(Element(CLUSTER_CSS + LABEL_CSS), name="cm_css")
    return localise(fmap)


class Legend(MacroElement):
    """A fixed box on the map: faction colours, sizes, precision, and optional caption."""

    _template = Template("""
{% macro html(this, kwargs) %}
<div class="cm-legend" style="position:absolute;z-index:1000;bottom:24px;left:10px;
 background:rgba(255,255,255,.93);padding:8px 10px;border:1px solid #999;border-radius:4px;
 font:12px/1.35 sans-serif;max-width:340px;">{{ this.body }}</div>
{% endmacro %}""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "Legend"
        self.body = body


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
) -> str:
    """The legend, in the chosen language; ``hexagons`` (a sentence) replaces the circle
    key when the view is counted in hexagons."""
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
        ]
    rows += [f"<div style='margin-top:4px'>{e(line)}</div>" for line in caption]
    return f"<div dir='{w.dir}'><b>{e(w('Factions'))}</b>" + "".join(rows) + "</div>"


def set_view(fmap: folium.Map, frame: pd.DataFrame, spec: MapSpec) -> None:
    if spec.bounds:
        south, west, north, east = spec.bounds
        fmap.fit_bounds([[south, west], [north, east]], padding_top_left=(0, spec.pad_top))
    elif spec.fit and len(frame):
        corners = [
            [frame.latitude.min(), frame.longitude.min()],
            [frame.latitude.max(), frame.longitude.max()],
        ]
        fmap.fit_bounds(
            corners,
            max_zoom=11,
            padding_top_left=(20, 20 + spec.pad_top),
            padding_bottom_right=(20, 20),
        )


@dataclass
class Drawn:
    """What the map draws for a view: the layers, the factions present, and — when the
    view holds more than MAX_MARKERS incidents — the sentence saying what a hexagon is."""

    layers: list
    present: list[str]
    hexagons: str = ""
    in_view: int = 0
    heat: object = None  # the heat layer (the dashboard adds it only when switched on)
    table: pd.DataFrame | None = None  # counts per area, when the map shows areas


def incident_layers(
    frame: pd.DataFrame,
    factions: Factions,
    spec: MapSpec,
    view: tuple[float, float, float, float] | None = None,
    width_px: int = 1000,
    fetch=None,
    units=None,
) -> Drawn:
    """The incidents of a view: one circle each when they are at most MAX_MARKERS, else
    counted in H3 hexagons sized to the view's scale (always, with ``aggregate`` set to
    hexagons), or counted per area of ``units`` (a boundary file) as a choropleth.
    ``frame`` may be the map index (``mapindex``); ``fetch`` then reads the whole rows of
    the incidents drawn one by one (their popups need every field)."""
    if not spec.uncertain:  # hidden: neither drawn nor counted in hexagons
        frame = frame.loc[frame["geo_precision"].fillna(1) < 2]
    inside = frame.loc[hexbins.in_view(frame, view)] if view else frame
    present = [str(f) for f in pd.unique(inside["faction"].astype(object))] if len(inside) else []
    w = spec.words
    if spec.aggregate == "areas" and units is not None:
        table = areas.count(units, frame)  # every unit, whatever the view
        layer = areas.choropleth_layer(units, table, spec.measure, w)
        return Drawn([layer], present, in_view=len(inside), table=table)
    if len(inside) <= MAX_MARKERS and spec.aggregate != "hexagons":
        # all of them when they all fit: the layer is then the same wherever the analyst
        # pans, so a pan (a popup's own auto-pan too) does not redraw it and close the popup
        chosen = frame if len(frame) <= MAX_MARKERS else inside
        rows = fetch(chosen) if fetch is not None else chosen
        return Drawn(
            incident_layer(rows, factions, spec.cluster, spec.uncertain, w),
            present,
            in_view=len(inside),
            heat=heat_layer(rows, spec.heat, w),
        )
    bounds = view or extent(inside)
    resolution = hexbins.resolution_for(hexbins.metres_per_pixel(bounds, width_px))
    hexagons = hexbins.count(inside, resolution)
    why = (
        w("counted in hexagons as chosen")
        if len(inside) <= MAX_MARKERS
        else w("more than the {most} drawn one by one", most=f"{MAX_MARKERS:,}")
    )
    key = w(
        "{count} incidents in view, {why}: each hexagon (H3 level {level}, edge about {km} km) "
        "counts the incidents in it, coloured by the faction with most of them, darker with "
        "more; click one for the figures by faction. Zoom in or filter to see single incidents.",
        count=f"{len(inside):,}",
        why=why,
        level=resolution,
        km=f"{hexbins.edge_km(resolution):.1f}",
    )
    return Drawn(
        [hexagon_layer(hexagons, factions, w)],
        present,
        key,
        len(inside),
        heat=hexagon_heat_layer(hexagons, spec.heat, w),
    )


def extent(frame: pd.DataFrame) -> tuple[float, float, float, float]:
    return (
        float(frame["latitude"].min()),
        float(frame["longitude"].min()),
        float(frame["latitude"].max()),
        float(frame["longitude"].max()),
    )


def hexagon_popup(hexagons: hexbins.Hexagons, i: int, w: Wording = ENGLISH) -> str:
    e = html_text
    rows = [
        f"<tr><td>{e(w.name(name))}</td><td>{int(hexagons.by_faction[i, j]):,}</td>"
        f"<td>{int(hexagons.fatalities_by_faction[i, j]):,}</td></tr>"
        for j in np.argsort(-hexagons.by_faction[i])
        if hexagons.by_faction[i, j]
        for name in [hexagons.factions[j]]
    ]
    head = w(
        "{count} incidents, {killed} reported fatalities",
        count=f"{int(hexagons.incidents[i]):,}",
        killed=f"{int(hexagons.fatalities[i]):,}",
    )
    return (
        f"<div dir='{w.dir}'><b>{e(head)}</b><table class='cm-popup'><tr><th>"
        f"{e(w('Faction'))}</th><th>{e(w('incidents'))}</th><th>{e(w('fatalities'))}</th>"
        f"</tr>{''.join(rows)}</table></div>"
    )


def hexagon_layer(
    hexagons: hexbins.Hexagons, factions: Factions, w: Wording = ENGLISH
) -> folium.FeatureGroup:
    """One GeoJSON layer of hexagons: fill = leading faction, opacity = log of count."""
    group = folium.FeatureGroup(name=w("Incidents (counted in hexagons)"), control=True)
    if not len(hexagons):
        return group
    most = max(int(hexagons.incidents.max()), 2)
    colours = factions.colours
    features = []
    for i, leader in enumerate(hexagons.leading()):
        n = int(hexagons.incidents[i])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [hexagons.boundary(i)]},
                "properties": {
                    "colour": colours.get(leader, "#7f8c8d"),
                    "opacity": round(0.25 + 0.6 * math.log(n + 1) / math.log(most + 1), 2),
                    "tip": html_text(
                        w(
                            "{count} incidents, {killed} fatalities",
                            count=f"{n:,}",
                            killed=f"{int(hexagons.fatalities[i]):,}",
                        )
                    ),
                    "popup": hexagon_popup(hexagons, i, w),
                },
            }
        )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="hexagons",
        style_function=_hexagon_style,
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
        embed=True,
    ).add_to(group)
    return localise(group)


def _hexagon_style(feature) -> dict:
    return {
        "fillColor": feature["properties"]["colour"],
        "fillOpacity": feature["properties"]["opacity"],
        "color": "#333333",
        "weight": 0.6,
    }


def hexagon_heat_layer(
    hexagons: hexbins.Hexagons, show: bool = False, w: Wording = ENGLISH
) -> folium.FeatureGroup:
    """The heat layer from hexagon centres (weight: incidents + fatalities, as per incident
    1 + fatalities), so its page stays small at any count."""
    group = folium.FeatureGroup(name=w("Heat map (weighted by fatalities)"), show=show)
    points = [
        [*hexagons.centre(i), float(hexagons.incidents[i] + hexagons.fatalities[i])]
        for i in range(len(hexagons))
    ]
    HeatMap(points, radius=18, blur=22, min_opacity=0.3).add_to(group)
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


def full_map(
    frame: pd.DataFrame,
    factions: Factions,
    spec: MapSpec,
    caption: list[str] = (),
    context=(),
    width_px: int = 1000,
    fetch=None,
    area=None,
    units=None,
) -> folium.Map:
    """Everything in one map (HTML export, snapshots): base, layers, legend with caption.
    The view (``spec.bounds``) decides, as on the dashboard, between circles and
    hexagons."""
    fmap = base_map(spec, context)
    drawn = incident_layers(frame, factions, spec, spec.bounds, width_px, fetch, units)
    extra = [area_layer(area, spec.words)] if area else []
    for layer in [*drawn.layers, *([drawn.heat] if drawn.heat else []), *extra]:
        layer.add_to(fmap)
    fmap.add_child(
        Legend(
            legend_html(
                factions, drawn.present, caption, drawn.hexagons, spec.uncertain, spec.words
            )
        )
    )
    folium.LayerControl(collapsed=False).add_to(fmap)
    set_view(fmap, frame, spec)
    return localise(fmap)
