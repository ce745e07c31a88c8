"""What a batch does to the store, decided before anything is written (pure functions).

An incoming incident whose id the store does not hold is *added*. One it holds with the
same content is *unchanged*. One whose content differs is *updated*, unless both rows
carry the source's change time (ACLED's ``timestamp``) and the incoming one is older:
then the newer row in the store wins and the incoming one counts as unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
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


CHUNK = 50_000  # rows turned into Python values at a time: memory stays flat


def stored_rows(frame: pd.DataFrame, size: int = CHUNK) -> Iterator[list[tuple]]:
    """The rows in their stored form (ISO date strings, None for missing, plain Python
    values), a chunk at a time, so a million rows never exist as Python objects at once."""
    for first in range(0, len(frame), size):
        part = frame.iloc[first : first + size]
        columns = [
            (
                part[name].dt.strftime("%Y-%m-%d")
                if pd.api.types.is_datetime64_any_dtype(part[name])
                else part[name]
            ).to_numpy(dtype=object, na_value=None)
            for name in part.columns
        ]
        yield list(zip(*columns, strict=True))


def row_hashes(frame: pd.DataFrame) -> pd.Series:
    """A content fingerprint per row: every column but the id, as the text of its stored
    form (ISO dates), hashed. Stable across runs and versions: stores compare it with the
    hash they hold (a test pins it to the stored rows' text)."""
    text = {
        name: (
            frame[name].dt.strftime("%Y-%m-%d")
            if pd.api.types.is_datetime64_any_dtype(frame[name])
            else frame[name].astype("str")
        )
        for name in NAMES
        if name != "incident_id"
    }
    hashes = pd.util.hash_pandas_object(pd.DataFrame(text, index=frame.index), index=False)
    return pd.Series(hashes.to_numpy().astype("int64"), index=frame.index)


def changed_rows(rows: pd.DataFrame, action: pd.Series) -> pd.DataFrame:
    """The rows a batch writes (all of them, without a copy, on a first import)."""
    keep = action != UNCHANGED
    return rows if keep.all() else rows.loc[keep]


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
