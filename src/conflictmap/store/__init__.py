"""The incident store: one SQLite file by default, PostgreSQL/PostGIS for a team.

A batch (one import) is written in one transaction: the store holds all of it or none
of it. Every change a batch makes is recorded with the row it replaced, so a batch can
be undone; the same file imported twice is recognised by its SHA-256 and changes
nothing. Each behaviour is written once (``base.SqlStore``) over two dialects
(``sqlite``, ``postgis``); their tables and migrations are in ``ddl``.
"""

from __future__ import annotations

from pathlib import Path

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.settings import Settings
from conflictmap.store.base import BatchInfo, SqlStore
from conflictmap.store.ddl import BULK_INDEXES, SCHEMA_VERSION
from conflictmap.store.ddl import SQLITE_MIGRATIONS as MIGRATIONS
from conflictmap.store.links import LINK_COLUMNS, LINKS_SQL
from conflictmap.store.reads import ACTOR_COLUMNS, ACTORS_SQL, Query, to_geoframe

__all__ = [
    "ACTORS_SQL",
    "ACTOR_COLUMNS",
    "BULK_INDEXES",
    "LINKS_SQL",
    "LINK_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "BatchInfo",
    "Query",
    "SqlStore",
    "open_store",
    "sqlite_path",
    "to_geoframe",
]


def sqlite_path(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :]).expanduser().resolve()
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise StoreError(
            msg(
                (
                    "Store URL scheme '{scheme}' is not supported by this version; use a "
                    "SQLite file (sqlite:///path/to/store.sqlite)."
                ),
                scheme=scheme,
            )
        )
    return Path(url).expanduser().resolve()


def open_store(url: str | None = None, settings: Settings | None = None) -> SqlStore:
    """Open (creating or upgrading if needed) the store at ``url``: a SQLite file (the
    default, under data/) or a PostGIS database (``postgresql://...``)."""
    settings = settings or Settings()
    url = url or settings.default_store_url
    if url.startswith(("postgresql://", "postgres://")):
        from conflictmap.store.postgis import PostgisStore

        return PostgisStore(url)
    from conflictmap.store.sqlite import SqliteStore

    return SqliteStore(sqlite_path(url))
