"""conflictmap dashboard: a thin Streamlit shell over the conflictmap library.

Run with `make run` (or `streamlit run app.py`). Widgets are read into small frozen
objects (Filters, MapSpec); everything else is a call into src/conflictmap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import replace

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from conflictmap import (
    areas,
    auth,
    changes,
    export,
    extract,
    hexbins,
    i18n,
    mapindex,
    playback,
    share,
    snapshot,
    timeline,
    views,
)
from conflictmap.assets import check_installed, localise
from conflictmap.csvfile import csv_bytes
from conflictmap.errors import ConflictmapError
from conflictmap.factions import load_factions, save_factions
from conflictmap.filters import Filters
from conflictmap.gazetteer import load_gazetteer
from conflictmap.ingest import pipeline
from conflictmap.ingest.issues import ERROR, FORMAT_NAMES, WARNING, issue_order
from conflictmap.layers import find_layers, save_upload
from conflictmap.maps import changes as changes_map
from conflictmap.maps import playback as playback_map
from conflictmap.maps.base import MAX_MARKERS, MapSpec, base_map, set_view
from conflictmap.maps.compose import incident_layers
from conflictmap.maps.context import context_layers
from conflictmap.maps.drawing import add_draw_tools
from conflictmap.maps.incidents import area_layer, highlight_layer
from conflictmap.maps.legend import Legend, legend_html
from conflictmap.settings import Settings
from conflictmap.store import open_store
from conflictmap.text import plain
from conflictmap.uploadgate import UPLOADERS
from conflictmap.workspace import Workspace

st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")
settings = Settings()
_ = i18n.ENGLISH  # the interface's words; main() sets the chosen language


@st.cache_resource
def get_store(url: str):
    return open_store(url, settings)


def workspace(store) -> Workspace:
    """The store with the settings: imports and corrections keep the map index in step."""
    return Workspace(store, settings)


def say_notes(space: Workspace) -> None:
    """What the workspace asked to tell the analyst (a map index it could not save)."""
    if space.notes:
        st.session_state["index_note"] = " ".join(space.notes)


@st.cache_resource(show_spinner="Loading the map index…", max_entries=1)
def load_index(url: str, version: tuple, factions_key: str):
    """The store's map index with factions (shared by all sessions, never copied)."""
    index = mapindex.load(get_store(url), settings.cache_dir)
    return mapindex.with_factions(index, load_factions(settings.factions_file))


BASEMAPS = {"osm": "OpenStreetMap (online)", "none": "None (offline: place names and layers)"}


def basemaps() -> dict[str, str]:
    if settings.tiles in BASEMAPS:
        return BASEMAPS
    return {settings.tiles: "Local tile server", **BASEMAPS}


def read_look(boundaries: dict) -> share.Look:
    """The map's basemap, layers and playback (sidebar), as a link would carry them."""
    side = st.sidebar
    side.header(_("Map"))
    choices = basemaps()
    if st.session_state.get("look_basemap") not in choices:
        st.session_state["look_basemap"] = settings.tiles
    basemap = side.selectbox(
        _("Basemap"), list(choices), format_func=lambda c: _(choices[c]), key="look_basemap"
    )
    heat = side.toggle(_("Heat map layer (weighted by fatalities)"), key="look_heat")
    cluster = side.toggle(_("Cluster dense incidents"), key="look_cluster")
    uncertain = side.toggle(
        _("Uncertain places as areas"),
        key="look_uncertain",
        help=_(
            "Precision 2 (near a place) and 3 (only the region known) are drawn as "
            "areas of ~25 km and ~50 km radius. Off: they are hidden from the map."
        ),
    )
    options = ["auto", "hexagons", *boundaries]
    if st.session_state.get("look_aggregate") not in options:
        st.session_state["look_aggregate"] = "auto"
    aggregate = side.selectbox(
        _("Show incidents"),
        options,
        key="look_aggregate",
        format_func=lambda o: (
            _(AGGREGATES[o], count=f"{MAX_MARKERS:,}")
            if o in AGGREGATES
            else _("Counted per area: {layer}", layer=o)
        ),
        help=_("Areas come from boundary files among the reference layers (Layers tab)."),
    )
    measure = "incidents"
    if aggregate in boundaries:
        measure = side.radio(
            _("Colour areas by"), areas.MEASURES, key="look_measure", horizontal=True, format_func=_
        )
    play = side.toggle(_("Playback"), key="play_on", help=_("Step the map through time"))
    step, mode = "", "window"
    if play:
        st.session_state.setdefault("play_step", "week")
        st.session_state.setdefault("play_mode", "window")
        step = side.selectbox(_("Step"), playback.STEPS, key="play_step", format_func=_)
        mode = side.radio(
            _("Show"),
            playback.MODES,
            key="play_mode",
            horizontal=True,
            format_func=lambda m: _(playback.MODE_NAMES[m]),
        )
    return share.Look(
        basemap, heat, cluster, uncertain, step, mode, aggregate=aggregate, measure=measure
    )


AGGREGATES = {
    "auto": i18n.N_("One by one (hexagons above {count} in view)"),
    "hexagons": i18n.N_("Counted in hexagons"),
}


def read_changes(filters: Filters, first, last) -> tuple[changes.Windows, str] | None:
    """What changed (sidebar): the last N days against the N before, ending on a day."""
    side = st.sidebar
    if not side.toggle(_("What changed"), key="changes_on", help=_("Compare two periods")):
        return None
    days = side.number_input(_("Days in each period"), 1, 366, 7, key="changes_days")
    end = side.date_input(
        _("Ending on"),
        filters.date_to or last,
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
    )
    by = side.radio(
        _("Compare per"),
        list(changes.GROUPS),
        format_func=lambda g: _(changes.GROUPS[g]),
        horizontal=True,
    )
    return changes.Windows(end, int(days)), by


