"""Exports of the filtered incidents: CSV, GeoJSON, GeoPackage and a standalone HTML map.

Every export states the filters that produced it: a ``#`` first line in CSV (our
import skips it), a ``conflictmap`` member in GeoJSON, the layer description in
GeoPackage, and the legend caption in HTML.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from conflictmap.csvfile import csv_bytes
from conflictmap.factions import Factions
from conflictmap.filters import Filters
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.schema import NAMES

if TYPE_CHECKING:  # the maps are imported by the HTML export alone (folium takes 0.2 s)
    from conflictmap.maps.base import MapSpec

FORMATS = ("csv", "geojson", "gpkg", "html")
EXTRA = ("faction", "faction1", "faction2", "linked_to")


def stamp(filters: Filters, count: int, w: Wording = ENGLISH) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    made = w("conflictmap export, {time}: {count} incidents.", time=now, count=count)
    return f"{made} {filters.describe(w)}"


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in (*NAMES, *EXTRA) if c in frame.columns]
    out = pd.DataFrame(frame[columns]).copy()
    for name in ("event_date", "end_date"):
        out[name] = pd.to_datetime(out[name]).dt.strftime("%Y-%m-%d")
    return out


def to_csv(frame: pd.DataFrame, filters: Filters, w: Wording = ENGLISH) -> bytes:
    out = _table(frame)
    return csv_bytes(out, comment=stamp(filters, len(out), w))


def to_geojson(frame: gpd.GeoDataFrame, filters: Filters, w: Wording = ENGLISH) -> bytes:
    out = gpd.GeoDataFrame(_table(frame), geometry=frame.geometry.values, crs="EPSG:4326")
    data = json.loads(out.to_json(na="null", drop_id=True))
    data["conflictmap"] = {
        "description": stamp(filters, len(out), w),
        "filters": filters.to_dict(),
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def to_gpkg(frame: gpd.GeoDataFrame, filters: Filters, w: Wording = ENGLISH) -> bytes:
    out = gpd.GeoDataFrame(_table(frame), geometry=frame.geometry.values, crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents.gpkg"
        out.to_file(
            path,
            layer="incidents",
            driver="GPKG",
            engine="pyogrio",
            layer_options={"DESCRIPTION": stamp(filters, len(out), w)},
        )
        return path.read_bytes()


def to_html(
    frame: pd.DataFrame,
    factions: Factions,
    filters: Filters,
    spec: MapSpec | None = None,
    context=(),
    units=None,
    words: Wording | None = None,
) -> bytes:
    """The standalone map (``spec``'s view, in ``words``' language when given)."""
    from conflictmap.assets import inline
    from conflictmap.maps.archive import is_archive
    from conflictmap.maps.base import MapSpec
    from conflictmap.maps.compose import full_map

    spec = spec or MapSpec()
    if words is not None:
        spec = replace(spec, words=words)
    w = spec.words
    sources = sorted(
        {
            s.strip()
            for v in frame.get("source", pd.Series(dtype=str)).dropna()
            for s in str(v).split(";")
            if s.strip()
        }
    )
    listed = "; ".join(sources[:8]) + (" ..." if len(sources) > 8 else "")
    caption = [stamp(filters, len(frame), w), w("Sources: {sources}", sources=listed or w("none"))]
    if is_archive(spec.tiles):  # a whole archive does not fit in one file
        spec = replace(spec, tiles="none")
        caption.append(w("Basemap: the offline one (a PMTiles archive is not carried in a file)."))
    fmap = full_map(frame, factions, spec, caption, context, area=filters.area, units=units)
    return inline(fmap.get_root().render()).encode("utf-8")


def export(
    frame,
    fmt: str,
    factions: Factions,
    filters: Filters,
    spec: MapSpec | None = None,
    context=(),
    units=None,
    words: Wording = ENGLISH,
) -> bytes:
    """The rows as a file; its description (filters, count, time) in ``words``' language."""
    if fmt == "csv":
        return to_csv(frame, filters, words)
    if fmt == "geojson":
        return to_geojson(frame, filters, words)
    if fmt == "gpkg":
        return to_gpkg(frame, filters, words)
    if fmt == "html":
        return to_html(frame, factions, filters, spec, context, units, words)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
