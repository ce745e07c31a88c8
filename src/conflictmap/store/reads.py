"""The store's reads, in SQL both dialects speak: the whole rows a filter selects, the
map index's columns, batches, versions, and the ids a dataset's refresh covers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from conflictmap.gazetteer.learned import LEARN_DATASETS_SQL, LEARN_SQL, Learned, learn
from conflictmap.schema import BY_NAME, FLOAT, INT, NAMES

ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")


ACTORS_SQL = " UNION ".join(f"SELECT {c} FROM incidents WHERE {c} <> ''" for c in ACTOR_COLUMNS)


WHOLE_ROW = f"{', '.join(NAMES)}, batch_id, linked_to"


@dataclass(frozen=True)
class Query:
    """The part of the filters a store runs itself (SQL), before anything is loaded."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    actors: tuple[str, ...] | None = None  # rows naming one of these in any actor column


def to_geoframe(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    frame = frame.copy()
    for name in ("event_date", "end_date"):
        frame[name] = pd.to_datetime(frame[name], errors="coerce")
    for name in NAMES:
        kind = BY_NAME[name].kind
        if kind == INT:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
        elif kind == FLOAT:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


class Reads:
    """Reading the store (mixed into ``SqlStore``, which supplies ``run`` and ``frame``)."""

    def find_batch(self, sha256: str) -> int | None:
        row = self.run(
            "SELECT min(id) FROM batches WHERE sha256 = ? AND undone_at IS NULL", (sha256,)
        ).fetchone()
        return row[0] if row else None

    def version(self) -> tuple:
        """Changes whenever a batch lands or is undone, a link is split or a field corrected."""
        last, undone = self.run(
            "SELECT coalesce(max(id), 0), count(undone_at) FROM batches"
        ).fetchone()
        split = self.run(
            "SELECT (SELECT count(*) FROM unlinked) + (SELECT count(*) FROM corrections)"
        ).fetchone()[0]
        latest = self.run(
            "SELECT sha256, imported_at FROM batches ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return last, undone, self.count(), split, "/".join(map(str, latest or ()))

    def count(self) -> int:
        return self.run("SELECT count(*) FROM incidents").fetchone()[0]

    def batches(self) -> pd.DataFrame:
        return self.frame(
            "SELECT id, file, sha256, format, rows_read, imported, rejected, (SELECT count(*) "
            "FROM pending p WHERE p.batch_id = batches.id AND p.state = 'held' AND "
            "p.resolved_at IS NULL) AS held, added, updated, unchanged, imported_at, "
            '"user" AS user, undone_at FROM batches ORDER BY id'
        )

    def distinct_actors(self) -> list[str]:
        return [r[0] for r in self.run(ACTORS_SQL).fetchall()]

    def read_index(self) -> pd.DataFrame:
        """The map index's columns of every incident (see ``mapindex``)."""
        from conflictmap.mapindex import INDEX_SQL

        return self.frame(INDEX_SQL)

    def learned_places(self) -> Learned:
        """The places the stored rows teach (see ``gazetteer.learned``), read once per
        store version."""
        version = self.version()
        cached = getattr(self, "_learned", None)
        if cached is None or cached[0] != version:
            places = learn(self.frame(LEARN_SQL), self.frame(LEARN_DATASETS_SQL))
            cached = (version, Learned(places))
            self._learned = cached
        return cached[1]

    def read_ids(self, ids: list[str]) -> gpd.GeoDataFrame:
        """Whole rows of these incidents."""
        where, params = self.among("incident_id", list(ids))
        return to_geoframe(self.frame(f"SELECT {WHOLE_ROW} FROM incidents WHERE {where}", params))

    def read(self, query: Query | None = None) -> gpd.GeoDataFrame:
        """The incidents (all, or those the query keeps) as a GeoDataFrame (EPSG:4326)."""
        where, params = self._where(query)
        return to_geoframe(self.frame(f"SELECT {WHOLE_ROW} FROM incidents {where}", params))

    def scope_ids(self, dataset: str, countries: list[str], first: str, last: str) -> set[str]:
        inside, params = self.among("country", countries)
        rows = self.run(
            f"SELECT incident_id FROM incidents WHERE dataset = ? AND {inside} "
            "AND event_date BETWEEN ? AND ?",
            (dataset, *params, first, last),
        ).fetchall()
        return {r[0] for r in rows}

    def _where(self, query: Query | None) -> tuple[str, list]:
        """Dates, event types, actors and the bounding box as SQL, run by the database."""
        if query is None:
            return "", []
        parts, params = [], []
        if query.date_from:
            parts.append("coalesce(end_date, event_date) >= ?")
            params.append(query.date_from.isoformat())
        if query.date_to:
            parts.append("event_date <= ?")
            params.append(query.date_to.isoformat())
        if query.event_types is not None:
            where, values = self.among("event_type", list(query.event_types))
            parts.append(where)
            params += values
        if query.actors is not None:
            named = [self.among(c, list(query.actors)) for c in ACTOR_COLUMNS]
            parts.append("(" + " OR ".join(where for where, _ in named) + ")")
            params += [v for _, values in named for v in values]
        if query.bbox:
            where, values = self.within(query.bbox)
            parts.append(where)
            params += values
        return ("WHERE " + " AND ".join(parts)) if parts else "", params
