"""What the map draws for a view: incidents one by one, hexagons or counts per area
(``incident_layers``), and the whole map of an export or a snapshot (``full_map``).
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd

from conflictmap import areas, hexbins
from conflictmap.assets import localise
from conflictmap.factions import Factions
from conflictmap.maps import choropleth
from conflictmap.maps.base import MAX_MARKERS, MapSpec, base_map, extent, set_view
from conflictmap.maps.hexagons import hexagon_heat_layer, hexagon_layer
from conflictmap.maps.incidents import area_layer, heat_layer, incident_layer
from conflictmap.maps.legend import Legend, legend_html


@dataclass
class Drawn:
    """What the map draws for a view: the layers, the factions present, and — when the
    view holds more than MAX_MARKERS incidents — the sentence saying what a hexagon is."""

    layers: list
    present: list[str]
    hexagons: str = ""
    in_view: int = 0
    heat: object = None  # makes the heat layer (the dashboard draws it only when switched on)
    table: pd.DataFrame | None = None  # counts per area, when the map shows areas
    precisions: frozenset = frozenset()  # the place precisions drawn one by one


def incident_layers(
    frame: pd.DataFrame,
    factions: Factions,
    spec: MapSpec,
    view: tuple[float, float, float, float] | None = None,
    width_px: int = 1000,
    fetch=None,
    units=None,
    around: tuple[float, float, float, float] | None = None,
) -> Drawn:
    """The incidents of a view: one circle each when they are at most MAX_MARKERS, else
    counted in H3 hexagons sized to the view's scale (always, with ``aggregate`` set to
    hexagons), or counted per area of ``units`` (a boundary file) as a choropleth.
    ``frame`` may be the map index (``mapindex``); ``fetch`` then reads the whole rows of
    the incidents drawn one by one (their popups need every field). ``around`` (a box
    holding the view, see ``hexbins.drawn_box``) is what is drawn and counted: a pan
    within it changes nothing on the map."""
    if not spec.uncertain:  # hidden: neither drawn nor counted in hexagons
        frame = frame.loc[frame["geo_precision"].fillna(1) < 2]
    around = around or view
    box = hexbins.in_view(frame, around)
    inside = frame if box.all() else frame.loc[box]  # the whole store in view: no copy
    seen = int(hexbins.in_view(frame, view).sum()) if view else len(frame)  # in view itself
    present = [str(f) for f in inside["faction"].dropna().unique()]  # a category: by its codes
    w = spec.words
    if spec.aggregate == "areas" and units is not None:
        table = areas.count(units, frame)  # every unit, whatever the view
        layer = choropleth.choropleth_layer(units, table, spec.measure, w)
        return Drawn([layer], present, in_view=seen, table=table)
    if len(inside) <= MAX_MARKERS and spec.aggregate != "hexagons":
        # all of them when they all fit: the layer is then the same wherever the analyst
        # pans, so a pan (a popup's own auto-pan too) does not redraw it and close the popup
        chosen = frame if len(frame) <= MAX_MARKERS else inside
        rows = fetch(chosen) if fetch is not None else chosen
        return Drawn(
            incident_layer(rows, factions, spec.cluster, spec.uncertain, w),
            present,
            in_view=seen,
            heat=lambda: heat_layer(rows, spec.heat, w),
            precisions=frozenset(rows["geo_precision"].fillna(1).astype(int).clip(1, 3)),
        )
    bounds = view or extent(inside)
    resolution = hexbins.resolution_for(hexbins.metres_per_pixel(bounds, width_px))
    hexagons = hexbins.count(inside, resolution)
    why = (
        w("counted in hexagons as chosen")
        if len(inside) <= MAX_MARKERS
        else w("more than the {most} drawn one by one", most=f"{MAX_MARKERS:,}")
    )
    key = w(
        "{count} incidents in and around the view, {why}: each hexagon (H3 level {level}, "
        "edge about {km} km) "
        "counts the incidents in it, coloured by the faction with most of them, darker with "
        "more; click one for the figures by faction. Zoom in or filter to see single incidents.",
        count=f"{len(inside):,}",
        why=why,
        level=resolution,
        km=f"{hexbins.edge_km(resolution):.1f}",
    )
    return Drawn(
        [hexagon_layer(hexagons, factions, w)],
        present,
        key,
        len(inside),
        heat=lambda: hexagon_heat_layer(hexagons, spec.heat, w),
    )


def full_map(
    frame: pd.DataFrame,
    factions: Factions,
    spec: MapSpec,
    caption: list[str] = (),
    context=(),
    width_px: int = 1000,
    fetch=None,
    area=None,
    units=None,
) -> folium.Map:
    """Everything in one map (HTML export, snapshots): base, layers, legend with caption.
    The view (``spec.bounds``) decides, as on the dashboard, between circles and
    hexagons."""
    fmap = base_map(spec, context)
    drawn = incident_layers(frame, factions, spec, spec.bounds, width_px, fetch, units)
    extra = [area_layer(area, spec.words)] if area else []
    for layer in [*drawn.layers, *([drawn.heat()] if drawn.heat else []), *extra]:
        layer.add_to(fmap)
    fmap.add_child(
        Legend(
            legend_html(
                factions,
                drawn.present,
                caption,
                drawn.hexagons,
                spec.uncertain,
                spec.words,
                drawn.precisions,
            )
        )
    )
    folium.LayerControl(collapsed=False).add_to(fmap)
    set_view(fmap, frame, spec)
    return localise(fmap)
