"""What changed between two periods, as tables under the map."""

from __future__ import annotations

import streamlit as st

from conflictmap import (
    changes,
)
from conflictmap.csvfile import csv_bytes
from conflictmap.text import plain


def show_changes(ctx, frame, windows: changes.Windows, by: str, fresh) -> None:
    """The comparison as tables (and, on the map, the layer built from the same rows);
    ``fresh`` are the names first reported in the recent window (``changes.new_names``)."""
    _ = ctx.words
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
