"""The filtered incidents as CSV, GeoJSON, GeoPackage or an HTML map; whole rows are
read from the store when a button is pressed, not before.
"""

from __future__ import annotations

import streamlit as st

from conflictmap import (
    export,
)
from conflictmap.filters import Filters
from conflictmap.maps.base import MapSpec
from conflictmap.maps.context import context_layers


def show_downloads(ctx, store, factions, filters: Filters, spec: MapSpec, units) -> None:
    """Whole rows are read from the store when a button is pressed, not before."""
    _ = ctx.words
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
                ctx.workspace().matching_rows(filters, factions),
                fmt,
                factions,
                filters,
                spec,
                context_layers(ctx.settings, _),
                units,
                words=_,
            ),
        )
