"""One incident: every source, its batches, its corrections; editors correct it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from conflictmap import (
    views,
)
from conflictmap.errors import ConflictmapError
from conflictmap.gazetteer import load_gazetteer
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.feedback import failed, say_notes
from conflictmap.ui.signin import signed_in_name


def show_incident(ctx, store, factions, user) -> None:
    """One incident: every source, its batches, its corrections; editors correct it."""
    _ = ctx.words
    with st.expander(_("Incident: sources, history, corrections"), icon=":material/manage_search:"):
        st.caption(_("Click an incident on the map, or give its id."))
        incident_id = st.text_input(_("Incident id"), key=keys.INCIDENT).strip()
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
            correct_form(ctx, store, row, user)


def correct_form(ctx, store, row, user) -> None:
    _ = ctx.words
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
            row, load_gazetteer(ctx.settings), place, point, actor1, actor2, fatalities
        )
        space = ctx.workspace()
        done = space.correct(row.incident_id, changes, signed_in_name())
        say_notes(space)
    except ConflictmapError as exc:
        failed(ctx, exc)
        return
    st.session_state[keys.CORRECTED] = _(
        "{id}: {count} field(s) corrected.", id=row.incident_id, count=done
    )
    st.rerun()
