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
    if "illustrative" in frame.columns:  # the map index computed it
        marked = frame["illustrative"]
    else:
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


def view_width(state: dict | None) -> int:
    """The map's width in pixels, from its bounds and zoom (st_folium's answer)."""
    view, zoom = view_bounds(state), (state or {}).get("zoom")
    if view is None or not isinstance(zoom, int | float):
        return 1000
    return max(100, round((view[3] - view[1]) / 360 * 256 * 2**zoom))


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
    mapped = out["incident_id"].map(names)
    out["also_reported"] = mapped.astype(object).where(mapped.notna(), "")
    return out


def full_rows(store, factions: Factions, chosen: pd.DataFrame) -> gpd.GeoDataFrame:
    """The whole stored rows of some index rows (for popups), with their factions and the
    other datasets' reports folded into them."""
    rows = store.read_ids(chosen["incident_id"].tolist())
    rows = with_factions(rows, factions)
    if "also_reported" in chosen.columns:
        rows["also_reported"] = rows["incident_id"].map(
            chosen.set_index("incident_id")["also_reported"]
        )
    return rows


def matching_rows(store, factions: Factions, filters: Filters) -> gpd.GeoDataFrame:
    """Every stored row the filters keep, whole (for exports): the store runs what it can
    as SQL, the exact faction rule runs here."""
    rows = with_factions(store.read(store_query(filters, factions, store)), factions)
    return rows.loc[filters.mask(rows)]


def store_query(filters: Filters, factions: Factions, store) -> Query:
    """The part of the filters the store can run as SQL. Factions become the list of actor
    names that belong to the chosen factions (a superset: the exact faction rule is applied
    after reading); 'Unassigned' cannot be pushed down, so it reads all actors."""
    actors = None
    if filters.factions is not None and UNASSIGNED not in filters.factions:
        chosen = set(filters.factions)
        actors = tuple(a for a in store.distinct_actors() if factions.of_actor(a) in chosen)
    return Query(filters.date_from, filters.date_to, filters.event_types, actors=actors)