def show_changes(frame, windows: changes.Windows, by: str) -> None:
    """The comparison as tables (and, on the map, the layer built from the same rows)."""
    title = _("What changed: {periods}", periods=windows.describe(_))
    with st.expander(plain(title), expanded=True, icon=":material/trending_up:"):
        st.caption(
            _(
                "Incidents that began in each period; the other filters apply, the date "
                "slider does not. New: never reported at an earlier date."
            )
        )
        table = changes.compare(frame, windows, by)
        st.dataframe(_.headed(table), hide_index=True, width="stretch", height=240)
        fresh = changes.new_names(frame, windows)
        st.write(plain(_("New actors and places: {count}", count=f"{len(fresh):,}")))
        if len(fresh):
            shown = fresh.assign(kind=fresh["kind"].map(_), name=fresh["name"].map(_.name))
            st.dataframe(_.headed(shown), hide_index=True, width="stretch")
        st.download_button(
            _("Download the comparison (CSV)"),
            csv_bytes(table),
            "conflictmap-changes.csv",
            "text/csv",
        )


def playback_start(look: share.Look, filters: Filters) -> playback.Playback | None:
    """The playback the map starts with: a new step, mode or date range starts again at
    the first frame (a shared link's frame is used once, when it opens)."""
    if not look.play:
        return None
    key = (look.play, look.mode, filters.date_from, filters.date_to)
    state = st.session_state
    if state.get("playback_key") != key:
        first_time = "playback_key" not in state
        state["playback_start"] = state.get("link_at", 0) if first_time else 0
        state["playback_at"] = state["playback_start"]
        state["playback_key"] = key
    return playback.Playback(look.play, look.mode, state["playback_start"])


def follow_playback(state) -> None:
    """The frame the analyst paused on (reported by the map) becomes the view's frame."""
    tags = (state or {}).get("selected_tags")
    if tags == st.session_state.get("playback_tags_seen"):
        return
    st.session_state["playback_tags_seen"] = tags
    at = playback.frame_of(tags)
    if at is not None:
        st.session_state["playback_at"] = at
        st.query_params["at"] = str(at)


def open_link(first, last, factions, types) -> None:
    """A shared link (the query string) sets the widgets once, when the session opens;
    afterwards the widgets keep their own values within what the store holds."""
    state = st.session_state
    if "link_read" not in state:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        shared = share.from_params(params, first, last, factions.names, types)
        state.update(
            filter_dates=shared.dates,
            filter_factions=shared.factions,
            filter_types=shared.types,
            filter_least=shared.least,
            link_view=shared.view,
            filter_area=shared.area,
            link_read=True,
            link_ignored=shared.ignored,
            look_basemap=shared.look.basemap or settings.tiles,
            look_heat=shared.look.heat,
            look_cluster=shared.look.cluster,
            look_uncertain=shared.look.uncertain,
            play_on=bool(shared.look.play),
            play_step=shared.look.play or "week",
            play_mode=shared.look.mode,
            link_at=shared.look.at,
            look_aggregate=shared.look.aggregate,
            look_measure=shared.look.measure,
        )
        if shared.incident:
            state["incident"] = shared.incident
    start, end = (*tuple(state["filter_dates"]), None, None)[:2]
    start = min(max(start, first), last)
    state["filter_dates"] = (start, min(max(end or start, start), last))
    for key, names in (("filter_factions", factions.names), ("filter_types", types)):
        known = state.get(f"{key}_known")
        everything = known is not None and set(state[key]) >= set(known)
        # a selection of everything stays everything when the store gains new names; one
        # the analyst emptied stays empty (it used to come back as everything)
        kept = [n for n in state[key] if n in names]
        state[key] = names if everything or (known is None and not kept) else kept
        state[f"{key}_known"] = names


def _dates_typed() -> None:
    """The two date boxes were changed: the slider follows (in order, within the store)."""
    state = st.session_state
    low, high = sorted((state["filter_from"], state["filter_to"]))
    first, last = state["date_span"]
    state["filter_dates"] = (max(low, first), min(high, last))


def read_dates(side, first, last):
    """The date range: a slider for a glance, and two date boxes under it for an exact
    day (a slider over years moves about two weeks a pixel)."""
    state = st.session_state
    state["date_span"] = (first, last)
    state["filter_from"], state["filter_to"] = state["filter_dates"]
    dates = side.slider(
        _("Dates"), min_value=first, max_value=last, format="YYYY-MM-DD", key="filter_dates"
    )
    for key, label in (("filter_from", _("From")), ("filter_to", _("To"))):
        side.date_input(
            label,
            min_value=first,
            max_value=last,
            format="YYYY-MM-DD",
            key=key,
            on_change=_dates_typed,
        )
    return dates


