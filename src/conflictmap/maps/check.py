"""The small map of a place to check: its candidates numbered, the places the same file
put its other rows at (``check_map``), and the point the analyst clicked (``clicked_layer``)."""

from __future__ import annotations

from html import escape

import folium

from conflictmap.i18n import ENGLISH, Wording
from conflictmap.maps.base import MapSpec, base_map

CANDIDATE_CSS = (
    "background:#1f5fa8;color:#fff;border:2px solid #fff;border-radius:50%;width:22px;"
    "height:22px;font:bold 12px sans-serif;display:flex;align-items:center;"
    "justify-content:center;box-shadow:0 0 3px #333"
)


def check_map(
    candidates,
    others,
    spec: MapSpec,
    context=(),
    w: Wording = ENGLISH,
) -> folium.Map:
    """``candidates``: dicts as stored with the rows; ``others``: a frame of the file's
    other places (location, latitude, longitude, n). Every name from a file is escaped."""
    fmap = base_map(spec, context)
    near = folium.FeatureGroup(name=escape(w("Other places of the file")))
    for row in others.itertuples(index=False):
        folium.CircleMarker(
            [row.latitude, row.longitude],
            radius=4,
            color="#555",
            weight=1,
            fill=True,
            fill_opacity=0.6,
            tooltip=escape(f"{row.location} ({w('{count} row(s)', count=int(row.n))})"),
        ).add_to(near)
    near.add_to(fmap)
    for number, c in enumerate(candidates, 1):
        said = f"{number}) {c['name']} — {c.get('admin2') or c.get('admin3') or c['country']}"
        folium.Marker(
            [c["latitude"], c["longitude"]],
            icon=folium.DivIcon(
                html=f'<div class="cm-candidate" style="{CANDIDATE_CSS}">{number}</div>',
                icon_size=(22, 22),
                icon_anchor=(11, 11),
            ),
            tooltip=escape(said),
        ).add_to(fmap)
    points = [(c["latitude"], c["longitude"]) for c in candidates]
    points += [(r.latitude, r.longitude) for r in others.itertuples(index=False)]
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        pad = 0.05  # degrees: a single point is not zoomed to the street
        fmap.fit_bounds([[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]])
    elif spec.bounds:
        south, west, north, east = spec.bounds
        fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def clicked_layer(clicked: tuple[float, float] | None, w: Wording = ENGLISH) -> folium.FeatureGroup:
    """The point the analyst clicked, as a layer streamlit-folium adds without drawing the
    map again (a map drawn again in place can be left zero pixels high)."""
    layer = folium.FeatureGroup(name=escape(w("The point you clicked")))
    if clicked:
        folium.CircleMarker(
            list(clicked),
            radius=9,
            color="#fff",
            weight=2,
            fill=True,
            fill_color="#c0392b",
            fill_opacity=0.95,
            class_name="cm-clicked",
            tooltip=escape(w("The point you clicked")),
        ).add_to(layer)
    return layer
