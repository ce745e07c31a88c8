"""The incident store. Embedded default: one SQLite file under ``data/``.

A batch (one import) is written in one transaction: the store holds all of it or none
of it (WAL journal, so a killed process leaves the last committed state). Every change a
batch makes is recorded with the row it replaced, so a batch can be undone. The same
file imported twice is recognised by its SHA-256 and changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from conflictmap import corrections
from conflictmap.errors import StoreError
from conflictmap.link import link_batch
from conflictmap.schema import BY_NAME, DATE, FLOAT, INT, NAMES
from conflictmap.settings import Settings
from conflictmap.sync import (
    ADDED,
    UNCHANGED,
    UPDATED,
    Outcome,
    changed_rows,
    plan,
    row_hashes,
    stored_rows,
)

SCHEMA_VERSION = 4
ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
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
_SQL_TYPE = {INT: "INTEGER", FLOAT: "REAL", DATE: "TEXT"}
_MAGIC = b"SQLite format 3\x00"
BULK_ROWS = 100_000  # a batch this large rebuilds the secondary indexes after writing
BULK_INDEXES = (
    ("incidents_date", "(event_date)"),
    ("incidents_linked", "(linked_to) WHERE linked_to IS NOT NULL"),
    ("incidents_dataset", "(dataset, event_date)"),  # link candidates: other datasets
)


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


def _incident_columns() -> str:
    return ",\n  ".join(
        f"{n} {_SQL_TYPE.get(BY_NAME[n].kind, 'TEXT')}"
        + (" PRIMARY KEY" if n == "incident_id" else "")
        for n in NAMES
    )


def _v1() -> list[str]:
    return [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE batches (id INTEGER PRIMARY KEY AUTOINCREMENT, file TEXT, sha256 TEXT,
           format TEXT, rows_read INTEGER, imported INTEGER, rejected INTEGER,
           imported_at TEXT, user TEXT)""",
        f"CREATE TABLE incidents (\n  {_incident_columns()},\n  batch_id INTEGER)",
        "CREATE INDEX incidents_date ON incidents (event_date)",
    ]


def _v2() -> list[str]:
    """Batch provenance and undo: what each batch changed, and the rows it replaced."""
    return [
        "ALTER TABLE incidents ADD COLUMN row_hash INTEGER",
        "ALTER TABLE batches ADD COLUMN added INTEGER DEFAULT 0",
        "ALTER TABLE batches ADD COLUMN updated INTEGER DEFAULT 0",
        "ALTER TABLE batches ADD COLUMN unchanged INTEGER DEFAULT 0",
        "ALTER TABLE batches ADD COLUMN undone_at TEXT",
        "UPDATE batches SET added = imported",
        """CREATE TABLE changes (batch_id INTEGER NOT NULL, incident_id TEXT NOT NULL,
           action TEXT NOT NULL, previous TEXT, PRIMARY KEY (batch_id, incident_id))""",
        "CREATE INDEX changes_incident ON changes (incident_id)",
        "INSERT INTO changes SELECT batch_id, incident_id, 'added', NULL FROM incidents",
        "CREATE INDEX batches_sha ON batches (sha256)",
    ]


def _v3() -> list[str]:
    """Cross-dataset links: the primary incident a report joins, and the pairs split."""
    return [
        "ALTER TABLE incidents ADD COLUMN linked_to TEXT",
        "CREATE INDEX incidents_linked ON incidents (linked_to)",
        """CREATE TABLE unlinked (incident_id TEXT NOT NULL, other_id TEXT NOT NULL,
           PRIMARY KEY (incident_id, other_id))""",
    ]


def _v4() -> list[str]:
    """Analysts' corrections: kept with who and when, put back over later imports."""
    return [
        """CREATE TABLE corrections (id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT
           NOT NULL, field TEXT NOT NULL, value TEXT, previous TEXT, user TEXT,
           made_at TEXT NOT NULL)""",
        "CREATE INDEX corrections_incident ON corrections (incident_id)",
    ]


