import pandas as pd
import pytest

from conflictmap.errors import FactionError
from conflictmap.factions import UNASSIGNED, load_factions, save_factions
from conftest import ROOT

GOV, IRAN, QUDS = (
    "Syrian government forces",
    "Iran-backed militias",
    "Liwa al-Quds (analyst to place)",
)


@pytest.fixture
def factions():
    return load_factions(ROOT / "data" / "factions.csv")


@pytest.mark.parametrize(
    ("actor", "faction"),
    [
        ("Military Forces of Syria (2000-)", GOV),
        ("قوات النظام السوري", GOV),
        ("قوات الأسد", GOV),
        ("NDF: National Defence Forces", GOV),
        ("Liwa Fatemiyoun", IRAN),
        ("لواء فاطميون", IRAN),
        ("الحشد الشعبي العراقي", IRAN),
        ("Popular Mobilization Forces", IRAN),
        ("الحرس الثوري الإيراني", IRAN),
        ("حزب الله", IRAN),
        ("Kataib Hezbollah", IRAN),
        ("ميليشيا عراقية مدعومة من إيران", IRAN),
        ("لواء القدس", QUDS),
        ("Liwa al-Quds", QUDS),
        ("Islamic State (Syria)", ""),
        ("Pro-government militia", GOV),
    ],
)
def test_seeded_groups(factions, actor, faction):
    assert factions.of_actor(actor) == faction


def test_short_names_match_whole_words_only(factions):
    assert factions.of_actor("Abundfoo tribe") == ""


def test_assign_uses_both_sides_and_associates(factions):
    frame = pd.DataFrame(
        {
            "actor1": ["Unknown gunmen", "Liwa Fatemiyoun", "X"],
            "assoc_actor_1": ["", "", "IRGC"],
            "actor2": ["Military Forces of Syria (2000-)", "", ""],
            "assoc_actor_2": ["", "", ""],
        }
    )
    out = factions.assign(frame)
    assert list(out["faction"]) == [GOV, IRAN, IRAN]
    assert list(out["faction1"]) == ["", IRAN, IRAN]


def test_unassigned_when_nothing_matches(factions):
    frame = pd.DataFrame(
        {"actor1": ["Someone"], "assoc_actor_1": [""], "actor2": [""], "assoc_actor_2": [""]}
    )
    assert factions.assign(frame)["faction"].iloc[0] == UNASSIGNED


def test_moving_an_actor_is_an_edit_of_data(factions, tmp_path):
    table = factions.table.copy()
    table.loc[table["actor"] == "Liwa al-Quds", ["faction", "colour"]] = [GOV, "#c0392b"]
    path = tmp_path / "factions.csv"
    saved = save_factions(table, path)
    assert load_factions(path).of_actor("Liwa al-Quds") == GOV == saved.of_actor("Liwa al-Quds")


@pytest.mark.parametrize("colour", ["red", "#12345", "javascript:alert(1)", "#12345g"])
def test_bad_colour_is_refused_and_file_kept(factions, tmp_path, colour):
    path = tmp_path / "factions.csv"
    save_factions(factions.table, path)
    before = path.read_bytes()
    table = factions.table.copy()
    table.loc[0, "colour"] = colour
    with pytest.raises(FactionError, match="RRGGBB"):
        save_factions(table, path)
    assert path.read_bytes() == before
