import sqlite3

import pandas as pd
import pytest

from conflictmap.errors import StoreError
from conflictmap.ingest.pipeline import check_bytes
from conflictmap.store import BatchInfo, open_store
from conftest import fixture_bytes


def rows(settings):
    return check_bytes(fixture_bytes("acled-current.csv"), "a.csv", settings)[1]


def test_store_persists_across_reopen(settings, store, store_url):
    store.add_batch(rows(settings), BatchInfo("a.csv", "0" * 64, "acled", 3, 0))
    store.close()
    again = open_store(store_url, settings)
    frame = again.read()
    assert len(frame) == 3 and frame.crs.to_epsg() == 4326
    assert frame.geometry.x.iloc[0] == pytest.approx(frame.longitude.iloc[0])
    batch = again.batches().iloc[0]
    assert (batch.file, batch.format, batch.imported) == ("a.csv", "acled", 3)
    assert batch.user


def test_a_failing_batch_leaves_nothing_behind(settings, store):
    good = rows(settings)
    broken = good.copy()
    broken["latitude"] = broken["latitude"].astype(object)
    broken.loc[broken.index[-1], "latitude"] = object()  # sqlite cannot bind this
    with pytest.raises(Exception):  # noqa: B017 - each driver raises its own error here
        store.add_batch(broken, BatchInfo("b.csv", "1" * 64, "acled", 3, 0))
    assert store.count() == 0 and store.batches().empty


def test_other_sqlite_database_is_refused(tmp_path, settings):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE things (x)")
    with pytest.raises(StoreError, match="not a conflictmap store"):
        open_store(f"sqlite:///{path}", settings)


def test_newer_schema_is_refused(settings, store, store_url):
    store.db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    store.close()
    with pytest.raises(StoreError, match="newer conflictmap"):
        open_store(store_url, settings)


def test_unsupported_url(settings):
    with pytest.raises(StoreError, match="not supported"):
        open_store("mysql://x/y", settings)


def test_dates_come_back_as_dates(settings, store):
    store.add_batch(rows(settings), BatchInfo("a.csv", "0" * 64, "acled", 3, 0))
    frame = store.read()
    assert pd.api.types.is_datetime64_any_dtype(frame["event_date"])
    assert str(frame.sort_values("event_date").event_date.iloc[0].date()) == "2020-05-09"


def test_filters_run_in_the_store(settings, store):
    import datetime as dt

    from conflictmap.store import Query

    store.add_batch(rows(settings), BatchInfo("a.csv", "0" * 64, "acled", 3, 0))
    assert len(store.read(Query(bbox=(40.0, 34.0, 41.5, 34.8)))) == 2  # Abu Kamal, Al-Qaim
    assert len(store.read(Query(date_from=dt.date(2020, 5, 12)))) == 2
    assert len(store.read(Query(event_types=("Battles",), date_to=dt.date(2020, 5, 12)))) == 1


def test_unreachable_postgis_is_a_clear_error(settings):
    with pytest.raises(StoreError, match=r"Cannot open the PostGIS store.*127\.0\.0\.1:9"):
        open_store("postgresql://nobody:secret@127.0.0.1:9/none", settings)


def test_faction_filter_runs_in_the_store_and_matches_the_exact_rule(settings, store):
    from conflictmap.factions import load_factions
    from conflictmap.filters import Filters
    from conflictmap.views import apply, store_query, with_factions
    from conftest import ROOT

    factions = load_factions(ROOT / "data" / "factions.csv")
    store.add_batch(rows(settings), BatchInfo("a.csv", "0" * 64, "acled", 3, 0))
    for chosen in (("Iran-backed militias",), ("Syrian government forces",), ("Unassigned",)):
        filters = Filters(factions=chosen)
        pushed = store_query(filters, factions, store)
        fast = apply(with_factions(store.read(pushed), factions), filters)
        full = apply(with_factions(store.read(), factions), filters)
        assert sorted(fast.incident_id) == sorted(full.incident_id)
    iran = store_query(Filters(factions=("Iran-backed militias",)), factions, store)
    assert set(iran.actors) == {
        "Liwa Fatemiyoun",
        "Popular Mobilization Forces",
        "Kataib Hezbollah",
    }
    assert len(store.read(iran)) == 3
    government = store_query(Filters(factions=("Syrian government forces",)), factions, store)
    assert len(store.read(government)) == 2  # the Iraqi row has no government actor


def test_a_corrupt_store_is_refused_and_not_overwritten(settings, tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    good = open_store(url, settings)
    good.add_batch(rows(settings), BatchInfo("a.csv", "0" * 64, "acled", 3, 0))
    good.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    good.close()
    path = tmp_path / "c.sqlite"
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="cannot be opened"):
        open_store(url, settings)
    assert path.read_bytes() == bytes(data)


def corrupted(path, at: float = 0.5, size: int = 16384) -> None:
    """Random bytes over a whole page in the middle of a file (a bad disk, a half-copied
    file); a store's pages are 16 KiB."""
    import random

    data = bytearray(path.read_bytes())
    start = int(len(data) * at) // size * size
    data[start : start + size] = random.Random(7).randbytes(size)
    path.write_bytes(bytes(data))


def test_a_damaged_sqlite_store_is_refused_with_what_to_do(settings, env_data, tmp_path):
    import subprocess
    import sys

    from conflictmap.ingest.pipeline import import_bytes
    from conftest import DATA

    path = env_data / "conflictmap.sqlite"
    store = open_store(f"sqlite:///{path}", settings)
    sheet = "date,location\n" + "".join(f"2020-01-{d % 28 + 1:02d},Hajin\n" for d in range(3000))
    import_bytes(sheet.encode(), "many.csv", store, settings)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    corrupted(path)
    for call in (
        ["batches"],
        ["export", "--format", "csv", "-o", str(tmp_path / "x.csv")],
        ["import", str(DATA / "sheet-en.csv")],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "conflictmap.cli", *call], capture_output=True, text=True
        )
        assert done.returncode == 1, (call, done.stdout)
        said = done.stderr.strip().splitlines()[-1]
        assert "is damaged" in said and ".recover" in said and "Traceback" not in done.stderr


def test_a_new_sqlite_store_has_large_pages_and_an_old_one_keeps_its_own(settings):
    from conflictmap.store.sqlite import PAGE_SIZE

    new = settings.data_dir / "new.sqlite"
    store = open_store(f"sqlite:///{new}", settings)
    store.add_batch(rows(settings), BatchInfo("a.csv", "0" * 64, "acled", 3, 0))
    assert store.db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
    assert store.check() == "ok"
    store.close()
    old = settings.data_dir / "old.sqlite"
    db = sqlite3.connect(old)  # a file made before, with SQLite's own pages
    db.execute("PRAGMA page_size=4096")
    db.execute("VACUUM")
    db.close()
    store = open_store(f"sqlite:///{old}", settings)
    store.add_batch(rows(settings), BatchInfo("a.csv", "0" * 64, "acled", 3, 0))
    assert store.db.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert store.count() == 3 and store.check() == "ok"
    store.close()
