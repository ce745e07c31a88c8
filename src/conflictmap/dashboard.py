"""What the dashboard shows, computed without Streamlit (``app.py`` only renders it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from conflictmap.factions import Factions
from conflictmap.filters import Filters


@dataclass(frozen=True)
class Summary:
    incidents: int
    fatalities: int
    first: dt.date | None
    last: dt.date | None
    illustrative: int


def with_factions(frame: gpd.GeoDataFrame, factions: Factions) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(factions.assign(frame), geometry="geometry", crs=frame.crs)


def summarise(frame: pd.DataFrame) -> Summary:
    if frame.empty:
        return Summary(0, 0, None, None, 0)
    marked = frame["notes"].fillna("").str.contains("[ILLUSTRATIVE", regex=False)
    return Summary(
        len(frame),
        int(frame["fatalities"].fillna(0).sum()),
        frame["event_date"].min().date(),
        frame["end_date"].max().date(),
        int(marked.sum()),
    )


def date_bounds(frame: pd.DataFrame) -> tuple[dt.date, dt.date]:
    if frame.empty:
        today = dt.date.today()
        return today - dt.timedelta(days=30), today
    return frame["event_date"].min().date(), frame["end_date"].max().date()


def event_types(frame: pd.DataFrame) -> list[str]:
    return sorted(t for t in frame["event_type"].dropna().unique() if t)


def apply(frame: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    return frame.loc[filters.mask(frame)]


def view_bounds(state: dict | None) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of the map the analyst sees, from st_folium's answer."""
    bounds = (state or {}).get("bounds") or {}
    south_west, north_east = bounds.get("_southWest") or {}, bounds.get("_northEast") or {}
    try:
        view = (
            float(south_west["lat"]),
            float(south_west["lng"]),
            float(north_east["lat"]),
            float(north_east["lng"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
    return view if view[0] < view[2] and view[1] < view[3] else None
