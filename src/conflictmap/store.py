"""The incident store. Embedded default: one SQLite file under ``data/``.

A batch (one import) is written in one transaction: the store holds all of it or
none of it. Incidents are keyed by ``incident_id`` so the same file imported twice
does not double anything.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from conflictmap.errors import StoreError
from conflictmap.schema import BY_NAME, DATE, FLOAT, INT, NAMES
from conflictmap.settings import Settings

SCHEMA_VERSION = 1
_SQL_TYPE = {INT: "INTEGER", FLOAT: "REAL", DATE: "TEXT"}
_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BatchInfo:
    file: str
    sha256: str
    format: str
    rows_read: int
    rejected: int
    user: str = ""


def _ddl() -> list[str]:
    columns = ",\n  ".join(
        f"{n} {_SQL_TYPE.get(BY_NAME[n].kind, 'TEXT')}"
        + (" PRIMARY KEY" if n == "incident_id" else "")
        for n in NAMES
    )
    return [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE IF NOT EXISTS batches (id INTEGER PRIMARY KEY AUTOINCREMENT,
           file TEXT, sha256 TEXT, format TEXT, rows_read INTEGER, imported INTEGER,
           rejected INTEGER, imported_at TEXT, user TEXT)""",
        f"CREATE TABLE IF NOT EXISTS incidents (\n  {columns},\n  batch_id INTEGER)",
        "CREATE INDEX IF NOT EXISTS incidents_date ON incidents (event_date)",
    ]


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


class SqliteStore:
    def __init__(self, path: Path):
        self.path = path
        self._check_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path} cannot be opened as a conflictmap store ({exc}). "
                "It was not changed; point --store at another file."
            ) from None

    def _check_file(self) -> None:
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; give a file path for the store.")
        if self.path.exists() and self.path.stat().st_size:
            with self.path.open("rb") as handle:
                if handle.read(16) != _MAGIC:
                    raise StoreError(
                        f"{self.path} is not a SQLite store (it holds something "
                        "else). It was not touched; choose another path."
                    )

    def _migrate(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if tables and "meta" not in tables:
            raise StoreError(
                f"{self.path} is a SQLite database but not a conflictmap store; "
                "it was not touched. Choose another path."
            )
        if "meta" in tables:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer conflictmap (schema "
                    f"{version}); upgrade conflictmap to open it."
                )
            return
        with self.db:
            self.db.execute("BEGIN")
            for statement in _ddl():
                self.db.execute(statement)
            self.db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def add_batch(self, frame: pd.DataFrame, info: BatchInfo) -> int:
        """Store a batch atomically; returns its id."""
        rows = _to_rows(frame)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        user = info.user or _os_user()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "INSERT INTO batches (file, sha256, format, rows_read, imported, rejected, "
                "imported_at, user) VALUES (?,?,?,?,?,?,?,?)",
                (
                    info.file,
                    info.sha256,
                    info.format,
                    info.rows_read,
                    len(rows),
                    info.rejected,
                    now,
                    user,
                ),
            )
            batch_id = cursor.lastrowid
            marks = ",".join("?" * (len(NAMES) + 1))
            self.db.executemany(
                f"INSERT OR REPLACE INTO incidents VALUES ({marks})",
                ((*row, batch_id) for row in rows),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return batch_id

    def version(self) -> tuple[int, int]:
        """Changes whenever a batch lands: (last batch id, incident count)."""
        last = self.db.execute("SELECT coalesce(max(id), 0) FROM batches").fetchone()[0]
        return last, self.count()

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM incidents").fetchone()[0]

    def batches(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM batches ORDER BY id", self.db)

    def read(self) -> gpd.GeoDataFrame:
        """Every incident as a GeoDataFrame (EPSG:4326), dates as datetime64."""
        frame = pd.read_sql_query(f"SELECT {', '.join(NAMES)}, batch_id FROM incidents", self.db)
        return to_geoframe(frame)

    def close(self) -> None:
        self.db.close()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        return "unknown"


def _to_rows(frame: pd.DataFrame) -> list[tuple]:
    out = frame[list(NAMES)].copy()
    for name in ("event_date", "end_date"):
        out[name] = pd.to_datetime(out[name]).dt.strftime("%Y-%m-%d")
    out = out.astype(object).where(out.notna(), None)
    return list(out.itertuples(index=False, name=None))


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


def open_store(url: str | None = None, settings: Settings | None = None) -> SqliteStore:
    """Open (creating if needed) the store at ``url``, default: the SQLite file in data/."""
    settings = settings or Settings()
    return SqliteStore(sqlite_path(url or settings.default_store_url))
