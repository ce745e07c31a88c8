"""A million incidents stay interactive (issue 5): the fast reader, the chunked store
writes, the map index and its cache, hexagon counting and the switch between hexagons
and single incidents. Speed itself is measured by bench/scale.py, not here."""

from __future__ import annotations

import codecs
import hashlib
import sys

import numpy as np
import pandas as pd
import pytest
from h3.api import basic_int as h3

from conflictmap import hexbins, mapindex, views
from conflictmap.errors import InputError
from conflictmap.factions import load_factions
from conflictmap.ingest.formats import (
    _careful_table,
    _fast_table,
    digest_file,
    fast_file_table,
    file_ends,
    probe_bytes,
    probe_file,
    read_table,
)
from conflictmap.ingest.pipeline import import_bytes
from conflictmap.maps.base import MAX_MARKERS, MapSpec
from conflictmap.maps.compose import full_map, incident_layers
from conflictmap.schema import NAMES
from conflictmap.settings import Settings
from conflictmap.store import open_store, plan
from conflictmap.workspace import Workspace
from conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from synth import generate


def synthetic(n: int, seed: int = 3) -> bytes:
    frame = generate(n, seed=seed, start="2018-01-01", end="2019-12-31", illustrative=False)
    return frame.to_csv(index=False).encode()


def same_table(fast, careful) -> bool:
    a, b = fast.frame, careful.frame
    return (
        list(a.columns) == list(b.columns)
        and len(a) == len(b)
        and (a.astype(object).to_numpy() == b.astype(object).to_numpy()).all()
        and (fast.encoding, fast.delimiter) == (careful.encoding, careful.delimiter)
        and not careful.notes
    )


def test_fast_reader_reads_every_file_it_accepts_as_the_careful_reader_does():
    files = [p for p in DATA.rglob("*") if p.is_file() and p.suffix in (".csv", ".txt", ".tsv")]
    accepted = 0
    for path in files:
        data = path.read_bytes()
        try:
            fast = _fast_table(data, 10**6)
        except Exception as exc:
            pytest.fail(f"{path.name}: the fast reader raised {exc!r}")
        if fast is None:
            continue
        accepted += 1
        assert same_table(fast, _careful_table(data, 10**6, 2**31)), path.name
    assert accepted >= 10


@pytest.mark.parametrize(
    "text",
    [
        "# filters: all\n# made by conflictmap\ndate,place\n2020-01-01,Hajin\n",
        "date;place\r\n2020-01-01;Hajin\r\n2020-01-02;الميادين\r\n",
        "date,place\n2020-01-01,Hajin\n,\n  , \n2020-01-03,Hajin\n",
        "date,place\n2020-01-01,Hajin\n\n2020-01-02,Hajin\n",
        'date,place\n2020-01-01,"Hajin ""east"""\n',
        "date,place\n2020-01-01,Hajin\n2020-01-02,Hajin",  # no last line break
        "date,place\n2020-01-01,Hajin\n\n\n",  # blank lines after the last record
        "date;place\r\n2020-01-01;Hajin\r\n\r\n",
    ],
)
def test_fast_reader_matches_on_comments_quotes_crlf_and_blank_rows(text, tmp_path):
    for data in (text.encode(), codecs.BOM_UTF8 + text.encode()):
        fast = _fast_table(data, 100)
        assert fast is not None
        assert same_table(fast, _careful_table(data, 100, 2**31))
        assert same_table(from_file(data, tmp_path), fast)


def from_file(data: bytes, folder, piece: int = 5):
    """The file reader's table (its probe read in tiny pieces, so that the head, the tail
    and the counts are pieced together), after checking its probe is the bytes' own."""
    path = folder / "file.csv"
    path.write_bytes(data)
    probe = probe_file(path, piece)
    assert probe == probe_bytes(data)
    assert digest_file(path, probe, piece) == hashlib.sha256(data).hexdigest()
    return fast_file_table(path, file_ends(path), 10**6, lambda: probe)


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_path):
    """The digest is taken in a pass of its own, after the parse: a file whose ends moved
    since they were read is refused rather than stored under another file's digest."""
    path = tmp_path / "growing.csv"
    path.write_bytes(b"a,b\n1,2\n")
    ends = file_ends(path)
    assert digest_file(path, ends) == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    with path.open("ab") as handle:
        handle.write(b"3,4\n")
    with pytest.raises(InputError, match=r"growing\.csv changed while it was being read"):
        digest_file(path, ends)


