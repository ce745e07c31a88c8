"""Every store behaviour, written once over SQL both dialects speak.

``SqlStore`` holds the algorithms: a batch in one transaction (plan, record the changes,
write, put corrections back, link), undo, split, corrections, reads. SQL here is written
with ``?`` placeholders and ``"user"`` quoted; a dialect (``sqlite.SqliteStore``,
``postgis.PostgisStore``) supplies what differs: connecting and migrating, the
transaction and its lock, how a list of ids is bound, the bounding-box test, the bulk
write (``executemany`` over JSON id lists, or ``COPY``) and restoring rows from their
recorded JSON.
"""

from __future__ import annotations

import datetime as dt
import getpass
from contextlib import AbstractContextManager
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from conflictmap import corrections
from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.linkage import link_batch
from conflictmap.schema import BY_NAME, FLOAT, INT, NAMES
from conflictmap.store.ddl import SCHEMA_VERSION
from conflictmap.store.plan import (
    ADDED,
    UNCHANGED,
    UPDATED,
    Outcome,
    changed_rows,
    plan,
    row_hashes,
)

ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
ACTORS_SQL = " UNION ".join(f"SELECT {c} FROM incidents WHERE {c} <> ''" for c in ACTOR_COLUMNS)
# (ordering by an expression keeps SQLite on the small linked_to index, not the date index)
LINKS_SQL = (
    "SELECT m.incident_id, m.linked_to, m.event_date, m.location, p.location AS "
    "linked_location FROM incidents m LEFT JOIN incidents p ON p.incident_id = "
    "m.linked_to WHERE m.linked_to IS NOT NULL ORDER BY m.event_date || ''"
)
LINK_COLUMNS = (
    "incident_id, dataset, event_date, coalesce(end_date, event_date) AS end_date, "
    "latitude, longitude, geo_precision, actor1, assoc_actor_1, actor2, "
    "assoc_actor_2, linked_to"
)
WHOLE_ROW = f"{', '.join(NAMES)}, batch_id, linked_to"


