"""The incidents in view as a table linked to the map."""

from __future__ import annotations

import streamlit as st

from conflictmap import (
    export,
    hexbins,
    views,
)
from conflictmap.filters import Filters
from conflictmap.maps.base import MAX_MARKERS
from conflictmap.text import plain
from conflictmap.ui import keys


def show_table(ctx, shown, factions, filters: Filters, store) -> None:
    """The incidents in view as a table linked to the map: a click on the map puts that
    incident first; rows selected here are ringed on the map; it sorts, searches, and
    downloads what it shows."""
    _ = ctx.words
    head, button = st.columns([4, 1])
    head.subheader(_("Incidents in view"))
    button.button(_("Update to the map's view"), help=_("The table follows the map on each rerun"))
    view = st.session_state.get(keys.VIEW)
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
        st.session_state[keys.TABLE_IDS] = []
        return
    search = st.text_input(_("Search notes, places, actors, sources"), key=keys.TABLE_SEARCH)
    rows = views.full_rows(store, factions, inside)
    table = views.incident_table(rows, search, st.session_state.get(keys.CLICKED), _)
    st.session_state[keys.TABLE_IDS] = table["incident_id"].tolist()
    st.dataframe(
        _.headed(table),
        key=keys.TABLE,
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