def read_filters(frame, factions) -> Filters:
    side = st.sidebar
    side.header(_("Filters"))
    first, last = views.date_bounds(frame)
    types = views.event_types(frame)
    open_link(first, last, factions, types)
    if ignored := st.session_state.get("link_ignored"):
        side.warning(
            plain(_("The link asked for what this store lacks: {what}", what="; ".join(ignored)))
        )
    if first == last:
        dates = side.date_input(_("Dates"), key="filter_dates")
    else:
        dates = read_dates(side, first, last)
    start, end = ((*tuple(dates), None, None))[:2]
    if _.rtl:  # both calendars, as the region's press writes them
        side.caption(plain(f"{_.day(start)} – {_.day(end or start)}"))
    chosen = side.multiselect(
        _("Factions"), factions.names, key="filter_factions", format_func=_.name
    )
    picked = side.multiselect(_("Event types"), types, key="filter_types", format_func=_.name)
    for none, what in ((chosen, _("faction")), (picked, _("event type"))):
        if not none:
            side.warning(_("No {what} chosen: the map is empty until you choose one.", what=what))
    least = side.number_input(_("Minimum fatalities"), min_value=0, step=1, key="filter_least")
    area = st.session_state.get("filter_area")
    if area:
        side.caption(_("Only incidents inside the area drawn on the map."))
        if side.button(_("Clear the drawn area")):
            st.session_state["filter_area"] = area = None
    else:
        side.caption(_("Draw a polygon or rectangle on the map (toolbar, left) to filter to it."))
    return Filters(
        start,
        end or start,
        tuple(chosen) if len(chosen) < len(factions.names) else None,
        tuple(picked) if len(picked) < len(types) else None,
        int(least),
        area,
    )


