"""Incidents counted in H3 hexagons (above ``MAX_MARKERS`` in view): the hexagon layer,
its popups and its heat layer.
"""

from __future__ import annotations

import math

import folium
import numpy as np
from folium.plugins import HeatMap

from conflictmap import hexbins
from conflictmap.assets import localise
from conflictmap.factions import Factions
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.text import html_text


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
