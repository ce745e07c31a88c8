"""The Map page: metrics, the map, the table, one incident, snapshots, the timeline and
the downloads, all following the sidebar's filters.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from conflictmap import (
    areas,
    changes,
    share,
    timeline,
    views,
)
from conflictmap.i18n import N_
from conflictmap.maps import changes as changes_map
from conflictmap.maps.base import MapSpec
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.components.changes import show_changes
from conflictmap.ui.components.downloads import show_downloads
from conflictmap.ui.components.incident import show_incident
from conflictmap.ui.components.mapview import show_map
from conflictmap.ui.components.snapshot import show_snapshot
from conflictmap.ui.components.table import show_table
from conflictmap.ui.context import current
from conflictmap.ui.feedback import guarded
from conflictmap.ui.sidebar import playback_start, read_changes, read_filters, read_look


def show_metrics(ctx, summary) -> None:
    _ = ctx.words
    a, b, c = st.columns(3)
    a.metric(
        _("Incidents"),
        f"{summary.incidents:,}",
        help=_("Events on the map: reports linked across datasets count once."),
    )
    b.metric(_("Reported fatalities"), f"{summary.fatalities:,}")
    c.metric(_("Illustrative (not real)"), f"{summary.illustrative:,}")


def map_spec(ctx, look, units) -> MapSpec:
    """What the map shows besides the incidents, from the sidebar's look."""
    return MapSpec(
        tiles=look.basemap,
        heat=look.heat,
        cluster=look.cluster,
        uncertain=look.uncertain,
        aggregate="areas" if units else look.aggregate,
        measure=look.measure,
        bounds=st.session_state.get(keys.LINK_VIEW),  # a shared link's extent, else all
        words=ctx.words,
        region=ctx.settings.region,
    )


def write_link(ctx, filters, look, spec: MapSpec, first, last) -> None:
    """The address bar follows the view, so that it can be sent as a link."""
    st.query_params.from_dict(
        {
            **share.to_params(
                filters,
                first,
                last,
                st.session_state.get(keys.VIEW) or spec.bounds,
                st.session_state.get(keys.INCIDENT, ""),
            ),
            **share.look_params(look, ctx.settings.tiles),
        }
    )


def with_units(ctx, frame, shown, units):
    """``shown`` with the area of each incident, found once per store version for the
    whole index (a million points in polygons: about a second)."""
    key = (units.layer, units.codes, units.names)
    assigned = ctx.kept(
        "units",
        key,
        lambda: pd.Series(units.assign(frame["longitude"], frame["latitude"]), index=frame.index),
    )
    return shown.assign(**{areas.unit_column(units): assigned.loc[shown.index].to_numpy()})


def change_overlays(ctx, frame, filters, compared):
    """What changed, over every date with the other filters: the incidents it compares
    and a maker of fresh map layers (one for each map they go on: screen, snapshot)."""
    if not compared:
        return None, list
    undated = views.collapse_linked(views.apply(frame, views.undated(filters)))
    fresh = set(new_names(ctx, undated, filters, compared[0]).query("kind == 'place'")["name"])
    places = changes.by_place(undated, compared[0])
    return undated, lambda: [changes_map.change_layer(places, fresh, compared[0], ctx.words)]


def new_names(ctx, undated, filters, windows):
    """The actors and places first reported in the recent window (once per store version,
    filters and windows: at a million incidents they take a second)."""
    key = (views.undated(filters), windows)
    return ctx.kept("new names", key, lambda: changes.new_names(undated, windows))


def show_timeline(ctx, shown, factions) -> None:
    _ = ctx.words
    measure = st.radio(_("Timeline"), ["events", "fatalities"], horizontal=True, format_func=_)
    data = timeline.timeline(shown)
    if len(data):
        st.altair_chart(timeline.chart(data, factions.colours, measure, _), width="stretch")


def map_page(ctx, frame, factions, store, user) -> None:
    _ = ctx.words
    filters = read_filters(ctx, frame, factions)
    matched = views.apply(frame, filters)  # every report: exports carry them all
    shown = views.collapse_linked(matched)  # one dot per event on the map
    summary = views.summarise(shown)
    show_metrics(ctx, summary)
    boundaries = areas.boundary_layers(ctx.settings)  # read once per run
    look = read_look(ctx, boundaries)
    units = boundaries.get(look.aggregate)
    if units is not None:
        shown = with_units(ctx, frame, shown, units)
    spec = map_spec(ctx, look, units)
    started = playback_start(look, filters)
    look = replace(look, at=st.session_state.get(keys.PLAYBACK_AT, 0), lang=_.lang)
    first, last = views.date_bounds(frame)
    write_link(ctx, filters, look, spec, first, last)
    timing = (filters.date_from, filters.date_to, started) if started else None
    compared = read_changes(ctx, filters, first, last)
    undated, overlays = change_overlays(ctx, frame, filters, compared)
    show_map(ctx, shown, frame, factions, spec, store, timing, units, overlays())
    if compared:
        show_changes(ctx, undated, *compared, new_names(ctx, undated, filters, compared[0]))
    st.caption(plain(filters.describe(_)), help=_("This sentence is written into every export."))
    show_table(ctx, shown, factions, filters, store)
    if done := st.session_state.pop(keys.CORRECTED, None):
        st.success(plain(done))
    show_incident(ctx, store, factions, user)
    show_snapshot(ctx, shown, factions, filters, spec, store, timing, units, overlays)
    if summary.illustrative:
        st.info(
            plain(
                _(
                    "{count} of these incidents are illustrative sample data (notes start "
                    "with [ILLUSTRATIVE]); they are not real events.",
                    count=summary.illustrative,
                )
            )
        )
    show_timeline(ctx, shown, factions)
    show_downloads(ctx, store, factions, filters, spec, units)


def page(ctx) -> None:
    _ = ctx.words
    frame = ctx.index()
    st.caption(plain(_("Store: {url} · {count} incidents", url=ctx.url, count=f"{len(frame):,}")))
    try:
        map_page(ctx, frame, ctx.factions, ctx.store, ctx.user)
    finally:
        keys.remember_widgets()  # for after a visit to another page


if __name__ == "__main__":  # run by st.navigation (app.py) as this page's script
    guarded(current(), N_("Map"), page)