@st.fragment
def show_map(shown, frame, factions, spec: MapSpec, store, timing, units, overlays) -> None:
    """The map reruns alone when the analyst pans or zooms: the incidents in view are
    drawn one by one, or counted in hexagons when there are too many (the view feeds
    snapshots too)."""
    fmap = base_map(spec, context_layers(settings, _))
    set_view(fmap, frame, spec)  # the whole store: constant, so filters never move the map
    note = _(HEXAGON_NOTE, count=f"{MAX_MARKERS:,}")
    fmap.add_child(Legend(legend_html(factions, factions.names, [note], words=_)))
    add_draw_tools(fmap, _)
    if timing is not None:
        playback_map.add_playback(fmap, *timing, words=_)
    localise(fmap)
    state = st.session_state.get("map")  # the view the analyst has just moved to
    follow_drawing(state)
    follow_playback(state)
    view = views.view_bounds(state) or spec.bounds
    clicked = views.clicked_incident(state)
    if clicked and clicked != st.session_state.get("clicked"):
        st.session_state["clicked"] = st.session_state["incident"] = clicked
        st.rerun(scope="app")  # the incident panel under the map follows the click
    drawn = incident_layers(
        shown,
        factions,
        spec,
        view,
        views.view_width(state),
        lambda chosen: views.full_rows(store, factions, chosen),
        units,
    )
    st_folium(
        fmap,
        key="map",
        height=spec.height,
        use_container_width=True,
        feature_group_to_add=[
            *drawn.layers,
            *([drawn.heat] if spec.heat and drawn.heat else []),  # st_folium shows every group
            *overlays,
            area_layer(st.session_state.get("filter_area"), _),
            highlight_layer(shown.loc[shown["incident_id"].isin(table_selection())], _),
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
    st.session_state["view"] = view
    if view:
        st.query_params["view"] = ",".join(f"{v:.4f}" for v in view)  # the link follows
    if drawn.table is not None:
        show_area_table(drawn.table, units)
    elif drawn.hexagons:
        st.info(plain(drawn.hexagons), icon=":material/hexagon:")
    else:
        st.caption(
            plain(
                _("{count} incidents in view, each drawn as a circle.", count=f"{drawn.in_view:,}")
            )
        )


def show_area_table(table, units) -> None:
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
        st.session_state.get("incident_table"), st.session_state.get("table_ids", [])
    )


def show_table(shown, factions, filters: Filters, store) -> None:
    """The incidents in view as a table linked to the map: a click on the map puts that
    incident first; rows selected here are ringed on the map; it sorts, searches, and
    downloads what it shows."""
    head, button = st.columns([4, 1])
    head.subheader(_("Incidents in view"))
    button.button(_("Update to the map's view"), help=_("The table follows the map on each rerun"))
    view = st.session_state.get("view")
    inside = shown.loc[hexbins.in_view(shown, view)] if view else shown
    if len(inside) > MAX_MARKERS:
        st.caption(
            plain(
                _(
                    "{count} incidents in view: the table lists them when there are {most} "
                    "or fewer. Zoom in or filter.",
                    count=f"{len(inside):,}",
                    most=f"{MAX_MARKERS:,}",
                )
            )
        )
        st.session_state["table_ids"] = []
        return
    search = st.text_input(_("Search notes, places, actors, sources"), key="table_search")
    rows = views.full_rows(store, factions, inside)
    table = views.incident_table(rows, search, st.session_state.get("clicked"), _)
    st.session_state["table_ids"] = table["incident_id"].tolist()
    st.dataframe(
        _.headed(table),
        key="incident_table",
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
    )
    shown_rows = rows.set_index("incident_id").loc[table["incident_id"]].reset_index()
    st.download_button(
        _("Download these {count} rows (CSV)", count=f"{len(table):,}"),
        export.to_csv(shown_rows, filters, _),
        "conflictmap-table.csv",
        "text/csv",
    )


def follow_drawing(state) -> None:
    """A shape drawn (or deleted) on the map becomes (or stops being) the area filter; a
    link's area stays until the analyst draws or deletes a shape."""
    if state is None:
        return
    drawings = state.get("all_drawings") or []
    seen = st.session_state.get("drawings_seen", [])  # a new session has drawn nothing
    st.session_state["drawings_seen"] = drawings
    if drawings == seen:
        return
    area = views.drawn_area(drawings)
    if area != st.session_state.get("filter_area"):
        st.session_state["filter_area"] = area
        st.rerun(scope="app")  # every count, chart and export follows the area


HEXAGON_NOTE = i18n.N_("Over {count} incidents in view: hexagons count them (see under the map).")


def show_incident(store, factions, user) -> None:
    """One incident: every source, its batches, its corrections; editors correct it."""
    with st.expander(_("Incident: sources, history, corrections"), icon=":material/manage_search:"):
        st.caption(_("Click an incident on the map, or give its id."))
        incident_id = st.text_input(_("Incident id"), key="incident").strip()
        if not incident_id:
            return
        rows = store.read_ids([incident_id])
        if rows.empty:
            st.warning(plain(_("There is no incident {id}.", id=incident_id)))
            return
        row = views.with_factions(rows, factions).iloc[0]
        st.dataframe(views.incident_facts(row, _), hide_index=True, width="stretch")
        reports = views.reports_of(store, row)
        if len(reports):
            st.write(_("Also reported by"))
            st.dataframe(_.headed(reports), hide_index=True, width="stretch")
        st.write(_("Batches that brought or changed it"))
        st.dataframe(_.headed(store.provenance(incident_id)), hide_index=True, width="stretch")
        history = store.corrections(incident_id)
        st.write(_("Corrections") if len(history) else _("No corrections yet."))
        if len(history):
            st.dataframe(_.headed(history), hide_index=True, width="stretch")
        if user.can_edit:
            correct_form(store, row, user)


def correct_form(store, row, user) -> None:
    with st.form(f"correct-{row.incident_id}"):
        st.write(_("Correct this incident (kept with your name; the next import keeps it)"))
        a, b = st.columns(2)
        place = a.text_input(_("Place (gazetteer name, any spelling)"), "")
        point = b.text_input(_("or latitude, longitude"), "")
        actor1 = a.text_input(_("Actor 1"), row.actor1 or "")
        actor2 = b.text_input(_("Actor 2"), row.actor2 or "")
        killed = "" if pd.isna(row.fatalities) else str(int(row.fatalities))
        fatalities = a.text_input(_("Fatalities (empty: unknown)"), killed)
        if not st.form_submit_button(_("Save corrections"), type="primary"):
            return
    try:
        changes = views.correction_changes(
            row, load_gazetteer(settings), place, point, actor1, actor2, fatalities
        )
        space = workspace(store)
        done = space.correct(row.incident_id, changes, signed_in_name())
        say_notes(space)
    except ConflictmapError as exc:
        st.error(plain(_.message(str(exc))))
        return
    st.session_state["corrected"] = _(
        "{id}: {count} field(s) corrected.", id=row.incident_id, count=done
    )
    st.rerun()


def show_snapshot(
    shown, factions, filters: Filters, spec: MapSpec, store, timing, units, overlays
) -> None:
    """The view on screen as a picture: same filters, layers, areas, window, language."""
    with st.expander(
        _("Snapshot: this view as PNG, PDF, HTML or an animated GIF"),
        icon=":material/photo_camera:",
    ):
        size_col, scale_col, title_col = st.columns([2, 1, 3])
        size = size_col.selectbox(_("Size"), list(snapshot.SIZES))
        scale = scale_col.radio(_("Scale"), [1, 2], format_func=lambda s: f"{s}×", horizontal=True)
        title = title_col.text_input(_("Title"), _("conflictmap: incidents"))
        shot = snapshot.SnapshotSpec(*snapshot.SIZES[size], float(scale), title)
        view = st.session_state.get("view")
        map_spec = replace(spec, bounds=view) if view else spec
        paused = None
        if timing is not None:  # the frame the map is paused on
            paused = replace(timing[2], at=st.session_state.get("playback_at", 0))
        page = lambda: snapshot.snapshot_html(  # noqa: E731
            shown,
            factions,
            filters,
            map_spec,
            shot,
            context_layers(settings, _),
            lambda chosen: views.full_rows(store, factions, chosen),
            paused,
            units=units,
            words=_,
            overlays=overlays(),
        )
        left, right = st.columns(2)
        if left.button(_("Snapshot"), type="primary"):
            take_snapshot(page(), shot, len(shown))
        if paused and right.button(_("Animated GIF of the playback")):
            animate(page(), shot)
        if made := st.session_state.get("snapshot"):
            offer_snapshot(*made, shot)
        if gif := st.session_state.get("animation"):
            st.image(gif, caption=_("Playback, frame by frame"))
            st.download_button(_("Download GIF"), gif, "conflictmap-playback.gif", "image/gif")


def take_snapshot(page: str, shot, count: int) -> None:
    with st.status(_("Drawing the map in headless Chromium…")) as status:
        png = snapshot.render(page, shot).data
        status.update(
            label=_(
                "Snapshot made: {count} incidents, {size} px",
                count=f"{count:,}",
                size=f"{int(shot.width * shot.scale)}×{int(shot.height * shot.scale)}",
            ),
            state="complete",
        )
    st.session_state["snapshot"] = (png, page.encode("utf-8"))


def animate(page: str, shot) -> None:
    bar = st.progress(0.0, _("Starting headless Chromium…"))
    try:
        made = snapshot.animate(
            page, shot, progress=lambda f, m: bar.progress(f, plain(_.message(m)))
        )
    except ConflictmapError as exc:
        bar.empty()
        st.error(plain(_.message(str(exc))))
        return
    frames = made.text.count("\n") + 1
    done = _(
        "Animation made: {frames} frames, {size} MB",
        frames=frames,
        size=f"{len(made.data) / 1e6:.1f}",
    )
    bar.progress(1.0, plain(done))
    st.session_state["animation"] = made.data


def offer_snapshot(png: bytes, page: bytes, shot) -> None:
    st.image(png, width="stretch")
    a, b, c = st.columns(3)
    a.download_button(_("Download PNG"), png, "conflictmap-snapshot.png", "image/png")
    b.download_button(
        _("Download HTML (offline, interactive)"),
        page,
        "conflictmap-snapshot.html",
        "text/html",
    )
    c.download_button(
        _("Download PDF"),
        lambda: snapshot.render(page.decode(), shot, "pdf").data,
        "conflictmap-snapshot.pdf",
        "application/pdf",
    )


def show_downloads(store, factions, filters: Filters, spec: MapSpec, units) -> None:
    """Whole rows are read from the store when a button is pressed, not before."""
    columns = st.columns(4)
    for column, (fmt, mime) in zip(
        columns,
        [
            ("csv", "text/csv"),
            ("geojson", "application/geo+json"),
            ("gpkg", "application/geopackage+sqlite3"),
            ("html", "text/html"),
        ],
        strict=True,
    ):
        column.download_button(
            _("Download {format}", format=fmt.upper()),
            key=f"dl-{fmt}",
            mime=mime,
            file_name=f"conflictmap-incidents.{fmt}",
            data=lambda fmt=fmt: export.export(
                workspace(store).matching_rows(filters, factions),
                fmt,
                factions,
                filters,
                spec,
                context_layers(settings, _),
                units,
                words=_,
            ),
        )


def tab_map(frame, factions, store, user) -> None:
    filters = read_filters(frame, factions)
    matched = views.apply(frame, filters)  # every report: exports carry them all
    shown = views.collapse_linked(matched)  # one dot per event on the map
    summary = views.summarise(shown)
    a, b, c = st.columns(3)
    a.metric(
        _("Incidents"),
        f"{summary.incidents:,}",
        help=_("Events on the map: reports linked across datasets count once."),
    )
    b.metric(_("Reported fatalities"), f"{summary.fatalities:,}")
    c.metric(_("Illustrative (not real)"), f"{summary.illustrative:,}")
    boundaries = areas.boundary_layers(settings)  # read once per run
    look = read_look(boundaries)
    units = boundaries.get(look.aggregate)
    spec = MapSpec(
        tiles=look.basemap,
        heat=look.heat,
        cluster=look.cluster,
        uncertain=look.uncertain,
        aggregate="areas" if units else look.aggregate,
        measure=look.measure,
        bounds=st.session_state.get("link_view"),  # a shared link's extent, else all
        words=_,
    )
    started = playback_start(look, filters)
    look = replace(look, at=st.session_state.get("playback_at", 0), lang=_.lang)
    first, last = views.date_bounds(frame)
    st.query_params.from_dict(
        {
            **share.to_params(
                filters,
                first,
                last,
                st.session_state.get("view") or spec.bounds,
                st.session_state.get("incident", ""),
            ),
            **share.look_params(look, settings.tiles),
        }
    )
    timing = (filters.date_from, filters.date_to, started) if started else None
    compared = read_changes(filters, first, last)

    def overlays() -> list:  # fresh layers for each map they go on (screen, snapshot)
        return [changes_map.change_layer(places, fresh, compared[0], _)] if compared else []

    if compared:  # every date, the other filters
        undated = views.collapse_linked(views.apply(frame, views.undated(filters)))
        fresh = set(changes.new_names(undated, compared[0]).query("kind == 'place'")["name"])
        places = changes.by_place(undated, compared[0])
    show_map(shown, frame, factions, spec, store, timing, units, overlays())
    if compared:
        show_changes(undated, *compared)
    st.caption(plain(filters.describe(_)), help=_("This sentence is written into every export."))
    show_table(shown, factions, filters, store)
    if done := st.session_state.pop("corrected", None):
        st.success(plain(done))
    show_incident(store, factions, user)
    show_snapshot(shown, factions, filters, spec, store, timing, units, overlays)
    if summary.illustrative:
        st.info(
            plain(
                _(
                    "{count} of these incidents are illustrative sample data (notes start "
                    "with [ILLUSTRATIVE]); they are not real events.",
                    count=summary.illustrative,
                )
            )
        )
    measure = st.radio(_("Timeline"), ["events", "fatalities"], horizontal=True, format_func=_)
    data = timeline.timeline(shown)
    if len(data):
        st.altair_chart(timeline.chart(data, factions.colours, measure, _), width="stretch")
    show_downloads(store, factions, filters, spec, units)


def table_action(title: str, table, none: str, choices: list, label: str, button: str, act):
    """A table with one action on a chosen row (undo a batch, split a link)."""
    st.subheader(title)
    if table.empty:
        st.write(none)
        return
    st.dataframe(_.headed(table), width="stretch", hide_index=True)
    if not choices:
        return
    left, right = st.columns([2, 2])
    chosen = left.selectbox(label, choices)
    if right.button(button.replace("{batch}", str(chosen))):
        try:
            done = act(chosen)
        except ConflictmapError as exc:
            st.error(plain(_.message(str(exc))))
            return
        st.session_state["imported"] = done
        st.rerun()


UNDO_ASKED = "undo_asked"  # the batch whose undo waits for a yes


def show_batches(store) -> None:
    """The imports, newest first, each live or undone (and when); undoing one asks first."""
    table = store.batches()
    st.subheader(_("Batches"))
    if table.empty:
        st.write(_("No imports yet."))
        return
    shown = table.iloc[::-1].copy()
    shown.insert(
        1,
        "state",
        shown["undone_at"].map(
            lambda t: _("live") if pd.isna(t) else _("undone {when}", when=str(t)[:16])
        ),
    )
    shown["format"] = shown["format"].map(lambda f: _(FORMAT_NAMES.get(f, f)))
    st.dataframe(_.headed(shown.drop(columns=["sha256", "undone_at"])), hide_index=True)
    live = table.loc[table["undone_at"].isna(), "id"].tolist()[::-1]
    if not live:
        return
    asked = st.session_state.get(UNDO_ASKED)
    left, right = st.columns([2, 2])
    chosen = left.selectbox(_("Batch to undo"), live)
    if asked is None or asked not in live:
        if right.button(_("Undo batch {batch}", batch=chosen)):
            st.session_state[UNDO_ASKED] = int(chosen)
            st.rerun()
        return
    row = table.loc[table["id"] == asked].iloc[0]
    st.warning(
        plain(
            _(
                "Undo batch {batch} ({file}, {when})? It removes the {added} incidents it "
                "added and restores the {updated} it changed. The batch stays listed as undone.",
                batch=asked,
                file=row["file"],
                when=str(row["imported_at"])[:16],
                added=f"{int(row['added'] or 0):,}",
                updated=f"{int(row['updated'] or 0):,}",
            )
        )
    )
    yes, no = st.columns(2)
    if no.button(_("Cancel")):
        st.session_state.pop(UNDO_ASKED, None)
        st.rerun()
    if yes.button(_("Yes, undo batch {batch}", batch=asked), type="primary"):
        st.session_state.pop(UNDO_ASKED, None)
        outcome = workspace(store).undo(int(asked))
        st.session_state["imported"] = _(
            "Undid batch {batch}: removed {removed}, restored {restored}.",
            batch=asked,
            removed=-outcome.added,
            restored=outcome.updated,
        )
        st.rerun()


def show_links(store) -> None:
    table = store.links()
    ids = [] if table.empty else table["incident_id"].tolist()

    def split(chosen) -> str:
        workspace(store).split(chosen)
        return _("Split {id}: it is its own incident again.", id=chosen)

    table_action(
        _("Reports linked across datasets"),
        table,
        _("No links yet."),
        ids,
        _("Report to split off"),
        _("Split {batch}"),
        split,
    )


def tab_import(store) -> None:
    if done := st.session_state.pop("imported", None):
        st.success(plain(done))
    if note := st.session_state.pop("index_note", None):
        st.warning(plain(_.message(note)))
    try:
        import_form(store)
    finally:
        show_batches(store)
        show_links(store)


def import_form(store) -> None:
    round_ = st.session_state.setdefault("upload_round", 0)
    upload = st.file_uploader(
        _("Incident file (ACLED, UCDP GED or your own sheet)"),
        type=["csv", "tsv", "txt", "xlsx"],
        key=f"upload-{round_}",
    )
    if upload is None:
        return
    data = upload.getvalue()
    bar = st.progress(0.0, _("Checking…"))
    try:
        report, _rows = pipeline.check_bytes(
            data, upload.name, settings, lambda f, m: bar.progress(f, plain(_.message(m)))
        )
    except ConflictmapError as exc:
        bar.empty()
        st.error(plain(_.message(str(exc))))
        return
    bar.empty()
    st.write(plain(report.summary(_)))
    if (batch := store.find_batch(hashlib.sha256(data).hexdigest())) is not None:
        st.warning(
            plain(
                _(
                    "This file was already imported as batch {batch}: importing it again "
                    "changes nothing.",
                    batch=batch,
                )
            )
        )
    if report.issues:
        show_issues(report)
    label = _("Import {count} incidents", count=f"{report.imported:,}")
    if report.imported and st.button(label, type="primary"):
        bar = st.progress(0.0, _("Importing…"))
        space = workspace(store)
        done = space.import_bytes(
            data, upload.name, signed_in_name(), lambda f, m: bar.progress(f, plain(_.message(m)))
        )
        say_notes(space)
        st.session_state["imported"] = done.summary(_)
        st.session_state["upload_round"] = round_ + 1
        st.rerun()


def show_issues(report) -> None:
    """The report grouped by message (errors first), a severity filter, the full list and
    the rejected rows (their own columns plus the problem) to download."""
    levels = {ERROR: _("errors"), WARNING: _("warnings")}
    present = [s for s in levels if any(i.severity == s for i in report.issues)]
    chosen = st.segmented_control(
        _("Show"),
        present,
        selection_mode="multi",
        default=present,
        format_func=levels.get,
        key="issue_levels",
    )
    st.dataframe(report.groups(_, tuple(chosen or present)), width="stretch", hide_index=True)
    left, right = st.columns(2)
    left.download_button(
        _("Download every issue, one per line (CSV)"),
        report.to_csv(_),
        file_name="conflictmap-report.csv",
        mime="text/csv",
    )
    if report.rejected:
        right.download_button(
            _("Download the {count} rejected rows to fix (CSV)", count=f"{report.rejected:,}"),
            report.rejected_csv(),
            file_name=f"rejected-{report.file}".removesuffix(".xlsx").removesuffix(".csv") + ".csv",
            mime="text/csv",
        )


DRAFT_COLUMNS = [
    "number",
    "include",
    "event_date",
    "end_date",
    "time_precision",
    "when_basis",
    "location",
    "place",
    "geo_precision",
    "actor1",
    "actor2",
    "factions",
    "event_type",
    "fatalities",
    "fatalities_note",
    "notes",
]
EVENT_TYPES = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Strategic developments",
    "Protests",
    "Riots",
]


