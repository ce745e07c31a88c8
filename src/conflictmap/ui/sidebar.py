"""The sidebar: the language, the filters (dates, factions, event types, fatalities,
drawn area), the map's look (basemap, layers, aggregation, playback) and what changed;
a shared link sets them once, when the session opens.
"""

from __future__ import annotations

import json

import streamlit as st

from conflictmap import (
    areas,
    changes,
    i18n,
    language,
    playback,
    share,
    views,
)
from conflictmap.errors import ConflictmapError
from conflictmap.filters import Filters
from conflictmap.gazetteer import load_gazetteer
from conflictmap.gazetteer.load import save_work_area
from conflictmap.maps.archive import is_archive
from conflictmap.maps.base import MAX_MARKERS
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.components.search import search_place
from conflictmap.ui.feedback import failed

BASEMAPS = {
    "osm": "OpenStreetMap (online; offline, the built-in basemap shows)",
    "none": "Built-in (offline: land, borders, rivers, place names)",
}


def basemaps(ctx) -> dict[str, str]:
    if ctx.settings.tiles in BASEMAPS:
        return BASEMAPS
    own = "Your PMTiles archive" if is_archive(ctx.settings.tiles) else "Local tile server"
    return {ctx.settings.tiles: own, **BASEMAPS}


def read_look(ctx, boundaries: dict) -> share.Look:
    """The map's basemap, layers and playback (sidebar), as a link would carry them."""
    _ = ctx.words
    side = st.sidebar
    side.header(_("Map"))
    search_place(ctx, side)
    choices = basemaps(ctx)
    if st.session_state.get(keys.BASEMAP) not in choices:
        st.session_state[keys.BASEMAP] = ctx.settings.tiles
    basemap = side.selectbox(
        _("Basemap"), list(choices), format_func=lambda c: _(choices[c]), key=keys.BASEMAP
    )
    heat = side.toggle(_("Heat map layer (weighted by fatalities)"), key=keys.HEAT)
    cluster = side.toggle(_("Cluster dense incidents"), key=keys.CLUSTER)
    uncertain = side.toggle(
        _("Uncertain places as areas"),
        key=keys.UNCERTAIN,
        help=_(
            "Precision 2 (near a place) and 3 (only the region known) are drawn as "
            "areas of ~25 km and ~50 km radius. Off: they are hidden from the map."
        ),
    )
    options = ["auto", "hexagons", *boundaries]
    if st.session_state.get(keys.AGGREGATE) not in options:
        st.session_state[keys.AGGREGATE] = "auto"
    aggregate = side.selectbox(
        _("Show incidents"),
        options,
        key=keys.AGGREGATE,
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
            _("Colour areas by"), areas.MEASURES, key=keys.MEASURE, horizontal=True, format_func=_
        )
    play = side.toggle(_("Playback"), key=keys.PLAY_ON, help=_("Step the map through time"))
    step, mode = "", "window"
    if play:
        st.session_state.setdefault(keys.PLAY_STEP, "week")
        st.session_state.setdefault(keys.PLAY_MODE, "window")
        step = side.selectbox(_("Step"), playback.STEPS, key=keys.PLAY_STEP, format_func=_)
        mode = side.radio(
            _("Show"),
            playback.MODES,
            key=keys.PLAY_MODE,
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


def read_changes(ctx, filters: Filters, first, last) -> tuple[changes.Windows, str] | None:
    """What changed (sidebar): the last N days against the N before, ending on a day."""
    _ = ctx.words
    side = st.sidebar
    if not side.toggle(_("What changed"), key=keys.CHANGES_ON, help=_("Compare two periods")):
        return None
    days = side.number_input(_("Days in each period"), 1, 366, 7, key=keys.CHANGES_DAYS)
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


def playback_start(look: share.Look, filters: Filters) -> playback.Playback | None:
    """The playback the map starts with: a new step, mode or date range starts again at
    the first frame (a shared link's frame is used once, when it opens)."""
    if not look.play:
        return None
    key = (look.play, look.mode, filters.date_from, filters.date_to)
    state = st.session_state
    if state.get(keys.PLAYBACK_KEY) != key:
        first_time = keys.PLAYBACK_KEY not in state
        state[keys.PLAYBACK_START] = state.get(keys.LINK_AT, 0) if first_time else 0
        state[keys.PLAYBACK_AT] = state[keys.PLAYBACK_START]
        state[keys.PLAYBACK_KEY] = key
    return playback.Playback(look.play, look.mode, state[keys.PLAYBACK_START])


def open_link(ctx, first, last, factions, types) -> None:
    """A shared link (the query string) sets the widgets once, when the session opens;
    afterwards the widgets keep their own values within what the store holds."""
    state = st.session_state
    if keys.LINK_READ not in state:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        shared = share.from_params(params, first, last, factions.names, types)
        state.update(
            {
                keys.DATES: shared.dates,
                keys.FACTIONS: shared.factions,
                keys.TYPES: shared.types,
                keys.LEAST: shared.least,
                keys.LINK_VIEW: shared.view,
                keys.AREA: shared.area,
                keys.LINK_READ: True,
                keys.LINK_IGNORED: shared.ignored,
                keys.BASEMAP: shared.look.basemap or ctx.settings.tiles,
                keys.HEAT: shared.look.heat,
                keys.CLUSTER: shared.look.cluster,
                keys.UNCERTAIN: shared.look.uncertain,
                keys.PLAY_ON: bool(shared.look.play),
                keys.PLAY_STEP: shared.look.play or "week",
                keys.PLAY_MODE: shared.look.mode,
                keys.LINK_AT: shared.look.at,
                keys.AGGREGATE: shared.look.aggregate,
                keys.MEASURE: shared.look.measure,
            }
        )
        if shared.incident:
            state[keys.INCIDENT] = shared.incident
    start, end = (*tuple(state[keys.DATES]), None, None)[:2]
    start = min(max(start, first), last)
    state[keys.DATES] = (start, min(max(end or start, start), last))
    for key, names in ((keys.FACTIONS, factions.names), (keys.TYPES, types)):
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
    low, high = sorted((state[keys.DATE_FROM], state[keys.DATE_TO]))
    first, last = state[keys.DATE_SPAN]
    state[keys.DATES] = (max(low, first), min(high, last))


def read_dates(ctx, side, first, last):
    """The date range: a slider for a glance, and two date boxes under it for an exact
    day (a slider over years moves about two weeks a pixel)."""
    _ = ctx.words
    state = st.session_state
    state[keys.DATE_SPAN] = (first, last)
    state[keys.DATE_FROM], state[keys.DATE_TO] = state[keys.DATES]
    dates = side.slider(
        _("Dates"), min_value=first, max_value=last, format="YYYY-MM-DD", key=keys.DATES
    )
    for key, label in ((keys.DATE_FROM, _("From")), (keys.DATE_TO, _("To"))):
        side.date_input(
            label,
            min_value=first,
            max_value=last,
            format="YYYY-MM-DD",
            key=key,
            on_change=_dates_typed,
        )
    return dates


def read_filters(ctx, frame, factions) -> Filters:
    _ = ctx.words
    side = st.sidebar
    side.header(_("Filters"))
    first, last = views.date_bounds(frame)
    types = views.event_types(frame)
    open_link(ctx, first, last, factions, types)
    if ignored := st.session_state.get(keys.LINK_IGNORED):
        side.warning(
            plain(_("The link asked for what this store lacks: {what}", what="; ".join(ignored)))
        )
    if first == last:
        dates = side.date_input(_("Dates"), key=keys.DATES)
    else:
        dates = read_dates(ctx, side, first, last)
    start, end = ((*tuple(dates), None, None))[:2]
    if _.rtl:  # both calendars, as the region's press writes them
        side.caption(plain(f"{_.day(start)} – {_.day(end or start)}"))
    chosen = side.multiselect(_("Factions"), factions.names, key=keys.FACTIONS, format_func=_.name)
    picked = side.multiselect(_("Event types"), types, key=keys.TYPES, format_func=_.name)
    for none, what in ((chosen, _("faction")), (picked, _("event type"))):
        if not none:
            side.warning(_("No {what} chosen: the map is empty until you choose one.", what=what))
    least = side.number_input(_("Minimum fatalities"), min_value=0, step=1, key=keys.LEAST)
    area = st.session_state.get(keys.AREA)
    if area:
        side.caption(_("Only incidents inside the area drawn on the map."))
        if side.button(_("Clear the drawn area")):
            st.session_state[keys.AREA] = area = None
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


def read_language(settings) -> i18n.Wording:
    """The interface language (top of the sidebar; a link's ``lang`` opens in it).
    Arabic turns the page right-to-left; the map keeps its own left-to-right layout
    with Arabic legend, popups and controls."""
    state = st.session_state
    if "lang" not in state:
        asked = st.query_params.get("lang", "en")
        state[keys.LANG] = asked if asked in i18n.LANGUAGES else "en"
    lang = st.sidebar.radio(
        "Language · اللغة",
        list(i18n.LANGUAGES),
        key=keys.LANG,
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
    return language.wording(lang, settings)


RTL_CSS = """<style>
[data-testid="stMain"], [data-testid="stSidebar"] {direction: rtl; text-align: right;}
[data-testid="stMain"] *, [data-testid="stSidebar"] * {text-align: start;}
[data-testid="stMain"] iframe, [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"] {
  direction: ltr;}
[data-testid="stDateInput"] input {direction: ltr; text-align: right;}
[data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stMain"] button {
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Source Sans Pro", sans-serif;}
</style>"""


def show_work_area(ctx) -> None:
    """The work area (sidebar, every page): the gazetteer prefers places inside it and the
    checks flag points outside it. Editors change it here unless the server fixes it
    (CONFLICTMAP_REGION)."""
    _ = ctx.words
    side = st.sidebar
    region = load_gazetteer(ctx.settings).region
    side.caption(plain(_("Work area: {area}", area=region.describe())))
    if not ctx.user.can_edit or ctx.settings.region_text:
        return
    with side.popover(_("Change the work area"), width="stretch"):
        typed = st.text_input(
            _("Governorates (separated by ;) or a box WEST,SOUTH,EAST,NORTH"),
            value="; ".join(region.governorates),
            key=keys.WORK_AREA,
        )
        if st.button(_("Save the work area")):
            try:
                save_work_area(ctx.settings, typed)
            except ConflictmapError as exc:
                failed(ctx, exc)
                return
            st.rerun()
