"""Drafting incidents from news reports: rules, quality on hand-coded reports, speed,
the accept path through the importer, the CLI and the dashboard tab."""

import datetime as dt
import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.cli import main as cli
from conflictmap.errors import InputError
from conflictmap.extract import (
    accepted_csv,
    candidate_rows,
    draft,
    extract,
    load_lexicon,
    marked_html,
)
from conflictmap.extract.evaluate import score_folder, table
from conflictmap.ingest.pipeline import import_bytes
from conflictmap.settings import Settings
from conflictmap.store import open_store
from conftest import DATA, ROOT, SHARED_ROOT, on_page

REPORTS = DATA / "reports"
SEED = SHARED_ROOT / "seed"
GOV, IRAN, QUDS = (
    "Syrian government forces",
    "Iran-backed militias",
    "Liwa al-Quds (analyst to place)",
)


def rows(text: str, published: str, tools) -> list[dict]:
    return candidate_rows(text, dt.date.fromisoformat(published), "test", *tools)


@pytest.mark.parametrize(
    ("sentence", "first", "last", "precision"),
    [
        ("اشتبكت قوات الأسد مع لواء فاطميون في البوكمال أمس.", "2020-03-09", "2020-03-09", 1),
        ("قبل أسبوعين، اشتبكت قوات الأسد مع لواء فاطميون في البوكمال.", "2020-02-25", None, 2),
        (
            "تستمر الاشتباكات بين قوات النظام وحزب الله في البوكمال لليوم الثالث على التوالي.",
            "2020-03-08",
            "2020-03-10",
            1,
        ),
        ("Regime forces clashed with Hezbollah in Abu Kamal two weeks ago.", "2020-02-25", None, 2),
        (
            "Regime forces and Hezbollah clashed in Abu Kamal for the third day in a row.",
            "2020-03-08",
            "2020-03-10",
            1,
        ),
        ("Regime forces and Hezbollah clashed in Abu Kamal on Sunday.", "2020-03-08", None, 1),
        ("Regime forces and Hezbollah clashed in Abu Kamal yesterday.", "2020-03-09", None, 1),
        ("Regime forces and Hezbollah clashed in Abu Kamal on 3 March.", "2020-03-03", None, 1),
        ("اشتبكت قوات الأسد مع حزب الله في البوكمال في ٣ آذار.", "2020-03-03", None, 1),
        ("Regime forces and Hezbollah clashed in Abu Kamal.", "2020-03-10", None, 2),
    ],
)
def test_relative_dates_resolve_against_the_publication_date(
    tools, sentence, first, last, precision
):
    (row,) = rows(sentence, "2020-03-10", tools)  # a Tuesday
    assert (row["event_date"], row["end_date"], row["time_precision"]) == (
        first,
        last or first,
        precision,
    )


@pytest.mark.parametrize(
    ("sentence", "killed"),
    [
        ("اشتبكت قوات الأسد مع حزب الله في البوكمال، ما أسفر عن مقتل خمسة وعشرين عنصرًا.", 25),
        ("اشتبكت قوات الأسد مع حزب الله في البوكمال وخلفت ١٢ قتيلًا.", 12),
        ("اشتبكت قوات الأسد مع حزب الله في البوكمال وسط أنباء عن عشرات القتلى.", 12),
        ("اشتبكت قوات الأسد مع حزب الله في البوكمال، وقُتل فيه عنصران.", 2),
        ("Regime forces clashed with Hezbollah in Abu Kamal, killing at least twenty-five.", 25),
        ("Regime forces clashed with Hezbollah in Abu Kamal; dozens of fighters were killed.", 12),
        ("Regime forces shelled Hezbollah in Abu Kamal; no casualties were reported.", 0),
        ("Regime forces clashed with Hezbollah in Abu Kamal; 7 were wounded.", 0),
        # summed, far from the killed-word, not the wounded, not a span of time
        ("12 عنصرا على الأقل من قوات النظام و20 مقاتلا من تنظيم داعش قتلوا في هجين أمس.", 32),
        ("Clashes in Hajin yesterday: 20 fighters were wounded and 3 were killed.", 3),
        ("أفاد المرصد أن 27 شخصا من عناصر تنظيم داعش وذويهم قد قتلوا في بلدة هجين أمس.", 27),
        ("Two days later, ISIS fighters attacked Hajin and 4 soldiers were killed.", 4),
    ],
)
def test_fatalities_in_digits_words_and_vague_amounts(tools, sentence, killed):
    (row,) = rows(sentence, "2020-03-10", tools)
    assert row["fatalities"] == killed


def test_a_total_over_several_days_is_one_incident_with_a_range(tools):
    text = (
        "Clashes between regime forces and an Iraqi militia went on over the past three "
        "days in Abu Kamal, with a total of 12 people killed."
    )
    (row,) = rows(text, "2020-03-10", tools)
    assert (row["event_date"], row["end_date"], row["fatalities"]) == (
        "2020-03-07",
        "2020-03-10",
        12,
    )


