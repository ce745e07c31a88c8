"""Every store behaviour, written once over SQL both dialects speak.

``SqlStore`` holds the algorithms: a batch in one transaction (plan, record the changes,
write, put corrections back, link), undo, split, corrections, reads. SQL here is written
with ``?`` placeholders and ``"user"`` quoted; a dialect (``sqlite.SqliteStore``,
``postgis.PostgisStore``) supplies what differs: connecting and migrating, the
transaction and its lock, how a list of ids is bound, the bounding-box test, staging a
batch (its Arrow table written in bulk by the dialect's ADBC driver, next to the store),
writing the staged rows it changes, and restoring rows from their recorded JSON.

A batch is compared inside the database: its staged rows are joined to the stored ones by
id, and the fingerprints and change times decide what it adds and updates
(``PLAN_SQL``, the rule of ``plan``'s text). Python never holds the stored rows.
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.linkage import link_batch
from conflictmap.rows import take_table_rows
from conflictmap.store.ddl import SCHEMA_VERSION
from conflictmap.store.edits import Edits, now, os_user
from conflictmap.store.links import Links
from conflictmap.store.pending import Pending
from conflictmap.store.plan import (
    ADDED,
    STEP_INDEXES,
    STEP_LINKS,
    STEP_WRITE,
    UNCHANGED,
    UPDATED,
    Outcome,
    Stored,
    actions,
    changed_rows,
    stream,
)
from conflictmap.store.reads import Reads


@dataclass(frozen=True)
class BatchInfo:
    file: str
    sha256: str
    format: str
    rows_read: int
    rejected: int
    user: str = ""


class SqlStore(Reads, Links, Edits, Pending):
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

    text_dates = True  # dates staged as ISO text (SQLite) or as dates (PostgreSQL)
    bulk_indexes: tuple = ()  # (name, what) of the indexes a bulk batch rebuilds
    BULK_ROWS = 100_000  # a batch this large (and most of the store) rebuilds them
    previous = ""  # SQL of an ``incidents i`` row as the JSON ``changes`` records

    def staged(self, rows: pa.RecordBatchReader) -> AbstractContextManager[str]:
        """The batch's rows written in bulk where this store's SQL reads them, outside any
        transaction; yields the staging table's name and removes it afterwards."""
        raise NotImplementedError

    def _write(self, stage: str, batch_id: int, rows: int, added: int) -> None:
        """Write the staged rows the batch's ``changes`` name, without the links they had
        (``link.link_batch`` works their links out again); ``rows`` is the batch's size,
        ``added`` how many of them are new."""
        raise NotImplementedError

    @contextlib.contextmanager
    def _bulk(self, rows: int, steps=None):
        """Around writing ``rows`` rows: when they are most of the store, its secondary
        indexes are dropped and built again after (one sort each beats a million index
        insertions); ``steps(STEP_INDEXES, rows)`` is told before they are built."""
        rebuild = rows >= max(self.BULK_ROWS, self.count() // 2)
        if rebuild:
            for name, _ in self.bulk_indexes:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")
        yield
        if rebuild:
            if steps:
                steps(STEP_INDEXES, rows)
            for name, what in self.bulk_indexes:
                self.db.execute(f"CREATE INDEX {name} ON incidents {what}")

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

    def add_batch(
        self,
        frame: pd.DataFrame,
        info: BatchInfo,
        link=None,
        progress=None,
        pending: pd.DataFrame | None = None,
        resolves: list[int] | None = None,
        steps=None,
    ) -> Outcome:
        """Store a batch atomically: add new incidents, update changed ones, record all,
        and (with ``link``, see ``link.linker``) link them to other datasets' reports.
        ``pending`` are its rows to check (see ``ingest.pipeline.pending_rows``), kept
        with it; ``resolves`` the ids of held rows this batch imports at last.
        ``steps(name, rows)`` is told the steps of the batch's transaction as they start:
        ``plan.STEP_WRITE`` with the rows staged to write, and for a large batch
        ``plan.STEP_INDEXES`` and ``plan.STEP_LINKS``."""
        if (earlier := self.find_batch(info.sha256)) is not None:  # before staging it
            return Outcome(duplicate_of=earlier, unchanged=len(frame))
        made = Stored(frame, self.text_dates)  # fingerprinted while it is staged
        try:
            return self._add(frame, made, info, link, progress, pending, resolves, steps)
        except _Raced:  # a batch changed rows between the comparison and this one
            return self._add(
                frame, made, info, link, progress, pending, resolves, steps, compare=False
            )
        except Exception:
            made.failed()  # the fingerprinting's own error, rather than a driver's report of it
            raise
        finally:
            made.stop()

    def _add(
        self, rows, made, info, link, progress, pending, resolves, steps, compare=True
    ) -> Outcome:
        """``add_batch``'s work. With ``compare`` (and a store that holds rows), the batch's
        ids and fingerprints are staged first and only the rows that differ are staged
        whole: an unchanged export stages four columns. If the store's version moved
        since that comparison, the transaction compares every row again, and when that
        finds a change the first comparison did not, it raises ``_Raced``; if not, the
        comparison stands and the plan reads the rows staged whole only."""
        with contextlib.ExitStack() as stack:
            keys, seen = None, self.version() if compare else None
            if seen and seen[2]:  # the store holds rows (``version``'s count)
                keys = stack.enter_context(self.staged(made.stream(keys=True)))
                differing = self._differing(keys)
                whole, staged = (
                    stream(take_table_rows(made.table(), differing), progress),
                    len(differing),
                )
            else:
                whole = made.stream(progress, last=True)  # read once: nothing compares
                staged = len(rows)
            stage = stack.enter_context(self.staged(whole))
            with self.transaction():
                if (earlier := self.find_batch(info.sha256)) is not None:  # it landed since
                    return Outcome(duplicate_of=earlier, unchanged=len(rows))
                if steps and staged:
                    steps(STEP_WRITE, staged)
                settled = keys is None or self.version() == seen  # nothing landed since
                batch_id = self._insert_batch(info, len(rows))
                added, updated = self._plan(
                    stage if settled else keys, batch_id, staged if settled else len(rows)
                )
                if not settled and self._unstaged(stage, batch_id, added + updated):
                    raise _Raced
                if added + updated:
                    with self._bulk(len(rows), steps):
                        self._write(stage, batch_id, len(rows), added)
                self.run(
                    "UPDATE batches SET added = ?, updated = ?, unchanged = ? WHERE id = ?",
                    (added, updated, len(rows) - added - updated, batch_id),
                )
                action = actions(rows, self._changes(batch_id, added), added, updated)
                self._write_pending(batch_id, pending)
                if resolves:
                    self._resolve_pending(resolves, info.user, batch_id)
                self._reapply(batch_id)
                if link and steps and added + updated >= self.BULK_ROWS:
                    steps(STEP_LINKS, added + updated)
                linked = link_batch(self, changed_rows(rows, action), link) if link else 0
        self._committed()
        return outcome_of(batch_id, action, linked)

    def _differing(self, keys: str) -> list[int]:
        """Positions of the staged ids that are new or whose row would be updated."""
        cursor = self.run(
            f"SELECT s.position FROM {keys} s LEFT JOIN incidents i "
            f"ON i.incident_id = s.incident_id WHERE i.incident_id IS NULL OR {_DIFFERS}"
        )
        return [position for (position,) in cursor.fetchall()]

    def _unstaged(self, stage: str, batch_id: int, changed: int) -> bool:
        """Does the batch change a row that was not staged whole? (Its ``changed`` rows
        are counted among the staged ones: one pass over each, whatever the sizes.)"""
        staged = self.run(
            f"SELECT count(*) FROM changes WHERE batch_id = ? AND incident_id IN "
            f"(SELECT incident_id FROM {stage})",
            (batch_id,),
        ).fetchone()[0]
        return staged < changed

    def _plan(self, stage: str, batch_id: int, staged: int) -> tuple[int, int]:
        """Record in ``changes`` what the staged batch (of ``staged`` rows) adds and
        updates (the rule in ``plan``'s text, applied by the database); returns (added,
        updated). When it adds them all, no stored row shares an id to update."""
        added = self.run(PLAN_SQL[ADDED].format(stage=stage), (batch_id,)).rowcount
        if added == staged:
            return added, 0
        updated = self.run(
            PLAN_SQL[UPDATED].format(stage=stage, previous=self.previous), (batch_id,)
        ).rowcount
        return added, updated

    def _changes(self, batch_id: int, added: int) -> pd.DataFrame:
        if added and self.count() == added:  # a first import: every row is new
            return pd.DataFrame(columns=["incident_id", "action"])
        return self.frame("SELECT incident_id, action FROM changes WHERE batch_id = ?", (batch_id,))

    def _insert_batch(self, info: BatchInfo, rows: int) -> int:
        return self.run(
            "INSERT INTO batches (file, sha256, format, rows_read, imported, rejected, "
            'imported_at, "user", added, updated, unchanged) VALUES '
            "(?,?,?,?,?,?,?,?,0,0,0) RETURNING id",
            (
                info.file,
                info.sha256,
                info.format,
                info.rows_read,
                rows,
                info.rejected,
                now(),
                info.user or os_user(),
            ),
        ).fetchone()[0]

    def undo(self, batch_id: int) -> Outcome:
        """Remove what a batch added and restore what it changed."""
        with self.transaction():
            self._check_undoable(batch_id)
            self._check_pending_undo(batch_id)
            removed = self.run(
                "DELETE FROM incidents WHERE incident_id IN (SELECT incident_id FROM changes "
                "WHERE batch_id = ? AND action = 'added')",
                (batch_id,),
            ).rowcount
            restored = self._restore_updated(batch_id)
            self._undo_pending(batch_id)
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

    # -- corrections ----------------------------------------------------------------------

    # -- reading --------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()


class _Raced(Exception):
    """Another batch changed the store between a batch's two comparisons."""


# a stored row ``i`` the staged one ``s`` would update: another fingerprint, and not older
_DIFFERS = (
    "(i.row_hash IS NULL OR i.row_hash <> s.row_hash) "
    "AND (s.timestamp IS NULL OR i.timestamp IS NULL OR s.timestamp >= i.timestamp)"
)
PLAN_SQL = {  # the staged batch against the stored rows, by id (see ``plan``)
    ADDED: (
        "INSERT INTO changes (batch_id, incident_id, action, previous) "
        "SELECT ?, s.incident_id, 'added', NULL FROM {stage} s "
        "WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.incident_id = s.incident_id) "
        "ORDER BY s.incident_id"  # the indexes by id are then filled in order
    ),
    UPDATED: (
        "INSERT INTO changes (batch_id, incident_id, action, previous) "
        "SELECT ?, i.incident_id, 'updated', {previous} FROM {stage} s "
        f"JOIN incidents i ON i.incident_id = s.incident_id WHERE {_DIFFERS}"
    ),
}


def outcome_of(batch_id: int, action: pd.Series, linked: int) -> Outcome:
    counts = action.value_counts()
    return Outcome(
        batch_id,
        int(counts.get(ADDED, 0)),
        int(counts.get(UPDATED, 0)),
        int(counts.get(UNCHANGED, 0)),
        linked=linked,
    )
