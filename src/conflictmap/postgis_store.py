"""The team store: PostgreSQL with PostGIS (``postgresql://`` URLs).

Same behaviour as the SQLite store (``store.SqliteStore``): batches are transactions,
changes are recorded for undo, re-imports are recognised. Geometry lives in a PostGIS
point column with a GiST index, and reads can be cut by date, event type and bounding
box in the database.
"""

from __future__ import annotations

import re

import pandas as pd

from conflictmap import corrections
from conflictmap.errors import StoreError
from conflictmap.schema import BY_NAME, DATE, FLOAT, INT, NAMES
from conflictmap.sync import (
    ADDED,
    UPDATED,
    Outcome,
    changed_rows,
    plan,
    row_hashes,
    stored_rows,
)

SCHEMA_VERSION = 4
_PG_TYPE = {INT: "BIGINT", FLOAT: "DOUBLE PRECISION", DATE: "DATE"}
_LOCK = 7_201_511  # advisory lock: one batch writes at a time
_STORED = [*NAMES, "row_hash", "batch_id"]
_RESTORED = [*_STORED, "linked_to"]


def _create() -> list[str]:
    columns = ",\n  ".join(
        f"{n} {_PG_TYPE.get(BY_NAME[n].kind, 'TEXT')}"
        + (" PRIMARY KEY" if n == "incident_id" else "")
        for n in NAMES
    )
    return [
        "CREATE EXTENSION IF NOT EXISTS postgis",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE batches (id SERIAL PRIMARY KEY, file TEXT, sha256 TEXT, format TEXT,
           rows_read INTEGER, imported INTEGER, rejected INTEGER, imported_at TEXT,
           "user" TEXT, added INTEGER DEFAULT 0, updated INTEGER DEFAULT 0,
           unchanged INTEGER DEFAULT 0, undone_at TEXT)""",
        "CREATE INDEX batches_sha ON batches (sha256)",
        f"""CREATE TABLE incidents (\n  {columns},\n  row_hash BIGINT, batch_id INTEGER,
           geom geometry(Point, 4326) GENERATED ALWAYS AS
             (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED)""",
        "CREATE INDEX incidents_geom ON incidents USING gist (geom)",
        "CREATE INDEX incidents_date ON incidents (event_date)",
        """CREATE TABLE changes (batch_id INTEGER NOT NULL, incident_id TEXT NOT NULL,
           action TEXT NOT NULL, previous JSONB, PRIMARY KEY (batch_id, incident_id))""",
        "CREATE INDEX changes_incident ON changes (incident_id)",
    ]


def _v3() -> list[str]:
    return [
        "ALTER TABLE incidents ADD COLUMN linked_to TEXT",
        "CREATE INDEX incidents_linked ON incidents (linked_to)",
        """CREATE TABLE unlinked (incident_id TEXT NOT NULL, other_id TEXT NOT NULL,
           PRIMARY KEY (incident_id, other_id))""",
    ]


def _v4() -> list[str]:
    return [
        """CREATE TABLE corrections (id BIGSERIAL PRIMARY KEY, incident_id TEXT NOT NULL,
           field TEXT NOT NULL, value TEXT, previous TEXT, "user" TEXT,
           made_at TEXT NOT NULL)""",
        "CREATE INDEX corrections_incident ON corrections (incident_id)",
    ]


MIGRATIONS = {2: _create, 3: _v3, 4: _v4}  # PostGIS stores start at schema 2


def _redacted(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


class PostgisStore:
    def __init__(self, url: str):
        import psycopg

        self.url = url
        try:
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                f"Cannot open the PostGIS store {_redacted(url)}: "
                f"{str(exc).strip()}. Check that the server runs and the URL "
                "(user, host, port, database) is right."
            ) from None
        self._migrate()

    def schema_version(self) -> int:
        row = self.db.execute("SELECT to_regclass('meta'), to_regclass('incidents')").fetchone()
        if row[0] is None:
            if row[1] is not None:
                raise StoreError(
                    "This database has an 'incidents' table but is not a "
                    "conflictmap store; use another database."
                )
            return 0
        value = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(value[0]) if value else 0

    def _migrate(self) -> None:
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"This store was written by a newer conflictmap (schema "
                    f"{version}, this one knows {SCHEMA_VERSION}); upgrade "
                    "conflictmap to open it. Nothing was changed."
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS.get(step, list)():
                    self.db.execute(statement)
            if version < SCHEMA_VERSION:
                self.db.execute(
                    "INSERT INTO meta VALUES ('schema_version', %s) ON CONFLICT "
                    "(key) DO UPDATE SET value = EXCLUDED.value",
                    (str(SCHEMA_VERSION),),
                )

    # -- writing ------------------------------------------------------------------------

    def find_batch(self, sha256: str) -> int | None:
        row = self.db.execute(
            "SELECT min(id) FROM batches WHERE sha256 = %s AND undone_at IS NULL", (sha256,)
        ).fetchone()
        return row[0]

    def _existing(self, ids: list[str]) -> pd.DataFrame:
        rows = self.db.execute(
            "SELECT incident_id, row_hash, timestamp FROM incidents WHERE incident_id = ANY(%s)",
            (ids,),
        ).fetchall()
        return pd.DataFrame(rows, columns=["incident_id", "row_hash", "timestamp"])

    def add_batch(self, frame: pd.DataFrame, info, link=None, progress=None) -> Outcome:
        from conflictmap.link import link_batch
        from conflictmap.store import outcome_of

        rows = frame.assign(row_hash=row_hashes(frame))
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            if (earlier := self.find_batch(info.sha256)) is not None:
                return Outcome(duplicate_of=earlier, unchanged=len(frame))
            action = plan(rows, self._existing(rows["incident_id"].tolist()))
            batch_id = self._insert_batch(info, action)
            self._write(rows, action, batch_id, progress)
            self._reapply(batch_id)
            linked = link_batch(self, changed_rows(rows, action), link) if link else 0
        return outcome_of(batch_id, action, linked)

    # the small queries ``link.link_batch`` needs

    def _clear_links(self, ids: list[str]) -> None:
        self.db.execute("UPDATE incidents SET linked_to = NULL WHERE incident_id = ANY(%s)", (ids,))

    def _candidates(self, first: str, last: str, bbox, skip: list[str]) -> pd.DataFrame:
        from conflictmap.store import LINK_COLUMNS

        return self._frame(
            f"SELECT {LINK_COLUMNS} FROM incidents WHERE event_date <= %s AND "
            "coalesce(end_date, event_date) >= %s AND "
            "geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326) AND NOT (dataset = ANY(%s))",
            (last, first, *bbox, skip),
        )

    def _set_links(self, links: dict[str, str]) -> None:
        with self.db.cursor() as cursor:
            cursor.executemany(
                "UPDATE incidents SET linked_to = %s WHERE incident_id = %s",
                [(primary, i) for i, primary in links.items()],
            )

    def distinct_actors(self) -> list[str]:
        from conflictmap.store import ACTORS_SQL

        return [r[0] for r in self.db.execute(ACTORS_SQL)]

    def links(self) -> pd.DataFrame:
        from conflictmap.store import LINKS_SQL

        return self._frame(LINKS_SQL)

    def split(self, incident_id: str) -> list[str]:
        with self.db.transaction():
            row = self.db.execute(
                "SELECT linked_to FROM incidents WHERE incident_id = %s", (incident_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"There is no incident {incident_id}.")
            if row[0]:
                pairs = [(incident_id, row[0])]
            else:
                members = self.db.execute(
                    "SELECT incident_id FROM incidents WHERE linked_to = %s", (incident_id,)
                ).fetchall()
                if not members:
                    raise StoreError(
                        f"Incident {incident_id} is not linked to any other; nothing to split."
                    )
                pairs = [(m[0], incident_id) for m in members]
            with self.db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO unlinked VALUES (%s, %s) ON CONFLICT DO NOTHING", pairs
                )
            self.db.execute(
                "UPDATE incidents SET linked_to = NULL WHERE incident_id = ANY(%s)",
                ([a for a, _ in pairs],),
            )
        return [a for a, _ in pairs]

    def _insert_batch(self, info, action: pd.Series) -> int:
        from conflictmap.store import batch_row

        return self.db.execute(
            "INSERT INTO batches (file, sha256, format, rows_read, imported, rejected, "
            'imported_at, "user", added, updated, unchanged) VALUES '
            "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING id",
            batch_row(info, action),
        ).fetchone()[0]

    def _write(self, rows: pd.DataFrame, action: pd.Series, batch_id: int, progress=None) -> None:
        """``progress(done, total)`` is told after each chunk of rows."""
        updated = rows.loc[action == UPDATED, "incident_id"].tolist()
        self.db.execute(
            "INSERT INTO changes SELECT %s, incident_id, 'updated', to_jsonb(i) - 'geom' "
            "FROM incidents i WHERE incident_id = ANY(%s)",
            (batch_id, updated),
        )
        added = rows.loc[action == ADDED, "incident_id"].tolist()
        self.db.execute(
            "INSERT INTO changes SELECT %s, unnest(%s::text[]), 'added', NULL", (batch_id, added)
        )
        changed = changed_rows(rows, action)[[*NAMES, "row_hash"]]
        names = ", ".join(_STORED)
        self.db.execute(
            "CREATE TEMP TABLE stage (LIKE incidents INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        self.db.execute("ALTER TABLE stage DROP COLUMN geom")
        with self.db.cursor().copy(f"COPY stage ({names}) FROM STDIN") as copy:
            done = 0
            for chunk in stored_rows(changed.assign(batch_id=batch_id)[_STORED]):
                for row in chunk:
                    copy.write_row(row)
                done += len(chunk)
                if progress:
                    progress(done, len(changed))
        assign = ", ".join(f"{n} = EXCLUDED.{n}" for n in _STORED if n != "incident_id")
        self.db.execute(
            f"INSERT INTO incidents ({names}) SELECT {names} FROM stage "
            f"ON CONFLICT (incident_id) DO UPDATE SET {assign}"
        )

    def undo(self, batch_id: int) -> Outcome:
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            from conflictmap.store import check_undoable

            check_undoable(self.db, batch_id, "%s")
            removed = self.db.execute(
                "DELETE FROM incidents WHERE incident_id IN (SELECT incident_id FROM changes "
                "WHERE batch_id = %s AND action = 'added')",
                (batch_id,),
            ).rowcount
            names = ", ".join(_RESTORED)
            picked = ", ".join(f"r.{n}" for n in _RESTORED)
            assign = ", ".join(f"{n} = EXCLUDED.{n}" for n in _RESTORED if n != "incident_id")
            restored = self.db.execute(
                f"INSERT INTO incidents ({names}) SELECT {picked} FROM changes c, "
                "jsonb_populate_record(NULL::incidents, c.previous) r WHERE c.batch_id = %s "
                f"AND c.action = 'updated' ON CONFLICT (incident_id) DO UPDATE SET {assign}",
                (batch_id,),
            ).rowcount
            from conflictmap.store import _now

            self.db.execute("UPDATE batches SET undone_at = %s WHERE id = %s", (_now(), batch_id))
        return Outcome(batch_id, added=-removed, updated=restored)

    # -- reading ------------------------------------------------------------------------

    def version(self) -> tuple:
        from conflictmap.store import store_version

        return store_version(self.db, self.count())

    def linked(self) -> dict[str, str]:
        """incident_id -> the primary it is linked to, for every linked report."""
        from conflictmap.store import linked_reports

        return linked_reports(self.db)

    def read_index(self) -> pd.DataFrame:
        """The map index's columns of every incident (see ``mapindex``)."""
        from conflictmap.mapindex import INDEX_SQL

        cursor = self.db.execute(INDEX_SQL)
        return pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])

    def read_ids(self, ids: list[str]):
        """Whole rows of these incidents."""
        from conflictmap.store import to_geoframe

        return to_geoframe(
            self._frame(
                f"SELECT {', '.join(NAMES)}, batch_id, linked_to FROM incidents "
                "WHERE incident_id = ANY(%s)",
                (list(ids),),
            )
        )

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM incidents").fetchone()[0]

    def _frame(self, sql: str, params=()) -> pd.DataFrame:
        cursor = self.db.execute(sql, params)
        return pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])

    def batches(self) -> pd.DataFrame:
        return self._frame(
            "SELECT id, file, sha256, format, rows_read, imported, rejected, added, updated, "
            'unchanged, imported_at, "user" AS user, undone_at FROM batches ORDER BY id'
        )

    # -- corrections ----------------------------------------------------------------------

    def _reapply(self, batch_id: int) -> None:
        """Put the latest correction of each field back over the rows a batch wrote."""
        for field in corrections.FIELDS:
            kind = _PG_TYPE.get(BY_NAME[field].kind, "TEXT")
            self.db.execute(
                f"UPDATE incidents i SET {field} = CAST(c.value AS {kind}) FROM (SELECT DISTINCT "
                "ON (incident_id) incident_id, value FROM corrections WHERE field = %s ORDER BY "
                "incident_id, id DESC) c WHERE c.incident_id = i.incident_id AND i.batch_id = %s",
                (field, batch_id),
            )

    def correct(self, incident_id: str, changes: dict, user: str = "") -> int:
        from conflictmap.store import _now, _os_user, _same, _text

        values = corrections.checked(changes)
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            current = self.db.execute(
                f"SELECT {', '.join(values) or 'incident_id'} FROM incidents "
                "WHERE incident_id = %s FOR UPDATE",
                (incident_id,),
            ).fetchone()
            if current is None:
                raise StoreError(f"There is no incident {incident_id}.")
            done = 0
            for (field, value), before in zip(values.items(), current, strict=False):
                if _same(before, value):
                    continue
                kind = _PG_TYPE.get(BY_NAME[field].kind, "TEXT")
                self.db.execute(
                    'INSERT INTO corrections (incident_id, field, value, previous, "user", '
                    "made_at) VALUES (%s, %s, %s, %s, %s, %s)",
                    (incident_id, field, value, _text(before), user or _os_user(), _now()),
                )
                self.db.execute(
                    f"UPDATE incidents SET {field} = CAST(%s AS {kind}) WHERE incident_id = %s",
                    (value, incident_id),
                )
                done += 1
        return done

    def corrections(self, incident_id: str) -> pd.DataFrame:
        return self._frame(
            'SELECT made_at, "user" AS user, field, previous, value FROM corrections WHERE '
            "incident_id = %s ORDER BY id",
            (incident_id,),
        )

    def provenance(self, incident_id: str) -> pd.DataFrame:
        return self._frame(
            'SELECT b.id AS batch_id, c.action, b.file, b.format, b.imported_at, b."user" AS '
            "user, b.undone_at FROM changes c JOIN batches b ON b.id = c.batch_id WHERE "
            "c.incident_id = %s ORDER BY b.id",
            (incident_id,),
        )

    def scope_ids(self, dataset: str, countries: list[str], first: str, last: str) -> set[str]:
        rows = self.db.execute(
            "SELECT incident_id FROM incidents WHERE dataset = %s AND country = ANY(%s) AND "
            "event_date BETWEEN %s AND %s",
            (dataset, countries, first, last),
        ).fetchall()
        return {r[0] for r in rows}

    def read(self, query=None):
        from conflictmap.store import to_geoframe

        where, params = _where(query)
        return to_geoframe(
            self._frame(
                f"SELECT {', '.join(NAMES)}, batch_id, linked_to FROM incidents {where}", params
            )
        )

    def check(self) -> str:
        return "ok" if self.db.execute("SELECT 1").fetchone()[0] == 1 else "failed"

    def close(self) -> None:
        self.db.close()


def _where(query) -> tuple[str, list]:
    """Date range, event types and bounding box as SQL, run by the database."""
    if query is None:
        return "", []
    parts, params = [], []
    if query.date_from:
        parts.append("coalesce(end_date, event_date) >= %s")
        params.append(query.date_from)
    if query.date_to:
        parts.append("event_date <= %s")
        params.append(query.date_to)
    if query.event_types is not None:
        parts.append("event_type = ANY(%s)")
        params.append(list(query.event_types))
    if query.actors is not None:
        from conflictmap.store import ACTOR_COLUMNS

        parts.append("(" + " OR ".join(f"{c} = ANY(%s)" for c in ACTOR_COLUMNS) + ")")
        params += [list(query.actors)] * len(ACTOR_COLUMNS)
    if query.bbox:
        parts.append("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
        params += list(query.bbox)
    return ("WHERE " + " AND ".join(parts)) if parts else "", params
