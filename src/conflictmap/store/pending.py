"""Places to check, kept by the store: rows a batch held back because their place was not
found, and imported rows whose place was read loosely, until an analyst chooses (mixed
into ``SqlStore``; every write here runs inside the caller's transaction)."""

from __future__ import annotations

import pandas as pd

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.store.edits import now, os_user

OPEN_SQL = (  # the rows still waiting, of live batches
    "FROM pending p JOIN batches b ON b.id = p.batch_id "
    "WHERE b.undone_at IS NULL AND p.resolved_at IS NULL"
)
PENDING_SQL = (
    "SELECT p.id, p.batch_id, b.file, p.line, p.state, p.problem, p.place, p.country, "
    f"p.admin1, p.admin2, p.candidates, p.incident_id, p.record, p.resolved_at {OPEN_SQL}"
)
_WRITTEN = (
    "line",
    "state",
    "problem",
    "place",
    "country",
    "admin1",
    "admin2",
    "candidates",
    "incident_id",
    "record",
)


class Pending:
    """The ``pending`` table's reads and writes."""

    def _write_pending(self, batch_id: int, pending: pd.DataFrame | None) -> None:
        if pending is None or pending.empty:
            return
        self.run_many(
            f"INSERT INTO pending (batch_id, {', '.join(_WRITTEN)}) VALUES "
            f"(?, {', '.join('?' * len(_WRITTEN))})",
            (
                (batch_id, int(row[0]), *(None if pd.isna(v) else str(v) for v in row[1:]))
                for row in pending[list(_WRITTEN)].itertuples(index=False, name=None)
            ),
        )

    def pending(self) -> pd.DataFrame:
        """The rows waiting for an analyst, of live batches, by place then line."""
        return self.frame(f"{PENDING_SQL} ORDER BY p.place, p.batch_id, p.line")

    def pending_count(self) -> int:
        """How many rows wait for an analyst (without reading them)."""
        return self.run(f"SELECT count(*) {OPEN_SQL}").fetchone()[0]

    def pending_by_id(self, ids: list[int]) -> pd.DataFrame:
        where, params = self.among("p.id", [int(i) for i in ids])
        return self.frame(f"{PENDING_SQL} AND {where}", params)

    def _resolve_pending(self, ids: list[int], user: str, batch_id: int | None) -> None:
        where, params = self.among("id", [int(i) for i in ids])
        self.run(
            "UPDATE pending SET resolved_at = ?, resolved_by = ?, resolved_batch = ? "
            f"WHERE resolved_at IS NULL AND {where}",
            (now(), user or os_user(), batch_id, *params),
        )

    def checked(self, ids: list[int], user: str = "") -> None:
        """The analyst kept the place these rows were given: they leave the list."""
        with self.transaction():
            self._resolve_pending(ids, user, None)

    def _check_pending_undo(self, batch_id: int) -> None:
        """A batch whose held rows a later, live batch imported is undone after it."""
        later = self.run(
            "SELECT min(p.resolved_batch) FROM pending p JOIN batches b ON "
            "b.id = p.resolved_batch WHERE p.batch_id = ? AND b.undone_at IS NULL",
            (batch_id,),
        ).fetchone()[0]
        if later:
            raise StoreError(
                msg(
                    "Batch {later} imported rows that batch {batch_id} held back for their "
                    "place; undo batch {later} first.",
                    later=later,
                    batch_id=batch_id,
                )
            )

    def _undo_pending(self, batch_id: int) -> None:
        """An undone batch's rows to check go; rows a resolution imported wait again."""
        self.run("DELETE FROM pending WHERE batch_id = ?", (batch_id,))
        self.run(
            "UPDATE pending SET resolved_at = NULL, resolved_by = NULL, resolved_batch = NULL "
            "WHERE resolved_batch = ?",
            (batch_id,),
        )

    def batch_places(self, batch_ids: list[int], most: int = 300) -> pd.DataFrame:
        """Where these batches' rows were put (name, point, rows), most rows first: the
        file's other places, beside a name to check."""
        where, params = self.among("batch_id", [int(b) for b in batch_ids])
        return self.frame(
            "SELECT location, avg(latitude) AS latitude, avg(longitude) AS longitude, "
            f"count(*) AS n FROM incidents WHERE {where} GROUP BY location "
            f"ORDER BY n DESC LIMIT {int(most)}",
            params,
        )
