"""Counting incidents in H3 hexagons, on the server, for views too full to draw one by one.

The size of the hexagons follows the map's scale (about 30 pixels across), so a view
never holds more than a couple of thousand of them however many incidents it covers.
Each hexagon carries its incidents and reported fatalities, split by faction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from h3.api import basic_int as h3

from conflictmap.counting import numbered
from conflictmap.mapindex import CELL_RESOLUTION, cells_of, parent_cells

COARSEST = 3
HEX_PIXELS = 30  # a hexagon's width on screen, about
_EDGES = {
    r: h3.average_hexagon_edge_length(r, unit="m") for r in range(COARSEST, CELL_RESOLUTION + 1)
}


def metres_per_pixel(bounds: tuple[float, float, float, float], width_px: int) -> float:
    """Ground metres per screen pixel across a (south, west, north, east) view."""
    south, west, north, east = bounds
    middle = math.radians((south + north) / 2)
    return max(east - west, 1e-6) * 111_320 * math.cos(middle) / max(width_px, 1)


def resolution_for(metres_per_px: float) -> int:
    """The H3 level whose hexagons are about ``HEX_PIXELS`` wide at this scale."""
    edge = HEX_PIXELS * metres_per_px / 2  # a hexagon is two edges wide
    return min(_EDGES, key=lambda r: abs(math.log(_EDGES[r] / edge)))


def edge_km(resolution: int) -> float:
    return _EDGES[resolution] / 1000


def in_view(frame: pd.DataFrame, bounds: tuple[float, float, float, float] | None) -> np.ndarray:
    if bounds is None:
        return np.ones(len(frame), dtype=bool)
    south, west, north, east = bounds
    lat, lon = frame["latitude"].to_numpy(), frame["longitude"].to_numpy()
    return (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)


def drawn_box(view, last=None) -> tuple[float, float, float, float] | None:
    """The box whose incidents a view draws: the view widened by a grid step of its own
    size on each side, kept while later views stay inside it at the same scale. A pan
    (a popup's own auto-pan too) then redraws nothing, so an open popup stays open."""
    if view is None:
        return None
    south, west, north, east = view
    if last is not None:
        l_south, l_west, l_north, l_east = last
        inside = l_south <= south and north <= l_north and l_west <= west and east <= l_east
        ratio = (l_east - l_west) / max(east - west, 1e-9)
        if inside and 2.0 <= ratio <= 6.0:
            return tuple(last)

    def widened(low: float, high: float, limit: float) -> tuple[float, float]:
        step = 2.0 ** math.floor(math.log2(max(high - low, 1e-6)))
        return (
            max(math.floor(low / step) * step - step, -limit),
            min(math.ceil(high / step) * step + step, limit),
        )

    (south, north), (west, east) = widened(south, north, 90.0), widened(west, east, 180.0)
    return south, west, north, east


@dataclass(frozen=True)
class Hexagons:
    """Per hexagon: the H3 cell, incidents, fatalities, and both per faction."""

    resolution: int
    cells: np.ndarray  # uint64
    incidents: np.ndarray
    fatalities: np.ndarray
    factions: list[str]
    by_faction: np.ndarray  # hexagons x factions: incidents
    fatalities_by_faction: np.ndarray

    def __len__(self) -> int:
        return len(self.cells)

    def leading(self) -> list[str]:
        """The faction with most incidents in each hexagon."""
        if not len(self):
            return []
        return [self.factions[i] for i in self.by_faction.argmax(axis=1)]

    def boundary(self, i: int) -> list[list[float]]:
        """The hexagon's outline as a closed GeoJSON ring of [lon, lat]."""
        ring = [
            [round(lon, 5), round(lat, 5)] for lat, lon in h3.cell_to_boundary(int(self.cells[i]))
        ]
        return [*ring, ring[0]]

    def centre(self, i: int) -> tuple[float, float]:
        return h3.cell_to_latlng(int(self.cells[i]))


def count(frame: pd.DataFrame, resolution: int) -> Hexagons:
    """Aggregate rows (``faction``, ``fatalities`` and the map index's ``cell``, worked out
    from latitude and longitude for rows read whole from the store) into hexagons."""
    faction = frame["faction"].astype("category")
    names = [str(c) for c in faction.cat.categories]
    codes = faction.cat.codes.to_numpy()
    if "cell" in frame.columns:
        cell = frame["cell"].to_numpy()
    else:
        cell = cells_of(frame["latitude"].to_numpy(), frame["longitude"].to_numpy())
    located = cell != 0
    parents = parent_cells(cell[located], resolution)
    cells, where = numbered(parents)
    killed = frame["fatalities"].fillna(0).to_numpy(dtype="float64")[located]
    codes = codes[located]
    width = max(len(names), 1)
    by_faction = np.bincount(where * width + codes, minlength=len(cells) * width)
    killed_by = np.bincount(where * width + codes, weights=killed, minlength=len(cells) * width)
    return Hexagons(
        resolution,
        cells,
        np.bincount(where, minlength=len(cells)),
        np.bincount(where, weights=killed, minlength=len(cells)).astype("int64"),
        names,
        by_faction.reshape(len(cells), width),
        killed_by.reshape(len(cells), width).astype("int64"),
    )
