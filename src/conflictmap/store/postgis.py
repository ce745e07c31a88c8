"""The PostgreSQL/PostGIS dialect: the team store (``postgresql://`` URLs).

Geometry lives in a generated PostGIS point column with a GiST index, so bounding boxes
are cut in the database. Writers are serialised by one advisory lock taken in each write
transaction; lists of ids are bound as arrays (``= ANY(%s)``); a batch's rows arrive
through ``COPY`` into a staging table, then one upsert.
"""

from __future__ import annotations

import contextlib
import re

import pandas as pd

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.schema import NAMES
from conflictmap.store.base import SqlStore
from conflictmap.store.ddl import POSTGIS_MIGRATIONS, POSTGIS_TYPES
from conflictmap.store.plan import ADDED, UPDATED, changed_rows, stored_rows

_LOCK = 7_201_511  # advisory lock: one writer at a time
_STORED = [*NAMES, "row_hash", "batch_id"]
_RESTORED = [*_STORED, "linked_to"]


def _redacted(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


class PostgisStore(SqlStore):
    types = POSTGIS_TYPES
    migrations = POSTGIS_MIGRATIONS

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

    def _existing(self, ids: list[str]) -> pd.DataFrame:
        return self.frame(
            "SELECT incident_id, row_hash, timestamp FROM incidents WHERE incident_id = ANY(?)",
            (ids,),
        )

    def _write(self, rows: pd.DataFrame, action: pd.Series, batch_id: int, progress=None):
        """``progress(done, total)`` is told after each chunk of rows."""
        updated = rows.loc[action == UPDATED, "incident_id"].tolist()
        self.run(
            "INSERT INTO changes SELECT ?, incident_id, 'updated', to_jsonb(i) - 'geom' "
            "FROM incidents i WHERE incident_id = ANY(?)",
            (batch_id, updated),
        )
        added = rows.loc[action == ADDED, "incident_id"].tolist()
        self.run(
            "INSERT INTO changes SELECT ?, unnest(?::text[]), 'added', NULL", (batch_id, added)
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
        self.db.execute(  # an updated row loses its old link (linked_to is not staged)
            f"INSERT INTO incidents ({names}) SELECT {names} FROM stage "
            f"ON CONFLICT (incident_id) DO UPDATE SET {_assign(_STORED)}, linked_to = NULL"
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
