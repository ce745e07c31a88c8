"""Places to check: rows whose only problem is their place wait in the store with their
batch; the analyst's choice (a candidate, another name, a point) is saved in geo/user/,
imports them as a batch of their own, and teaches the next import. On both backends."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from conflictmap.cli import main as cli
from conflictmap.errors import InputError, StoreError
from conflictmap.gazetteer import load_gazetteer
from conflictmap.gazetteer.chosen import chosen_file
from conflictmap.gazetteer.model import distance_km_between
from conflictmap.ingest.held import from_candidate, from_name, from_point, places_to_check
from conflictmap.ingest.pipeline import check_bytes
from conflictmap.workspace import Workspace
from conftest import SHARED, own_geo

SHEET = (
    "date,place,country,governorate,actor 1,fatalities,notes\n"
    "2024-05-01,Hajin,Syria,Deir ez-Zor,ISIS,2,good\n"
    "2024-05-02,Zuwayrat Qadim,Syria,Deir ez-Zor,ISIS,1,first of two\n"
    "not a date,Zuwayrat Qadim,Syria,Deir ez-Zor,ISIS,1,a bad date: rejected\n"
    "2024-05-03,Zuwayrat Qadim,Syria,Deir ez-Zor,SDF,0,second of two\n"
    "2024-05-03,Shheel,Syria,,SDF,0,a close spelling: imported to check\n"
)
HERE = (35.06, 40.43)  # where the analyst says Zuwayrat Qadim is (near Buqrus)


def workspace(store, settings) -> Workspace:
    return Workspace(store, settings)


def group(space, name):
    return next(g for g in places_to_check(space.store.pending()) if g.place == name)


def test_rows_held_for_their_place_wait_with_their_batch(store, geo_settings):
    space = workspace(store, geo_settings)
    report = space.import_bytes(SHEET.encode(), "week.csv", "ed")
    assert (report.imported, report.held, report.rejected) == (2, 2, 1)
    assert "2 row(s) wait for their place" in report.summary()
    assert store.count() == 2  # Hajin, and Shheel placed at Ash Shuhayl
    batches = store.batches()
    assert batches.loc[0, "held"] == 2 and batches.loc[0, "rejected"] == 1
    assert store.pending_count() == 3  # two held, one imported to check
    held = group(space, "Zuwayrat Qadim")
    assert (held.held, held.imported, held.problem) == (2, 0, "not-found")
    notes = [json.loads(r)["notes"] for r in held.rows["record"]]
    assert notes == ["first of two", "second of two"]  # whole rows, as the file had them
    close = group(space, "Shheel")
    assert (close.held, close.imported, close.problem) == (0, 1, "close-spelling")
    assert close.candidates[0]["name"] == "Ash Shuhayl"
    assert close.rows["record"].isna().all()  # imported: the store holds the row itself
    rejected = report.rejected_rows  # to fix and import again: the bad date only
    assert rejected["conflictmap_line"].tolist() == [4]


def test_a_point_chosen_imports_the_rows_teaches_the_next_import_and_undo_takes_it_back(
    store, geo_settings
):
    space = workspace(store, geo_settings)
    space.import_bytes(SHEET.encode(), "week.csv", "ed")
    waiting = group(space, "Zuwayrat Qadim")
    choice = from_point(load_gazetteer(geo_settings), *HERE, "Syria")
    assert choice.country == "SY" and choice.admin2 == "Al Mayadin"  # the nearest village's
    done = space.resolve(list(waiting.ids), choice, "ed")
    assert (done.imported, done.batch) == (2, 2) and store.count() == 4
    batches = store.batches()
    assert batches.loc[1, "format"] == "places" and batches.loc[0, "held"] == 0
    rows = store.read().set_index("notes")
    assert rows.loc["first of two", "latitude"] == pytest.approx(HERE[0])
    assert rows.loc["first of two", "geocoded_by"] == "analyst"
    saved = chosen_file(geo_settings).read_text(encoding="utf-8")
    assert "Zuwayrat Qadim" in saved and "chosen by ed" in saved
    # the next week's file names the village again: it lands where the analyst said
    later = SHEET.replace("2024-05-0", "2024-06-0").encode()
    report, good = check_bytes(later, "next.csv", geo_settings, store=store)
    assert report.held == 0
    placed = good.loc[good["location"] == "Zuwayrat Qadim"]
    assert len(placed) == 2 and placed["latitude"].eq(HERE[0]).all()
    # undo: the first batch cannot go before the batch that placed its rows
    with pytest.raises(StoreError, match="undo batch 2 first"):
        space.undo(1)
    space.undo(2)
    assert store.count() == 2 and group(space, "Zuwayrat Qadim").held == 2  # waiting again
    space.undo(1)
    assert store.count() == 0 and store.pending().empty


def test_a_candidate_or_another_name_settles_a_name_and_keeping_clears_a_check(store, geo_settings):
    space = workspace(store, geo_settings)
    space.import_bytes(SHEET.encode(), "week.csv", "ed")
    gaz = load_gazetteer(geo_settings)
    with pytest.raises(InputError, match="not in the gazetteer either"):
        from_name(gaz, "Qqqxxzz", "Syria")
    choice = from_name(gaz, "بقرص", "Syria")  # another name, in the other script
    assert distance_km_between(choice.latitude, choice.longitude, 35.09, 40.39) < 5
    space.resolve(list(group(space, "Zuwayrat Qadim").ids), choice, "ed")
    close = group(space, "Shheel")
    assert space.keep_places(list(close.ids), "ed") == 1
    assert store.pending().empty
    with pytest.raises(InputError, match="placed already"):
        space.resolve(list(close.ids), from_candidate(close.candidates[0]), "ed")


def test_a_choice_ends_the_ambiguity_of_a_name(geo_settings):
    gaz = load_gazetteer(geo_settings)
    before = gaz.lookup("Sinjar")
    assert before.ambiguous  # Iraq's and Syria's
    syrian = next(p for p in (before.place, *before.alternatives) if p.country == "SY")
    from conflictmap.gazetteer.chosen import Choice, save_choice

    save_choice(geo_settings, "Sinjar", Choice(syrian.latitude, syrian.longitude, "SY"), "ed")
    after = load_gazetteer(geo_settings).lookup("Sinjar")
    assert after.place.country == "SY" and not after.ambiguous
    assert load_gazetteer(geo_settings).lookup("Sinjar", "Iraq").place.country == "IQ"


def test_a_moved_check_row_is_corrected_and_stays_over_a_reimport(store, geo_settings):
    space = workspace(store, geo_settings)
    space.import_bytes(SHEET.encode(), "week.csv", "ed")
    close = group(space, "Shheel")
    done = space.resolve(list(close.ids), from_point(load_gazetteer(geo_settings), *HERE), "ed")
    assert done.corrected == 1 and done.batch is None
    row = store.read().set_index("notes").loc["a close spelling: imported to check"]
    assert (row["latitude"], row["longitude"]) == pytest.approx(HERE)
    space.import_bytes(SHEET.encode() + b"\n", "week-again.csv", "ed")  # same rows again
    row = store.read().set_index("notes").loc["a close spelling: imported to check"]
    assert (row["latitude"], row["longitude"]) == pytest.approx(HERE)


def test_the_cli_lists_chooses_and_keeps(env_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFLICTMAP_GEO", str(own_geo(tmp_path / "geo")))
    sheet = tmp_path / "week.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    assert cli(["import", str(sheet)]) == 0
    capsys.readouterr()
    assert cli(["places", "pending"]) == 0
    text = capsys.readouterr().out
    assert "Zuwayrat Qadim (Syria, Deir ez-Zor): not in the gazetteer; 2 held back" in text
    assert "1) Ash Shuhayl" in text
    assert cli(["places", "pending", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {g["place"]: g["held"] for g in listed} == {"Zuwayrat Qadim": 2, "Shheel": 0}
    assert cli(["places", "choose", "Zuwayrat Qadim", "--point", "35.06,40.43"]) == 0
    assert "2 held row(s) imported as batch 2" in capsys.readouterr().out
    assert cli(["places", "choose", "Nowhere", "--candidate", "1"]) == 2
    assert "not in the list" in capsys.readouterr().err
    assert cli(["places", "choose", "Shheel", "--candidate", "9"]) == 2
    assert "1 candidate(s)" in capsys.readouterr().err
    assert cli(["places", "keep", "Shheel"]) == 0
    assert cli(["places", "pending"]) == 0
    assert "No places to check." in capsys.readouterr().out
    assert cli(["batches"]) == 0
    assert "places chosen: Zuwayrat Qadim" in capsys.readouterr().out


def test_real_ucdp_names_without_coordinates_wait_or_land_and_nothing_is_lost(store, geo_settings):
    """The real UCDP candidate file as an analyst's sheet with no coordinates: every row
    lands, waits for its place with candidates to choose from, or is rejected for a
    reason of its own; choosing the first candidate imports a name's rows."""
    ucdp = pd.read_csv(SHARED / "ucdp" / "ucdp_candidate_ged_v26_0_7_syria.csv")
    sheet = pd.DataFrame(
        {
            "date": ucdp["date_start"].str[:10],
            "place": ucdp["where_coordinates"],
            "country": ucdp["country"],
            "governorate": ucdp["adm_1"],
            "district": ucdp["adm_2"],
            "actor 1": ucdp["side_a"],
            "fatalities": ucdp["best"],
            "source id": ucdp["id"],
        }
    )
    space = workspace(store, geo_settings)
    report = space.import_bytes(sheet.to_csv(index=False).encode(), "ucdp.csv", "ed")
    assert report.imported + report.held + report.rejected == len(ucdp)
    assert report.held >= 1 and report.imported >= 0.75 * len(ucdp)
    groups = places_to_check(store.pending())
    held = [g for g in groups if g.held]
    assert sum(g.held for g in held) == report.held
    assert all(g.rows["record"].notna().all() for g in held)
    chosen = next(g for g in held if g.candidates)
    before = store.count()
    space.resolve(list(chosen.ids), from_candidate(chosen.candidates[0]), "ed")
    assert store.count() == before + chosen.held


def test_a_geo_folder_that_cannot_be_written_is_said_plainly(geo_settings, tmp_path):
    from conflictmap.errors import GazetteerError
    from conflictmap.gazetteer.chosen import Choice, save_choice

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    settings = replace(geo_settings, geo_dir=blocked)
    with pytest.raises(GazetteerError, match="Cannot save the chosen place"):
        save_choice(settings, "X", Choice(35.0, 40.0, "SY"), "ed")
