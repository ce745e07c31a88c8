"""What changed, on the map: places with more, fewer or new incidents between the two
periods.
"""

from __future__ import annotations

import math

import folium
import pandas as pd

from conflictmap.changes import MAX_PLACES, Windows
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.text import html_text

UP, DOWN, SAME = "#c0392b", "#2471a3", "#7f8c8d"


def change_layer(
    places: pd.DataFrame, new_places: set[str], windows: Windows, w: Wording = ENGLISH
):
    """One circle per place: red where incidents rose, blue where they fell, grey where
    level; area grows with the size of the change; a new place has a thick outline."""
    title = w("What changed: {periods}", periods=windows.describe(w))
    group = folium.FeatureGroup(name=html_text(title), control=True)
    for row in places.head(MAX_PLACES).itertuples(index=False):  # biggest changes first
        if pd.isna(row.latitude):
            continue
        colour = UP if row.change > 0 else DOWN if row.change < 0 else SAME
        fresh = row.place in new_places
        tip = w(
            "{place}: {before} → {now} incidents ({change})",
            place=w.name(row.place),
            before=row.previous,
            now=row.recent,
            change=f"{'+' if row.change > 0 else ''}{row.change}",
        ) + (w(" · new place") if fresh else "")
        folium.CircleMarker(
            (float(row.latitude), float(row.longitude)),
            radius=round(6 + 4 * math.sqrt(abs(row.change)), 1),
            color="#000000" if fresh else colour,
            weight=3 if fresh else 1,
            fill=True,
            fill_color=colour,
            fill_opacity=0.55,
            tooltip=html_text(tip),
            popup=folium.Popup(html_text(tip), max_width=320),
        ).add_to(group)
    return group