def tab_report(store) -> None:
    if done := st.session_state.pop("report_imported", None):
        st.success(plain(done))
    st.write(
        _(
            "Paste a news report (Arabic or English) to get a first draft of its incidents: "
            "dates resolved against the publication date, places from the gazetteer, actors "
            "from the faction table. Correct the table, untick what is not an incident, "
            "then import. The words it knows are in data/extract.toml, data/factions.csv "
            "and geo/."
        )
    )
    with st.form("report"):
        text = st.text_area(_("Report text"), height=200)
        left, right = st.columns(2)
        published = left.date_input(_("Published on"), value=dt.date.today(), format="YYYY-MM-DD")
        source = right.text_input(_("Source"), placeholder=_("e.g. Sky News Arabia"))
        if st.form_submit_button(_("Draft incidents"), type="primary") and text.strip():
            try:
                rows = extract.draft(text, published, source or "news report", settings)
            except ConflictmapError as exc:
                st.error(plain(_.message(str(exc))))
                return
            st.session_state["draft"] = {"rows": rows, "text": text, "source": source}
            st.session_state["draft_round"] = st.session_state.get("draft_round", 0) + 1
    if draft := st.session_state.get("draft"):
        show_draft(store, draft)


def show_draft(store, draft: dict) -> None:
    rows, text = draft["rows"], draft["text"]
    if not rows:
        st.info(_("No incident found in this report: no place, actor or cue word it knows."))
        return
    edited = st.data_editor(
        pd.DataFrame(rows)[DRAFT_COLUMNS],
        hide_index=True,
        width="stretch",
        key=f"draft-{st.session_state.get('draft_round', 0)}",
        disabled=["number", "when_basis", "place", "factions", "fatalities_note"],
        column_config={
            "number": st.column_config.NumberColumn("#", width="small"),
            "include": st.column_config.CheckboxColumn(_("import")),
            "time_precision": st.column_config.SelectboxColumn(options=[1, 2, 3]),
            "geo_precision": st.column_config.SelectboxColumn(options=[1, 2, 3]),
            "event_type": st.column_config.SelectboxColumn(options=EVENT_TYPES),
            "fatalities": st.column_config.NumberColumn(min_value=0, step=1),
            "place": st.column_config.TextColumn(_("gazetteer place")),
        },
    )
    numbers = [0, *edited["number"].tolist()]
    shown = st.selectbox(
        _("Highlight"),
        numbers,
        format_func=lambda n: _("incident {number}", number=n) if n else _("all incidents"),
    )
    spans = [s for r in rows if shown in (0, r["number"]) for s in r["spans"]]
    st.markdown(extract.legend_html(_), unsafe_allow_html=True)  # our own fixed words
    st.markdown(extract.marked_html(text, spans), unsafe_allow_html=True)  # escaped inside
    kept = edited[edited["include"].fillna(False).astype(bool)]
    label = _("Import {count} incidents", count=len(kept))
    if kept.empty or not st.button(label, type="primary"):
        return
    data = extract.accepted_csv(edited.to_dict("records"), text, draft["source"])
    bar = st.progress(0.0, _("Importing…"))
    name = f"report {draft['source'] or 'pasted'} {extract.report_id(text)}.csv"
    try:
        space = workspace(store)
        report = space.import_bytes(
            data, name, signed_in_name(), lambda f, m: bar.progress(f, plain(_.message(m)))
        )
        say_notes(space)
    except ConflictmapError as exc:
        bar.empty()
        st.error(plain(_.message(str(exc))))
        return
    bar.empty()
    if report.rejected:
        st.error(
            plain(
                _(
                    "{count} rows were not imported; fix them and import again.",
                    count=report.rejected,
                )
            )
        )
        numbers = kept["number"].tolist()  # CSV line n+1 holds the n-th kept incident
        issues = report.to_frame()
        issues.insert(0, "#", issues["line"].map(lambda n: numbers[n - 2] if n >= 2 else ""))
        issues["message"] = [i.render(_) for i in sorted(report.issues, key=issue_order)]
        st.dataframe(issues.drop(columns="line"), hide_index=True, width="stretch")
        return
    st.session_state["report_imported"] = report.summary(_)
    st.session_state.pop("draft")
    st.rerun()


