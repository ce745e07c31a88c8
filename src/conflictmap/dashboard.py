"""What the dashboard shows, computed without Streamlit (``app.py`` only renders it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from conflictmap.factions import UNASSIGNED, Factions
from conflictmap.filters import Filters
from conflictmap.store import Query


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


def collapse_linked(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per event: reports linked to an incident in view fold into it, and its
    ``also_reported`` names them (dataset and the source's id)."""
    out = frame.assign(also_reported="")
    if "linked_to" not in frame.columns or frame["linked_to"].isna().all():
        return out
    members = frame[frame["linked_to"].notna() & frame["linked_to"].isin(frame["incident_id"])]
    label = (
        members["dataset"].fillna("")
        + " "
        + members["source_event_id"]
        .fillna(members["incident_id"])
        .replace("", None)
        .fillna(members["incident_id"])
    )
    names = label.groupby(members["linked_to"]).agg("; ".join)
    out = out.drop(index=members.index)
    out["also_reported"] = out["incident_id"].map(lambda i: names.get(i, ""))
    return out


def store_query(filters: Filters, factions: Factions, store) -> Query:
    """The part of the filters the store can run as SQL. Factions become the list of actor
    names that belong to the chosen factions (a superset: the exact faction rule is applied
    after reading); 'Unassigned' cannot be pushed down, so it reads all actors."""
    actors = None
    if filters.factions is not None and UNASSIGNED not in filters.factions:
        chosen = set(filters.factions)
        actors = tuple(a for a in store.distinct_actors() if factions.of_actor(a) in chosen)
    return Query(filters.date_from, filters.date_to, filters.event_types, actors=actors)
