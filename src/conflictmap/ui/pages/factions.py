"""The Factions page: the analyst's factions (name and colour, once each) and the actors
in them, each put in a faction picked from the list (a typo never makes a new one)."""

from __future__ import annotations

import streamlit as st

from conflictmap.errors import ConflictmapError
from conflictmap.factions import (
    ACTOR_TYPES,
    actors_of,
    groups_of,
    joined,
    save_factions,
    shared_colours,
    with_seed_actors,
)
from conflictmap.i18n import N_
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.context import current
from conflictmap.ui.feedback import failed, guarded

COLOUR = r"^#[0-9a-fA-F]{6}$"


def page(ctx) -> None:
    factions = ctx.factions
    _ = ctx.words
    st.write(
        _(
            "Factions group actors. An actor belongs to the first faction whose actor name "
            "appears in it (longest name first). Colours are #RRGGBB."
        )
    )
    st.subheader(_("Factions"))
    groups = st.data_editor(
        groups_of(factions.table),
        num_rows="dynamic",
        width="stretch",
        key=keys.FACTION_GROUPS,
        column_config={
            "faction": st.column_config.TextColumn(_("faction"), required=True),
            "colour": st.column_config.TextColumn(
                _("colour"), required=True, validate=COLOUR, default="#7f8c8d"
            ),
        },
    )
    for colour, names in shared_colours(groups.dropna()):
        st.warning(
            plain(
                _(
                    "{names} share the colour {colour}: the map cannot tell them apart. "
                    "Give each its own.",
                    names=", ".join(names),
                    colour=colour,
                )
            )
        )
    names = [n for n in groups["faction"].dropna().astype(str).str.strip() if n]
    st.subheader(_("Actors"))
    actors = st.data_editor(
        actors_of(factions.table),
        num_rows="dynamic",
        width="stretch",
        key=keys.FACTION_TABLE,
        column_config={
            "actor": st.column_config.TextColumn(_("actor"), required=True),
            "faction": st.column_config.SelectboxColumn(_("faction"), options=names, required=True),
            "actor_type": st.column_config.SelectboxColumn(
                _("ACLED actor type"), options=ACTOR_TYPES
            ),
        },
    )
    grown, missing = with_seed_actors(factions.table)
    if missing and st.button(
        _("Add the region's {count} actor names that this table lacks", count=missing)
    ):
        try:
            save_factions(grown, ctx.settings.factions_file)
            st.success(_("Added; your own rows and colours are kept."))
            st.rerun()
        except ConflictmapError as exc:
            failed(ctx, exc)
    if st.button(_("Save factions")):
        try:
            save_factions(joined(groups, actors), ctx.settings.factions_file)
            st.success(_("Saved; the map uses the new groups."))
        except ConflictmapError as exc:
            failed(ctx, exc)


if __name__ == "__main__":  # run by st.navigation (app.py) as this page's script
    guarded(current(), N_("Factions"), page)
