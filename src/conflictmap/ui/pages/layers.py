"""The Layers page: the reference layers drawn under the incidents, and adding one."""

from __future__ import annotations

import streamlit as st

from conflictmap.errors import ConflictmapError
from conflictmap.i18n import N_
from conflictmap.layers import find_layers, save_upload
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.context import current
from conflictmap.ui.feedback import failed, guarded


def page(ctx) -> None:
    _ = ctx.words
    st.write(
        _(
            "Reference layers are drawn under the incidents (and in snapshots), each with "
            "its name in the layer control. Put GeoJSON, GeoPackage or zipped shapefiles "
            "in geo/layers/, or upload one here. A layer of polygons with names (boundaries "
            "of governorates, districts, sub-districts) can count incidents per area."
        )
    )
    for layer in find_layers(ctx.settings):
        st.text(f"• {layer.name}")
    round_ = st.session_state.setdefault(keys.LAYER_ROUND, 0)
    upload = st.file_uploader(
        _("Add a layer"), type=["geojson", "json", "gpkg", "zip"], key=f"layer-{round_}"
    )
    if upload is not None:
        try:
            layer = save_upload(upload.getvalue(), upload.name, ctx.settings)
        except ConflictmapError as exc:
            failed(ctx, exc)
            return
        st.session_state[keys.LAYER_ROUND] = round_ + 1
        st.session_state[keys.LAYER_ADDED] = layer.name
        st.rerun()
    if added := st.session_state.pop(keys.LAYER_ADDED, None):
        st.success(plain(_("Added the layer {name}.", name=added)))


if __name__ == "__main__":  # run by st.navigation (app.py) as this page's script
    guarded(current(), N_("Layers"), page)
