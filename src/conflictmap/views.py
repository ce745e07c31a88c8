"""What the dashboard shows, computed without Streamlit (``app.py`` only renders it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from conflictmap import corrections
from conflictmap.errors import InputError
from conflictmap.factions import UNASSIGNED, Factions
from conflictmap.filters import Filters
from conflictmap.i18n import ENGLISH, N_, Wording
from conflictmap.i18n.catalogue import msg
from conflictmap.store import Query
from conflictmap.text import ID_MARK


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


def undated(filters: Filters) -> Filters:
    """The filters without their dates (what changed compares its own periods)."""
    return replace(filters, date_from=None, date_to=None)


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
    # the map index keeps text columns as categories: work on plain strings
    ids = members["incident_id"].astype(str)
    source_ids = members["source_event_id"].astype(object).replace("", None).fillna(ids)
    label = members["dataset"].astype(object).fillna("").astype(str) + " " + source_ids.astype(str)
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


def store_query(filters: Filters, factions: Factions, store) -> Query:
    """The part of the filters the store can run as SQL. Factions become the list of actor
    names that belong to the chosen factions (a superset: the exact faction rule is applied
    after reading); 'Unassigned' cannot be pushed down, so it reads all actors."""
    actors = None
    if filters.factions is not None and UNASSIGNED not in filters.factions:
        chosen = set(filters.factions)
        actors = tuple(a for a in store.distinct_actors() if factions.of_actor(a) in chosen)
    return Query(
        filters.date_from, filters.date_to, filters.event_types, filters.bbox(), actors=actors
    )


def clicked_incident(state: dict | None) -> str | None:
    """The id of the incident whose popup the analyst opened: the popup writes it between
    two invisible separators (``text.ID_MARK``), so neither the label's language nor
    an id such as "sheet:Idlib-3" can mislead; a popup without them (an older page) has
    "Id <id>" as its last row."""
    text = ((state or {}).get("last_object_clicked_popup") or "").strip()
    if text.count(ID_MARK) >= 2:
        return text.split(ID_MARK)[-2].strip() or None
    _, found, incident_id = text.rpartition("Id")
    return (incident_id.strip() or None) if found else None


def incident_facts(row, w: Wording = ENGLISH) -> pd.DataFrame:
    """An incident's fields as a two-column table (field, value), for the detail view,
    in the chosen language (names where known, dates in both calendars in Arabic)."""
    versus = f" {w('vs')} "
    sides = [w.name(x) for x in (row.faction1, row.faction2) if x]
    killed = w("unknown") if pd.isna(row.fatalities) else str(int(row.fatalities))
    shown = [
        (N_("Id"), row.incident_id),
        (N_("Dataset"), row.dataset),
        (N_("Dates"), w("{start} to {end}", start=w.day(row.event_date), end=w.day(row.end_date))),
        (N_("Event"), " / ".join(w.name(x) for x in (row.event_type, row.sub_event_type) if x)),
        (N_("Actors"), versus.join(w.name(x) for x in (row.actor1, row.actor2) if x)),
        (N_("Factions"), versus.join(sides) or w.name(UNASSIGNED)),
        (N_("Place"), ", ".join(w.name(x) for x in (row.location, row.admin1, row.country) if x)),
        (
            N_("Point"),
            w(
                "{lat}, {lon} (precision {precision})",
                lat=f"{row.latitude:.5f}",
                lon=f"{row.longitude:.5f}",
                precision=row.geo_precision,
            ),
        ),
        (N_("Geocoded by"), row.geocoded_by),
        (N_("Fatalities"), killed),
        (N_("Source"), row.source),
        (N_("Notes"), row.notes),
    ]
    table = pd.DataFrame([(w(k), v) for k, v in shown], columns=[w("field"), w("value")])
    return table.astype(str)


def reports_of(store, row) -> pd.DataFrame:
    """The other datasets' reports of the same event (linked either way)."""
    links = store.links()
    group = row.linked_to or row.incident_id
    mine = links.loc[(links["linked_to"] == group) & (links["incident_id"] != row.incident_id)]
    if row.linked_to:
        primary = pd.DataFrame([{"incident_id": row.linked_to, "linked_to": "(primary)"}])
        mine = pd.concat([primary, mine], ignore_index=True)
    return mine


def correction_changes(
    row, gazetteer, place: str, point: str, actor1: str, actor2: str, killed: str
) -> dict:
    """The form's entries as corrections (only what differs from the row)."""
    changes: dict = {}
    if place.strip():
        changes |= corrections.place(gazetteer, place, row.country or "")
    if point.strip():
        parts = [p.strip() for p in point.replace(";", ",").split(",")]
        if len(parts) != 2:
            raise InputError(
                msg(
                    "'{point}': write the point as latitude, longitude (35.02, 40.45).", point=point
                )
            )
        changes |= {"latitude": parts[0], "longitude": parts[1], "geocoded_by": "analyst"}
    for field, value in (("actor1", actor1), ("actor2", actor2)):
        if value.strip() != (getattr(row, field) or ""):
            changes[field] = value
    current = "" if pd.isna(row.fatalities) else str(int(row.fatalities))
    if killed.strip() != current:
        changes["fatalities"] = killed
    return changes


def drawn_area(drawings) -> tuple[tuple[float, float], ...] | None:
    """The last polygon or rectangle the analyst drew (st_folium's ``all_drawings``), as
    a closed (lon, lat) ring rounded to about a metre; None when there is none."""
    for feature in reversed(drawings or []):
        geometry = (feature or {}).get("geometry") or {}
        if geometry.get("type") == "Polygon" and geometry.get("coordinates"):
            ring = [(round(float(x), 5), round(float(y), 5)) for x, y in geometry["coordinates"][0]]
            if len(ring) >= 4:
                return tuple(ring)
    return None


TABLE_COLUMNS = (
    "incident_id",
    "event_date",
    "location",
    "actor1",
    "actor2",
    "faction",
    "event_type",
    "fatalities",
    "source",
    "notes",
)
SEARCHED = ("notes", "location", "actor1", "actor2", "source", "incident_id")


def incident_table(
    rows: pd.DataFrame, search: str = "", clicked: str | None = None, w: Wording = ENGLISH
):
    """The incidents as the table under the map shows them: the one clicked on the map
    first (marked), then newest first; ``search`` keeps rows whose notes, place, actors,
    source or id contain it (any case). Dates are days (no clock time), factions and
    event types in the language of ``w``, as the sidebar names them."""
    table = rows.reindex(columns=list(TABLE_COLUMNS)).copy()
    table["faction"] = table["faction"].astype(str)
    if search.strip():
        text = table[list(SEARCHED)].astype(str).agg(" ".join, axis=1)
        table = table.loc[text.str.contains(search.strip(), case=False, regex=False)]
    table.insert(0, "on map", table["incident_id"] == clicked)
    table = table.sort_values(["on map", "event_date"], ascending=[False, False])
    table["on map"] = table["on map"].map({True: "●", False: ""})
    table["event_date"] = pd.to_datetime(table["event_date"]).dt.strftime("%Y-%m-%d")
    for name in ("faction", "event_type"):
        table[name] = table[name].map(lambda v: w.name(v) if isinstance(v, str) else v)
    return table.reset_index(drop=True)


def selected_ids(selection, ids: list[str]) -> list[str]:
    """The incident ids of the table rows the analyst selected (st.dataframe's event)."""
    rows = ((selection or {}).get("selection") or {}).get("rows") or []
    return [ids[i] for i in rows if 0 <= i < len(ids)]
