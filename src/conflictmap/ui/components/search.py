"""A place search for the map (in the sidebar, with the map's settings): a gazetteer name
in either script (any spelling the gazetteer reads) moves the map to the place, without
redrawing it. (Above the map, its box made the map's clicks miss their layers.)"""

from __future__ import annotations

import folium
import streamlit as st

from conflictmap.gazetteer import load_gazetteer
from conflictmap.text import html_text, plain
from conflictmap.ui import keys

ZOOM = {1: 12, 2: 10, 3: 8}  # a town, near a place / a district, a governorate


def search_place(ctx, where=st.sidebar) -> None:
    """The search box; what it found is kept for the map (``found_place``)."""
    _ = ctx.words
    asked = where.text_input(
        _("Go to a place"),
        key=keys.PLACE_SEARCH,
        placeholder=_("a town or village, in Arabic or English: البوكمال, Abu Kamal…"),
    ).strip()
    if not asked:
        st.session_state.pop(keys.PLACE_FOUND, None)
        return
    kept = st.session_state.get(keys.PLACE_FOUND)
    if kept and kept["asked"] == asked:
        where.caption(
            plain(_("On the map: {name} ({where}).", name=kept["name"], where=kept["where"]))
        )
        return
    match = load_gazetteer(ctx.settings).lookup(asked)
    if match.place is None:
        st.session_state.pop(keys.PLACE_FOUND, None)
        close = ", ".join(p.name for p in match.alternatives[:3])
        said = _("No place called '{name}' in the gazetteer.", name=asked)
        if close:
            said += " " + _("Close names: {names}.", names=close)
        where.warning(plain(said))
        return
    place = match.place
    name = ctx.words.name(place.name)
    st.session_state[keys.PLACE_FOUND] = {
        "asked": asked,
        "name": name,
        "where": ", ".join(p for p in (place.admin2, place.country) if p),  # district
        "point": (place.latitude, place.longitude),
        "zoom": ZOOM.get(match.precision, 10),
    }
    found = st.session_state[keys.PLACE_FOUND]
    where.caption(
        plain(_("On the map: {name} ({where}).", name=found["name"], where=found["where"]))
    )


def found_place() -> dict | None:
    return st.session_state.get(keys.PLACE_FOUND)


def found_layer(found: dict | None, w) -> folium.FeatureGroup:
    """A ring at the place searched for, with its name (empty without a search)."""
    group = folium.FeatureGroup(name=w("Place searched for"), control=False)
    if found:
        folium.CircleMarker(
            found["point"],
            radius=14,
            color="#111111",
            weight=2.5,
            fill=False,
            interactive=False,
            tooltip=html_text(found["name"]),
        ).add_to(group)
    return group
