"""The SQLite dialect: one file under ``data/`` (the embedded default).

WAL journal and a busy timeout (several imports at once all land, one after another);
``BEGIN IMMEDIATE`` serialises writers. ``synchronous=NORMAL``: in WAL mode a commit is
still all or nothing after a kill or a crash, and the log is flushed to disk when it is
copied into the file rather than at every commit (a power cut may lose the last batches,
never half of one). Lists of ids travel as one JSON array read by
``json_each`` (far faster than a million bound parameters). A batch is staged by the ADBC
SQLite driver (its Arrow table bound in C, no Python value per cell) into two files of
its own next to the store, written at once on two cores (each with every other chunk),
which the store's connection attaches and copies from in the batch's order (a view
joins the two for the plan's joins). The driver never opens the store's file itself (it
links its own SQLite, and two SQLite libraries must not hold locks on one file). A batch
that is most of the store drops and rebuilds the secondary indexes around its write. The
file is checked when opened (``_verify``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import threading
import uuid
from pathlib import Path

import pyarrow as pa

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.schema import NAMES
from conflictmap.store.base import SqlStore
from conflictmap.store.ddl import BULK_INDEXES, SQLITE_MIGRATIONS, SQLITE_TYPES
from conflictmap.store.plan import STAGE_WRITERS, STORED, write_split

_MAGIC = b"SQLite format 3\x00"
_COLUMNS = [*NAMES, "row_hash", "batch_id"]
# pages of 16 KiB rather than SQLite's 4 KiB (a store's rows are some 600 bytes): at a
# million rows the copy into the store is a third faster, the index built and the log
# copied into the file a fifth; a store made with other pages keeps them
PAGE_SIZE = 16384


class SqliteStore(SqlStore):
    types = SQLITE_TYPES
    migrations = SQLITE_MIGRATIONS
    bulk_indexes = BULK_INDEXES

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self._in_order: dict = {}  # stage -> its rows in the batch's order (``_spans``)
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
            else:  # set once, before the file's first page is written (see PAGE_SIZE)
                self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # see the module
            # 32 MB of pages; an index build sorts in as much per thread (64 MB: 0.5 s faster
            # at a million rows, 25 MB more memory at the import's high point)
            self.db.execute("PRAGMA cache_size=-32768")
            self.db.execute("PRAGMA threads=2")  # sorting for an index uses both cores
            self._migrate()
            self._remove_leftovers()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                msg(
                    (
                        "{path} cannot be opened as a conflictmap store ({exc}). It was not "
                        "changed; point --store at another file."
                    ),
                    path=path,
                    exc=exc,
                )
            ) from None

    # -- the dialect ----------------------------------------------------------------------

    _checkpoint: threading.Thread | None = None

    @contextlib.contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def run(self, text: str, params=()):
        return self.db.execute(text, tuple(params))

    def among(self, column: str, values: list) -> tuple[str, list]:
        return f"{column} IN (SELECT value FROM json_each(?))", [_json(values)]

    def within(self, bbox) -> tuple[str, list]:
        west, south, east, north = bbox
        return "longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?", [west, east, south, north]

    previous = "json_object(" + ", ".join(f"'{c}', i.{c}" for c in [*_COLUMNS, "linked_to"]) + ")"

    @contextlib.contextmanager
    def staged(self, rows: pa.RecordBatchReader):
        """Its commit does not copy the log into the file (a batch's log is its size):
        ``_committed`` does that beside whatever runs next (see ``_copy_log``)."""
        alias = f"stage_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        parts = [f"{alias}_{n}" for n in range(STAGE_WRITERS)]
        paths = [self.path.with_name(f".{self.path.name}-{part}") for part in parts]
        try:
            handed = write_split(
                rows, [functools.partial(_bulk_write, path, "staged") for path in paths]
            )
            self._in_order[alias] = _spans(handed, parts)
            for part, path in zip(parts, paths, strict=True):
                self.db.execute(f"ATTACH DATABASE ? AS {part}", (str(path),))
            every = " UNION ALL ".join(f"SELECT * FROM {part}.staged" for part in parts)
            self.db.execute(f"CREATE TEMP VIEW {alias} AS {every}")
            self.db.execute("PRAGMA wal_autocheckpoint=0")
            try:
                yield alias
            finally:
                self.db.execute("PRAGMA wal_autocheckpoint=1000")
                self._in_order.pop(alias, None)
                self.db.execute(f"DROP VIEW IF EXISTS temp.{alias}")
                for part in parts:
                    with contextlib.suppress(sqlite3.OperationalError):  # never attached
                        self.db.execute(f"DETACH DATABASE {part}")
        finally:
            for path in paths:
                for leftover in (path, path.with_name(path.name + "-journal")):
                    leftover.unlink(missing_ok=True)

    def _write(self, stage: str, batch_id: int, rows: int, added: int) -> None:
        """INSERT OR REPLACE writes each row whole, so its old link is gone; a batch of
        new rows only is copied whole."""
        names = ", ".join(STORED)
        if added == rows:  # span by span in the batch's order: ids in order fill the id
            # index in order, as from one file (the view would give one file, then the other)
            for part, first, last in self._in_order[stage]:
                self.db.execute(
                    f"INSERT INTO incidents ({names}, batch_id) SELECT {names}, ? FROM "
                    f"{part}.staged WHERE rowid BETWEEN ? AND ?",
                    (batch_id, first, last),
                )
        else:
            self.db.execute(
                f"INSERT OR REPLACE INTO incidents ({names}, batch_id) SELECT {names}, ? "
                f"FROM {stage} WHERE incident_id IN "
                "(SELECT incident_id FROM changes WHERE batch_id = ?)",
                (batch_id, batch_id),
            )

    def _restore_updated(self, batch_id: int) -> int:
        restored = 0
        for (previous,) in self.db.execute(
            "SELECT previous FROM changes WHERE batch_id = ? AND action = 'updated'", (batch_id,)
        ).fetchall():
            record = json.loads(previous)
            names = list(record)
            self.db.execute(
                f"INSERT OR REPLACE INTO incidents ({', '.join(names)}) VALUES "
                f"({','.join('?' * len(names))})",
                [record[n] for n in names],
            )
            restored += 1
        return restored

    def _committed(self) -> None:
        self._remember_checked()
        self._wait_for_log()
        self._checkpoint = threading.Thread(target=self._copy_log, daemon=True)
        self._checkpoint.start()

    def _copy_log(self) -> None:
        """Copy the write-ahead log into the file (a passive checkpoint: readers and the
        next writer go on meanwhile), on a connection of its own. Stopped half-way, the
        log is simply copied again later."""
        with contextlib.suppress(sqlite3.Error):
            copier = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            try:
                copier.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                copier.close()
            self._remember_checked()  # the copy changed the file, not its content

    def _wait_for_log(self) -> None:
        if self._checkpoint is not None:
            self._checkpoint.join()
            self._checkpoint = None

    def close(self) -> None:
        self._wait_for_log()
        self.db.close()

    # -- the file ------------------------------------------------------------------------

    def _remove_leftovers(self) -> None:
        """Staging files of imports that were killed (their process is gone)."""
        for path in self.path.parent.glob(f".{self.path.name}-stage_*"):
            pid = path.name.rsplit("-stage_", 1)[1].split("_")[0]
            if pid.isdigit() and not _alive(int(pid)):
                path.unlink(missing_ok=True)

    def _check_file(self) -> None:
        if self.path.is_dir():
            raise StoreError(
                msg("{path} is a folder; give a file path for the store.", path=self.path)
            )
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise StoreError(
                msg(
                    (
                        "{path} is read-only for this user; conflictmap needs to write to its "
                        "store. Give write permission, or copy the file and point --store at "
                        "the copy."
                    ),
                    path=self.path,
                )
            )
        if self.path.exists() and self.path.stat().st_size:
            with self.path.open("rb") as handle:
                if handle.read(16) != _MAGIC:
                    raise StoreError(
                        msg(
                            (
                                "{path} is not a SQLite store (it holds something else). It was "
                                "not touched; choose another path."
                            ),
                            path=self.path,
                        )
                    )

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
                msg(
                    (
                        "{path} is damaged ({problem}); it was not changed. Restore it from a "
                        "backup, or save what can be read into a new file with `sqlite3 "
                        "{name} .recover | sqlite3 recovered.sqlite` and point --store "
                        "(CONFLICTMAP_STORE) at recovered.sqlite."
                    ),
                    path=self.path,
                    problem=first[:160],
                    name=self.path.name,
                )
            )
        self._remember_checked()

    def _remember_checked(self) -> None:
        """The file as it is now is known good (it passed, or we just committed to it)."""
        with contextlib.suppress(OSError):  # a read-only folder: checked again next time
            self._stamp_path.write_text(self._file_stamp())

    def schema_version(self) -> int:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return 0
        if "meta" not in tables:
            raise StoreError(
                msg(
                    (
                        "{path} is a SQLite database but not a conflictmap store; it was not "
                        "touched. Choose another path."
                    ),
                    path=self.path,
                )
            )
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]


def _bulk_write(path: Path, name: str, rows: pa.RecordBatchReader) -> None:
    """``rows`` as a new table ``name`` of a new SQLite file, written by the ADBC driver
    with no journal (the file is thrown away if anything fails)."""
    import adbc_driver_sqlite.dbapi

    with (
        adbc_driver_sqlite.dbapi.connect(str(path), autocommit=True) as connection,
        connection.cursor() as cursor,
    ):
        for pragma in (
            f"page_size={PAGE_SIZE}",
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-16384",
        ):
            cursor.execute(f"PRAGMA {pragma}")
            cursor.fetchall()
        cursor.execute("BEGIN")
        cursor.adbc_ingest(name, rows, mode="create")
        cursor.execute("COMMIT")


def _spans(handed: list[tuple[int, int]], parts: list[str]) -> list[tuple[str, int, int]]:
    """``write_split``'s batches as rowid spans of the staging files, in the batch's order
    (a driver's table numbers the rows it wrote from 1)."""
    spans, written = [], [0] * len(parts)
    for turn, rows in handed:
        if rows:
            spans.append((parts[turn], written[turn] + 1, written[turn] + rows))
            written[turn] += rows
    return spans


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _json(ids: list) -> str:
    return json.dumps(list(ids), ensure_ascii=False)
