"""The Factions page: the analyst's table of factions, colours and actors."""

from __future__ import annotations

import streamlit as st

from conflictmap.errors import ConflictmapError
from conflictmap.factions import save_factions
from conflictmap.i18n import N_
from conflictmap.ui import keys
from conflictmap.ui.context import current
from conflictmap.ui.feedback import failed, guarded


def page(ctx) -> None:
    factions = ctx.factions
    _ = ctx.words
    st.write(
        _(
            "Factions group actors. An actor belongs to the first faction whose actor name "
            "appears in it (longest name first). Colours are #RRGGBB."
        )
    )
    edited = st.data_editor(
        factions.table, num_rows="dynamic", width="stretch", key=keys.FACTION_TABLE
    )
    if st.button(_("Save factions")):
        try:
            save_factions(edited, ctx.settings.factions_file)
            st.success(_("Saved; the map uses the new groups."))
        except ConflictmapError as exc:
            failed(ctx, exc)


if __name__ == "__main__":  # run by st.navigation (app.py) as this page's script
    guarded(current(), N_("Factions"), page)