@dataclass(frozen=True)
class Query:
    """The part of the filters a store runs itself (SQL), before anything is loaded."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    actors: tuple[str, ...] | None = None  # rows naming one of these in any actor column


@dataclass(frozen=True)
class BatchInfo:
    file: str
    sha256: str
    format: str
    rows_read: int
    rejected: int
    user: str = ""


class SqlStore:
    """The algorithms of a store; subclasses are the dialects (see the module's text)."""

    db = None  # the DB-API connection (sqlite3 or psycopg), autocommit
    types: dict = {}  # schema kind -> SQL type, for casts

    # -- what a dialect provides --------------------------------------------------------

    def transaction(self) -> AbstractContextManager:
        """One write transaction, serialised with every other writer of the store."""
        raise NotImplementedError

    def sql(self, text: str) -> str:
        """The dialect's spelling of a statement written with ``?`` placeholders."""
        return text

    def among(self, column: str, values: list) -> tuple[str, list]:
        """``column`` is one of ``values``: (SQL, parameters), however long the list."""
        raise NotImplementedError

    def within(self, bbox) -> tuple[str, list]:
        """The point lies in (west, south, east, north): (SQL, parameters)."""
        raise NotImplementedError

    def _existing(self, ids: list[str]) -> pd.DataFrame:
        raise NotImplementedError

    def _write(self, rows: pd.DataFrame, action: pd.Series, batch_id: int, progress=None):
        """Record what the batch replaces and write its new and changed rows, without the
        links they had (``link.link_batch`` works their links out again)."""
        raise NotImplementedError

    def _restore_updated(self, batch_id: int) -> int:
        """Put back the rows a batch updated, from their recorded JSON; returns how many."""
        raise NotImplementedError

    def clear_links(self, ids: list[str]) -> None:
        where, params = self.among("incident_id", ids)
        self.run(f"UPDATE incidents SET linked_to = NULL WHERE {where}", params)

    def _committed(self) -> None:
        """Told after a batch committed (SQLite remembers the file as checked)."""

    # -- the schema -----------------------------------------------------------------------

    migrations: dict = {}  # version -> the statements reaching it (see ``ddl``)
    name = "This store"  # how messages name it

    def schema_version(self) -> int:
        raise NotImplementedError

    def _migrate(self) -> None:
        """Bring the store to ``SCHEMA_VERSION`` in one transaction (a newer one: refused)."""
        with self.transaction():
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    msg(
                        (
                            "{name} was written by a newer conflictmap (schema {version}, this "
                            "one knows {known}); upgrade conflictmap to open it. It was not "
                            "changed."
                        ),
                        name=self.name,
                        version=version,
                        known=SCHEMA_VERSION,
                    )
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in self.migrations.get(step, list)():
                    self.db.execute(statement)
            if version < SCHEMA_VERSION:
                self.run("DELETE FROM meta WHERE key = 'schema_version'")
                self.run("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    # -- SQL helpers ----------------------------------------------------------------------

    def run(self, text: str, params=()):
        return self.db.execute(self.sql(text), tuple(params) if params else None)

    def run_many(self, text: str, rows) -> None:
        cursor = self.db.cursor()
        try:
            cursor.executemany(self.sql(text), list(rows))
        finally:
            cursor.close()

    def frame(self, text: str, params=()) -> pd.DataFrame:
        cursor = self.run(text, params)
        return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])

    # -- writing --------------------------------------------------------------------------

    def find_batch(self, sha256: str) -> int | None:
        row = self.run(
            "SELECT min(id) FROM batches WHERE sha256 = ? AND undone_at IS NULL", (sha256,)
        ).fetchone()
        return row[0] if row else None

    def add_batch(self, frame: pd.DataFrame, info: BatchInfo, link=None, progress=None) -> Outcome:
        """Store a batch atomically: add new incidents, update changed ones, record all,
        and (with ``link``, see ``link.linker``) link them to other datasets' reports."""
        rows = frame.assign(row_hash=row_hashes(frame))
        with self.transaction():
            if (earlier := self.find_batch(info.sha256)) is not None:
                return Outcome(duplicate_of=earlier, unchanged=len(frame))
            action = plan(rows, self._existing(rows["incident_id"].tolist()))
            batch_id = self._insert_batch(info, action)
            self._write(rows, action, batch_id, progress)
            self._reapply(batch_id)
            linked = link_batch(self, changed_rows(rows, action), link) if link else 0
        self._committed()
        return outcome_of(batch_id, action, linked)

    def _insert_batch(self, info: BatchInfo, action: pd.Series) -> int:
        return self.run(
            "INSERT INTO batches (file, sha256, format, rows_read, imported, rejected, "
            'imported_at, "user", added, updated, unchanged) VALUES '
            "(?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            batch_row(info, action),
        ).fetchone()[0]

    def undo(self, batch_id: int) -> Outcome:
        """Remove what a batch added and restore what it changed."""
        with self.transaction():
            self._check_undoable(batch_id)
            removed = self.run(
                "DELETE FROM incidents WHERE incident_id IN (SELECT incident_id FROM changes "
                "WHERE batch_id = ? AND action = 'added')",
                (batch_id,),
            ).rowcount
            restored = self._restore_updated(batch_id)
            self.run("UPDATE batches SET undone_at = ? WHERE id = ?", (now(), batch_id))
        return Outcome(batch_id, added=-removed, updated=restored)

    def _check_undoable(self, batch_id: int) -> None:
        """Refuse to undo a batch that does not exist, is undone, or was built upon."""
        row = self.run("SELECT undone_at FROM batches WHERE id = ?", (batch_id,)).fetchone()
        if row is None:
            raise StoreError(
                msg(
                    "There is no batch {batch_id}; `conflictmap batches` lists them.",
                    batch_id=batch_id,
                )
            )
        if row[0]:
            raise StoreError(
                msg(
                    ("Batch {batch_id} was already undone ({when})."),
                    batch_id=batch_id,
                    when=row[0],
                )
            )
        later = self.run(
            "SELECT min(c.batch_id) FROM changes c JOIN batches b ON b.id = c.batch_id "
            "WHERE b.undone_at IS NULL AND c.batch_id > ? AND c.incident_id IN "
            "(SELECT incident_id FROM changes WHERE batch_id = ?)",
            (batch_id, batch_id),
        ).fetchone()[0]
        if later:
            raise StoreError(
                msg(
                    (
                        "Batch {later} changed incidents of batch {batch_id} later; undo "
                        "batch {later} first."
                    ),
                    later=later,
                    batch_id=batch_id,
                )
            )

    # -- links (``link.link_batch`` asks for candidates, split pairs, and sets links) ---

    def link_candidates(self, first: str, last: str, bbox, skip: list[str]) -> pd.DataFrame:
        """Other datasets' incidents near a batch in time and space."""
        others, params = self.among("dataset", [d for d in self.datasets() if d not in skip])
        box, corners = self.within(bbox)
        return self.frame(
            f"SELECT {LINK_COLUMNS} FROM incidents WHERE {others} AND event_date <= ? AND "
            f"coalesce(end_date, event_date) >= ? AND {box}",
            (*params, last, first, *corners),
        )

    def datasets(self) -> list[str]:
        """The datasets the store holds (read from an index: instant at any size)."""
        return [r[0] for r in self.run("SELECT DISTINCT dataset FROM incidents").fetchall()]

    def set_links(self, links: dict[str, str]) -> None:
        self.run_many(
            "UPDATE incidents SET linked_to = ? WHERE incident_id = ?",
            ((primary, i) for i, primary in links.items()),
        )

    def split_pairs(self) -> set[tuple[str, str]]:
        """The pairs the analyst split, both ways (never linked again)."""
        rows = self.run("SELECT incident_id, other_id FROM unlinked").fetchall()
        return {(a, b) for a, b in rows} | {(b, a) for a, b in rows}

    def primaries(self) -> set[str]:
        """Ids that other reports already link to."""
        rows = self.run("SELECT DISTINCT linked_to FROM incidents WHERE linked_to IS NOT NULL")
        return {r[0] for r in rows.fetchall()}

    def links(self) -> pd.DataFrame:
        return self.frame(LINKS_SQL)

    def linked(self) -> dict[str, str]:
        """incident_id -> the primary it is linked to, for every linked report."""
        rows = self.run("SELECT incident_id, linked_to FROM incidents WHERE linked_to IS NOT NULL")
        return dict(rows.fetchall())

    def split(self, incident_id: str) -> list[str]:
        """Undo a wrong link: the incident (or the members of its group) stand alone again,
        and the pairs are remembered so no later import links them again."""
        with self.transaction():
            pairs = self._pairs_of(incident_id)
            self.run_many("INSERT INTO unlinked VALUES (?, ?) ON CONFLICT DO NOTHING", pairs)
            self.clear_links([a for a, _ in pairs])
        return [a for a, _ in pairs]

    def _pairs_of(self, incident_id: str) -> list[tuple[str, str]]:
        row = self.run(
            "SELECT linked_to FROM incidents WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        if row is None:
            raise StoreError(msg("There is no incident {id}.", id=incident_id))
        if row[0]:
            return [(incident_id, row[0])]
        members = self.run(
            "SELECT incident_id FROM incidents WHERE linked_to = ?", (incident_id,)
        ).fetchall()
        if not members:
            raise StoreError(
                msg(
                    "Incident {incident_id} is not linked to any other; nothing to split.",
                    incident_id=incident_id,
                )
            )
        return [(m[0], incident_id) for m in members]

    # -- corrections ----------------------------------------------------------------------

    def _cast(self, field: str) -> str:
        return f"CAST(? AS {self.types.get(BY_NAME[field].kind, 'TEXT')})"

    def _reapply(self, batch_id: int) -> None:
        """Put the latest correction of each field back over the rows a batch wrote."""
        for field in corrections.FIELDS:
            latest = self._cast(field).replace("?", "c.value")
            self.run(
                f"UPDATE incidents SET {field} = (SELECT {latest} FROM corrections c WHERE "
                "c.incident_id = incidents.incident_id AND c.field = ? ORDER BY c.id DESC "
                "LIMIT 1) WHERE batch_id = ? AND incident_id IN (SELECT incident_id FROM "
                "corrections WHERE field = ?)",
                (field, batch_id, field),
            )

    def correct(self, incident_id: str, changes: dict, user: str = "") -> int:
        """Apply and record an analyst's corrections (see ``corrections.checked``); returns
        how many fields changed."""
        values = corrections.checked(changes)
        with self.transaction():
            current = self.run(
                f"SELECT {', '.join(values) or 'incident_id'} FROM incidents WHERE incident_id = ?",
                (incident_id,),
            ).fetchone()
            if current is None:
                raise StoreError(msg("There is no incident {id}.", id=incident_id))
            done = 0
            for (field, value), before in zip(values.items(), current, strict=False):
                if _same(before, value):
                    continue
                self.run(
                    'INSERT INTO corrections (incident_id, field, value, previous, "user", '
                    "made_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (incident_id, field, value, _text(before), user or os_user(), now()),
                )
                self.run(
                    f"UPDATE incidents SET {field} = {self._cast(field)} WHERE incident_id = ?",
                    (value, incident_id),
                )
                done += 1
        return done

    def corrections(self, incident_id: str) -> pd.DataFrame:
        """Every correction of an incident, oldest first."""
        return self.frame(
            'SELECT made_at, "user" AS user, field, previous, value FROM corrections WHERE '
            "incident_id = ? ORDER BY id",
            (incident_id,),
        )

    def provenance(self, incident_id: str) -> pd.DataFrame:
        """The batches that added or changed one incident, oldest first."""
        return self.frame(
            'SELECT b.id AS batch_id, c.action, b.file, b.format, b.imported_at, b."user" AS '
            "user, b.undone_at FROM changes c JOIN batches b ON b.id = c.batch_id WHERE "
            "c.incident_id = ? ORDER BY b.id",
            (incident_id,),
        )

    # -- reading --------------------------------------------------------------------------

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
            "SELECT id, file, sha256, format, rows_read, imported, rejected, added, updated, "
            'unchanged, imported_at, "user" AS user, undone_at FROM batches ORDER BY id'
        )

    def distinct_actors(self) -> list[str]:
        return [r[0] for r in self.run(ACTORS_SQL).fetchall()]

    def read_index(self) -> pd.DataFrame:
        """The map index's columns of every incident (see ``mapindex``)."""
        from conflictmap.mapindex import INDEX_SQL

        return self.frame(INDEX_SQL)

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

    def close(self) -> None:
        self.db.close()


def batch_row(info: BatchInfo, action: pd.Series) -> tuple:
    """The values of a new ``batches`` row."""
    counts = action.value_counts()
    return (
        info.file,
        info.sha256,
        info.format,
        info.rows_read,
        len(action),
        info.rejected,
        now(),
        info.user or os_user(),
        int(counts.get(ADDED, 0)),
        int(counts.get(UPDATED, 0)),
        int(counts.get(UNCHANGED, 0)),
    )


def outcome_of(batch_id: int, action: pd.Series, linked: int) -> Outcome:
    counts = action.value_counts()
    return Outcome(
        batch_id,
        int(counts.get(ADDED, 0)),
        int(counts.get(UPDATED, 0)),
        int(counts.get(UNCHANGED, 0)),
        linked=linked,
    )


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        return "unknown"


def _text(value) -> str | None:
    """A stored value as the corrections table keeps it."""
    if value is None:
        return None
    return repr(value) if isinstance(value, float) else str(value)


def _same(before, value: str | None) -> bool:
    if before is None or value is None:
        return before is None and value is None
    if isinstance(before, int | float):
        return float(before) == float(value)
    if isinstance(before, dt.date):
        return before.isoformat() == value
    return str(before) == value


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
