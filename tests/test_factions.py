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
        ("Islamic State (Syria)", "Islamic State"),
        ("تنظيم الدولة الإسلامية", "Islamic State"),
        ("SDF: Syrian Democratic Forces", "SDF"),
        ("قوات سوريا الديمقراطية", "SDF"),
        ("Al Baqqara Tribal Militia (Syria)", "Tribal fighters"),
        ("أبناء العشائر", "Tribal fighters"),
        ("التحالف الدولي", "US-led coalition"),
        ("Military Forces of Israel (2022-)", "Israel"),
        ("Military Forces of Russia (2000-)", "Russia"),
        ("Unidentified Armed Group (Syria)", "Unidentified armed groups"),
        ("مسلحون مجهولون", "Unidentified armed groups"),
        ("Civilians (Syria)", "Civilians"),
        ("Military Forces of Iraq (2020-)", "Iraqi government forces"),
        ("Abundfoo tribe", ""),
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
            "actor1": ["A group nobody listed", "Liwa Fatemiyoun", "X"],
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


def test_the_seed_table_gives_each_faction_its_own_colour(factions):
    from conflictmap.factions import shared_colours

    assert shared_colours(factions.table) == []
    assert len(factions.names) >= 12  # the region's groups, not only the seed article's


def test_a_faction_is_named_once_and_actors_pick_it_from_the_list(factions):
    from conflictmap.factions import actors_of, groups_of, joined, shared_colours

    groups, actors = groups_of(factions.table), actors_of(factions.table)
    assert joined(groups, actors).equals(factions.table)  # the two parts make the table
    renamed = groups.replace({"SDF": "Syrian Democratic Forces (SDF)"})
    table = joined(renamed, actors.replace({"SDF": "Syrian Democratic Forces (SDF)"}))
    assert set(table.loc[table["actor"].isin(["قسد", "Asayish"]), "faction"]) == {
        "Syrian Democratic Forces (SDF)"
    }
    typo = actors.copy()
    typo.loc[0, "faction"] = "Syrian goverment forces"
    with pytest.raises(FactionError, match="not in the list of factions"):
        joined(groups, typo)
    with pytest.raises(FactionError, match="listed twice"):
        joined(pd.concat([groups, groups.iloc[:1]]), actors)
    clash = groups.copy()
    clash.loc[clash["faction"] == "SDF", "colour"] = clash.loc[0, "colour"].upper()
    assert shared_colours(joined(clash, actors)) == [
        (groups.loc[0, "colour"].lower(), [groups.loc[0, "faction"], "SDF"])
    ]


def test_an_older_table_gets_the_regions_actors_and_keeps_its_own(env_data):
    """A table saved before the lexicon grew: `factions add-seed` adds the seed's actors
    it lacks, in their seed groups; the analyst's own groups, names and colours stay."""
    from conflictmap.cli import main as cli
    from conflictmap.factions import load_factions

    own = (
        "faction,colour,actor\n"
        "Regime,#111111,Military Forces of Syria\n"
        "Regime,#111111,قوات النظام\n"
        "Our watch list,#222222,Kataib Hezbollah\n"
    )
    env_data.mkdir()
    path = env_data / "factions.csv"
    path.write_text(own, encoding="utf-8")
    assert cli(["factions", "add-seed", "--dry-run"]) == 0
    assert path.read_text(encoding="utf-8") == own  # a dry run saves nothing
    assert cli(["factions", "add-seed"]) == 0
    table = load_factions(path).table
    by_actor = dict(zip(table["actor"], table["faction"], strict=True))
    assert by_actor["Military Forces of Syria"] == "Regime"  # the analyst's groups stand
    assert by_actor["Kataib Hezbollah"] == "Our watch list"
    assert by_actor["ISIS"] == "Islamic State" and by_actor["قسد"] == "SDF"
    colours = dict(zip(table["faction"], table["colour"], strict=True))
    assert colours["Regime"] == "#111111" and colours["Islamic State"] == "#2c3e50"
    assert table["actor"].map(str.lower).is_unique
    assert cli(["factions", "add-seed"]) == 0  # a second time adds nothing
    assert len(load_factions(path).table) == len(table)