def tab_layers() -> None:
    st.write(
        _(
            "Reference layers are drawn under the incidents (and in snapshots), each with "
            "its name in the layer control. Put GeoJSON, GeoPackage or zipped shapefiles "
            "in geo/layers/, or upload one here. A layer of polygons with names (boundaries "
            "of governorates, districts, sub-districts) can count incidents per area."
        )
    )
    for layer in find_layers(settings):
        st.text(f"• {layer.name}")
    round_ = st.session_state.setdefault("layer_round", 0)
    upload = st.file_uploader(
        _("Add a layer"), type=["geojson", "json", "gpkg", "zip"], key=f"layer-{round_}"
    )
    if upload is not None:
        try:
            layer = save_upload(upload.getvalue(), upload.name, settings)
        except ConflictmapError as exc:
            st.error(plain(_.message(str(exc))))
            return
        st.session_state["layer_round"] = round_ + 1
        st.session_state["layer_added"] = layer.name
        st.rerun()
    if added := st.session_state.pop("layer_added", None):
        st.success(plain(_("Added the layer {name}.", name=added)))


def tab_factions(factions) -> None:
    st.write(
        _(
            "Factions group actors. An actor belongs to the first faction whose actor name "
            "appears in it (longest name first). Colours are #RRGGBB."
        )
    )
    edited = st.data_editor(factions.table, num_rows="dynamic", width="stretch", key="factions")
    if st.button(_("Save factions")):
        try:
            save_factions(edited, settings.factions_file)
            st.success(_("Saved; the map uses the new groups."))
        except ConflictmapError as exc:
            st.error(plain(_.message(str(exc))))


