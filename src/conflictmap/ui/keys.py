"""The names under which the dashboard keeps things in ``st.session_state``, in one place.

Widget keys are the widgets' own; the others hold what a run leaves for the next one.
``keep_widgets`` carries the map page's widget values over a visit to another page
(Streamlit forgets the state of a widget that a run does not draw).
"""

from __future__ import annotations

import streamlit as st

CONTEXT = "cm_context"  # the run's ui.context.Context
KEPT_VALUES = "cm_kept"  # copies of the widget values in KEPT
SIGNED_IN = "cm_signed_in"  # an auth.SignedIn: no widget state a client sends is one

# what a run leaves for the next
IMPORTED = "imported"  # the sentence saying what an import, undo or split did
INDEX_NOTE = "index_note"  # what the workspace asked to tell (a map index not saved)
UNDO_ASKED = "undo_asked"  # the batch whose undo waits for a yes
CORRECTED = "corrected"
REPORT_IMPORTED = "report_imported"
DRAFT = "draft"
DRAFT_ROUND = "draft_round"
UPLOAD_ROUND = "upload_round"
LAYER_ROUND = "layer_round"
LAYER_ADDED = "layer_added"
SNAPSHOT = "snapshot"
PLACED = "placed"  # what a choice of place did (the Places to check page)
CHECKING = "checking"  # the name in view there
CHECK_MAP, CHECK_CLICK = "check_map", "check_click"  # its small map, the point clicked
CHECK_HOW, CHECK_NAME = "check_how", "check_name"  # the answer chosen, another name typed
ANIMATION = "animation"

# the map and what the analyst did on it
MAP = "map"  # streamlit-folium's returned state
VIEW = "view"
DRAWN_BOX = "drawn_box"  # the box around the view whose incidents the map draws
PLACE_SEARCH = "place_search"  # the search box over the map
PLACE_FOUND = "place_found"  # what it found: the map moves there
CLICKED = "clicked"
INCIDENT = "incident"
DRAWINGS_SEEN = "drawings_seen"
TABLE = "incident_table"
TABLE_IDS = "table_ids"
TABLE_SEARCH = "table_search"

# a shared link, read once per session
LINK_READ = "link_read"
LINK_VIEW = "link_view"
LINK_AT = "link_at"
LINK_IGNORED = "link_ignored"

# playback
PLAYBACK_KEY = "playback_key"
PLAYBACK_START = "playback_start"
PLAYBACK_AT = "playback_at"
PLAYBACK_TAGS_SEEN = "playback_tags_seen"

# the sidebar's filters and look
LANG = "lang"
DATES = "filter_dates"
DATE_FROM = "filter_from"
DATE_TO = "filter_to"
DATE_SPAN = "date_span"
FACTIONS = "filter_factions"
TYPES = "filter_types"
LEAST = "filter_least"
AREA = "filter_area"
BASEMAP = "look_basemap"
HEAT = "look_heat"
CLUSTER = "look_cluster"
UNCERTAIN = "look_uncertain"
AGGREGATE = "look_aggregate"
MEASURE = "look_measure"
PLAY_ON = "play_on"
PLAY_STEP = "play_step"
PLAY_MODE = "play_mode"
CHANGES_ON = "changes_on"
CHANGES_DAYS = "changes_days"
FACTION_TABLE = "factions"  # the Factions page's editor of actors
FACTION_GROUPS = "faction_groups"  # and of the factions (name, colour)
ISSUE_LEVELS = "issue_levels"
WORK_AREA = "work_area"

# widget values the map page keeps while the analyst visits another page
KEPT = (
    PLACE_SEARCH,
    DATES,
    FACTIONS,
    TYPES,
    LEAST,
    BASEMAP,
    HEAT,
    CLUSTER,
    UNCERTAIN,
    AGGREGATE,
    MEASURE,
    PLAY_ON,
    PLAY_STEP,
    PLAY_MODE,
    CHANGES_ON,
    CHANGES_DAYS,
    INCIDENT,
    TABLE_SEARCH,
)


def remember_widgets() -> None:
    """Copies the kept widget values under a key of ours (the map page, after drawing
    them): Streamlit drops a page's widget state when the analyst opens another page."""
    state = st.session_state
    saved = state.setdefault(KEPT_VALUES, {})
    saved.update({key: state[key] for key in KEPT if key in state})


def keep_widgets() -> None:
    """Puts the kept widget values back (before any page runs), so the map opens as the
    analyst left it after a visit to another page."""
    state = st.session_state
    saved = state.setdefault(KEPT_VALUES, {})
    for key in KEPT:
        if key in state:
            state[key] = state[key]  # Streamlit's documented way across pages
        elif key in saved:
            state[key] = saved[key]
