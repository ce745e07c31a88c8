"""Drafts from the 36 real published reports of ../shared/data/reports, against their
hand coding: floors that may not drop (bench/extract.py prints the whole table)."""

from __future__ import annotations

import pytest

from conflictmap.extract import load_lexicon
from conflictmap.extract.evaluate import RealTally, score_real, score_real_folder
from conflictmap.factions import load_factions
from conflictmap.gazetteer import load_gazetteer
from conftest import SHARED

REPORTS = SHARED / "reports"
FLOORS = {  # measured 2026-12-02: all 0.87 / 0.80 (68 of 78 drafts, of 85 coded incidents)
    "all": {"precision": 0.86, "recall": 0.79, "groups": 0.78, "fatalities": 0.80},
    "ar": {"precision": 0.86, "recall": 0.83, "groups": 0.80, "fatalities": 0.82},
    "en": {"precision": 0.87, "recall": 0.71, "groups": 0.75, "fatalities": 0.75},
}


@pytest.fixture(scope="module")
def tallies():
    if not (REPORTS / "expected.json").exists():
        pytest.fail(f"the real reports are missing: {REPORTS} (see ../shared/data/README)")
    from conflictmap.settings import Settings

    settings = Settings(tiles="none")
    tools = (
        load_gazetteer(settings),
        load_factions(settings.factions_file),
        load_lexicon(settings.lexicon_file),
    )
    return score_real_folder(REPORTS, *tools)


def test_every_coded_report_is_scored(tallies):
    assert tallies["all"].reports == 36 and tallies["all"].expected == 85
    assert tallies["ar"].reports + tallies["en"].reports == 36
    # coded places the gazetteer does not know: الطكيحي, Abu al-Hasan, البوخاطر, Al-Shably,
    # Ain Ali and Camp Taji (a close spelling far from every other coded place does not
    # count: "Ain Ali" is not Ein Ghalim in Tartus)
    assert tallies["all"].unplaced <= 6


@pytest.mark.parametrize("language", sorted(FLOORS))
def test_incidents_found_do_not_drop(tallies, language):
    tally, floor = tallies[language], FLOORS[language]
    assert tally.precision >= floor["precision"], tally
    assert tally.recall >= floor["recall"], tally
    assert tally.share("groups") >= floor["groups"], tally  # both sides' groups right
    assert tally.share("fatalities") >= floor["fatalities"], tally


def test_a_draft_counts_only_at_the_coded_place_and_day(settings):
    """The scorer itself: the same report scored against a coding moved by two days, or
    to another town, matches nothing."""
    tools = (
        load_gazetteer(settings),
        load_factions(settings.factions_file),
        load_lexicon(settings.lexicon_file),
    )
    text = (
        "Two members of the Syrian regime forces were killed yesterday when ISIS fighters "
        "attacked their positions near Al-Mayadin."
    )
    coded = {
        "published": "2020-05-09",
        "incidents": [
            {
                "date": "2020-05-08",
                "location": "Al-Mayadin",
                "actor1": "ISIS",
                "actor2": "Syrian government forces",
                "event_type": "Battles",
                "fatalities": 2,
            }
        ],
    }
    right = score_real(text, coded, *tools)
    assert (right.drafted, right.matched) == (1, 1)
    moved = {**coded, "incidents": [{**coded["incidents"][0], "date": "2020-05-05"}]}
    assert score_real(text, moved, *tools).matched == 0
    elsewhere = {**coded, "incidents": [{**coded["incidents"][0], "location": "Hajin"}]}
    assert score_real(text, elsewhere, *tools).matched == 0
    empty = RealTally()
    assert (empty.precision, empty.recall, empty.share("date")) == (1.0, 1.0, 0.0)
