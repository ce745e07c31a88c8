"""Cross-dataset linking: the rule's cases that must and must not merge, and split."""

from __future__ import annotations

import pandas as pd
import pytest

from conflictmap.errors import StoreError
from conflictmap.ingest.pipeline import import_bytes
from conflictmap.views import collapse_linked
from conftest import fixture_bytes

ACLED_HEADER = fixture_bytes("acled-current.csv").decode().splitlines()[0]


def acled_row(
    event_id="SYR9",
    date="09 June 2018",
    lat=34.4523,
    lon=40.9185,
    actor1="Military Forces of Syria (2000-)",
    actor2="Liwa Fatemiyoun",
) -> bytes:
    row = (
        f"{event_id},{date},2018,1,Political violence,Battles,Armed clash,{actor1},,"
        f"State forces,{actor2},,External/Other forces,,,760,Middle East,Syria,"
        f"Deir-ez-Zor,Abu Kamal,,Abu Kamal,{lat},{lon},1,Test,National,Test row.,4,,1"
    )
    return (ACLED_HEADER + "\n" + row + "\n").encode()


def sheet(
    date="2018-06-09", place="البوكمال", actor1="قوات النظام", actor2="لواء فاطميون"
) -> bytes:
    text = f"التاريخ,المكان,الطرف الأول,الطرف الثاني,القتلى\n{date},{place},{actor1},{actor2},4\n"
    return text.encode()


def located(lat: float, lon: float) -> bytes:
    return (
        f"date,location,lat,lon,actor 1,actor 2\n2018-06-09,near Abu Kamal,{lat},{lon},"
        "Government forces,Fatemiyoun\n"
    ).encode()


@pytest.mark.parametrize(
    ("case", "other"),
    [
        ("same day, same town, Arabic names of the same factions", sheet()),
        ("a day later (reporting lag)", sheet(date="2018-06-10")),
        ("another spelling of the town", sheet(place="Abu Kamal")),
        ("8 km away, with coordinates", located(34.4523 + 0.072, 40.9185)),
    ],
)
def test_must_merge(case, other, settings, store):
    import_bytes(acled_row(), "acled.csv", store, settings)
    report = import_bytes(other, "sheet.csv", store, settings)
    assert report.linked == 1, case
    frame = store.read()
    assert frame["linked_to"].notna().sum() == 1
    collapsed = collapse_linked(frame)
    assert len(collapsed) == 1 and "sheet" in collapsed["also_reported"].iloc[0]


@pytest.mark.parametrize(
    ("case", "other"),
    [
        ("14 km away, both precise", located(34.4523 + 0.126, 40.9185)),
        ("four days apart", sheet(date="2018-06-13")),
        ("another town 40 km away", sheet(place="الميادين")),
        ("actors of other factions", sheet(actor1="Islamic State", actor2="SDF")),
    ],
)
def test_must_not_merge(case, other, settings, store):
    import_bytes(acled_row(), "acled.csv", store, settings)
    report = import_bytes(other, "sheet.csv", store, settings)
    assert report.linked == 0, case
    assert len(collapse_linked(store.read())) == 2


def test_the_same_dataset_never_links_to_itself(settings, store):
    import_bytes(acled_row("SYR1"), "a.csv", store, settings)
    report = import_bytes(acled_row("SYR2"), "b.csv", store, settings)
    assert report.linked == 0


def test_ucdp_links_to_acled_with_a_date_range(settings, store):
    ucdp = fixture_bytes("ucdp-ged.csv")  # 2018-06-03..09 near Hajin, government vs IS
    import_bytes(
        acled_row(
            "SYR7", date="05 June 2018", lat=34.70, lon=40.83, actor2="Islamic State (Syria)"
        ),
        "a.csv",
        store,
        settings,
    )
    report = import_bytes(ucdp, "u.csv", store, settings)
    assert report.linked == 1


def test_split_is_remembered(settings, store):
    import_bytes(acled_row(), "acled.csv", store, settings)
    coded = "id,date,place,actor 1,actor 2,fatalities\nS-1,2018-06-09,Abu Kamal,NDF,IRGC,{}\n"
    first = import_bytes(coded.format(4).encode(), "sheet.csv", store, settings)
    assert first.linked == 1
    assert list(store.links()["incident_id"]) == ["sheet:S-1"]
    assert store.split("sheet:S-1") == ["sheet:S-1"]
    assert store.links().empty
    assert store.read()["linked_to"].isna().all()
    again = import_bytes(coded.format(5).encode(), "sheet-v2.csv", store, settings)
    assert again.updated == 1  # the row changed, so its links were worked out again...
    assert again.linked == 0 and store.read()["linked_to"].isna().all()  # ...not re-linked
    with pytest.raises(StoreError, match="not linked"):
        store.split("sheet:S-1")


def test_collapse_keeps_members_whose_primary_is_filtered_out():
    frame = pd.DataFrame(
        {"incident_id": ["b"], "linked_to": ["a"], "dataset": ["sheet"], "source_event_id": [""]}
    )
    assert list(collapse_linked(frame)["incident_id"]) == ["b"]


def ucdp_row() -> bytes:
    header, _rest = fixture_bytes("ucdp-ged.csv").decode().split("\n", 1)
    values = dict.fromkeys(header.split(","), "")
    values |= {
        "id": "900077",
        "relid": "SYR-2018-1-299-77",
        "year": "2018",
        "type_of_violence": "1",
        "dyad_name": "Government of Syria - Liwa Fatemiyoun",
        "side_a": "Government of Syria",
        "side_b": "Liwa Fatemiyoun",
        "where_prec": "1",
        "where_description": "Abu Kamal town",
        "adm_1": "Dayr al Zawr governorate",
        "latitude": "34.4523",
        "longitude": "40.9185",
        "country": "Syria",
        "country_id": "652",
        "date_prec": "1",
        "date_start": "2018-06-09 00:00:00.000",
        "date_end": "2018-06-09 00:00:00.000",
        "best": "4",
        "high": "4",
        "low": "4",
    }
    return (header + "\n" + ",".join(values.values()) + "\n").encode()


def report_rows() -> bytes:
    from conflictmap.extract import accepted_csv

    drafted = {
        "number": 1,
        "include": True,
        "event_date": "2018-06-09",
        "location": "Abu Kamal",
        "geo_precision": 1,
        "actor1": "Syrian government forces",
        "actor2": "Liwa Fatemiyoun",
        "event_type": "Battles",
        "fatalities": 4,
    }
    return accepted_csv([drafted], "A report of clashes in Abu Kamal.", "test agency")


DATASETS = {
    "acled": acled_row,
    "ucdp": ucdp_row,
    "sheet": sheet,
    "report": report_rows,
}
PAIRS = [(a, b) for a in DATASETS for b in DATASETS if a != b]


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_every_dataset_pair_links_and_folds_on_the_map_index(first, second, settings, store):
    """The dashboard folds links on the map index, whose text columns are categories (the
    dashboard once failed on every page after the first report linked to ACLED)."""
    from conflictmap import mapindex

    import_bytes(DATASETS[first](), f"{first}.csv", store, settings)
    before = store.version()
    added = import_bytes(DATASETS[second](), f"{second}.csv", store, settings)
    assert added.linked == 1, (first, second)
    for index in (
        mapindex.load(store, settings.cache_dir),
        mapindex.after_batch(store, settings.cache_dir, before, store.read()),
    ):
        assert isinstance(index["dataset"].dtype, pd.CategoricalDtype)
        collapsed = collapse_linked(index)
        assert len(collapsed) == 1
        assert collapsed["also_reported"].iloc[0].startswith(f"{second} ")