def test_places_regions_origins_and_precision(tools):
    text = (
        "وصلت تعزيزات من الحرس الثوري قادمة من مدينة القائم إلى البوكمال، ثم هاجمت ميليشيات "
        "إيرانية مقرات قوات النظام في المدينة، مخلفة 3 قتلى.\n"
        "وفي اليوم نفسه اشتبكت قوات الأسد مع لواء فاطميون إلى الشرق من مدينة دير الزور.\n"
        "كما اشتبكت قوات الأسد مع لواء القدس قرب بلدة بقرص."
    )
    first, second, third = rows(text, "2020-03-10", tools)
    assert first["place"] == "Abu Kamal" and first["geo_precision"] == 1  # not Al-Qaim (origin)
    assert second["place"] == "Eastern Deir ez-Zor countryside" and second["geo_precision"] == 3
    assert third["place"].startswith("near Buqrus") and third["geo_precision"] == 2
    spans = {s["kind"] for s in first["spans"]}
    assert {"origin", "place", "actor", "event", "killed"} <= spans


def test_a_place_in_neither_gazetteer_nor_text_is_not_guessed(tools):
    (row,) = rows("اشتبكت قوات الأسد مع حزب الله في قرية برتقالستان الوهمية.", "2020-03-10", tools)
    assert row["place"] == "" and row["include"] is False  # drafted, but not ticked


def test_sides_come_from_the_faction_table_with_named_groups_first(tools):
    text = "اشتبكت قوات الأسد مع ميليشيات إيرانية ولواء فاطميون في البوكمال."
    (row,) = rows(text, "2020-03-10", tools)
    assert (row["actor1"], row["actor2"]) == ("قوات الأسد", "لواء فاطميون")
    assert row["assoc_actor_2"] == "ميليشيات إيرانية"
    assert row["factions"] == f"{GOV}; {IRAN}"


def test_new_words_are_data_not_code(tmp_path, tools, monkeypatch):
    text = "Regime forces and Hezbollah skirmished in Abu Kamal."
    assert rows(text, "2020-03-10", tools) == []  # 'skirmished' is not a cue word yet
    rules = (ROOT / "data" / "extract.toml").read_text(encoding="utf-8")
    rules = rules.replace('"gunfight", ', '"gunfight", "skirmished", ', 1)
    (tmp_path / "extract.toml").write_text(rules, encoding="utf-8")
    (tmp_path / "factions.csv").write_bytes((ROOT / "data" / "factions.csv").read_bytes())
    monkeypatch.setenv("CONFLICTMAP_DATA", str(tmp_path))
    (row,) = draft(text, dt.date(2020, 3, 10), "test", Settings())
    assert row["event_type"] == "Battles"


def test_broken_rules_file_says_which_file(tmp_path):
    bad = tmp_path / "extract.toml"
    bad.write_text("skip_lines = [\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"extract\.toml"):
        load_lexicon(bad)


def test_quality_on_hand_coded_reports(tools):
    tallies = score_folder(REPORTS, *tools, seed=SEED)
    print(table(tallies))
    for name in ("all", "held-out"):
        tally = tallies[name]
        for field in ("places", "actors", "dates", "fatalities"):
            assert tally.precision(field) >= 0.9, (name, field)
            assert tally.recall(field) >= 0.9, (name, field)
    assert tallies["ar"].reports >= 3 and tallies["en"].reports >= 3


def test_the_seed_article(tools):
    if not SEED.exists():
        pytest.skip(f"{SEED} is not present")
    text = (SEED / "article-ar.txt").read_text(encoding="utf-8")
    drafted = rows(text, "2018-06-20", tools)
    by_place = {}
    for row in drafted:
        by_place.setdefault(row["place"], []).append(row)
    (buqrus,) = by_place["Buqrus"]
    assert buqrus["fatalities"] == 5 and buqrus["event_date"] == "2018-05-30"
    assert {buqrus["actor1"], buqrus["actor2"]} == {"قوات الأسد", "لواء القدس"}
    (east,) = by_place["Eastern Deir ez-Zor countryside"]
    assert east["fatalities"] == 12 and east["geo_precision"] == 3
    assert (east["event_date"], east["end_date"]) == ("2018-06-18", "2018-06-20")
    assert 25 in {r["fatalities"] for r in by_place["Abu Kamal"]}
    fatemiyoun = next(r for r in by_place["Abu Kamal"] if r["actor2"] == "لواء فاطميون")
    assert fatemiyoun["event_date"] == "2018-06-06"
    assert all(r["include"] for r in drafted)


def test_two_thousand_words_in_under_a_second(tools):
    texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))]
    text = "\n".join(texts)
    while len(text.split()) < 2000:
        text += "\n" + "\n".join(texts)
    extract(text, dt.date(2020, 1, 1), *tools)  # warm (regexes compiled, caches)
    started = time.perf_counter()
    extract(text, dt.date(2020, 1, 1), *tools)
    assert time.perf_counter() - started < 1.0