MIGRATIONS = {1: _v1, 2: _v2, 3: _v3, 4: _v4}  # version -> statements reaching it


def sqlite_path(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :]).expanduser().resolve()
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise StoreError(
            f"Store URL scheme '{scheme}' is not supported by this version; "
            "use a SQLite file (sqlite:///path/to/store.sqlite)."
        )
    return Path(url).expanduser().resolve()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SqliteStore:
    def __init__(self, path: Path):
        self.path = path
        self._check_file()
        existed = path.exists() and path.stat().st_size > 0
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(
                path, timeout=60, isolation_level=None, check_same_thread=False
            )
            self.db.execute("PRAGMA busy_timeout=60000")
            if existed:
                self._verify()
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA cache_size=-262144")  # up to 256 MB: big batches
            self._migrate()
            self.db.execute(f"CREATE INDEX IF NOT EXISTS {' ON incidents '.join(BULK_INDEXES[2])}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path} cannot be opened as a conflictmap store ({exc}). "
                "It was not changed; point --store at another file."
            ) from None

    @property
    def _stamp_path(self) -> Path:
        return self.path.with_name(self.path.name + "-checked")

    def _file_stamp(self) -> str:
        info = self.path.stat()
        return f"{info.st_size} {info.st_mtime_ns}"

    def _verify(self) -> None:
        """Refuse a damaged file before anything reads or writes it: SQLite's quick check
        (every page's structure; about 0.3 s per 200,000 incidents), run only when the
        file changed since it last passed or since this program last wrote it."""
        try:
            if self._stamp_path.read_text() == self._file_stamp():
                return
        except OSError:
            pass
        problems = [r[0] for r in self.db.execute("PRAGMA quick_check(3)").fetchall()]
        if problems != ["ok"]:
            self.db.close()
            first = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
            raise StoreError(
                f"{self.path} is damaged ({first[:160]}); it was not changed. Restore it "
                "from a backup, or save what can be read into a new file with `sqlite3 "
                f"{self.path.name} .recover | sqlite3 recovered.sqlite` and point --store "
                "(CONFLICTMAP_STORE) at recovered.sqlite."
            )
        self._remember_checked()

    def _remember_checked(self) -> None:
        """The file as it is now is known good (it passed, or we just committed to it)."""
        with contextlib.suppress(OSError):  # a read-only folder: checked again next time
            self._stamp_path.write_text(self._file_stamp())

    def _check_file(self) -> None:
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; give a file path for the store.")
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise StoreError(
                f"{self.path} is read-only for this user; conflictmap needs to write to its "
                "store. Give write permission, or copy the file and point --store at the copy."
            )
        if self.path.exists() and self.path.stat().st_size:
            with self.path.open("rb") as handle:
                if handle.read(16) != _MAGIC:
                    raise StoreError(
                        f"{self.path} is not a SQLite store (it holds something "
                        "else). It was not touched; choose another path."
                    )

    def schema_version(self) -> int:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return 0
        if "meta" not in tables:
            raise StoreError(
                f"{self.path} is a SQLite database but not a conflictmap store; "
                "it was not touched. Choose another path."
            )
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        """Create, or upgrade in place, in one transaction per version step."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer conflictmap (schema "
                    f"{version}, this one knows {SCHEMA_VERSION}); upgrade "
                    "conflictmap to open it. The file was not changed."
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[step]():
                    self.db.execute(statement)
            if version < SCHEMA_VERSION:
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # -- writing ------------------------------------------------------------------------

    def find_batch(self, sha256: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM batches WHERE sha256 = ? AND undone_at IS NULL ORDER BY id LIMIT 1",
            (sha256,),
        ).fetchone()
        return row[0] if row else None

    def _existing(self, ids: list[str]) -> pd.DataFrame:
        if self.db.execute("SELECT 1 FROM incidents LIMIT 1").fetchone() is None:
            return pd.DataFrame(columns=["incident_id", "row_hash", "timestamp"])
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM wanted")
        self.db.execute(
            "INSERT OR IGNORE INTO wanted SELECT value FROM json_each(?)", (_json(ids),)
        )
        return pd.read_sql_query(
            "SELECT incident_id, row_hash, timestamp FROM incidents JOIN wanted "
            "ON incident_id = wanted.id",
            self.db,
        )

    def add_batch(self, frame: pd.DataFrame, info: BatchInfo, link=None, progress=None) -> Outcome:
        """Store a batch atomically: add new incidents, update changed ones, record all,
        and (with ``link``, see ``link.linker``) link them to other datasets' reports."""
        rows = frame.assign(row_hash=row_hashes(frame))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if (earlier := self.find_batch(info.sha256)) is not None:
                self.db.execute("ROLLBACK")
                return Outcome(duplicate_of=earlier, unchanged=len(frame))
            action = plan(rows, self._existing(rows["incident_id"].tolist()))
            batch_id = self._insert_batch(info, action)
            self._write(rows, action, batch_id, progress)
            self._reapply(batch_id)
            linked = link_batch(self, changed_rows(rows, action), link) if link else 0
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._remember_checked()
        return outcome_of(batch_id, action, linked)

    # the small queries ``link.link_batch`` needs

    def _clear_links(self, ids: list[str]) -> None:
        """Nothing to do: ``_write`` replaced these rows whole, without their old link."""

    def _candidates(self, first: str, last: str, bbox, skip: list[str]) -> pd.DataFrame:
        """Other datasets' incidents near a batch in time and space."""
        west, south, east, north = bbox
        others = [d for d in self.datasets() if d not in skip]
        return pd.read_sql_query(
            f"SELECT {LINK_COLUMNS} FROM incidents WHERE dataset IN "
            f"({','.join('?' * len(others)) or 'NULL'}) AND event_date <= ? AND "
            "coalesce(end_date, event_date) >= ? AND longitude BETWEEN ? AND ? AND "
            "latitude BETWEEN ? AND ?",
            self.db,
            params=(*others, last, first, west, east, south, north),
        )

    def datasets(self) -> list[str]:
        """The datasets the store holds (read from an index: instant at any size)."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT dataset FROM incidents")]

    def _set_links(self, links: dict[str, str]) -> None:
        self.db.executemany(
            "UPDATE incidents SET linked_to = ? WHERE incident_id = ?",
            ((primary, i) for i, primary in links.items()),
        )

    def links(self) -> pd.DataFrame:
        return pd.read_sql_query(LINKS_SQL, self.db)

    def distinct_actors(self) -> list[str]:
        return [r[0] for r in self.db.execute(ACTORS_SQL)]

    def split(self, incident_id: str) -> list[str]:
        """Undo a wrong link: the incident (or the members of its group) stand alone again,
        and the pairs are remembered so no later import links them again."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            pairs = self._pairs_of(incident_id)
            self.db.executemany("INSERT OR IGNORE INTO unlinked VALUES (?, ?)", pairs)
            self.db.executemany(
                "UPDATE incidents SET linked_to = NULL WHERE incident_id = ?",
                ((a,) for a, _ in pairs),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return [a for a, _ in pairs]

    def _pairs_of(self, incident_id: str) -> list[tuple[str, str]]:
        row = self.db.execute(
            "SELECT linked_to FROM incidents WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"There is no incident {incident_id}.")
        if row[0]:
            return [(incident_id, row[0])]
        members = self.db.execute(
            "SELECT incident_id FROM incidents WHERE linked_to = ?", (incident_id,)
        ).fetchall()
        if not members:
            raise StoreError(
                f"Incident {incident_id} is not linked to any other; nothing to split."
            )
        return [(m[0], incident_id) for m in members]

    def _insert_batch(self, info: BatchInfo, action: pd.Series) -> int:
        cursor = self.db.execute(
            "INSERT INTO batches (file, sha256, format, rows_read, imported, rejected, "
            "imported_at, user, added, updated, unchanged) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            batch_row(info, action),
        )
        return cursor.lastrowid

    def _write(self, rows: pd.DataFrame, action: pd.Series, batch_id: int, progress=None) -> None:
        """``progress(done, total)`` is told after each chunk of rows."""
        columns = [*NAMES, "row_hash", "batch_id"]
        marks = ",".join("?" * len(columns))
        updated = rows.loc[action == UPDATED, "incident_id"].tolist()
        previous = self._rows_as_json(updated)
        self.db.executemany(
            "INSERT INTO changes VALUES (?, ?, ?, ?)",
            ((batch_id, i, UPDATED, previous[i]) for i in updated),
        )
        added = rows.loc[action == ADDED, "incident_id"].tolist()
        self.db.execute(
            "INSERT INTO changes SELECT ?, value, 'added', NULL FROM json_each(?)",
            (batch_id, _json(added)),
        )
        changed = changed_rows(rows, action)[columns[:-1]]
        # one sort beats a million index insertions, when the batch is most of the store
        rebuild = len(changed) >= max(BULK_ROWS, self.count() // 2)
        if rebuild:
            for name, _ in BULK_INDEXES:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")
        done = 0
        for chunk in stored_rows(changed.assign(batch_id=batch_id)):
            self.db.executemany(
                f"INSERT OR REPLACE INTO incidents ({', '.join(columns)}) VALUES ({marks})", chunk
            )
            done += len(chunk)
            if progress:
                progress(done, len(changed))
        if rebuild:
            for name, column in BULK_INDEXES:
                self.db.execute(f"CREATE INDEX {name} ON incidents {column}")

    def _rows_as_json(self, ids: list[str]) -> dict[str, str]:
        out = {}
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            cursor = self.db.execute(
                f"SELECT * FROM incidents WHERE incident_id IN ({','.join('?' * len(part))})", part
            )
            names = [d[0] for d in cursor.description]
            for row in cursor:
                record = dict(zip(names, row, strict=True))
                out[record["incident_id"]] = json.dumps(record, ensure_ascii=False)
        return out

    def undo(self, batch_id: int) -> Outcome:
        """Remove what a batch added and restore what it changed."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            outcome = self._undo(batch_id)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return outcome

    def _undo(self, batch_id: int) -> Outcome:
        check_undoable(self.db, batch_id, "?")
        changes = self.db.execute(
            "SELECT incident_id, action, previous FROM changes WHERE batch_id = ?", (batch_id,)
        ).fetchall()
        removed = [(i,) for i, action, _ in changes if action == ADDED]
        self.db.executemany("DELETE FROM incidents WHERE incident_id = ?", removed)
        restored = [json.loads(p) for _, action, p in changes if action == UPDATED]
        for record in restored:
            names = list(record)
            self.db.execute(
                f"INSERT OR REPLACE INTO incidents ({', '.join(names)}) VALUES "
                f"({','.join('?' * len(names))})",
                [record[n] for n in names],
            )
        self.db.execute("UPDATE batches SET undone_at = ? WHERE id = ?", (_now(), batch_id))
        return Outcome(batch_id, added=-len(removed), updated=len(restored))

    # -- reading ------------------------------------------------------------------------

    def version(self) -> tuple:
        """Changes whenever a batch lands or is undone, a link is split or a field corrected."""
        return store_version(self.db, self.count())

    def linked(self) -> dict[str, str]:
        """incident_id -> the primary it is linked to, for every linked report."""
        return linked_reports(self.db)

    def read_index(self) -> pd.DataFrame:
        """The map index's columns of every incident (see ``mapindex``)."""
        from conflictmap.mapindex import INDEX_SQL

        return pd.read_sql_query(INDEX_SQL, self.db)

    def read_ids(self, ids: list[str]) -> gpd.GeoDataFrame:
        """Whole rows of these incidents."""
        frame = pd.read_sql_query(
            f"SELECT {', '.join(NAMES)}, batch_id, linked_to FROM incidents WHERE "
            "incident_id IN (SELECT value FROM json_each(?))",
            self.db,
            params=(_json(list(ids)),),
        )
        return to_geoframe(frame)

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM incidents").fetchone()[0]

    def batches(self) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT id, file, sha256, format, rows_read, imported, rejected, added, updated, "
            "unchanged, imported_at, user, undone_at FROM batches ORDER BY id",
            self.db,
        )

    # -- corrections ----------------------------------------------------------------------

    def _reapply(self, batch_id: int) -> None:
        """Put the latest correction of each field back over the rows a batch wrote."""
        for field in corrections.FIELDS:
            self.db.execute(
                f"UPDATE incidents SET {field} = (SELECT value FROM corrections c WHERE "
                "c.incident_id = incidents.incident_id AND c.field = ? ORDER BY c.id DESC "
                "LIMIT 1) WHERE batch_id = ? AND incident_id IN (SELECT incident_id FROM "
                "corrections WHERE field = ?)",
                (field, batch_id, field),
            )

    def correct(self, incident_id: str, changes: dict, user: str = "") -> int:
        """Apply and record an analyst's corrections (see ``corrections.checked``); returns
        how many fields changed."""
        values = corrections.checked(changes)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            cursor = self.db.execute(
                f"SELECT {', '.join(values) or 'incident_id'} FROM incidents WHERE incident_id = ?",
                (incident_id,),
            )
            current = cursor.fetchone()
            if current is None:
                raise StoreError(f"There is no incident {incident_id}.")
            done = 0
            for (field, value), before in zip(values.items(), current, strict=False):
                if _same(before, value):
                    continue
                self.db.execute(
                    "INSERT INTO corrections (incident_id, field, value, previous, user, "
                    "made_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (incident_id, field, value, _text(before), user or _os_user(), _now()),
                )
                self.db.execute(
                    f"UPDATE incidents SET {field} = ? WHERE incident_id = ?", (value, incident_id)
                )
                done += 1
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return done

    def corrections(self, incident_id: str) -> pd.DataFrame:
        """Every correction of an incident, oldest first."""
        return pd.read_sql_query(
            "SELECT made_at, user, field, previous, value FROM corrections WHERE "
            "incident_id = ? ORDER BY id",
            self.db,
            params=(incident_id,),
        )

    def provenance(self, incident_id: str) -> pd.DataFrame:
        """The batches that added or changed one incident, oldest first."""
        return pd.read_sql_query(
            "SELECT b.id AS batch_id, c.action, b.file, b.format, b.imported_at, b.user, "
            "b.undone_at FROM changes c JOIN batches b ON b.id = c.batch_id "
            "WHERE c.incident_id = ? ORDER BY b.id",
            self.db,
            params=(incident_id,),
        )

    def scope_ids(self, dataset: str, countries: list[str], first: str, last: str) -> set[str]:
        marks = ",".join("?" * len(countries))
        rows = self.db.execute(
            f"SELECT incident_id FROM incidents WHERE dataset = ? AND country IN ({marks}) "
            "AND event_date BETWEEN ? AND ?",
            (dataset, *countries, first, last),
        )
        return {r[0] for r in rows}

    def read(self, query: Query | None = None) -> gpd.GeoDataFrame:
        """The incidents (all, or those the query keeps) as a GeoDataFrame (EPSG:4326)."""
        where, params = _where(query)
        frame = pd.read_sql_query(
            f"SELECT {', '.join(NAMES)}, batch_id, linked_to FROM incidents {where}",
            self.db,
            params=params,
        )
        return to_geoframe(frame)

    def check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        self.db.close()


def batch_row(info: BatchInfo, action: pd.Series) -> tuple:
    """The values of a new ``batches`` row, in the order both stores insert them."""
    counts = action.value_counts()
    return (
        info.file,
        info.sha256,
        info.format,
        info.rows_read,
        len(action),
        info.rejected,
        _now(),
        info.user or _os_user(),
        int(counts.get(ADDED, 0)),
        int(counts.get(UPDATED, 0)),
        int(counts.get(UNCHANGED, 0)),
    )


def store_version(db, count: int) -> tuple:
    """What changes whenever a batch lands or is undone, a link is split or a field
    corrected (``db``: a sqlite3 or psycopg connection; the SQL is the same)."""
    last, undone = db.execute(
        "SELECT coalesce(max(id), 0), count(undone_at) FROM batches"
    ).fetchone()
    split = db.execute(
        "SELECT (SELECT count(*) FROM unlinked) + (SELECT count(*) FROM corrections)"
    ).fetchone()[0]
    latest = db.execute(
        "SELECT sha256, imported_at FROM batches ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return last, undone, count, split, "/".join(map(str, latest or ()))


def linked_reports(db) -> dict[str, str]:
    """incident_id -> the primary it is linked to, for every linked report."""
    return dict(
        db.execute(
            "SELECT incident_id, linked_to FROM incidents WHERE linked_to IS NOT NULL"
        ).fetchall()
    )


def check_undoable(db, batch_id: int, mark: str) -> None:
    """Refuse to undo a batch that does not exist, is undone, or was built upon.
    ``db`` is a sqlite3 or psycopg connection; ``mark`` its placeholder."""
    row = db.execute(f"SELECT undone_at FROM batches WHERE id = {mark}", (batch_id,)).fetchone()
    if row is None:
        raise StoreError(f"There is no batch {batch_id}; `conflictmap batches` lists them.")
    if row[0]:
        raise StoreError(f"Batch {batch_id} was already undone ({row[0]}).")
    later = db.execute(
        "SELECT min(c.batch_id) FROM changes c JOIN batches b ON b.id = c.batch_id "
        f"WHERE b.undone_at IS NULL AND c.batch_id > {mark} AND c.incident_id IN "
        f"(SELECT incident_id FROM changes WHERE batch_id = {mark})",
        (batch_id, batch_id),
    ).fetchone()[0]
    if later:
        raise StoreError(
            f"Batch {later} changed incidents of batch {batch_id} later; undo batch {later} first."
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


def _where(query: Query | None) -> tuple[str, list]:
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
        parts.append(f"event_type IN ({','.join('?' * len(query.event_types))})")
        params += list(query.event_types)
    if query.actors is not None:
        marks = ",".join("?" * len(query.actors)) or "NULL"
        parts.append("(" + " OR ".join(f"{c} IN ({marks})" for c in ACTOR_COLUMNS) + ")")
        params += list(query.actors) * len(ACTOR_COLUMNS)
    if query.bbox:
        parts.append("longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?")
        west, south, east, north = query.bbox
        params += [west, east, south, north]
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


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
    return str(before) == value


def _json(ids: list[str]) -> str:
    """A list of ids as one JSON array: SQLite's json_each reads it far faster than
    a million bound parameters."""
    return json.dumps(ids, ensure_ascii=False)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        return "unknown"


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


def open_store(url: str | None = None, settings: Settings | None = None):
    """Open (creating or upgrading if needed) the store at ``url``: a SQLite file (the
    default, under data/) or a PostGIS database (``postgresql://...``)."""
    settings = settings or Settings()
    url = url or settings.default_store_url
    if url.startswith(("postgresql://", "postgres://")):
        from conflictmap.postgis_store import PostgisStore

        return PostgisStore(url)
    return SqliteStore(sqlite_path(url))