def test_a_file_for_either_reader_is_known_by_its_own_digest(settings, tmp_path):
    from conflictmap.ingest.pipeline import check_file

    for name, data in (
        ("fast.csv", b"date,place\n2020-01-01,Hajin\n"),
        ("careful.csv", "date,place\n2020-01-01,حجين\n".encode("cp1256")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert check_file(path, settings)[0].sha256 == hashlib.sha256(data).hexdigest()


def test_the_file_reader_reads_large_files_as_the_bytes_reader_does(tmp_path):
    """Past pyarrow's first block size (1 MiB): a plain file; one whose only line break
    inside a value is the last line break of the first block, then one where it lies
    inside a block (both left to the careful reader); a record longer than a block (read
    again in larger blocks)."""
    plain = synthetic(6000)
    assert len(plain) > 2 << 20
    assert same_table(from_file(plain, tmp_path, 1 << 16), _fast_table(plain, 10**6))
    lines = plain.split(b"\n")
    kept, size = [], 0
    while size + len(lines[len(kept)]) + 1 <= (1 << 20) - 200:
        size += len(lines[len(kept)]) + 1
        kept.append(lines[len(kept)])
    rest = lines[len(kept)]
    spanning = b'"' + b"x" * 50 + b"\n" + b"y" * 1000 + b'"' + rest[rest.index(b",") :]
    for at in (len(kept), len(kept) + 40):
        broken = b"\n".join([*lines[:at], spanning, *lines[at + 1 :]])
        assert _fast_table(broken, 10**6) is None
        assert from_file(broken, tmp_path, 1 << 16) is None
    frame = generate(50, seed=4, start="2018-01-01", end="2019-12-31", illustrative=False)
    frame.loc[7, "notes"] = "n" * (2 << 20)
    wide = frame.to_csv(index=False).encode()
    table = from_file(wide, tmp_path, 1 << 16)
    assert table is not None and same_table(table, _careful_table(wide, 100, 2**31))


@pytest.mark.parametrize(
    "data",
    [
        b"date,place\n2020-01-01,Hajin\n2020-01-02,Hajin,extra\n",  # ragged: must be worded
        b'date,place\n2020-01-01,"Hajin\n2020-01-02,Hajin\n',  # unclosed quote
        b"date,place,Date\n2020-01-01,Hajin,x\n",  # duplicate column
        "date,place\n2020-01-01,حجين\n".encode("cp1256"),  # not UTF-8
        b'date,place,notes\n2020-01-01,Hajin,"two\nlines"\n',  # quoted line break
    ],
)
def test_fast_reader_leaves_problems_to_the_careful_reader(data, tmp_path):
    assert _fast_table(data, 100) is None
    assert from_file(data, tmp_path) is None
    assert read_table(data).frame is not None  # and the careful one still reads it


def reference_hashes(frame: pd.DataFrame) -> np.ndarray:
    """The fingerprint's definition as first written: the stored form's text, hashed."""
    out = frame[list(NAMES)].copy()
    for name in ("event_date", "end_date"):
        out[name] = pd.to_datetime(out[name]).dt.strftime("%Y-%m-%d")
    stored = out.astype(object).where(out.notna(), None)
    content = stored.drop(columns="incident_id").astype(str)
    return pd.util.hash_pandas_object(content, index=False).astype("int64").to_numpy()


def checked_rows(settings, data: bytes) -> pd.DataFrame:
    from conflictmap.ingest.pipeline import check_bytes

    return check_bytes(data, "x.csv", settings)[1]


def test_row_fingerprints_keep_their_definition(settings):
    for data in (synthetic(300), (DATA / "acled-current.csv").read_bytes()):
        rows = checked_rows(settings, data)
        assert (plan.row_hashes(rows).to_numpy() == reference_hashes(rows)).all()


def test_stored_rows_are_plain_python_values(settings):
    rows = checked_rows(settings, (DATA / "ucdp-ged.csv").read_bytes())
    chunks = list(plan.stored_rows(rows[list(NAMES)], size=2))
    assert sum(len(c) for c in chunks) == len(rows)
    for record in (r for c in chunks for r in c):
        assert all(v is None or type(v) in (str, int, float) for v in record)
        assert len(record[NAMES.index("event_date")]) == 10


def test_a_bulk_batch_rebuilds_the_indexes_and_keeps_them(settings, monkeypatch):
    import conflictmap.store as store_module
    from conflictmap.store.sqlite import SqliteStore

    monkeypatch.setattr(SqliteStore, "BULK_ROWS", 50)
    url = f"sqlite:///{settings.data_dir / 'bulk.sqlite'}"
    store = open_store(url, settings)
    said = []
    report = import_bytes(
        synthetic(400), "a.csv", store, settings, progress=lambda f, m: said.append(str(m))
    )
    assert report.added == 400
    steps = [m for m in said if m.startswith(("Writing", "Building the store's", "Linking"))]
    assert steps == [
        "Writing 400 incidents into the store in one transaction",
        "Building the store's indexes again, once for the whole batch",
        "Linking the batch to the reports of other datasets",
    ]  # the transaction's long steps are told as they start
    indexes = dict(
        store.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall()
    )
    assert {"incidents_linked", "incidents_dataset"} <= set(indexes)
    assert "incidents_date" not in indexes  # gone at schema 7 (see ``ddl._v7``)
    assert "WHERE linked_to IS NOT NULL" in indexes["incidents_linked"]
    assert store.check() == "ok"
    again = import_bytes(synthetic(400) + b"\n", "b.csv", store, settings)
    assert again.unchanged == 400 and again.added == 0
    plan = " ".join(r[-1] for r in store.db.execute("EXPLAIN QUERY PLAN " + store_module.LINKS_SQL))
    assert "incidents_linked" in plan  # the Import tab's link list stays instant


def test_the_map_index_is_cached_per_store_version(settings, store, tmp_path, monkeypatch):
    factions = load_factions(settings.factions_file)
    import_bytes((DATA / "acled-current.csv").read_bytes(), "a.csv", store, settings)
    cache = tmp_path / "cache"
    first = mapindex.load(store, cache)
    assert len(first) == store.count() and len(list(cache.glob("*.parquet"))) == 1
    full = views.with_factions(store.read(), factions).set_index("incident_id")
    indexed = mapindex.with_factions(first, factions).set_index("incident_id")
    for column in ("faction1", "faction2", "faction"):
        assert (indexed[column].astype(str) == full.loc[indexed.index, column]).all(), column

    def no_sql():
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(store, "read_index", no_sql)
    assert mapindex.load(store, cache).equals(first)
    monkeypatch.undo()
    import_bytes(synthetic(50), "b.csv", store, settings)  # a new version: rebuilt
    assert len(mapindex.load(store, cache)) == store.count()
    assert len(list(cache.glob("*.parquet"))) == 1  # the old version's file is gone
    next(cache.glob("*.parquet")).write_bytes(b"not parquet")
    assert len(mapindex.load(store, cache)) == store.count()  # a damaged file is rebuilt


def test_a_recreated_store_does_not_reuse_an_old_index(settings, tmp_path):
    path = settings.data_dir / "again.sqlite"
    cache = tmp_path / "cache"
    for n, seed in ((40, 1), (40, 2)):
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        store = open_store(f"sqlite:///{path}", settings)
        import_bytes(synthetic(n, seed), "same-name.csv", store, settings)
        index = mapindex.load(store, cache)
        assert set(index["incident_id"]) == set(store.read()["incident_id"])
        store.close()


def test_parent_cells_match_h3():
    rng = np.random.default_rng(5)
    lat, lon = rng.uniform(30, 38, 500), rng.uniform(35, 45, 500)
    cells = mapindex.cells_of(lat, lon)
    for resolution in range(0, mapindex.CELL_RESOLUTION + 1):
        expected = [h3.cell_to_parent(int(c), resolution) for c in cells]
        assert mapindex.parent_cells(cells, resolution).tolist() == expected


@pytest.fixture
def big_index(settings, tmp_path):
    """An index of 3,000 synthetic incidents (more than the map draws one by one)."""
    store = open_store(f"sqlite:///{settings.data_dir / 'big.sqlite'}", settings)
    import_bytes(synthetic(3000), "big.csv", store, settings)
    factions = load_factions(settings.factions_file)
    index = mapindex.with_factions(mapindex.load(store, tmp_path / "cache"), factions)
    return store, factions, index


def test_hexagons_add_up_to_the_incidents_they_count(big_index):
    _, _, index = big_index
    for resolution in (3, 6, 9):
        counted = hexbins.count(index, resolution)
        assert counted.incidents.sum() == len(index)
        assert counted.fatalities.sum() == index["fatalities"].fillna(0).sum()
        assert (counted.by_faction.sum(axis=1) == counted.incidents).all()
        assert (counted.fatalities_by_faction.sum(axis=1) == counted.fatalities).all()
        assert len(set(counted.cells.tolist())) == len(counted)


def test_hexagon_size_follows_the_map_scale():
    assert hexbins.resolution_for(2000) < hexbins.resolution_for(200) < hexbins.resolution_for(5)
    region = (34.0, 39.5, 36.0, 41.5)  # the valley on a 1,200 px map: hexagons of ~30 px
    level = hexbins.resolution_for(hexbins.metres_per_pixel(region, 1200))
    pixels = 2 * hexbins.edge_km(level) * 1000 / hexbins.metres_per_pixel(region, 1200)
    assert 12 < pixels < 75


def test_a_full_view_is_counted_in_hexagons_and_a_close_view_drawn_one_by_one(big_index):
    store, factions, index = big_index

    def fetch(chosen):
        return views.full_rows(store, factions, chosen)

    wide = incident_layers(index, factions, MapSpec(), None, 1200, fetch)
    assert wide.in_view == len(index) > MAX_MARKERS
    assert f"{len(index):,} incidents in and around the view" in wide.hexagons
    assert wide.layers[0].layer_name == "Incidents (counted in hexagons)"
    lat, lon = index["latitude"].median(), index["longitude"].median()
    close = (lat - 0.02, lon - 0.02, lat + 0.02, lon + 0.02)
    near = incident_layers(index, factions, MapSpec(), close, 1200, fetch)
    inside = hexbins.in_view(index, close).sum()
    assert 0 < near.in_view == inside <= MAX_MARKERS and not near.hexagons
    spec = MapSpec(tiles="none", bounds=close)
    html = full_map(index, factions, spec, fetch=fetch).get_root().render()
    # one array per layer (exact and uncertain places), not one object per incident
    assert html.count("bindPopup(") == 2 and "counted in hexagons" not in html
    assert html.count('class=\\"cm-popup\\"') == inside  # each popup in the JSON array


def test_the_whole_map_page_stays_small_with_hexagons(big_index):
    _store, factions, index = big_index
    page = full_map(index, factions, MapSpec(tiles="none"), width_px=1200).get_root().render()
    assert len(page.encode()) < 2 * 2**20
    assert "counts the incidents in it" in page  # the legend says what a hexagon is
    assert "Incidents (counted in hexagons)" in page


def test_hexagon_popups_escape_faction_names(big_index, settings):
    _store, factions, index = big_index
    table = factions.table.copy()
    table.loc[0, "faction"] = "<img src=x onerror=alert(1)>{{7*7}}"
    from conflictmap.factions import Factions

    hostile = Factions(table)
    renamed = mapindex.with_factions(index, hostile)
    page = full_map(renamed, hostile, MapSpec(tiles="none")).get_root().render()
    assert "<img src=x" not in page and "{{7*7}}" not in page
    # shown as text in the legend control, whose body is a script string of escaped HTML
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page


def test_filter_changes_answer_from_the_index(big_index, settings):
    from conflictmap.filters import Filters

    store, factions, index = big_index
    chosen = Filters(factions=(factions.names[0],), event_types=("Battles",))
    fast = views.apply(index, chosen)
    slow = Workspace(store, settings).matching_rows(chosen, factions)
    assert set(fast["incident_id"]) == set(slow["incident_id"])


def comparable(index: pd.DataFrame) -> pd.DataFrame:
    out = index.sort_values("incident_id").reset_index(drop=True).astype(object)
    return out.where(out.notna(), "<missing>")


def test_the_index_kept_in_step_with_imports_equals_one_read_from_the_store(
    settings, store, tmp_path
):
    from conftest import fixture_bytes

    cache = tmp_path / "cache"
    files = [
        synthetic(200, seed=1),
        fixture_bytes("acled-current.csv"),
        fixture_bytes("ucdp-ged.csv"),  # links to the ACLED rows of the same events
        synthetic(200, seed=1).replace(b",Synthetic,", b",Synthetic (revised),"),
    ]

    class Follower(list):  # what the workspace's follower does, kept to compare
        def __init__(self, before):
            super().__init__()
            self.before = before

        def prepare(self, rows):
            pass

        def __call__(self, rows):
            self.append(mapindex.after_batch(store, cache, self.before, rows))

    for number, data in enumerate(files):
        kept = Follower(store.version())
        import_bytes(data, f"f{number}.csv", store, settings, stored=kept)
        assert kept, "every file here lands a batch"
        built = mapindex.build(store.read_index())
        assert (comparable(kept[0]) == comparable(built)).all().all(), number
        assert mapindex.load(store, cache).shape == built.shape  # and it is the cached one


def test_the_follower_is_told_the_rows_once_they_are_staged(settings, store):
    """Its work runs beside the transaction's write, not beside the staging (where the
    fingerprinting needs the interpreter and the staged chunks the memory)."""
    said = []

    class Follower:
        def prepare(self, rows):
            said.append(("prepare", len(rows)))

        def __call__(self, rows):
            said.append(("landed", len(rows)))

    def progress(_fraction, message):
        said.append(message.split(" ")[0])

    data = synthetic(300, seed=2)
    import_bytes(data, "a.csv", store, settings, progress=progress, stored=Follower())
    steps = [s for s in said if s in ("Stored", "Writing") or isinstance(s, tuple)]
    assert steps[-4:] == ["Stored", "Writing", ("prepare", 300), ("landed", 300)]
    said.clear()
    import_bytes(data, "a.csv", store, settings, stored=Follower())  # the same file
    assert said == []  # nothing staged nor landed: the follower is not told


def test_a_full_disk_while_saving_the_map_index_still_reports_the_import(
    env_data, tmp_path, monkeypatch, capsys
):
    """The batch committed; writing the index Parquet then hit ENOSPC. The import is
    reported as done, with what happens to the index, and no half-written file stays."""
    import errno
    import os

    from conflictmap.cli import main

    source = tmp_path / "acled.csv"
    source.write_bytes(synthetic(500))
    real = pd.DataFrame.to_parquet

    def full_disk(self, path, *args, **kwargs):
        with open(path, "wb") as out:
            out.write(b"PAR1" + b"\0" * 1000)  # some bytes made it, then the disk filled
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    assert main(["import", str(source)]) == 0  # an index to update
    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    again = tmp_path / "more.csv"
    again.write_bytes(synthetic(300, seed=9))
    capsys.readouterr()
    assert main(["import", str(again)]) == 0
    said = capsys.readouterr().err
    assert "Batch 2:" in said and "map index could not be saved (No space left" in said
    assert "Traceback" not in said
    cache = env_data / "cache"
    assert not list(cache.glob("*.tmp")) and not list(cache.glob("*.parquet"))
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    store = open_store(None, Settings())
    assert len(mapindex.load(store, cache)) == store.count()  # rebuilt from the store


def test_a_batch_staged_in_two_files_is_stored_in_its_own_order(settings, monkeypatch):
    """Each staging file holds every other chunk; the copy reads them back in the batch's
    order (so a file's ids in order fill the id index in order), and both files go."""
    monkeypatch.setattr(plan, "STAGE_ROWS", 7)
    monkeypatch.setattr(plan.Stored, "AHEAD", 7)
    path = settings.data_dir / "order.sqlite"
    store = open_store(f"sqlite:///{path}", settings)
    from conflictmap.ingest.pipeline import check_bytes

    data = synthetic(100, seed=5)
    rows = check_bytes(data, "a.csv", settings)[1]
    assert import_bytes(data, "a.csv", store, settings).added == len(rows)
    stored = [r[0] for r in store.db.execute("SELECT incident_id FROM incidents ORDER BY rowid")]
    assert stored == rows["incident_id"].tolist()
    assert not list(path.parent.glob(".order.sqlite-stage_*"))
    store.close()