def test_report_text_is_escaped_in_the_highlight(tools):
    text = 'Regime forces clashed with Hezbollah in Abu Kamal <script>alert("x")</script>.'
    (row,) = rows(text, "2020-03-10", tools)
    html = marked_html(text, row["spans"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark" in html


def test_accepting_imports_one_batch_through_validation(env_data, tools):
    text = (REPORTS / "en-qaim.txt").read_text(encoding="utf-8")
    drafted = rows(text, "2019-09-10", tools)
    drafted[2]["include"] = False  # the analyst drops one
    drafted[0]["fatalities"] = 20  # and corrects another
    drafted[1]["location"] = "Al Mayadin"
    store = open_store(None, Settings())
    report = import_bytes(accepted_csv(drafted, text, "Test wire"), "report.csv", store)
    assert (report.imported, report.rejected, report.added) == (3, 0, 3)
    stored = store.read().set_index("source_event_id")
    assert stored["dataset"].eq("report").all() and stored["source"].eq("Test wire").all()
    assert sorted(stored["fatalities"].dropna().astype(int)) == [2, 12, 20]
    moved = stored[stored["location"] == "Al Mayadin"]
    assert len(moved) == 1 and abs(moved["latitude"].iloc[0] - 35.02) < 0.05
    # accepting the same draft again changes nothing; a correction updates in place
    again = import_bytes(accepted_csv(drafted, text, "Test wire"), "report.csv", store)
    assert again.duplicate_of == report.batch_id
    drafted[0]["fatalities"] = 21
    fixed = import_bytes(accepted_csv(drafted, text, "Test wire"), "report.csv", store)
    assert (fixed.added, fixed.updated) == (0, 1)


def test_a_bad_edit_is_reported_by_row_and_nothing_is_stored(env_data, tools):
    text = (REPORTS / "en-qaim.txt").read_text(encoding="utf-8")
    drafted = rows(text, "2019-09-10", tools)
    drafted[1]["event_date"] = "2019-13-45"
    store = open_store(None, Settings())
    report = import_bytes(accepted_csv(drafted, text, "Test wire"), "report.csv", store)
    issue = next(i for i in report.issues if i.column == "event_date")
    assert issue.line == 3 and issue.value == "2019-13-45"  # the second kept row
    assert report.rejected == 1 and report.imported == 3


def test_cli_extract_prints_json_candidates(capsys):
    path = REPORTS / "ar-bukamal.txt"
    assert cli(["extract", str(path), "--published", "2018-09-02", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["fatalities"] for r in out] == [7, 3, 25]
    assert out[0]["spans"] and out[0]["evidence"]
    with pytest.raises(SystemExit) as stop:
        cli(["extract", str(path), "--published", "02/09/2018"])
    assert stop.value.code == 2


def test_cli_extract_import(env_data, capsys):
    path = REPORTS / "ar-quriyah.txt"
    assert cli(["extract", str(path), "--published", "2018-11-20", "--import", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 3


def test_dashboard_report_page_drafts_and_imports(env_data):
    assert cli(["seed"]) == 0
    at = on_page(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run(), "report")
    before = open_store(None, Settings()).count()
    at.text_area[0].set_value((REPORTS / "ar-mayadin.txt").read_text(encoding="utf-8"))
    at.date_input[0].set_value(dt.date(2019, 3, 14))
    at.text_input[0].set_value("Local network")
    next(b for b in at.button if b.label == "Draft incidents").click().run()
    assert not at.exception
    marked = [m.value for m in at.markdown if "<mark" in m.value]
    assert any("الميادين" in m for m in marked)
    next(b for b in at.button if b.label.startswith("Import 3")).click().run()
    assert not at.exception
    assert open_store(None, Settings()).count() == before + 3
    assert any("3 added" in s.value for s in at.success)


@pytest.mark.parametrize(
    ("together", "place", "apart", "published"),
    [
        (  # "in the countryside of Deir ez-Zor" then the village
            "قتل عنصران من قوات النظام في هجوم لتنظيم داعش في ريف دير الزور أمس. "
            "ووقع الهجوم في بادية المسرب.",
            "Masrab",
            "اشتبكت قوات الأسد مع لواء فاطميون في ريف دير الزور أمس. "  # other sides
            "وهاجمت قسد مواقع لتنظيم داعش في قرية المسرب أمس.",
            "2021-12-03",
        ),
        (  # the eastern countryside, then a town of it 60 km away
            "قصف طيران مجهول مواقع للحرس الثوري في ريف دير الزور الشرقي أمس. "
            "واستهدفت طائرات مجهولة مقرات الميليشيات الإيرانية في مدينة البوكمال أمس.",
            "Abu Kamal",
            "اشتبكت قوات الأسد مع لواء فاطميون في ريف دير الزور الشرقي أمس. "  # other units
            "واشتبكت قوات الأسد مع لواء القدس في مدينة البوكمال أمس.",
            "2020-11-22",
        ),
    ],
)
def test_an_area_and_its_village_the_same_day_are_one_incident(
    tools, together, place, apart, published
):
    """An area (a countryside, a region of a governorate) then the village: one incident,
    at the village, with the sides and deaths of both sentences; other sides, or other
    units of one side, stay incidents of their own."""
    (row,) = rows(together, published, tools)
    assert row["place"] == place
    assert len(rows(apart, published, tools)) == 2
    if place == "Masrab":
        assert row["fatalities"] == 2
        assert "Islamic State" in row["factions"] and GOV in row["factions"]


def test_the_issues_two_sentence_report_gives_two_incidents_with_both_sides(tools):
    text = (
        "Two members of the Syrian regime forces were killed and three wounded yesterday "
        "when ISIS fighters attacked their positions near Al-Mayadin in the eastern "
        "countryside of Deir ez-Zor. On the same day, unidentified gunmen shot dead a "
        "civilian in the town of Hajin."
    )
    mayadin, hajin = rows(text, "2020-05-09", tools)
    assert mayadin["place"] == "near Al Mayadin" and mayadin["event_date"] == "2020-05-08"
    assert "Islamic State" in mayadin["factions"] and GOV in mayadin["factions"]
    assert hajin["place"] == "Hajin" and hajin["event_date"] == "2020-05-08"
    assert hajin["event_type"] == "Violence against civilians"
    assert hajin["factions"] == "Unidentified armed groups; Civilians"


def test_strikes_on_a_list_of_villages_are_one_incident_per_village(tools):
    text = "شن طيران التحالف الدولي غارات على الشعفة ومدينة هجين أمس، ما أدى إلى مقتل 5 عناصر."
    first, second = rows(text, "2018-10-14", tools)
    assert {first["place"], second["place"]} == {"Ash Shafah", "Hajin"}
    assert first["event_date"] == second["event_date"] == "2018-10-13"
    assert first["fatalities"] == 5 and second["fatalities"] is None  # the toll, once
    assert "one list" in second["fatalities_note"]


@pytest.mark.parametrize(
    ("said", "day"),
    [
        ("ليل الثلاثاء", "2020-05-05"),
        ("مساء الجمعة", "2020-05-08"),
        ("on Saturday night", "2020-05-09"),
    ],
)
def test_a_weekday_after_night_or_evening_words_is_that_day(tools, said, day):
    (row,) = rows(f"اشتبكت قوات الأسد مع داعش في هجين {said}.", "2020-05-10", tools)  # a Sunday
    assert row["event_date"] == day


def test_an_older_rules_file_without_the_newer_word_lists_still_reads_places(tmp_path, tools):
    """An analyst's own data/extract.toml from before a list was added (countryside,
    origin_after): a missing list matches nothing, it does not make every place a
    countryside."""
    import re

    rules = (ROOT / "data" / "extract.toml").read_text(encoding="utf-8")
    rules = re.sub(r"(?m)^(countryside_before|origin_after) = (?:\[[^\]]*\]|.*)\n", "", rules)
    assert "origin_after" not in rules
    (tmp_path / "extract.toml").write_text(rules, encoding="utf-8")
    gaz, factions, _ = tools
    older = (gaz, factions, load_lexicon(tmp_path / "extract.toml"))
    (row,) = rows("اشتبكت قوات الأسد مع داعش في مدينة هجين أمس.", "2020-03-10", older)
    assert row["place"] == "Hajin" and row["geo_precision"] == 1


def test_one_incident_told_again_by_each_source_is_drafted_once(tools):
    """Real reports restate an incident source after source: the same place, day and
    sides are one incident, with the largest toll; another day stays its own."""
    text = (
        "استهدفت طائرة مسيرة مجهولة سيارة لميليشيا زينبيون في مدينة البوكمال أمس. "
        "وقالت مصادر محلية إن القصف على مدينة البوكمال أمس أدى إلى مقتل عنصرين "
        "من الميليشيات الإيرانية. "
        "واستهدفت طائرة مسيرة مجهولة مقرات الحرس الثوري في مدينة البوكمال يوم الثلاثاء."
    )
    first, other_day = rows(text, "2024-09-05", tools)  # a Thursday
    assert first["place"] == "Abu Kamal" and first["event_date"] == "2024-09-04"
    assert first["fatalities"] == 2
    assert other_day["event_date"] == "2024-09-03"


def test_deir_ez_zor_named_beside_a_village_of_its_governorate_is_the_governorate(tools):
    """ "في دير الزور" with the village named in another sentence is one incident at the
    village, even 120 km from the city (Al-Bukamal is in Deir ez-Zor governorate); the
    city alone stays the city."""
    text = (
        "قصفت طائرات مجهولة مواقع للحرس الثوري في دير الزور أمس. "
        "وطال القصف مقرات الحرس الثوري في مدينة البوكمال أمس."
    )
    (row,) = rows(text, "2020-11-22", tools)
    assert row["place"] == "Abu Kamal"
    (alone,) = rows("قصفت طائرات مجهولة مواقع للحرس الثوري في دير الزور أمس.", "2020-11-22", tools)
    assert alone["place"] == "Deir-Ez-Zor" and alone["geo_precision"] == 1


def test_a_channel_a_network_or_a_mountain_named_like_a_town_is_not_that_town(tools):
    text = (
        "وذكرت قناة “الميادين” وشبكة “دير الزور 24” أن تنظيم داعش هاجم مواقع لقوات النظام "
        "على محور جبل البشري في بادية المسرب أمس."
    )
    (row,) = rows(text, "2021-12-03", tools)
    assert row["place"] == "Masrab"  # not Al-Mayadin, Deir ez-Zor or Bsharri (Lebanon)


def test_the_desert_of_a_governorate_is_the_governorate_and_of_a_village_the_village(tools):
    (area,) = rows(
        "هاجم تنظيم داعش مواقع لقوات النظام في بادية دير الزور أمس.", "2021-12-03", tools
    )
    assert area["geo_precision"] == 3 and area["place"] == "Deir-ez-Zor"
    (village,) = rows(
        "هاجم تنظيم داعش مواقع لقوات النظام في بادية المسرب أمس.", "2021-12-03", tools
    )
    assert village["place"] == "Masrab" and village["geo_precision"] == 1


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Coalition jets struck a house in Akayrshi village, killing 12 civilians.", "Akeirshi"),
        (
            "Clashes between tribal fighters and the SDF broke out in the al-Hawayej area.",
            "Hawayej",
        ),
    ],
)
def test_english_spellings_of_a_village_marked_as_a_place_are_read(tools, sentence, place):
    """A name with "town"/"village"/"area" after it, or a cue before it, is read in the
    report's own spelling (the gazetteer writes "Akeirshi"); the article may be in lower
    case ("al-Hawayej")."""
    (row,) = rows(sentence, "2024-02-12", tools)
    assert row["place"].removeprefix("near ") == place


def test_a_new_spelling_is_read_only_for_a_cued_capitalised_name(tools):
    (row,) = rows(
        "The IRGC opened offices in the town of Al-Quriyah to recruit men.", "2019-09-10", tools
    )
    assert row["place"] == "Al Quriyah"  # not "Al-Quriyah to recruit" read as another spelling
    assert rows("Drones struck the area of recruitment offices.", "2019-09-10", tools) == []


def test_a_running_total_is_not_the_incidents_toll_and_midnight_of_a_day_is_that_day(tools):
    text = (
        "Two civilians were killed at midnight of Thursday-Friday in the Thiban town. "
        "Tribal infighting in the area left 50 people dead this year."
    )
    (row,) = rows(text, "2023-06-30", tools)  # a Friday
    assert row["fatalities"] == 2 and row["event_date"] == "2023-06-29"


def test_the_funerals_city_is_not_where_the_strike_was(tools):
    text = (
        "استهدفت غارات أمريكية مواقع الحشد الشعبي في مدينة البوكمال أمس. "
        "وشيع الحشد الشعبي قتلى الغارات في العاصمة العراقية بغداد اليوم."
    )
    assert [r["place"] for r in rows(text, "2021-06-29", tools)] == ["Abu Kamal"]


def test_a_quoted_village_after_its_cue_word_and_citizens_as_civilians(tools):
    """ "قرية “السويعية”": the quote does not hide the cue; "مواطنين" are civilians."""
    text = "قتل 4 مواطنين في قصف لطائرات مجهولة استهدف قرية “السويعية” أمس."
    (row,) = rows(text, "2017-11-05", tools)
    assert row["place"] == "Sweiyeh" and row["fatalities"] == 4
    assert "Civilians" in row["factions"]


def test_a_toll_and_its_breakdown_is_the_toll(tools):
    text = (
        "Twenty-six IS family members including 14 children and 9 women were killed in "
        "coalition air strikes on the town of Hajin yesterday."
    )
    (row,) = rows(text, "2018-11-10", tools)
    assert row["fatalities"] == 26


def test_a_strike_that_kills_civilians_has_the_civilians_as_its_second_side(tools):
    """ACLED: the civilians a strike killed are its second side, not the armed group
    that held the town; a strike on fighters stays a strike on them."""
    text = (
        "US-led coalition air strikes on the ISIS-held town of Hajin killed 23 civilians yesterday."
    )
    (row,) = rows(text, "2018-11-10", tools)
    assert row["actor1"] == "US-led coalition" and row["actor2"] == "Civilians"
    fighters = (
        "US-led coalition air strikes on ISIS positions in the town of Hajin killed 12 "
        "fighters yesterday."
    )
    (row,) = rows(fighters, "2018-11-10", tools)
    assert row["actor2"] in ("ISIS", "Islamic State")


def test_a_vehicle_hit_on_the_road_from_a_village_is_near_that_village(tools):
    text = (
        "A drone strike killed five militiamen on Sunday. The vehicle was hit while "
        "driving from al-Kishmah to al-Duwair, near Abu Kamal."
    )
    (row,) = rows(text, "2024-08-11", tools)
    assert row["place"].startswith("near ") and row["geo_precision"] == 2
    assert row["fatalities"] == 5


def test_a_lead_with_no_place_is_the_incident_the_next_sentence_places(tools):
    """ "Beirut: coalition air strikes killed 26 civilians Friday" then "… on the town of
    Hajin": one incident at Hajin, by the coalition, on Friday (an English day name needs
    no "on")."""
    text = (
        "BEIRUT: US-led coalition air strikes killed 26 civilians Friday. "
        "The air strikes hit the town of Hajin on Friday morning, a monitor said."
    )
    (row,) = rows(text, "2018-11-10", tools)  # a Saturday
    assert row["place"] == "Hajin" and row["event_date"] == "2018-11-09"
    assert row["actor1"] == "US-led coalition" and row["actor2"] == "Civilians"
    assert row["fatalities"] == 26


def test_headquarters_belonging_to_a_militia_make_it_the_target(tools):
    (row,) = rows(
        "طيران مسير يستهدف مقرات تابعة للميليشيات الإيرانية في مدينة البوكمال أمس.",
        "2024-01-07",
        tools,
    )
    assert row["actor1"] == "Unidentified Military Forces"
    assert row["actor2"] == "ميليشيات إيرانية"


def test_a_cue_covers_the_villages_of_its_list_but_not_the_word_after_a_comma(tools):
    text = "اندلعت اشتباكات بين قسد ومقاتلي العشائر في بلدتي الشحيل وذيبان أمس."
    assert {r["place"] for r in rows(text, "2023-09-04", tools)} == {"Ash Shuhayl", "Thiban"}
    text = (
        "قتل ستة عناصر في اشتباكات بين الدفاع الوطني والحرس الثوري في بلدة الصالحية، "
        "على خلفية خلاف."
    )
    assert [r["place"] for r in rows(text, "2019-07-05", tools)] == ["As Salihiyah"]


def test_clashes_around_two_villages_are_two_incidents(tools):
    """ "في محيط بلدتي X وY": the first village named with "around" is near it, not an
    area the second one's incident is folded into."""
    text = "تتواصل الاشتباكات في محيط بلدتي الشحيل وذيبان منذ أمس بين قسد ومقاتلي العشائر."
    got = rows(text, "2023-09-04", tools)
    assert sorted(r["place"] for r in got) == ["Thiban", "near Ash Shuhayl"]


def test_a_shelling_from_one_village_on_another_is_at_the_target(tools):
    """ "من مواقعها في بلدة X بلدة Y": two cue words and no separator make no list."""
    text = "واستهدفت قسد بقذائف الهاون من مواقعها في بلدة أبو حردوب بلدة صبيخان أمس."
    assert len(rows(text, "2024-08-10", tools)) == 1


def test_a_province_dateline_is_not_the_place(tools):
    text = (
        "Deir Ezzor province: This morning, a militia leader was killed in a drone strike. "
        "His vehicle was targeted last night in Al-Hari town."
    )
    (row,) = rows(text, "2023-01-31", tools)
    assert row["place"] == "Al Hari" and row["fatalities"] == 1  # "a leader was killed"


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("ISIS stormed army positions in Al-Shawla village near Deir Ezzor.", "Al-Shola"),
        (
            "ISIS attacked army sites in Al-Muraiyah, south of Deir Ezzor city, "
            "claiming to kill 15.",
            "Mreiyeh",
        ),
    ],
)
def test_other_spellings_of_villages_near_the_reports_places(tools, sentence, place):
    """ "Shawla" sounds as OCHA's "Shola"; "in Al-Muraiyah" is a place by its article
    and a capital, read as Mreiyeh because that lies near the report's Deir ez-Zor."""
    got = [r for r in rows(sentence, "2017-09-28", tools) if r["geo_precision"] == 1]
    assert [r["place"] for r in got] == [place]
    if "kill 15" in sentence:
        assert got[0]["fatalities"] == 15


@pytest.mark.parametrize(
    ("sentence", "killed"),
    [
        ("قتل مدنيان أمس إثر إطلاق النار عليهما من قبل مجهولين في بلدة الشحيل.", 2),
        ("قتل عنصران من قسد أمس في هجوم على بلدة الشحيل.", 2),
        ("قتل مدنيين أمس إثر إطلاق النار عليهم من قبل مجهولين في بلدة الشحيل.", 0),
        ("أسفر الهجوم عن مقتل أحد عناصر قسد أمس في بلدة الشحيل.", 1),
        ("A civilian was shot dead by unidentified gunmen in the town of Hajin yesterday.", 1),
        ("A drone struck a truck yesterday; the driver was killed near the town of Hajin.", 1),
    ],
)
def test_one_or_two_killed_said_without_a_number(tools, sentence, killed):
    """Arabic duals ("مدنيان") are two; "مدنيين" is also the plural, so no count; one
    person named as killed ("مقتل أحد عناصر", "a civilian was shot dead") is one."""
    (row,) = rows(sentence, "2020-11-19", tools)
    assert row["fatalities"] == killed


def test_last_saturday_the_nth_of_this_month_and_a_body_found(tools):
    text = (
        "قتل مدنيان، مساء أمس الأربعاء، إثر إطلاق النار عليهما من قبل مجهولين في بلدة الشحيل. "
        "وفي سياق متصل قتل المدني سعيد الحسين، السبت الفائت في بلدة الشحيل، برصاص مجهولين. "
        "وفي الـ 11 من الشهر الجاري عثر أهالي قرية ضمان على جثة الشاب بعد اختطافه على يد مجهولين."
    )
    got = rows(text, "2020-11-19", tools)  # a Thursday
    assert [(r["event_date"], r["place"], r["fatalities"]) for r in got] == [
        ("2020-11-18", "Ash Shuhayl", 2),
        ("2020-11-14", "Ash Shuhayl", 1),
        ("2020-11-11", "Daman", 1),
    ]
    assert {r["event_type"] for r in got} == {"Violence against civilians"}
    assert all("Civilians" in r["factions"] for r in got)
    assert {r["actor1"] for r in got} == {"مجهولين"}


def test_between_two_villages_is_one_place_not_a_list(tools):
    text = (
        "قتل مدنيان أمس برصاص مجهولين في المنطقة الواقعة بين قرية الزر وبلدة الشحيل. "
        "Clashes broke out yesterday on the road between Thiban and Al-Shuhayl, killing 3."
    )
    assert len(rows(text, "2020-11-19", tools)) == 2


def test_violence_against_civilians_has_the_civilians_as_its_second_side(tools):
    """A group the report blames in passing ("cells of ISIS are behind the killings") is
    not the second side of a killing of civilians."""
    text = (
        "قتل مدني أمس برصاص مجهولين في بلدة الشحيل. "
        "ورجح المصدر أن تكون خلايا تنظيم الدولة هي من تقف خلف عمليات الاغتيال في المنطقة."
    )
    (row,) = rows(text, "2020-11-19", tools)
    assert row["actor2"] == "Civilians"


def test_ground_taken_is_a_battle_and_an_aim_is_not(tools):
    """ACLED codes ground taken as a battle: "Government regains territory" when state
    forces take it. "بهدف السيطرة على" (aiming to take) tells no event."""
    (row,) = rows(
        "The SDF captured the village of Al-Baghuz from ISIS yesterday.", "2019-03-02", tools
    )
    assert (row["event_type"], row["sub_event_type"]) == (
        "Battles",
        "Non-state actor overtakes territory",
    )
    (row,) = rows(
        "سيطرت قوات النظام على قرية الدوير أمس بعد معارك مع تنظيم الدولة.", "2017-11-22", tools
    )
    assert row["event_type"] == "Battles"
    (row,) = rows("سيطرت قوات النظام على قرية الدوير أمس.", "2017-11-22", tools)
    assert row["sub_event_type"] == "Government regains territory"
    aim = "انطلقت قسد أمس بقوات كبيرة بهدف السيطرة على بلدة ذيبان."
    assert all(r["event_type"] != "Battles" for r in rows(aim, "2023-09-04", tools))


def test_a_photo_caption_and_a_tribal_sheikh_are_not_incidents(tools):
    text = (
        "اندلعت اشتباكات بين قسد ومقاتلي العشائر أمس في بلدة الشحيل قرب قرية الزر.\n"
        "The SDF offensive on Raqqa has seen large waves of displacement [Rodi Said/Reuters]\n"
        "وكانت قسد قد أصدرت بياناً أمس حصرت فيه العداء بالشيخ إبراهيم الهفل ووصفته بالفتنة."
    )
    assert [r["place"] for r in rows(text, "2023-09-04", tools) if r["include"]] == ["Ash Shuhayl"]


def test_two_clauses_of_one_sentence_are_two_incidents(tools):
    """ "غارات على الشعفة، فيما وقعت اشتباكات …" and "، كما سيطرت على قرية الزر": each
    clause with its own place and cue is an incident of its own."""
    text = (
        "شن طيران التحالف الدولي صباح اليوم غارات على مواقع تنظيم داعش في بلدة الشعفة "
        "فيما وقعت اشتباكات عنيفة بين التنظيم وقسد في بلدة هجين."
    )
    got = rows(text, "2018-12-23", tools)
    assert [(r["place"], r["event_type"]) for r in got] == [
        ("Ash Shafah", "Explosions/Remote violence"),
        ("Hajin", "Battles"),
    ]


def test_on_the_same_day_is_another_incident_and_in_the_city_is_the_city_named(tools):
    """ "وفي اليوم نفسه …" is never folded into the incident before, even from a region
    around it; "في المدينة" is the city the clause before named, with its words."""
    text = (
        "وصلت تعزيزات من الحرس الثوري قادمة من مدينة القائم إلى البوكمال، ثم هاجمت "
        "ميليشيات إيرانية مقرات قوات النظام في المدينة، مخلفة 3 قتلى.\n"
        "وفي اليوم نفسه اشتبكت قوات الأسد مع لواء فاطميون إلى الشرق من مدينة دير الزور."
    )
    first, second = rows(text, "2020-03-10", tools)
    assert first["place"] == "Abu Kamal" and first["fatalities"] == 3
    assert "القائم" in first["evidence"]
    assert second["place"] == "Eastern Deir ez-Zor countryside"


def test_where_a_reporter_sits_and_whom_a_channel_is_close_to_tell_nothing(tools):
    text = (
        "استهدفت طائرة مسيرة مجهولة سيارة لميليشيا زينبيون في بلدة السكرية أمس. "
        "وأفاد مراسل عنب بلدي في دير الزور أن الغارة أصابت شحنة أسلحة. "
        "وذكرت قناة الميادين المقربة من النظام أن القصف طال سيارة. "
        "وقال مصدر إن القوات الكردية المدعومة من التحالف الدولي لم تعلق."
    )
    (row,) = rows(text, "2024-09-05", tools)
    assert row["place"] == "Al-Sukkariyah"  # a village the team's list adds (near Al-Bukamal)
    factions = row["factions"]
    assert "Syrian government forces" not in factions and "US-led coalition" not in factions


def test_a_quarter_of_deir_ez_zor_city(tools):
    (row,) = rows("قتل 14 شخصا أمس في قصف لتنظيم الدولة على حي الجورة.", "2017-05-30", tools)
    assert row["place"] == "Al-Jura" and row["fatalities"] == 14


def test_a_month_that_leads_a_sentence_the_previous_day_and_an_aside(tools):
    """ "In February the Iraqi air force, which is battling ISIL across the border in
    Mosul, carried out air raids in Abu Kamal": February, precision 3, at Abu Kamal (the
    aside's Mosul is no place of it), by the Iraqi air force; "the previous day" is the
    day before the incident told before it."""
    text = (
        "US-led coalition air strikes killed 23 civilians in the town of Akayrshi on Monday, "
        "and 12 women the previous day in a raid on Al-Bukamal.\n"
        "In February the Iraqi air force, which is battling ISIL across the border in Mosul, "
        "carried out air raids in Abu Kamal."
    )
    got = rows(text, "2017-05-16", tools)  # a Tuesday
    february = got[-1]
    assert february["place"] == "Abu Kamal"
    assert (february["event_date"], february["end_date"], february["time_precision"]) == (
        "2017-02-01",
        "2017-02-28",
        3,
    )
    assert february["actor1"] == "Iraqi air force"


def test_background_and_a_news_source_named_like_a_town_are_no_incidents(tools):
    text = (
        "Tribal fighters clashed with the SDF in the town of Thiban yesterday.\n"
        "It is worth mentioning that various areas of Deir ez-Zor Governorate witnessed "
        "armed clashes between tribes and the SDF in September.\n"
        "The Beirut-based Al Mayadeen news source reported clashes."
    )
    assert [r["place"] for r in rows(text, "2023-09-25", tools) if r["include"]] == ["Thiban"]


def test_the_place_named_after_the_event_word_and_arrests(tools):
    """ "وتزامناً مع سيطرة قسد على البصيرة …، نفّذت حملة دهم واعتقالات في بلدة الصور": the
    raid is at Al-Sur, named after its word; arrests are ACLED's strategic development."""
    text = (
        "وتزامناً مع سيطرة قسد على البصيرة ومحاولة تقدّمها في الشحيل، نفّذت حملة دهم "
        "واعتقالات أمس في بلدة الصور."
    )
    (row,) = rows(text, "2023-09-04", tools)
    assert row["place"] == "Sur"
    assert (row["event_type"], row["sub_event_type"]) == ("Strategic developments", "Arrests")


def test_when_it_was_reported_is_not_when_it_happened(tools):
    text = (
        'وأمس، ذكرت صفحة "عين الفرات" المحلية أن قصفا صاروخيا استهدف مقرات الحشد الشعبي '
        "داخل مدينة البوكمال بعد منتصف ليل الأربعاء."
    )
    (row,) = rows(text, "2020-03-13", tools)  # a Friday
    assert row["event_date"] == "2020-03-11"


def test_a_sentence_with_no_event_word_and_no_toll_is_not_marked_for_import(tools):
    text = (
        "On December 27, activists reported the arrival of vehicles of Hezbollah near the "
        "town of Al-Bukamal."
    )
    assert [r["include"] for r in rows(text, "2023-01-31", tools)] == [False]


def test_civilians_counted_in_a_strikes_toll_and_a_drone_only_believed_to_be_american(tools):
    (row,) = rows(
        "طيران التحالف الدولي قتل أكثر من 15 مدني اليوم خلال قصفه لبلدة الشعفة.",
        "2018-11-24",
        tools,
    )
    assert (row["actor2"], row["fatalities"]) == ("Civilians", 15)
    (row,) = rows(
        "On February 9, a drone that is believed to belong to US forces targeted a checkpoint "
        "of the Iranian Revolutionary Guards in the town of Al-Sukkariyah.",
        "2024-02-12",
        tools,
    )
    assert row["actor1"] == "Unidentified Military Forces"
    assert "US-led coalition" not in row["factions"]
    assert "Iran-backed militias" in row["factions"]


def test_a_date_carried_from_incident_to_incident_says_so_once(tools):
    text = (
        "اشتبكت قسد مع مقاتلي العشائر أمس في بلدة الشحيل. "
        "وقصفت قسد بلدة ذيبان. "
        "واستهدف مسلحون مجهولون بالعبوات مواقع قسد في بلدة الصور."
    )
    bases = [r["when_basis"] for r in rows(text, "2023-09-04", tools)]
    assert bases[-1].count("after the incident before") == 1, bases


def test_around_a_village_the_same_day_is_the_incident_at_its_neighbour(tools):
    """ "the attack centres north of Hajin" retells the day's attack at Al-Sha'fa; "فور
    الإعلان عنه" (upon announcing it) names no town ‘Anah."""
    text = (
        "نفذ تنظيم داعش اليوم هجوما عنيفا ضد قسد في بلدة الشعفة. "
        "وقالت مصادر محلية إن الهجوم يتركز شمال مدينة هجين. "
        "وأسفر الهجوم فور الإعلان عنه عن مقتل 4 عناصر من قسد."
    )
    (row,) = rows(text, "2018-11-24", tools)
    assert row["place"] == "Ash Shafah" and row["fatalities"] == 4


def test_a_claimed_killing_is_a_clash_placed_where_the_claim_says(tools):
    text = (
        'تبنى تنظيم "داعش" يوم أمس مسؤولية مقتل أحد عناصر قوات النظام في محافظة دير الزور. '
        "وأفادت وكالة أعماق التابعة للتنظيم بأن العملية نفذت يوم أمس في بلدة الشحيل."
    )
    (row,) = rows(text, "2026-02-20", tools)
    assert (row["place"], row["event_type"], row["fatalities"]) == ("Ash Shuhayl", "Battles", 1)


def test_each_sentence_is_quoted_once(tools):
    """A report that repeats its lead as its first paragraph, and a list's sibling that
    shares its sentence: each sentence is quoted once."""
    lead = "شن طيران التحالف الدولي صباح اليوم غارات على مواقع تنظيم داعش في بلدتي الشعفة وهجين."
    text = f"{lead}\n{lead}\nوقتل 27 شخصا من عناصر التنظيم في بلدة الشعفة جراء غارات التحالف."
    for row in rows(text, "2018-12-23", tools):
        quotes = row["evidence"].split(" … ")
        assert len(quotes) == len(set(quotes)), row["evidence"]
