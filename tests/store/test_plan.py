"""Batches, provenance, ACLED sync, undo, schema upgrades and faults of the store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pyarrow as pa
import pytest

from conflictmap.errors import StoreError
from conflictmap.ingest.pipeline import import_bytes
from conflictmap.store import MIGRATIONS, SCHEMA_VERSION, open_store, plan
from conflictmap.store.plan import ADDED, UNCHANGED, UPDATED
from conftest import ROOT, fixture_bytes

HEADER = fixture_bytes("acled-current.csv").decode().splitlines()[0]


def acled(*rows: str) -> bytes:
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode()


def row(
    event_id: str,
    fatalities: int,
    timestamp: int | None,
    date: str = "09 May 2020",
    place: str = "Abu Kamal",
) -> str:
    return (
        f"{event_id},{date},2020,1,Political violence,Battles,Armed clash,"
        "Military Forces of Syria (2000-),,State forces,Liwa Fatemiyoun,,"
        "External/Other forces,,,760,Middle East,Syria,Deir-ez-Zor,Abu Kamal,,"
        f"{place},34.4523,40.9185,1,Test,National,Test row.,{fatalities},,"
        + ("" if timestamp is None else str(timestamp))
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, (1, 5), ADDED),
        ((1, 5), (1, 5), UNCHANGED),
        ((1, 5), (2, 6), UPDATED),
        ((1, 6), (2, 5), UNCHANGED),  # the store's row is newer: it wins
        ((1, None), (2, None), UPDATED),
        ((1, None), (2, 5), UPDATED),
        ((1, 5), (2, None), UPDATED),
    ],
)
def test_the_database_plans_by_fingerprint_and_change_time(settings, store, old, new, expected):
    """(fatalities, timestamp) of the stored row and of the incoming one."""

    def line(values) -> str:
        fatalities, timestamp = values
        return row("SYR1", fatalities, timestamp)

    if old:
        import_bytes(acled(line(old)), "old.csv", store, settings)
    report = import_bytes(acled(line(new)), "new.csv", store, settings)
    counts = {ADDED: report.added, UPDATED: report.updated, UNCHANGED: report.unchanged}
    assert counts[expected] == 1 and sum(counts.values()) == 1
    stored = store.frame("SELECT fatalities, timestamp FROM incidents").iloc[0].tolist()
    assert stored == list(old if expected == UNCHANGED and old else new)


def test_newer_acled_export_updates_and_counts(settings, store):
    first = import_bytes(acled(row("SYR1", 1, 100), row("SYR2", 2, 100)), "v1.csv", store, settings)
    second = import_bytes(
        acled(row("SYR1", 5, 200), row("SYR2", 2, 100), row("SYR3", 0, 200)),
        "v2.csv",
        store,
        settings,
    )
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.added, second.updated, second.unchanged) == (1, 1, 1)
    frame = store.read().set_index("source_event_id")
    assert frame.loc["SYR1", "fatalities"] == 5 and store.count() == 3


def test_an_older_export_does_not_overwrite_a_newer_row(settings, store):
    import_bytes(acled(row("SYR1", 5, 200)), "new.csv", store, settings)
    old = import_bytes(acled(row("SYR1", 1, 100)), "old.csv", store, settings)
    assert (old.updated, old.unchanged) == (0, 1)
    assert store.read().fatalities.iloc[0] == 5


def test_vanished_events_are_listed_not_deleted(settings, store):
    import_bytes(acled(row("SYR1", 1, 100), row("SYR2", 1, 100)), "v1.csv", store, settings)
    report = import_bytes(
        acled(row("SYR1", 1, 100), row("SYR3", 1, 100)), "v2.csv", store, settings
    )
    assert report.vanished == ["acled:SYR2"] and store.count() == 3
    assert "not in this file" in report.summary()


def test_undo_removes_what_was_added_and_restores_what_changed(settings, store):
    import_bytes(acled(row("SYR1", 1, 100)), "v1.csv", store, settings)
    second = import_bytes(
        acled(row("SYR1", 9, 200), row("SYR2", 0, 200)), "v2.csv", store, settings
    )
    outcome = store.undo(second.batch_id)
    assert (outcome.added, outcome.updated) == (-1, 1)
    frame = store.read()
    assert list(frame.source_event_id) == ["SYR1"] and frame.fatalities.iloc[0] == 1
    assert store.batches().set_index("id").loc[second.batch_id, "undone_at"]
    again = import_bytes(acled(row("SYR1", 9, 200), row("SYR2", 0, 200)), "v2.csv", store, settings)
    assert again.duplicate_of is None and again.added == 1  # an undone file can come back


def test_undo_refuses_when_a_later_batch_changed_the_same_incidents(settings, store):
    first = import_bytes(acled(row("SYR1", 1, 100)), "v1.csv", store, settings)
    import_bytes(acled(row("SYR1", 2, 200)), "v2.csv", store, settings)
    with pytest.raises(StoreError, match="undo batch 2 first"):
        store.undo(first.batch_id)
    with pytest.raises(StoreError, match="no batch 99"):
        store.undo(99)


def test_provenance_names_the_batches(settings, store):
    import_bytes(acled(row("SYR1", 1, 100)), "v1.csv", store, settings)
    import_bytes(acled(row("SYR1", 2, 200)), "v2.csv", store, settings)
    history = store.provenance("acled:SYR1")
    assert list(history.action) == ["added", "updated"] and list(history.file) == [
        "v1.csv",
        "v2.csv",
    ]


def test_a_version_1_store_is_upgraded_in_place(settings):
    path = settings.data_dir / "old.sqlite"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        for statement in MIGRATIONS[1]():
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        db.execute(
            "INSERT INTO batches (file, sha256, format, rows_read, imported, rejected) "
            "VALUES ('a.csv', 'abc', 'acled', 1, 1, 0)"
        )
        db.execute(
            "INSERT INTO incidents (incident_id, dataset, event_date, end_date, "
            "latitude, longitude, batch_id) VALUES "
            "('acled:OLD1', 'acled', '2019-01-01', '2019-01-01', 34.4, 40.9, 1)"
        )
    store = open_store(f"sqlite:///{path}", settings)
    assert store.schema_version() == SCHEMA_VERSION and store.count() == 1
    assert list(store.provenance("acled:OLD1").action) == ["added"]
    assert store.undo(1).added == -1 and store.count() == 0


def test_a_version_6_store_loses_the_date_index_and_keeps_its_links(settings):
    path = settings.data_dir / "six.sqlite"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        for step in range(1, 7):
            for statement in MIGRATIONS[step]():
                db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('schema_version', '6')")
        db.executemany(
            "INSERT INTO incidents (incident_id, dataset, event_date, latitude, longitude, "
            "linked_to) VALUES (?, ?, '2019-01-01', 34.4, 40.9, ?)",
            [("acled:A", "acled", None), ("ucdp:B", "ucdp", "acled:A")],
        )
    store = open_store(f"sqlite:///{path}", settings)
    indexes = dict(store.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    assert "incidents_date" not in indexes and "incidents_dataset" in indexes
    assert indexes["incidents_linked"].endswith("WHERE linked_to IS NOT NULL")
    assert store.linked() == {"ucdp:B": "acled:A"}
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM incidents WHERE event_date <= '2019-02-01'"
    ).fetchall()
    assert "SCAN incidents" in plan[-1][-1]  # a date bound alone reads the table in order


def test_two_imports_at_once_both_land(settings, store_url):
    stores = [open_store(store_url, settings) for _ in range(2)]
    files = [
        acled(*(row(f"A{i}", 1, 1) for i in range(2000))),
        acled(*(row(f"B{i}", 1, 1) for i in range(2000))),
    ]
    reports = [None, None]

    def work(n):
        reports[n] = import_bytes(files[n], f"f{n}.csv", stores[n], settings)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.added for r in reports] == [2000, 2000]
    assert open_store(store_url, settings).count() == 4000


def staging_leftovers(store) -> list:
    """Staged batches still on disk or in the database."""
    if hasattr(store, "path"):
        return list(store.path.parent.glob(f".{store.path.name}-stage_*"))
    return store.frame(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'conflictmap\\_stage\\_%'"
    )["tablename"].tolist()


def test_a_batch_raced_between_its_two_comparisons_is_compared_again(settings, store_url):
    """A row the first comparison found unchanged is changed by another import before the
    batch's transaction: the batch stages every row and updates it after all."""
    mine, theirs = open_store(store_url, settings), open_store(store_url, settings)
    import_bytes(acled(row("SYR1", 1, None), row("SYR2", 2, None)), "v1.csv", mine, settings)
    compare = mine._differing

    def compare_then_race(keys):
        positions = compare(keys)
        import_bytes(acled(row("SYR1", 5, None)), "theirs.csv", theirs, settings)
        return positions

    mine._differing = compare_then_race
    again = acled(row("SYR1", 1, None), row("SYR2", 2, None)) + b"\n"  # other bytes
    report = import_bytes(again, "again.csv", mine, settings)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    stored = mine.frame("SELECT incident_id, fatalities FROM incidents ORDER BY 1")
    assert stored["fatalities"].tolist() == [1, 2]
    assert list(mine.provenance("acled:SYR1").action) == ["added", "updated", "updated"]
    assert staging_leftovers(mine) == []