SIGNED_IN = "cm_signed_in"  # holds an auth.SignedIn: no widget state a client sends is one


def signed_in_name() -> str:
    """Who signed in to this session ("" if nobody): only a value this server put there
    counts, never a string a client forged as widget state under that key."""
    try:
        held = st.session_state.get(SIGNED_IN)
    except Exception:  # a forged widget state Streamlit cannot read back
        return ""
    return held.name if isinstance(held, auth.SignedIn) else ""


def sign_in() -> auth.User:
    """The signed-in user; the sign-in form (and nothing else) until there is one."""
    users = auth.load_users(settings.users_file)
    if not users:
        address = st.get_option("server.address")
        if not auth.serves_only_this_computer(address):
            st.error(
                plain(
                    _(
                        "No sign-in is configured, so conflictmap serves this computer only, "
                        "but it was started on address {address}. Start it with "
                        "--server.address 127.0.0.1, or add users (`conflictmap user add NAME "
                        "--role editor`) before serving others.",
                        address=address or _("all interfaces"),
                    )
                )
            )
            st.stop()
        st.sidebar.caption(_("Open access on this computer only: no sign-in is configured."))
        return auth.OPEN
    user = users.get(signed_in_name())
    if user is not None:
        st.sidebar.caption(
            plain(_("Signed in as {name} ({role})", name=user.name, role=_(user.role)))
        )
        if st.sidebar.button(_("Sign out")):
            st.session_state.pop(SIGNED_IN, None)
            allow_uploads(False)
            st.rerun()
        return user
    st.title("conflictmap")
    with st.form("sign-in"):
        name = st.text_input(_("Name"))
        password = st.text_input(_("Password"), type="password")
        if st.form_submit_button(_("Sign in"), type="primary"):
            try:
                found = auth.sign_in(users, name, password, st.context.ip_address or "")
            except ConflictmapError as exc:
                st.error(plain(_.message(str(exc))))
                st.stop()
            if found is None:
                st.error(_("Wrong name or password."))
            else:
                st.session_state[SIGNED_IN] = auth.SignedIn(found.name)
                st.rerun()
    st.stop()


