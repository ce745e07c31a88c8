"""The store's tables, one migration list per dialect (a store records the schema version
it reached in ``meta``; opening it runs the steps after that, in one transaction)."""

from __future__ import annotations

from conflictmap.schema import BY_NAME, DATE, FLOAT, INT, NAMES

SCHEMA_VERSION = 7
SQLITE_TYPES = {INT: "INTEGER", FLOAT: "REAL", DATE: "TEXT"}
POSTGIS_TYPES = {INT: "BIGINT", FLOAT: "DOUBLE PRECISION", DATE: "DATE"}
DATASET_INDEX = ("incidents_dataset", "(dataset, event_date)")  # link candidates, scopes
BULK_INDEXES = (DATASET_INDEX,)  # dropped and rebuilt around a batch that is most of a store
# (the partial index of links is not: a batch writes its rows unlinked, so it adds nothing)


def incident_columns(types: dict) -> str:
    return ",\n  ".join(
        f"{n} {types.get(BY_NAME[n].kind, 'TEXT')}" + (" PRIMARY KEY" if n == "incident_id" else "")
        for n in NAMES
    )


def _sqlite_v1() -> list[str]:
    return [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE batches (id INTEGER PRIMARY KEY AUTOINCREMENT, file TEXT, sha256 TEXT,
           format TEXT, rows_read INTEGER, imported INTEGER, rejected INTEGER,
           imported_at TEXT, user TEXT)""",
        f"CREATE TABLE incidents (\n  {incident_columns(SQLITE_TYPES)},\n  batch_id INTEGER)",
        "CREATE INDEX incidents_date ON incidents (event_date)",
    ]


def _sqlite_v2() -> list[str]:
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


def _postgis_v2() -> list[str]:
    """PostGIS stores start here: the tables of SQLite's v1 and v2, with a point column."""
    return [
        "CREATE EXTENSION IF NOT EXISTS postgis",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE batches (id SERIAL PRIMARY KEY, file TEXT, sha256 TEXT, format TEXT,
           rows_read INTEGER, imported INTEGER, rejected INTEGER, imported_at TEXT,
           "user" TEXT, added INTEGER DEFAULT 0, updated INTEGER DEFAULT 0,
           unchanged INTEGER DEFAULT 0, undone_at TEXT)""",
        "CREATE INDEX batches_sha ON batches (sha256)",
        f"""CREATE TABLE incidents (\n  {incident_columns(POSTGIS_TYPES)},\n  row_hash BIGINT,
           batch_id INTEGER, geom geometry(Point, 4326) GENERATED ALWAYS AS
             (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED)""",
        "CREATE INDEX incidents_geom ON incidents USING gist (geom)",
        "CREATE INDEX incidents_date ON incidents (event_date)",
        """CREATE TABLE changes (batch_id INTEGER NOT NULL, incident_id TEXT NOT NULL,
           action TEXT NOT NULL, previous JSONB, PRIMARY KEY (batch_id, incident_id))""",
        "CREATE INDEX changes_incident ON changes (incident_id)",
    ]


def _v3() -> list[str]:
    """Cross-dataset links: the primary incident a report joins, and the pairs split."""
    return [
        "ALTER TABLE incidents ADD COLUMN linked_to TEXT",
        "CREATE INDEX incidents_linked ON incidents (linked_to)",
        """CREATE TABLE unlinked (incident_id TEXT NOT NULL, other_id TEXT NOT NULL,
           PRIMARY KEY (incident_id, other_id))""",
    ]


def _v4(serial: str) -> list[str]:
    """Analysts' corrections: kept with who and when, put back over later imports."""
    return [
        f"""CREATE TABLE corrections (id {serial}, incident_id TEXT NOT NULL,
           field TEXT NOT NULL, value TEXT, previous TEXT, "user" TEXT,
           made_at TEXT NOT NULL)""",
        "CREATE INDEX corrections_incident ON corrections (incident_id)",
    ]


def _v5() -> list[str]:
    """Link candidates come from other datasets: an index on (dataset, event_date) in both
    dialects (SQLite stores had it created outside the migrations until schema 4)."""
    name, columns = DATASET_INDEX
    return [f"CREATE INDEX IF NOT EXISTS {name} ON incidents {columns}"]


def _v6(serial: str) -> list[str]:
    """Places to check: the rows of a batch held back because their place was not found
    (``state`` 'held', the row kept whole in ``record``), and imported rows whose place was
    read by a close spelling or among several (``state`` 'check'), until an analyst
    chooses; ``resolved_batch`` is the batch that imported the held rows then."""
    return [
        f"""CREATE TABLE pending (id {serial}, batch_id INTEGER NOT NULL,
           line INTEGER NOT NULL, state TEXT NOT NULL, problem TEXT NOT NULL,
           place TEXT NOT NULL, country TEXT, admin1 TEXT, admin2 TEXT, candidates TEXT,
           incident_id TEXT NOT NULL, record TEXT, resolved_at TEXT, resolved_by TEXT,
           resolved_batch INTEGER)""",
        "CREATE INDEX pending_batch ON pending (batch_id)",
        "CREATE INDEX pending_resolved ON pending (resolved_batch)",
    ]


def _v7() -> list[str]:
    """The index of dates alone is gone: a date filter bounds ``event_date`` from above
    only (its lower bound is on the end date), so the index chose most of the table and
    read it in date order, 2 to 3 times slower than a scan (0.7 s against 0.3 s for a
    month of a million incidents); what searches by date names the datasets too and has
    ``incidents_dataset``. The index of links keeps only linked rows (a few): a batch adds
    nothing to it and need not rebuild it."""
    return [
        "DROP INDEX IF EXISTS incidents_date",
        "DROP INDEX IF EXISTS incidents_linked",
        "CREATE INDEX incidents_linked ON incidents (linked_to) WHERE linked_to IS NOT NULL",
    ]


SQLITE_MIGRATIONS = {  # version -> statements reaching it
    1: _sqlite_v1,
    2: _sqlite_v2,
    3: _v3,
    4: lambda: _v4("INTEGER PRIMARY KEY AUTOINCREMENT"),
    5: _v5,
    6: lambda: _v6("INTEGER PRIMARY KEY AUTOINCREMENT"),
    7: _v7,
}
POSTGIS_MIGRATIONS = {
    2: _postgis_v2,
    3: _v3,
    4: lambda: _v4("BIGSERIAL PRIMARY KEY"),
    5: _v5,
    6: lambda: _v6("BIGSERIAL PRIMARY KEY"),
    7: _v7,
}
