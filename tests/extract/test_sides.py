"""Who did what to whom, the toll when none is given, and which namesake a report means:
the reading rules that real reports needed (their score: test_real_reports.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conflictmap.extract import candidate_rows
from conflictmap.factions import Factions, check_table

UNKNOWN_AIR = "Unidentified armed groups"


def rows(text: str, published: str, tools) -> list[dict]:
    found = candidate_rows(text, dt.date.fromisoformat(published), "test", *tools)
    return [r for r in found if r["include"]]


def sides(row: dict, factions: Factions) -> tuple[str, str]:
    return factions.of_actor(row["actor1"]), factions.of_actor(row["actor2"])


def test_a_strike_that_names_only_its_target_was_flown_by_unidentified_aircraft(tools):
    text = "استهدفت غارات جوية مواقع الحرس الثوري في مدينة البوكمال أمس."
    (row,) = rows(text, "2024-01-08", tools)
    assert row["actor1"] == "Unidentified Military Forces"
    assert sides(row, tools[1]) == (UNKNOWN_AIR, "Iran-backed militias")


def test_the_named_air_force_is_the_first_side_and_its_target_the_second(tools):
    text = "قتل 9 عناصر من الحشد الشعبي جراء غارات أمريكية على الحدود قرب مدينة القائم أمس."
    (row,) = rows(text, "2021-06-29", tools)
    assert sides(row, tools[1]) == ("US-led coalition", "Iran-backed militias")
    assert row["fatalities"] == 9


def test_violence_against_civilians_is_done_to_civilians(tools):
    (row,) = rows(
        "Unidentified gunmen assassinated a teacher in Hajin yesterday.", "2020-05-09", tools
    )
    assert sides(row, tools[1]) == ("Unidentified armed groups", "Civilians")


def test_a_battle_that_names_one_side_is_fought_against_the_reports_other_group(tools):
    text = (
        "SDF closes in on the last ISIS pocket\n\n"
        "The SDF advanced into Baghouz on Saturday after heavy clashes."
    )
    (row,) = rows(text, "2019-03-03", tools)
    assert sides(row, tools[1]) == ("SDF", "Islamic State")


def test_no_death_reported_is_a_toll_of_zero_and_a_vague_one_stays_open(tools):
    (quiet,) = rows("Regime forces shelled Hajin yesterday.", "2020-05-09", tools)
    assert quiet["fatalities"] == 0 and "ACLED codes 0" in quiet["fatalities_note"]
    (vague,) = rows(
        "Regime forces shelled Hajin yesterday, causing casualties.", "2020-05-09", tools
    )
    assert vague["fatalities"] is None and vague["fatalities_note"]


def test_an_undated_lead_is_the_incident_a_later_sentence_dates(tools):
    text = (
        "كشف مسؤول عراقي عن مقتل 26 عنصراً من الحشد الشعبي بقصف أمريكي على مدينة البوكمال.\n"
        "وقتل العناصر بقصف أمريكي ليل الأربعاء استهدف مقرات الحشد الشعبي في البوكمال."
    )
    (row,) = rows(text, "2020-03-13", tools)
    assert (row["event_date"], row["fatalities"]) == ("2020-03-11", 26)


def test_a_name_of_several_places_is_the_one_near_the_reports_other_places(tools):
    gaz = tools[0]
    text = "اشتبكت قوات النظام مع تنظيم الدولة في قرية الجلاء قرب مدينة البوكمال أمس."
    (row,) = rows(text, "2017-11-22", tools)
    bukamal = gaz.lookup("Abu Kamal").place
    assert gaz.lookup("الجلاء").ambiguous  # the name has namesakes far away
    assert abs(row["latitude"] - bukamal.latitude) < 0.3
    assert abs(row["longitude"] - bukamal.longitude) < 0.3


def test_a_namesake_far_from_every_other_place_of_the_report_is_not_used(tools):
    # OCHA's list has no Al-Sukkariyah by Al-Bukamal; its five namesakes lie far west
    text = "قصف طيران مجهول مواقع الحرس الثوري في قرية السكرية وبادية الحمدان قرب البوكمال أمس."
    found = rows(text, "2024-06-22", tools)
    assert found and all(r["longitude"] > 40.5 for r in found)
    assert "Sukkarieh" not in {r["place"] for r in found}


def test_a_source_named_after_a_town_is_not_the_incidents_place(tools):
    text = "Al Mayadeen TV said ISIS fighters attacked regime forces in Hajin yesterday."
    (row,) = rows(text, "2020-05-09", tools)
    assert row["place"] == "Hajin"


@pytest.mark.parametrize(
    ("actor", "faction"),
    [
        ("Iran-backed militias", "Iran-backed militias"),  # the table says "militia"
        ("Iraqi government forces", "Iraqi government forces"),  # not "government forces"
        ("unidentified aircraft", UNKNOWN_AIR),
        ("Unidentified Military Forces", UNKNOWN_AIR),
        ("مليشيات إيرانية", "Iran-backed militias"),  # militia with one ya
        ("Liwa Zainabiyoun", "Iran-backed militias"),
    ],
)
def test_the_seed_table_names_the_regions_actors_whatever_their_number(tools, actor, faction):
    assert tools[1].of_actor(actor) == faction


def test_the_acled_actor_type_is_kept_and_optional():
    typed = check_table(
        pd.DataFrame(
            {
                "faction": ["Civilians", "ISIS"],
                "colour": ["#bdc3c7", "#2c3e50"],
                "actor": ["Civilians", "ISIS"],
                "actor_type": ["Civilians", "Rebel group"],
            }
        )
    )
    assert list(typed["actor_type"]) == ["Civilians", "Rebel group"]
    assert Factions(typed).civilians == "Civilians"
    bare = check_table(pd.DataFrame({"faction": ["X"], "colour": ["#000000"], "actor": ["x"]}))
    assert list(bare["actor_type"]) == [""] and Factions(bare).civilians == ""
