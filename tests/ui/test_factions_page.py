"""The Factions page through AppTest: factions and actors in two tables, the actors'
faction picked from the list, and a warning when two factions share a colour."""

from __future__ import annotations

from conflictmap.cli import main as cli
from conftest import ROOT, dashboard, on_page


def test_factions_and_actors_are_two_tables_and_a_shared_colour_is_said(env_data):
    assert cli(["seed"]) == 0
    at = on_page(dashboard().run(), "factions")
    assert not at.exception and not at.warning
    tables = [t.value for t in at.dataframe]  # the two editors
    assert [list(t.columns) for t in tables] == [
        ["faction", "colour"],
        ["actor", "faction", "actor_type"],
    ]
    assert tables[0]["faction"].is_unique and "Islamic State" in set(tables[0]["faction"])
    seed = (ROOT / "data" / "factions.csv").read_text(encoding="utf-8")
    (env_data / "factions.csv").write_text(seed.replace("#f1c40f", "#C0392B"), encoding="utf-8")
    at = on_page(dashboard().run(), "factions")
    said = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "Syrian government forces, SDF share the colour #c0392b" in said


def test_an_older_table_is_offered_the_regions_actors(env_data):
    env_data.mkdir()
    (env_data / "factions.csv").write_text(
        "faction,colour,actor\nRegime,#111111,قوات النظام\n", encoding="utf-8"
    )
    at = on_page(dashboard().run(), "factions")
    (offer,) = [b for b in at.button if "actor names that this table lacks" in b.label]
    offer.click().run()
    assert not at.exception
    table = (env_data / "factions.csv").read_text(encoding="utf-8")
    assert "Regime,#111111,قوات النظام" in table and "Islamic State" in table
    at = on_page(dashboard().run(), "factions")
    assert not [b for b in at.button if "actor names that this table lacks" in b.label]
