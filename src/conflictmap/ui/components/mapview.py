"""The interactive map on the page: it reruns alone when the analyst pans or zooms,
follows drawn areas, clicks and the paused playback frame, and says what it drew.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from conflictmap import (
    hexbins,
    playback,
    views,
)
from conflictmap.assets import localise
from conflictmap.csvfile import csv_bytes
from conflictmap.maps import playback as playback_map
from conflictmap.maps.base import MapSpec, base_map, core_extent, set_view
from conflictmap.maps.compose import incident_layers
from conflictmap.maps.context import context_layers
from conflictmap.maps.drawing import add_draw_tools
from conflictmap.maps.incidents import area_layer, highlight_layer
from conflictmap.maps.legend import Legend, LegendUpdate, legend_html
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.components.search import found_layer, found_place


def follow_playback(state) -> None:
    """The frame the analyst paused on (reported by the map) becomes the view's frame."""
    tags = (state or {}).get("selected_tags")
    if tags == st.session_state.get(keys.PLAYBACK_TAGS_SEEN):
        return
    st.session_state[keys.PLAYBACK_TAGS_SEEN] = tags
    at = playback.frame_of(tags)
    if at is not None:
        st.session_state[keys.PLAYBACK_AT] = at
        st.query_params["at"] = str(at)


@st.fragment
def show_map(ctx, shown, frame, factions, spec: MapSpec, store, timing, units, overlays) -> None:
    """The map reruns alone when the analyst pans or zooms: the incidents in view are
    drawn one by one, or counted in hexagons when there are too many (the view feeds
    snapshots too)."""
    _ = ctx.words
    fmap = empty_map(ctx, frame, factions, spec, timing)
    state = st.session_state.get(keys.MAP)  # the view the analyst has just moved to
    follow_drawing(state)
    follow_playback(state)
    view = views.view_bounds(state) or spec.bounds
    clicked = views.clicked_incident(state)
    if clicked and clicked != st.session_state.get(keys.CLICKED):
        st.session_state[keys.CLICKED] = st.session_state[keys.INCIDENT] = clicked
        st.rerun(scope="app")  # the incident panel under the map follows the click
    box = hexbins.drawn_box(view, st.session_state.get(keys.DRAWN_BOX))
    st.session_state[keys.DRAWN_BOX] = box  # pans inside it redraw nothing
    drawn = incident_layers(
        shown,
        factions,
        spec,
        view,
        views.view_width(state),
        lambda chosen: views.full_rows(store, factions, chosen),
        units,
        around=box,
    )
    found = found_place()
    st_folium(
        fmap,
        key=keys.MAP,
        height=spec.height,
        use_container_width=True,
        center=found["point"] if found else None,  # moves the map, does not redraw it
        zoom=found["zoom"] if found else None,
        render=False,  # st_folium renders the map itself as well: once is enough
        feature_group_to_add=[
            *drawn.layers,
            *([drawn.heat()] if spec.heat and drawn.heat else []),  # it shows every group
            *overlays,
            area_layer(st.session_state.get(keys.AREA), _),
            highlight_layer(shown.loc[shown["incident_id"].isin(table_selection())], _),
            view_legend(drawn, factions, spec),
            found_layer(found, _),
        ],
        layer_control=folium.LayerControl(collapsed=False),
        returned_objects=[
            "bounds",
            "zoom",
            "last_object_clicked_popup",
            "all_drawings",
            "selected_tags",
        ],
    )
    st.session_state[keys.VIEW] = view
    if view:
        st.query_params["view"] = ",".join(f"{v:.4f}" for v in view)  # the link follows
    say_what_was_drawn(ctx, drawn, units)


def view_legend(drawn, factions, spec: MapSpec) -> LegendUpdate:
    """The legend of what this view draws: its factions, hexagons or circles, the
    precisions on the map; none for counts per area (their key is the choropleth's)."""
    if drawn.table is not None:
        return LegendUpdate("")
    body = legend_html(
        factions,
        drawn.present,
        hexagons=drawn.hexagons,
        uncertain=spec.uncertain,
        words=spec.words,
        precisions=drawn.precisions,
    )
    return LegendUpdate(body)


def empty_map(ctx, frame, factions, spec: MapSpec, timing):
    """The map before its incidents: base, context layers, the whole store's view (constant,
    so filters never move the map), legend, drawing tools and playback."""
    _ = ctx.words
    fmap = base_map(spec, context_layers(ctx.settings, _))
    # both read every incident and change only with the store: worked out once per version
    core = ctx.kept("core extent", spec.region, lambda: core_extent(frame, spec.region))
    set_view(fmap, frame, spec, core)
    # the store's factions until the view's own legend (``view_legend``) replaces it
    held = ctx.kept("stored factions", (), lambda: stored_factions(frame, factions))
    fmap.add_child(Legend(legend_html(factions, held, words=_)))
    add_draw_tools(fmap, _)
    if timing is not None:
        playback_map.add_playback(fmap, *timing, words=_)
    return localise(fmap)


def stored_factions(frame, factions) -> list[str]:
    """The factions of the store's incidents (either side), in the table's order: the
    legend stays the same while filters change, and lists no faction the store lacks."""
    sides = [c for c in ("faction", "faction1", "faction2") if c in frame.columns]
    if not sides:
        return factions.names
    held = set().union(*(frame[c].astype(str).unique() for c in sides))  # fill or outline
    return [name for name in factions.names if name in held]


def say_what_was_drawn(ctx, drawn, units) -> None:
    _ = ctx.words
    if drawn.table is not None:
        show_area_table(ctx, drawn.table, units)
    elif drawn.hexagons:
        st.info(plain(drawn.hexagons), icon=":material/hexagon:")
    else:
        st.caption(
            plain(
                _("{count} incidents in view, each drawn as a circle.", count=f"{drawn.in_view:,}")
            )
        )


def show_area_table(ctx, table, units) -> None:
    _ = ctx.words
    outside = table.attrs.get("outside", 0)
    st.caption(
        plain(
            _(
                "Incidents and reported fatalities per {level} ({layer}); {outside} incidents "
                "fall outside every area of this file.",
                level=_(units.level),
                layer=units.layer,
                outside=f"{outside:,}",
            )
        )
    )
    shown = table.sort_values(["incidents", "fatalities"], ascending=False)
    st.dataframe(_.headed(shown), hide_index=True, width="stretch", height=240)
    st.download_button(
        _("Download counts per {level} (CSV)", level=_(units.level)),
        csv_bytes(shown),
        f"conflictmap-per-{units.level}.csv",
        "text/csv",
    )


def table_selection() -> list[str]:
    """Ids of the incidents selected in the table under the map."""
    return views.selected_ids(
        st.session_state.get(keys.TABLE), st.session_state.get(keys.TABLE_IDS, [])
    )


def follow_drawing(state) -> None:
    """A shape drawn (or deleted) on the map becomes (or stops being) the area filter; a
    link's area stays until the analyst draws or deletes a shape."""
    if state is None:
        return
    drawings = state.get("all_drawings") or []
    seen = st.session_state.get(keys.DRAWINGS_SEEN, [])  # a new session has drawn nothing
    st.session_state[keys.DRAWINGS_SEEN] = drawings
    if drawings == seen:
        return
    area = views.drawn_area(drawings)
    if area != st.session_state.get(keys.AREA):
        st.session_state[keys.AREA] = area
        st.rerun(scope="app")  # every count, chart and export follows the area
