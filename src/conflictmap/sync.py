"""What a batch does to the store, decided before anything is written (pure functions).

An incoming incident whose id the store does not hold is *added*. One it holds with the
same content is *unchanged*. One whose content differs is *updated*, unless both rows
carry the source's change time (ACLED's ``timestamp``) and the incoming one is older:
then the newer row in the store wins and the incoming one counts as unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from conflictmap.schema import NAMES

ADDED, UPDATED, UNCHANGED = "added", "updated", "unchanged"


@dataclass
class Outcome:
    """What storing a batch did (or, for a duplicate file, did not do)."""

    batch_id: int | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_of: int | None = None  # the batch that already brought these same bytes
    linked: int = 0  # rows linked to another dataset's report of the same event
    vanished: list[str] = field(default_factory=list)


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """The stored form of rows: ISO date strings, None for missing, model column order."""
    out = frame[list(NAMES)].copy()
    for name in ("event_date", "end_date"):
        out[name] = pd.to_datetime(out[name]).dt.strftime("%Y-%m-%d")
    return out.astype(object).where(out.notna(), None)


def row_hashes(stored: pd.DataFrame) -> pd.Series:
    """A content fingerprint per row (everything but the id), stable across runs."""
    content = stored.drop(columns="incident_id").astype(str)
    return pd.util.hash_pandas_object(content, index=False).astype("int64")


def plan(incoming: pd.DataFrame, existing: pd.DataFrame) -> pd.Series:
    """ADDED/UPDATED/UNCHANGED per incoming row. ``incoming`` has incident_id, row_hash,
    timestamp; ``existing`` the same columns for the ids the store already holds."""
    known = existing.set_index("incident_id")
    old_hash = incoming["incident_id"].map(known["row_hash"])
    old_time = pd.to_numeric(incoming["incident_id"].map(known["timestamp"]), errors="coerce")
    new_time = pd.to_numeric(incoming["timestamp"], errors="coerce")
    older = old_time.notna() & new_time.notna() & (new_time < old_time)
    action = pd.Series(UPDATED, index=incoming.index)
    action[old_hash.isna()] = ADDED
    action[(old_hash == incoming["row_hash"]) | (old_hash.notna() & older)] = UNCHANGED
    return action


def vanished(existing_scope: pd.DataFrame, incoming_ids: set[str]) -> list[str]:
    """Ids of the store's rows from the same dataset, countries and dates as a full export
    that the export no longer holds (listed for the analyst, never deleted silently)."""
    return sorted(set(existing_scope["incident_id"]) - incoming_ids)
