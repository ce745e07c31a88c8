"""The SQLite dialect: one file under ``data/`` (the embedded default).

WAL journal and a busy timeout (several imports at once all land, one after another);
``BEGIN IMMEDIATE`` serialises writers. Lists of ids travel as one JSON array read by
``json_each`` (far faster than a million bound parameters); a batch that is most of the
store drops and rebuilds the secondary indexes around its write. The file is checked
when opened (``_verify``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path

import pandas as pd

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.schema import NAMES
from conflictmap.store.base import SqlStore
from conflictmap.store.ddl import BULK_INDEXES, SQLITE_MIGRATIONS, SQLITE_TYPES
from conflictmap.store.plan import ADDED, UPDATED, changed_rows, stored_rows

_MAGIC = b"SQLite format 3\x00"
BULK_ROWS = 100_000  # a batch this large rebuilds the secondary indexes after writing
_COLUMNS = [*NAMES, "row_hash", "batch_id"]


class SqliteStore(SqlStore):
    types = SQLITE_TYPES
    migrations = SQLITE_MIGRATIONS

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
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

    def _existing(self, ids: list[str]) -> pd.DataFrame:
        if self.db.execute("SELECT 1 FROM incidents LIMIT 1").fetchone() is None:
            return pd.DataFrame(columns=["incident_id", "row_hash", "timestamp"])
        return self.frame(
            "SELECT incident_id, row_hash, timestamp FROM incidents WHERE incident_id IN "
            "(SELECT value FROM json_each(?))",
            (_json(ids),),
        )

    def _write(self, rows: pd.DataFrame, action: pd.Series, batch_id: int, progress=None):
        """``progress(done, total)`` is told after each chunk of rows; INSERT OR REPLACE
        writes each row whole, so its old link is gone."""
        updated = rows.loc[action == UPDATED, "incident_id"].tolist()
        self.db.execute(
            "INSERT INTO changes SELECT ?, incident_id, 'updated', json_object("
            + ", ".join(f"'{c}', {c}" for c in [*_COLUMNS, "linked_to"])
            + ") FROM incidents WHERE incident_id IN (SELECT value FROM json_each(?))",
            (batch_id, _json(updated)),
        )
        added = rows.loc[action == ADDED, "incident_id"].tolist()
        self.db.execute(
            "INSERT INTO changes SELECT ?, value, 'added', NULL FROM json_each(?)",
            (batch_id, _json(added)),
        )
        changed = changed_rows(rows, action)[_COLUMNS[:-1]]
        # one sort beats a million index insertions, when the batch is most of the store
        rebuild = len(changed) >= max(BULK_ROWS, self.count() // 2)
        if rebuild:
            for name, _ in BULK_INDEXES:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")
        insert = (
            f"INSERT OR REPLACE INTO incidents ({', '.join(_COLUMNS)}) VALUES "
            f"({','.join('?' * len(_COLUMNS))})"
        )
        done = 0
        for chunk in stored_rows(changed.assign(batch_id=batch_id)):
            self.db.executemany(insert, chunk)
            done += len(chunk)
            if progress:
                progress(done, len(changed))
        if rebuild:
            for name, column in BULK_INDEXES:
                self.db.execute(f"CREATE INDEX {name} ON incidents {column}")

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

    # -- the file ------------------------------------------------------------------------

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


def _json(ids: list) -> str:
    return json.dumps(list(ids), ensure_ascii=False)
