"""The analyst's workspace: a store with its settings, factions and map index, and what the
dashboard and the CLI do to it. It is the one place that keeps the map index in step with
each change (an import, a correction), so neither caller repeats "take the store version,
write, then update the index"."""

from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from conflictmap import mapindex
from conflictmap.corrections import ANALYST
from conflictmap.errors import InputError
from conflictmap.factions import Factions, load_factions
from conflictmap.filters import Filters
from conflictmap.gazetteer.chosen import Choice, save_choice
from conflictmap.gazetteer.lookup import bare_name
from conflictmap.i18n.catalogue import msg
from conflictmap.ingest import pipeline
from conflictmap.ingest.geocode import HELD
from conflictmap.ingest.held import held_frame
from conflictmap.ingest.issues import Report
from conflictmap.ingest.pipeline import Progress, quiet
from conflictmap.linkage import linker
from conflictmap.settings import Settings
from conflictmap.store import BatchInfo, SqlStore, open_store
from conflictmap.store.plan import Outcome
from conflictmap.views import apply, store_query, with_factions

PLACES = "places"  # the format of a batch that imports held rows once placed


@dataclass(frozen=True)
class Resolved:
    """What a choice of place did."""

    names: list[str]
    imported: int  # held rows now imported (in ``batch``)
    corrected: int  # imported rows moved to the chosen point
    batch: int | None = None


@dataclass
class Workspace:
    store: SqlStore
    settings: Settings
    notes: list[str] = field(default_factory=list)  # what the caller should tell the user

    @classmethod
    def open(cls, url: str | None = None, settings: Settings | None = None) -> Workspace:
        settings = settings or Settings()
        return cls(open_store(url, settings), settings)

    def close(self) -> None:
        """Let the store finish its file (SQLite copies its write-ahead log in; a process
        that ends without this leaves the log for the next one to read through)."""
        self.store.close()

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
        """Each file as its own batch (read a block at a time, see
        ``ingest.pipeline.check_file``); a file that cannot be used stops nothing else."""
        return [
            pipeline.import_file(
                Path(p), self.store, self.settings, user, progress, stored=self._follower(progress)
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

    def resolve(self, ids: list[int], choice: Choice, user: str = "") -> Resolved:
        """Place these rows to check where the analyst chose: each name is saved in
        ``geo/user/chosen.csv`` (the next import finds it), the rows held back are
        imported as one batch (undo takes them back to the list) and the imported ones
        are corrected (kept over later imports)."""
        rows = self.store.pending_by_id(ids)
        if rows.empty:
            raise InputError(
                msg(
                    "These rows were placed already, or their batch was undone; open the "
                    "list again (`conflictmap places pending`)."
                )
            )
        names = sorted({bare_name(p) for p in rows["place"]})
        for name in names:
            save_choice(self.settings, name, choice, user)
        held, check = rows.loc[rows["state"] == HELD], rows.loc[rows["state"] != HELD]
        batch = None
        if len(held):
            frame = held_frame(held["record"], choice, ANALYST)
            key = f"places:{sorted(held['id'].tolist())}:{choice.latitude}:{choice.longitude}"
            info = BatchInfo(
                f"places chosen: {', '.join(names)}",  # stored as the batch's file name
                hashlib.sha256(key.encode()).hexdigest(),
                PLACES,
                len(held),
                0,
                user,
            )
            before = self.store.version()
            link = linker(self.factions)
            done = self.store.add_batch(frame, info, link, resolves=held["id"].tolist())
            batch = done.batch_id
            self._index_after(before, frame)
        point = {"latitude": choice.latitude, "longitude": choice.longitude}
        for incident_id in check["incident_id"].unique():
            self.correct(incident_id, point | {"geocoded_by": ANALYST}, user)
        if len(check):
            self.store.checked(check["id"].tolist(), user)
        return Resolved(names, len(held), check["incident_id"].nunique(), batch)

    def keep_places(self, ids: list[int], user: str = "") -> int:
        """The analyst checked these imported rows: their place stays, they leave the list."""
        rows = self.store.pending_by_id(ids)
        self.store.checked(rows.loc[rows["state"] != HELD, "id"].tolist(), user)
        return int((rows["state"] != HELD).sum())

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
        """The ``stored`` callback of an import: the index follows each landed batch. The
        batch's own index rows are built in a thread while the store writes them."""
        return _IndexFollower(self, self.store.version(), progress)  # one per import

    def _index_after(self, before: tuple, rows: pd.DataFrame, fresh=None) -> None:
        folder = self.settings.cache_dir
        if not len(rows) and mapindex.carry_forward(self.store, folder, before):
            return  # a batch that changed no row: the index of the version before stands
        index = mapindex.after_batch(self.store, folder, before, rows, fresh)
        if failed := index.attrs.get("cache_failed"):
            self.notes.append(failed)


class _IndexFollower:  # an ``ingest.pipeline.Follower``
    """Keeps the map index in step with one import (see ``ingest.pipeline.import_bytes``):
    ``prepare`` starts building a first batch's index rows beside the store's write of
    the staged rows (SQLite and PostgreSQL work without Python's lock), the call puts
    them in (or builds them, when ``prepare`` was not told)."""

    def __init__(self, workspace: Workspace, before: tuple, progress: Progress):
        self.workspace, self.before, self.progress = workspace, before, progress
        self.fresh: Future | None = None

    def prepare(self, rows: pd.DataFrame) -> None:
        if self.before[2]:  # the store holds rows: most of a re-import changes nothing
            return
        beside = ThreadPoolExecutor(1)
        self.fresh = beside.submit(mapindex.from_rows, rows)
        beside.shutdown(wait=False)  # its thread ends with this one task

    def __call__(self, rows: pd.DataFrame) -> None:
        self.progress(0.99, "Updating the map index")
        fresh = self.fresh.result() if self.fresh is not None and len(rows) else None
        self.workspace._index_after(self.before, rows, fresh)
