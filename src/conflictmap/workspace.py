"""The analyst's workspace: a store with its settings, factions and map index, and what the
dashboard and the CLI do to it. It is the one place that keeps the map index in step with
each change (an import, a correction), so neither caller repeats "take the store version,
write, then update the index"."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from conflictmap import mapindex
from conflictmap.factions import Factions, load_factions
from conflictmap.filters import Filters
from conflictmap.ingest import pipeline
from conflictmap.ingest.issues import Report
from conflictmap.ingest.pipeline import Progress, quiet
from conflictmap.settings import Settings
from conflictmap.store import SqlStore, open_store
from conflictmap.store.plan import Outcome
from conflictmap.views import apply, store_query, with_factions


@dataclass
class Workspace:
    store: SqlStore
    settings: Settings
    notes: list[str] = field(default_factory=list)  # what the caller should tell the user

    @classmethod
    def open(cls, url: str | None = None, settings: Settings | None = None) -> Workspace:
        settings = settings or Settings()
        return cls(open_store(url, settings), settings)

    @property
    def factions(self) -> Factions:
        return load_factions(self.settings.factions_file)

    # -- changes (each keeps the map index in step) ---------------------------------------

    def import_bytes(
        self, data: bytes, name: str, user: str = "", progress: Progress = quiet
    ) -> Report:
        """One file as one batch (see ``ingest.pipeline.import_bytes``)."""
        return pipeline.import_bytes(
            data, name, self.store, self.settings, user, progress, stored=self._follower(progress)
        )

    def import_files(self, paths, user: str = "", progress: Progress = quiet) -> list[Report]:
        """Each file as its own batch; a file that cannot be used stops nothing else."""
        return [
            self.import_bytes(
                pipeline.read_limited(Path(p), self.settings), Path(p).name, user, progress
            )
            for p in paths
        ]

    def correct(self, incident_id: str, changes: dict, user: str = "") -> int:
        """An analyst's corrections (see ``SqlStore.correct``); returns the fields changed."""
        before = self.store.version()
        done = self.store.correct(incident_id, changes, user)
        if done:
            self._index_after(before, self.store.read_ids([incident_id]))
        return done

    def undo(self, batch_id: int) -> Outcome:
        return self.store.undo(batch_id)  # the index is rebuilt at the next read

    def split(self, incident_id: str) -> list[str]:
        return self.store.split(incident_id)

    # -- reading --------------------------------------------------------------------------

    def matching_rows(self, filters: Filters, factions: Factions | None = None):
        """Every stored row the filters keep, whole (for exports): the store runs what it
        can as SQL, the exact faction rule runs here."""
        factions = factions or self.factions
        query = store_query(filters, factions, self.store)
        rows: gpd.GeoDataFrame = with_factions(self.store.read(query), factions)
        return apply(rows, filters)

    # -- the map index --------------------------------------------------------------------

    def _follower(self, progress: Progress):
        """The ``stored`` callback of an import: the index follows each landed batch."""
        before = self.store.version()  # one follower per import: one batch

        def follow(rows: pd.DataFrame) -> None:
            progress(0.99, "Updating the map index")
            self._index_after(before, rows)

        return follow

    def _index_after(self, before: tuple, rows: pd.DataFrame) -> None:
        index = mapindex.after_batch(self.store, self.settings.cache_dir, before, rows)
        if failed := index.attrs.get("cache_failed"):
            self.notes.append(failed)
