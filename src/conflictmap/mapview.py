"""The interactive map: incidents coloured by faction, sized by fatalities, uncertain
places drawn as uncertain, popups, a legend, a heat layer and a layer control.

Every string that came from a file is escaped here before it reaches HTML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.plugins import HeatMap, MarkerCluster
from jinja2 import Template

from conflictmap.assets import PluginAssets, localise
from conflictmap.factions import Factions
from conflictmap.layers import LABEL_CSS
from conflictmap.text import html_text

MAX_MARKERS = 3000
PRECISION_STYLE = {  # geo_precision -> (fill opacity, dash pattern, words)
    1: (0.85, None, "the named place"),
    2: (0.40, "4 3", "near the place (within ~25 km)"),
    3: (0.15, "2 5", "only the region is known"),
}
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
    pad_top: int = 0  # px kept clear at the top when fitting (a snapshot's title box)
    heat: bool = False  # show the heat layer (it is always in the layer control)


def radius(fatalities) -> float:
    value = 0 if pd.isna(fatalities) else max(0, int(fatalities))
    return round(min(5 + 2.2 * math.sqrt(value), 24), 1)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _dates(row) -> str:
    start, end = row.event_date, row.end_date
    text = f"{start:%Y-%m-%d}" if pd.notna(start) else "?"
    if pd.notna(end) and end != start:
        text += f" to {end:%Y-%m-%d}"
    return text


def _fatalities(row) -> str:
    best = "unknown" if pd.isna(row.fatalities) else str(int(row.fatalities))
    low, high = row.fatalities_low, row.fatalities_high
    if pd.notna(low) and pd.notna(high) and (low != high):
        best += f" (range {int(low)}–{int(high)})"
    return best


def popup_html(row) -> str:
    """The popup of one incident; every value escaped."""
    e = html_text
    precision = int(row.geo_precision) if pd.notna(row.geo_precision) else 1
    actors = e(_text(row.actor1)) + (f" vs {e(_text(row.actor2))}" if _text(row.actor2) else "")
    rows = [
        ("Date", e(_dates(row))),
        (
            "Event",
            e(" / ".join(x for x in (_text(row.event_type), _text(row.sub_event_type)) if x)),
        ),
        ("Actors", actors),
        (
            "Faction",
            e(
                " vs ".join(x for x in (_text(row.faction1), _text(row.faction2)) if x)
                or "Unassigned"
            ),
        ),
        (
            "Place",
            e(
                ", ".join(
                    x for x in (_text(row.location), _text(row.admin1), _text(row.country)) if x
                )
            ),
        ),
        ("Precision", e(PRECISION_STYLE.get(precision, PRECISION_STYLE[3])[2])),
        ("Fatalities", e(_fatalities(row))),
        ("Source", e(_text(row.source))),
        ("Also reported by", e(_text(getattr(row, "also_reported", "")))),
        ("Notes", e(_text(row.notes))),
        ("Id", e(_text(row.incident_id))),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows if v)
    return f'<table class="cm-popup">{body}</table>'


def tooltip_text(row) -> str:
    return html_text(f"{_dates(row)} · {_text(row.location)} · {_fatalities(row)} killed")


def incident_layer(
    frame: pd.DataFrame, factions: Factions, cluster: bool = True
) -> folium.FeatureGroup:
    """One circle per incident (clustered when dense), at most MAX_MARKERS, newest first."""
    colours = factions.colours
    group = folium.FeatureGroup(name="Incidents", control=True)
    parent = group
    if cluster:
        parent = MarkerCluster(
            name="Incidents",
            control=False,
            icon_create_function=CLUSTER_ICON,
            options={"disableClusteringAtZoom": 11, "maxClusterRadius": 35},
        ).add_to(group)
    shown = frame.sort_values("event_date", ascending=False).head(MAX_MARKERS)
    for row in shown.itertuples(index=False):
        precision = int(row.geo_precision) if pd.notna(row.geo_precision) else 1
        fill_opacity, dash, _ = PRECISION_STYLE.get(precision, PRECISION_STYLE[3])
        other = _text(row.faction2)
        stroke = colours.get(other, "#333333") if other and other != row.faction else "#333333"
        folium.CircleMarker(
            location=(row.latitude, row.longitude),
            radius=radius(row.fatalities),
            color=stroke,
            weight=2 if dash else 1.5,
            dash_array=dash,
            fill=True,
            fill_color=colours.get(row.faction, "#7f8c8d"),
            fill_opacity=fill_opacity,
            opacity=0.9,
            popup=folium.Popup(popup_html(row), max_width=380),
            tooltip=folium.Tooltip(tooltip_text(row)),
        ).add_to(parent)
    return localise(group)


def heat_layer(frame: pd.DataFrame, show: bool = False) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Heat map (weighted by fatalities)", show=show)
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


def legend_html(factions: Factions, present: list[str], caption: list[str] = ()) -> str:
    e = html_text
    rows = [
        f'<div><span style="display:inline-block;width:11px;height:11px;'
        f"border-radius:50%;background:{factions.colours.get(f, '#7f8c8d')};"
        f'margin-right:5px"></span>{e(f)}</div>'
        for f in present
    ]
    rows.append(
        "<div style='margin-top:4px'>Circle size: reported fatalities. Outline "
        "colour: the other side's faction.</div>"
    )
    rows += [
        f"<div>{'solid' if not d else 'faint, dashed'}"
        f"{' (fainter)' if p == 3 else ''}: {e(w)}</div>"
        for p, (_, d, w) in PRECISION_STYLE.items()
    ]
    rows += [f"<div style='margin-top:4px'>{e(line)}</div>" for line in caption]
    return "<b>Factions</b>" + "".join(rows)


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


def full_map(
    frame: pd.DataFrame, factions: Factions, spec: MapSpec, caption: list[str] = (), context=()
) -> folium.Map:
    """Everything in one map (HTML export, snapshots): base, layers, legend with caption."""
    fmap = base_map(spec, context)
    incident_layer(frame, factions, spec.cluster).add_to(fmap)
    heat_layer(frame, spec.heat).add_to(fmap)
    present = list(dict.fromkeys(frame["faction"])) if len(frame) else []
    fmap.add_child(Legend(legend_html(factions, present, caption)))
    folium.LayerControl(collapsed=False).add_to(fmap)
    set_view(fmap, frame, spec)
    return localise(fmap)
