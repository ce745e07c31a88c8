"""An analyst's correction survives the next import of the same incident (issue 8)."""

from __future__ import annotations

import pytest

from conflictmap import corrections
from conflictmap.errors import InputError, StoreError
from conflictmap.gazetteer import load_gazetteer
from conflictmap.ingest.pipeline import import_bytes
from conftest import fixture_bytes

ACLED = fixture_bytes("acled-current.csv")


def first_id(store) -> str:
    return sorted(store.read()["incident_id"])[0]


def row(store, incident_id: str):
    frame = store.read()
    return frame.loc[frame["incident_id"] == incident_id].iloc[0]


def test_a_corrected_place_and_count_survive_reimports_and_source_updates(settings, store):
    import_bytes(ACLED, "a.csv", store, settings)
    target = first_id(store)
    moved = corrections.place(load_gazetteer(settings), "Al Mayadin", "Syria")
    changed = store.correct(
        target, {**moved, "fatalities": "17", "actor2": "Liwa Fatemiyoun"}, "ana"
    )
    assert changed >= 4
    fixed = row(store, target)
    assert (fixed.location, fixed.fatalities, fixed.geocoded_by) == ("Al Mayadin", 17, "analyst")
    assert fixed.latitude == pytest.approx(35.02, abs=0.05)

    again = import_bytes(ACLED + b"\n", "again.csv", store, settings)  # same rows, new bytes
    assert again.unchanged == again.imported and again.updated == 0
    assert row(store, target).fatalities == 17

    newer = ACLED.decode().splitlines()
    header = newer[0].split(",")
    at = header.index("timestamp")
    first = next(i for i, line in enumerate(newer) if line.split(",")[0] in target)
    cells = newer[first].split(",")
    cells[at] = str(int(cells[at]) + 1000)  # the source revised the row
    cells[header.index("notes")] = "Revised by the source."
    newer[first] = ",".join(cells)
    update = import_bytes(("\n".join(newer) + "\n").encode(), "rev.csv", store, settings)
    assert update.updated == 1
    after = row(store, target)
    assert after.notes == "Revised by the source."  # the source's change is taken
    assert (after.location, after.fatalities, after.actor2) == ("Al Mayadin", 17, "Liwa Fatemiyoun")

    history = store.corrections(target)
    assert set(history["field"]) >= {"location", "latitude", "fatalities", "actor2"}
    assert set(history["user"]) == {"ana"} and history["made_at"].notna().all()
    assert store.check() == "ok"


def test_undoing_the_source_update_keeps_the_correction(settings, store):
    import_bytes(ACLED, "a.csv", store, settings)
    target = first_id(store)
    store.correct(target, {"fatalities": "3"}, "ana")
    batch = import_bytes(ACLED.replace(b"Test", b"Tested"), "b.csv", store, settings)
    assert row(store, target).fatalities == 3
    store.undo(batch.batch_id)
    assert row(store, target).fatalities == 3


def test_bad_corrections_are_refused_and_change_nothing(settings, store):
    import_bytes(ACLED, "a.csv", store, settings)
    target = first_id(store)
    before = row(store, target)
    for changes, words in [
        ({"fatalities": "-1"}, "fatalities"),
        ({"fatalities": "2.5"}, "whole number"),
        ({"latitude": "95", "longitude": "40"}, "latitude"),
        ({"latitude": "35"}, "together"),
        ({"geo_precision": "4"}, "one of 1, 2, 3"),
        ({"notes": "x"}, "cannot be corrected"),
    ]:
        with pytest.raises(InputError, match=words):
            store.correct(target, changes, "ana")
    with pytest.raises(StoreError, match="no incident"):
        store.correct("acled:nope", {"fatalities": "1"}, "ana")
    with pytest.raises(InputError, match="not in the gazetteer"):
        corrections.place(load_gazetteer(settings), "Atlantis")
    assert row(store, target).equals(before) and store.corrections(target).empty


def test_an_unchanged_value_is_not_recorded(settings, store):
    import_bytes(ACLED, "a.csv", store, settings)
    target = first_id(store)
    current = row(store, target)
    assert store.correct(target, {"actor1": current.actor1}, "ana") == 0
    assert store.corrections(target).empty
    version = store.version()
    store.correct(target, {"fatalities": ""}, "ana")  # unknown, on purpose
    assert row(store, target).fatalities is None or str(row(store, target).fatalities) == "<NA>"
    assert store.version() != version  # the dashboard's index follows


def test_cli_correct_and_history(env_data, capsys):
    import json

    from conflictmap.cli import main as cli

    path = env_data.parent / "a.csv"
    path.write_bytes(ACLED)
    assert cli(["import", str(path)]) == 0
    capsys.readouterr()
    from conflictmap.settings import Settings
    from conflictmap.store import open_store

    target = first_id(open_store(None, Settings()))
    code = cli(["correct", target, "--place", "Al Mayadin", "--fatalities", "9", "--user", "ana"])
    assert code == 0 and "corrected" in capsys.readouterr().out
    assert cli(["history", target, "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    fields = {h["field"] for h in history["corrections"]}
    assert {"location", "fatalities"} <= fields and history["batches"]
    assert cli(["correct", target, "--fatalities", "-3"]) == 1
    assert "fatalities" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, found",
    [
        ("Date\t2020-05-09\nNotes\tIdle talk\nId\t\u2063acled:SYRT001\u2063", "acled:SYRT001"),
        ("Date2020-05-09NotesIdle talkId\u2063acled:SYRT001\u2063", "acled:SYRT001"),
        ("التاريخ\t2020-05-09\nالمعرّف Id\t\u2063sheet:Idlib-3\u2063", "sheet:Idlib-3"),
        ("Id\u2063sheet:Idlib-3\u2063", "sheet:Idlib-3"),  # before layout, an "Id" inside
        ("Date\t2020-05-09\nId\tacled:SYRT001", "acled:SYRT001"),  # an older popup
    ],
)
def test_the_clicked_incident_is_read_from_its_popup(text, found):
    from conflictmap.views import clicked_incident

    assert clicked_incident({"last_object_clicked_popup": text}) == found
    assert clicked_incident({"last_object_clicked_popup": None}) is None
    assert clicked_incident(None) is None


def test_the_dashboard_shows_an_incident_and_keeps_its_correction(env_data):
    from streamlit.testing.v1 import AppTest

    from conflictmap.cli import main as cli
    from conftest import ROOT

    path = env_data.parent / "a.csv"
    path.write_bytes(ACLED)
    assert cli(["import", str(path)]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["incident"] = "acled:SYRT001"
    at.run()
    assert not at.exception
    facts = next(d.value for d in at.dataframe if list(d.value.columns) == ["field", "value"])
    assert "Abu Kamal" in " ".join(facts["value"])
    box = next(t for t in at.text_input if t.label.startswith("Fatalities"))
    box.set_value("11")
    next(b for b in at.button if b.label == "Save corrections").click()
    at.run()
    assert not at.exception
    assert any("1 field" in s.value and "corrected" in s.value for s in at.success)
    history = next(d.value for d in at.dataframe if "previous" in d.value.columns)
    assert list(history[["field", "previous", "value"]].iloc[0]) == ["fatalities", "3", "11"]
    path.write_bytes(ACLED + b"\n")  # the same export again
    assert cli(["import", str(path)]) == 0
    from conflictmap.settings import Settings
    from conflictmap.store import open_store

    frame = open_store(None, Settings()).read().set_index("incident_id")
    assert frame.loc["acled:SYRT001", "fatalities"] == 11