def test_a_re_import_stages_only_the_rows_that_differ(settings, store, monkeypatch):
    rows = [row(f"SYR{i}", 1, 100) for i in range(50)]
    import_bytes(acled(*rows), "v1.csv", store, settings)
    staged = []
    stage = store.staged

    def counted(rows):
        table = rows.read_all()
        staged.append((table.num_rows, table.num_columns))
        return stage(pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))

    monkeypatch.setattr(store, "staged", counted)
    rows[7] = row("SYR7", 3, 200)
    report = import_bytes(acled(*rows, row("SYR99", 1, 100)), "v2.csv", store, settings)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 49)
    # the ids, fingerprints, change times and positions of all, then the two rows whole
    assert staged == [(51, 4), (2, len(plan.STORED))]
    assert staging_leftovers(store) == []


@pytest.mark.slow
def test_killing_an_import_leaves_all_or_nothing(tmp_path, settings, store_url):
    """SIGKILL a real `conflictmap import` at random moments, many times."""
    big = tmp_path / "big.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "synth.py"), "30000", str(big), "--not-illustrative"],
        check=True,
    )
    env = dict(os.environ, CONFLICTMAP_DATA=str(settings.data_dir))
    url = store_url
    delays = [0.3, 0.8, 1.5, 2.2, 3.0, 3.6, 4.2]  # an import of it takes about 5 s
    interrupted = 0
    for n, delay in enumerate(delays):
        copy = tmp_path / f"big{n}.csv"  # a different file each time: a new batch
        data = big.read_bytes().replace(b"SYRX", f"S{n:02d}X".encode())
        copy.write_bytes(data.replace(b"IRQX", f"I{n:02d}X".encode()))
        process = subprocess.Popen(
            [sys.executable, "-m", "conflictmap.cli", "import", str(copy), "--store", url],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        interrupted += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        store = open_store(url, settings)
        assert store.check() == "ok"
        batches = store.batches()
        assert store.count() == int(batches["added"].sum())  # whole batches only
        assert store.count() % 30000 == 0 and set(batches["added"]) <= {30000}
        if store_url.startswith("sqlite"):  # a killed import's file goes when the store opens
            assert staging_leftovers(store) == []
        store.close()
    assert interrupted >= 3  # the kills did land mid-import
    done = subprocess.run(
        [sys.executable, "-m", "conflictmap.cli", "import", str(big), "--store", url],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "30,000 added" in done.stdout
    # a killed import's table goes once its server session has ended
    assert staging_leftovers(open_store(url, settings)) == []


def test_stored_chunks_are_the_stored_table_however_often_read(settings, monkeypatch):
    from conflictmap.ingest.pipeline import check_bytes

    monkeypatch.setattr(plan, "STAGE_ROWS", 7)  # several chunks from a small batch
    rows = check_bytes(acled(*(row(f"SYR{i}", i, 100 + i) for i in range(30))), "x.csv", settings)[
        1
    ]
    expected = plan.stored_table(rows.assign(row_hash=plan.row_hashes(rows)), text_dates=True)
    made = plan.Stored(rows, text_dates=True)
    first = made.stream().read_all()
    assert first.equals(expected)
    assert made.stream().read_all().equals(expected)  # read again: the same chunks
    assert made.table().equals(expected)
    keys = made.stream(keys=True).read_all()
    assert keys.column_names == ["incident_id", "row_hash", "timestamp", "position"]
    assert keys["position"].to_pylist() == list(range(30))
    assert keys["incident_id"].equals(expected["incident_id"])


def test_a_fingerprinting_failure_stores_nothing_and_says_so(settings, store, monkeypatch):
    import_bytes(acled(row("SYR1", 1, 100)), "v1.csv", store, settings)
    before = store.count()

    def broken(frame):
        raise MemoryError("no room for the fingerprints")

    monkeypatch.setattr(plan, "row_hashes", broken)
    with pytest.raises(MemoryError, match="no room for the fingerprints"):
        import_bytes(acled(row("SYR1", 2, 200), row("SYR2", 1, 100)), "v2.csv", store, settings)
    assert store.count() == before
    assert [b["file"] for b in store.batches().to_dict("records")] == ["v1.csv"]
    assert staging_leftovers(store) == []


def test_a_fingerprinting_failure_into_an_empty_store_stores_nothing(settings, monkeypatch):
    store = open_store(f"sqlite:///{settings.data_dir / 'empty.sqlite'}", settings)

    def broken(frame):
        raise MemoryError("no room for the fingerprints")

    monkeypatch.setattr(plan, "row_hashes", broken)
    with pytest.raises(MemoryError, match="no room for the fingerprints"):
        import_bytes(acled(row("SYR1", 2, 200)), "v1.csv", store, settings)
    assert store.count() == 0 and store.batches().empty and staging_leftovers(store) == []


def test_a_last_reading_lets_the_chunks_go(settings, monkeypatch):
    from conflictmap.ingest.pipeline import check_bytes

    monkeypatch.setattr(plan, "STAGE_ROWS", 4)
    rows = check_bytes(acled(*(row(f"SYR{i}", i, 100) for i in range(10))), "x.csv", settings)[1]
    made = plan.Stored(rows, text_dates=True)
    assert made.stream(last=True).read_all().num_rows == 10
    assert made._made == [None, None, None]
    with pytest.raises(RuntimeError, match="last time"):
        made.table()


def test_a_last_reading_keeps_the_maker_close_ahead(settings, monkeypatch):
    """A slow last reader (a driver slower than the fingerprinting) never has more than
    about ``AHEAD`` rows made and waiting; a reader that reads again has them all."""
    import time

    from conflictmap.ingest.pipeline import check_bytes

    monkeypatch.setattr(plan, "STAGE_ROWS", 4)
    monkeypatch.setattr(plan.Stored, "AHEAD", 8)
    rows = check_bytes(acled(*(row(f"SYR{i}", i, 100) for i in range(60))), "x.csv", settings)[1]
    made = plan.Stored(rows, text_dates=True)
    reader = made.stream(last=True)
    got = reader.read_next_batch().num_rows
    most = 0
    for _ in range(20):
        time.sleep(0.02)
        most = max(most, made._held)
    assert 0 < most <= 8 + 4 and not made._done  # the maker waits for the reader
    got += sum(batch.num_rows for batch in reader)
    assert got == 60 and made._held == 0

    again = plan.Stored(rows, text_dates=True)
    while not again._done:
        time.sleep(0.01)
    assert again._held == 60 and again.table().num_rows == 60  # not bounded: kept whole


def test_staging_is_told_every_stage_of_rows_and_at_the_end(monkeypatch):
    monkeypatch.setattr(plan, "STAGE_ROWS", 10)
    table = pa.table({"n": list(range(95))})
    told = []
    reader = plan._told(
        table.schema, table.to_batches(max_chunksize=3), 95, lambda *a: told.append(a)
    )
    assert reader.read_all().num_rows == 95
    assert [done for done, _ in told] == [12, 24, 36, 48, 60, 72, 84, 95]
    assert {total for _, total in told} == {95}


def _numbers(count: int, progress=None) -> pa.RecordBatchReader:
    table = pa.table({"n": pa.array(range(count), pa.int64())})
    return plan._told(table.schema, table.to_batches(max_chunksize=10), count, progress)


def test_a_split_write_gives_each_writer_every_other_batch_and_tells_progress_here():
    written, told = {}, []

    def writer(name):
        def write(reader):
            written[name] = [v for batch in reader for v in batch.column(0).to_pylist()]

        return write

    caller = threading.current_thread()
    plan.write_split(
        _numbers(45, lambda done, total: told.append((done, threading.current_thread()))),
        [writer("a"), writer("b")],
    )
    assert written["a"] == [*range(0, 10), *range(20, 30), *range(40, 45)]
    assert written["b"] == [*range(10, 20), *range(30, 40)]
    assert [done for done, _ in told][-1] == 45
    assert all(thread is caller for _, thread in told)  # a page's progress, on its thread


def test_a_split_write_raises_a_writers_error_and_stops_the_others():
    finished = []

    def failing(reader):
        next(iter(reader))
        raise OSError("disk full")

    def steady(reader):
        for _ in reader:
            pass
        finished.append(True)

    with pytest.raises(OSError, match="disk full"):
        plan.write_split(_numbers(1000), [failing, steady])
    assert finished == [True]  # the other writer was told the end, not left waiting


def test_a_split_write_raises_the_readers_error_after_its_writers_end():
    def broken():
        yield pa.record_batch({"n": pa.array([1], pa.int64())})
        raise ValueError("fingerprinting failed")

    rows = pa.RecordBatchReader.from_batches(pa.schema([("n", pa.int64())]), broken())
    ended = []
    with pytest.raises(ValueError, match="fingerprinting failed"):
        plan.write_split(rows, [lambda r: ended.append(len(list(r)))] * 2)
    assert sorted(ended) == [0, 1]
