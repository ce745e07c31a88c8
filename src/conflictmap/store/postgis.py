"""The PostgreSQL/PostGIS dialect: the team store (``postgresql://`` URLs).

Geometry lives in a generated PostGIS point column with a GiST index, so bounding boxes
are cut in the database. Writers are serialised by one advisory lock taken in each write
transaction; lists of ids are bound as arrays (``= ANY(%s)``). A batch's rows arrive
through the ADBC PostgreSQL driver (binary ``COPY`` from its Arrow table, in C, two
sessions at once, each with every other chunk) into an unlogged staging table of their
own, committed before the batch's transaction reads it with one upsert and dropped
after.
"""

from __future__ import annotations

import contextlib
import re
import uuid

import pyarrow as pa

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.schema import NAMES
from conflictmap.store.base import SqlStore
from conflictmap.store.ddl import BULK_INDEXES, POSTGIS_MIGRATIONS, POSTGIS_TYPES
from conflictmap.store.plan import STAGE_WRITERS, STORED, write_split

_LOCK = 7_201_511  # advisory lock: one writer at a time
_STAGE = "conflictmap_stage_"  # + the staging session's process id
_PG_TYPES = {
    pa.large_string(): "text",
    pa.string(): "text",
    pa.int64(): "bigint",
    pa.float64(): "double precision",
    pa.date32(): "date",
}
_STORED = [*NAMES, "row_hash", "batch_id"]
_RESTORED = [*_STORED, "linked_to"]


def _redacted(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


class PostgisStore(SqlStore):
    types = POSTGIS_TYPES
    migrations = POSTGIS_MIGRATIONS
    bulk_indexes = (("incidents_geom", "USING gist (geom)"), *BULK_INDEXES)

    def __init__(self, url: str):
        import psycopg

        self.url = url
        try:
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                msg(
                    (
                        "Cannot open the PostGIS store {url}: {reason}. Check that the server "
                        "runs and the URL (user, host, port, database) is right."
                    ),
                    url=_redacted(url),
                    reason=str(exc).strip(),
                )
            ) from None
        self._migrate()
        self._drop_leftovers()

    def _drop_leftovers(self) -> None:
        """Staging tables of imports that were killed (their session is gone)."""
        for (name,) in self.db.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_stat_activity a WHERE tablename LIKE %s || a.pid || '\\_%%')",
            (f"{_STAGE}%", _STAGE),
        ).fetchall():
            self.db.execute(f"DROP TABLE IF EXISTS {name}")

    # -- the dialect ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self):
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            yield

    def sql(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s")

    def run(self, text: str, params=()):
        if not params:
            return self.db.execute(text)  # no parameters: % is literal
        return self.db.execute(self.sql(text), tuple(params))

    def among(self, column: str, values: list) -> tuple[str, list]:
        return f"{column} = ANY(?)", [list(values)]

    def within(self, bbox) -> tuple[str, list]:
        return "geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)", list(bbox)

    text_dates = False
    previous = "to_jsonb(i) - 'geom'"

    @contextlib.contextmanager
    def staged(self, rows: pa.RecordBatchReader):
        import adbc_driver_postgresql.dbapi

        name = f"{_STAGE}{self.db.info.backend_pid}_{uuid.uuid4().hex[:8]}"
        columns = ", ".join(f"{f.name} {_PG_TYPES[f.type]}" for f in rows.schema)
        self.db.execute(f"CREATE UNLOGGED TABLE {name} ({columns})")

        def copy(part: pa.RecordBatchReader) -> None:
            with (
                adbc_driver_postgresql.dbapi.connect(self.url, autocommit=True) as bulk,
                bulk.cursor() as cursor,
            ):
                cursor.adbc_ingest(name, part, mode="append")

        try:
            write_split(rows, [copy] * STAGE_WRITERS)  # the write sorts by id: any order
            self.db.execute(f"CREATE UNIQUE INDEX ON {name} (incident_id)")
            self.db.execute(f"ANALYZE {name}")
            yield name
        finally:
            self.db.execute(f"DROP TABLE IF EXISTS {name}")

    def _plan(self, stage: str, batch_id: int, staged: int) -> tuple[int, int]:
        """The batch's first work in its transaction, which sets its memory: sorts by id
        (the plan's and the write's) and index builds (``_bulk``) stay in memory."""
        self.db.execute("SET LOCAL work_mem = '256MB'")
        self.db.execute("SET LOCAL maintenance_work_mem = '256MB'")
        return super()._plan(stage, batch_id, staged)

    def _write(self, stage: str, batch_id: int, rows: int, added: int) -> None:
        """An updated row loses its old link (``linked_to`` is not staged); a batch of new
        rows only is copied whole."""
        names = ", ".join(_STORED)
        picked = ", ".join(f"s.{n}" for n in STORED)
        if added == rows:
            self.run(
                f"INSERT INTO incidents ({names}) SELECT {picked}, ? FROM {stage} s "
                "ORDER BY s.incident_id",  # its key's index filled in order
                (batch_id,),
            )
        else:
            self.run(
                f"INSERT INTO incidents ({names}) SELECT {picked}, ? FROM {stage} s "
                "JOIN changes c ON c.incident_id = s.incident_id AND c.batch_id = ? "
                f"ON CONFLICT (incident_id) DO UPDATE SET {_assign(_STORED)}, "
                "linked_to = NULL",
                (batch_id, batch_id),
            )

    def _restore_updated(self, batch_id: int) -> int:
        names = ", ".join(_RESTORED)
        picked = ", ".join(f"r.{n}" for n in _RESTORED)
        return self.run(
            f"INSERT INTO incidents ({names}) SELECT {picked} FROM changes c, "
            "jsonb_populate_record(NULL::incidents, c.previous) r WHERE c.batch_id = ? "
            f"AND c.action = 'updated' ON CONFLICT (incident_id) DO UPDATE SET "
            f"{_assign(_RESTORED)}",
            (batch_id,),
        ).rowcount

    # -- the database ---------------------------------------------------------------------

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

    def check(self) -> str:
        return "ok" if self.db.execute("SELECT 1").fetchone()[0] == 1 else "failed"


def _assign(columns: list[str]) -> str:
    return ", ".join(f"{n} = EXCLUDED.{n}" for n in columns if n != "incident_id")
