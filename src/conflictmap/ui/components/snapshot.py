"""The view on screen as a PNG, PDF, HTML page or animated GIF (headless Chromium)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from conflictmap import (
    snapshot,
    views,
)
from conflictmap.errors import ConflictmapError
from conflictmap.filters import Filters
from conflictmap.maps.base import MapSpec
from conflictmap.maps.context import context_layers
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.feedback import failed, following


def show_snapshot(
    ctx, shown, factions, filters: Filters, spec: MapSpec, store, timing, units, overlays
) -> None:
    """The view on screen as a picture: same filters, layers, areas, window, language."""
    _ = ctx.words
    with st.expander(
        _("Snapshot: this view as PNG, PDF, HTML or an animated GIF"),
        icon=":material/photo_camera:",
    ):
        size_col, scale_col, title_col = st.columns([2, 1, 3])
        size = size_col.selectbox(_("Size"), list(snapshot.SIZES))
        scale = scale_col.radio(_("Scale"), [1, 2], format_func=lambda s: f"{s}×", horizontal=True)
        title = title_col.text_input(_("Title"), _("conflictmap: incidents"))
        shot = snapshot.SnapshotSpec(*snapshot.SIZES[size], float(scale), title)
        view = st.session_state.get(keys.VIEW)
        map_spec = replace(spec, bounds=view) if view else spec
        paused = None
        if timing is not None:  # the frame the map is paused on
            paused = replace(timing[2], at=st.session_state.get(keys.PLAYBACK_AT, 0))
        page = lambda: snapshot.snapshot_html(  # noqa: E731
            shown,
            factions,
            filters,
            map_spec,
            shot,
            context_layers(ctx.settings, _),
            lambda chosen: views.full_rows(store, factions, chosen),
            paused,
            units=units,
            words=_,
            overlays=overlays(),
        )
        left, right = st.columns(2)
        if left.button(_("Snapshot"), type="primary"):
            take_snapshot(ctx, page(), shot, len(shown))
        if paused and right.button(_("Animated GIF of the playback")):
            animate(ctx, page(), shot)
        if made := st.session_state.get(keys.SNAPSHOT):
            offer_snapshot(ctx, *made, shot)
        if gif := st.session_state.get(keys.ANIMATION):
            st.image(gif, caption=_("Playback, frame by frame"))
            st.download_button(_("Download GIF"), gif, "conflictmap-playback.gif", "image/gif")


def take_snapshot(ctx, page: str, shot, count: int) -> None:
    _ = ctx.words
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
    st.session_state[keys.SNAPSHOT] = (png, page.encode("utf-8"))


def animate(ctx, page: str, shot) -> None:
    _ = ctx.words
    bar = st.progress(0.0, _("Starting headless Chromium…"))
    try:
        made = snapshot.animate(page, shot, progress=following(ctx, bar))
    except ConflictmapError as exc:
        bar.empty()
        failed(ctx, exc)
        return
    frames = made.text.count("\n") + 1
    done = _(
        "Animation made: {frames} frames, {size} MB",
        frames=frames,
        size=f"{len(made.data) / 1e6:.1f}",
    )
    bar.progress(1.0, plain(done))
    st.session_state[keys.ANIMATION] = made.data


def offer_snapshot(ctx, png: bytes, page: bytes, shot) -> None:
    _ = ctx.words
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
