"""The workspace keeps the map index in step with each change, for the UI and the CLI."""

from __future__ import annotations

import pandas as pd

from conflictmap import mapindex
from conflictmap.filters import Filters
from conflictmap.workspace import Workspace
from conftest import fixture_bytes


def comparable(index: pd.DataFrame) -> pd.DataFrame:
    columns = ["incident_id", "latitude", "longitude", "fatalities", "linked_to", "cell"]
    return index[columns].astype(str).sort_values("incident_id").reset_index(drop=True)


def test_imports_and_corrections_leave_the_index_a_rebuild_would_make(store, settings):
    space = Workspace(store, settings)
    space.import_bytes(fixture_bytes("acled-current.csv"), "a.csv")
    space.import_bytes(fixture_bytes("sheet-en.csv"), "s.csv")
    incident = store.read()["incident_id"].iloc[0]
    assert space.correct(incident, {"fatalities": "9"}) == 1
    cached = mapindex.load(store, settings.cache_dir)  # the file the workspace wrote
    assert mapindex.cache_path(
        settings.cache_dir, mapindex.store_key(store), store.version()
    ).exists()
    rebuilt = mapindex.build(store.read_index())
    pd.testing.assert_frame_equal(comparable(cached), comparable(rebuilt))
    assert int(cached.set_index("incident_id").loc[incident, "fatalities"]) == 9
    assert not space.notes


def test_matching_rows_are_the_filtered_store(store, settings):
    space = Workspace(store, settings)
    space.import_bytes(fixture_bytes("acled-current.csv"), "a.csv")
    everything = space.matching_rows(Filters())
    assert len(everything) == store.count() == 3
    assert space.matching_rows(Filters(min_fatalities=10_000)).empty


def test_an_unchanged_reimport_carries_the_index_file_forward(store, settings, tmp_path):
    """The same rows in a file with other bytes: a new batch that changes nothing. The
    cache file of the version before becomes the new version's (the same index, not
    written again), and only that one file of the store stays."""
    space = Workspace(store, settings)
    data = fixture_bytes("acled-current.csv")
    space.import_bytes(data, "a.csv")
    first = mapindex.load(store, settings.cache_dir)
    path = tmp_path / "again.csv"
    path.write_bytes(data + b"\n")
    (report,) = space.import_files([path])
    assert report.batch_id and report.unchanged == 3 and not report.added + report.updated
    moved = mapindex.cache_path(settings.cache_dir, mapindex.store_key(store), store.version())
    assert moved.exists()
    prefix = moved.name.rsplit("-v", 1)[0]
    assert [p.name for p in settings.cache_dir.glob(f"{prefix}-v*.parquet")] == [moved.name]
    pd.testing.assert_frame_equal(pd.read_parquet(moved), first)
