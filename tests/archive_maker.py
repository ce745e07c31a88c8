"""A small PMTiles archive made by the tests themselves: over a box, at every zoom up to
``deepest``, an "earth" layer covering each tile and a "water" square in its middle
(protomaps' light style draws earth and water in colours of its own)."""

from __future__ import annotations

import math
from pathlib import Path

import mapbox_vector_tile
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from shapely.geometry import box

EXTENT = 4096  # a vector tile's own coordinates


def _tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(x, n - 1), min(y, n - 1)


def make_archive(path: Path, west=39.5, south=33.8, east=41.8, north=35.6, deepest=9) -> int:
    layers = [
        {"name": "earth", "features": [{"geometry": box(0, 0, EXTENT, EXTENT), "properties": {}}]},
        {
            "name": "water",
            "features": [{"geometry": box(1024, 1024, 3072, 3072), "properties": {"kind": "lake"}}],
        },
    ]
    data = mapbox_vector_tile.encode(layers)
    ids = []
    for zoom in range(deepest + 1):
        (x0, y0), (x1, y1) = _tile(west, north, zoom), _tile(east, south, zoom)
        ids += [zxy_to_tileid(zoom, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    with path.open("wb") as out:
        writer = Writer(out)
        for tile_id in sorted(ids):
            writer.write_tile(tile_id, data)
        e7 = lambda degrees: int(degrees * 10_000_000)  # noqa: E731
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.NONE,
                "min_zoom": 0,
                "max_zoom": deepest,
                "min_lon_e7": e7(west),
                "min_lat_e7": e7(south),
                "max_lon_e7": e7(east),
                "max_lat_e7": e7(north),
                "center_zoom": 7,
                "center_lon_e7": e7((west + east) / 2),
                "center_lat_e7": e7((south + north) / 2),
            },
            {"vector_layers": [{"id": "earth", "fields": {}}, {"id": "water", "fields": {}}]},
        )
    return len(ids)