def read_language() -> i18n.Wording:
    """The interface language (top of the sidebar; a link's ``lang`` opens in it).
    Arabic turns the page right-to-left; the map keeps its own left-to-right layout
    with Arabic legend, popups and controls."""
    state = st.session_state
    if "lang" not in state:
        asked = st.query_params.get("lang", "en")
        state["lang"] = asked if asked in i18n.LANGUAGES else "en"
    lang = st.sidebar.radio(
        "Language · اللغة",
        list(i18n.LANGUAGES),
        key="lang",
        format_func=i18n.LANGUAGES.get,
        horizontal=True,
    )
    if lang in i18n.RTL:
        st.html(RTL_CSS)
    # the page's own language (screen readers, fonts, hyphenation): Streamlit writes "en"
    st.html(
        f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
        unsafe_allow_javascript=True,
    )
    return i18n.wording(lang, settings)


RTL_CSS = """<style>
[data-testid="stMain"], [data-testid="stSidebar"] {direction: rtl; text-align: right;}
[data-testid="stMain"] *, [data-testid="stSidebar"] * {text-align: start;}
[data-testid="stMain"] iframe, [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"] {
  direction: ltr;}
[data-testid="stDateInput"] input {direction: ltr; text-align: right;}
[data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stMain"] button {
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Source Sans Pro", sans-serif;}
</style>"""


LOG = logging.getLogger("conflictmap.app")


def guarded(part: str, render, *args) -> None:
    """Runs one part of the page; if it fails, says so in that part alone (a sentence, no
    traceback: that goes to the server's log) and the rest of the page still runs."""
    try:
        render(*args)
    except ConflictmapError as exc:
        st.error(plain(_.message(str(exc))))
    except Exception as exc:  # a bug: keep the other parts (Import, Undo) usable
        LOG.exception("the %s part of the page failed", part)
        st.error(
            plain(
                _(
                    "This part of the page ({part}) failed: {kind}. The other tabs still "
                    "work; undoing the last import may help. The details are in the "
                    "server's log.",
                    part=_(part),
                    kind=type(exc).__name__,
                )
            )
        )


def tab_map_of(url: str, store, factions, user) -> None:
    frame = load_index(url, store.version(), factions.table.to_json())
    st.caption(plain(_("Store: {url} · {count} incidents", url=url, count=f"{len(frame):,}")))
    tab_map(frame, factions, store, user)


def allow_uploads(may: bool) -> None:
    """Tell the upload gate (serve.py) whether this session may send files."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if (ctx := get_script_run_ctx()) is None:
        return
    if may:
        UPLOADERS.allow(ctx.session_id)
    else:
        UPLOADERS.revoke(ctx.session_id)


def main() -> None:
    global _
    check_installed()
    _ = read_language()
    user = sign_in()
    allow_uploads(user.can_edit)
    url = settings.default_store_url
    store = get_store(url)
    factions = load_factions(settings.factions_file)
    st.title("conflictmap")
    if not user.can_edit:  # viewers see, filter, export
        guarded(i18n.N_("Map"), tab_map_of, url, store, factions, user)
        return
    maps, imports, reports, groups, layers = st.tabs(
        [_("Map"), _("Import"), _("Report"), _("Factions"), _("Layers")]
    )
    with maps:
        guarded(i18n.N_("Map"), tab_map_of, url, store, factions, user)
    with imports:
        guarded(i18n.N_("Import"), tab_import, store)
    with reports:
        guarded(i18n.N_("Report"), tab_report, store)
    with groups:
        guarded(i18n.N_("Factions"), tab_factions, factions)
    with layers:
        guarded(i18n.N_("Layers"), tab_layers)


guarded(i18n.N_("Page"), main)
