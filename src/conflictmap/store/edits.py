"""The analyst's corrections: written with who and when, kept over later imports of the
same incident (re-applied after each batch), and listed with an incident's provenance.
"""

from __future__ import annotations

import datetime as dt
import getpass

import pandas as pd

from conflictmap import corrections
from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg
from conflictmap.schema import BY_NAME


def _text(value) -> str | None:
    """A stored value as the corrections table keeps it."""
    if value is None:
        return None
    return repr(value) if isinstance(value, float) else str(value)


def _same(before, value: str | None) -> bool:
    if before is None or value is None:
        return before is None and value is None
    if isinstance(before, int | float):
        return float(before) == float(value)
    if isinstance(before, dt.date):
        return before.isoformat() == value
    return str(before) == value


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        return "unknown"


class Edits:
    """Corrections and provenance (mixed into ``SqlStore``)."""

    def _cast(self, field: str) -> str:
        return f"CAST(? AS {self.types.get(BY_NAME[field].kind, 'TEXT')})"

    def _reapply(self, batch_id: int) -> None:
        """Put the latest correction of each field back over the rows a batch wrote."""
        for field in corrections.FIELDS:
            latest = self._cast(field).replace("?", "c.value")
            self.run(
                f"UPDATE incidents SET {field} = (SELECT {latest} FROM corrections c WHERE "
                "c.incident_id = incidents.incident_id AND c.field = ? ORDER BY c.id DESC "
                "LIMIT 1) WHERE batch_id = ? AND incident_id IN (SELECT incident_id FROM "
                "corrections WHERE field = ?)",
                (field, batch_id, field),
            )

    def correct(self, incident_id: str, changes: dict, user: str = "") -> int:
        """Apply and record an analyst's corrections (see ``corrections.checked``); returns
        how many fields changed."""
        values = corrections.checked(changes)
        with self.transaction():
            current = self.run(
                f"SELECT {', '.join(values) or 'incident_id'} FROM incidents WHERE incident_id = ?",
                (incident_id,),
            ).fetchone()
            if current is None:
                raise StoreError(msg("There is no incident {id}.", id=incident_id))
            done = 0
            for (field, value), before in zip(values.items(), current, strict=False):
                if _same(before, value):
                    continue
                self.run(
                    'INSERT INTO corrections (incident_id, field, value, previous, "user", '
                    "made_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (incident_id, field, value, _text(before), user or os_user(), now()),
                )
                self.run(
                    f"UPDATE incidents SET {field} = {self._cast(field)} WHERE incident_id = ?",
                    (value, incident_id),
                )
                done += 1
        return done

    def corrections(self, incident_id: str) -> pd.DataFrame:
        """Every correction of an incident, oldest first."""
        return self.frame(
            'SELECT made_at, "user" AS user, field, previous, value FROM corrections WHERE '
            "incident_id = ? ORDER BY id",
            (incident_id,),
        )

    def provenance(self, incident_id: str) -> pd.DataFrame:
        """The batches that added or changed one incident, oldest first."""
        return self.frame(
            'SELECT b.id AS batch_id, c.action, b.file, b.format, b.imported_at, b."user" AS '
            "user, b.undone_at FROM changes c JOIN batches b ON b.id = c.batch_id WHERE "
            "c.incident_id = ? ORDER BY b.id",
            (incident_id,),
        )
