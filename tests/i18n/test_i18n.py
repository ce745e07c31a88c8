"""The Arabic interface: the catalogue is complete, the validation report and errors are
Arabic, dates in both calendars, names in Arabic where known, the dashboard in Arabic."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap import i18n, language
from conflictmap.cli import main as cli
from conflictmap.errors import ConflictmapError
from conflictmap.filters import Filters
from conflictmap.ingest.pipeline import check_bytes
from conftest import DATA, ROOT, on_page, page_titles

ARABIC = re.compile("[\u0600-\u06ff]")
KEYWORDS = {"_": None, "w": None, "tr": None, "N_": None, "msg": None}


def extracted() -> dict[str, str]:
    """Every message the code marks for translation (Babel's extractor), and where."""
    from babel.messages.extract import extract_from_file

    found = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "src" / "conflictmap").rglob("*.py"))]:
        for line, message, _, _ in extract_from_file("python", str(path), keywords=KEYWORDS):
            message = message[0] if isinstance(message, tuple) else message
            found.setdefault(message, f"{path.name}:{line}")
    return found


def test_every_marked_message_has_an_arabic_translation():
    catalogue = i18n.catalogue("ar")
    missing = {m: where for m, where in extracted().items() if m not in catalogue}
    assert not missing, missing
    assert len(catalogue) > 250


def test_translations_keep_their_placeholders_and_are_arabic():
    for english, arabic in i18n.catalogue("ar").items():
        named = set(re.findall(r"\{(\w+)\}", english))
        assert set(re.findall(r"\{(\w+)\}", arabic)) <= named, english
        assert ARABIC.search(arabic), english


HEADER = "event_date,end_date,location,latitude,longitude,actor1,fatalities,geo_precision,"
BAD_ROWS = (
    HEADER
    + """source_event_id,weather
2018-06-01,,Abu Kamal,,,Liwa Fatemiyoun,-3,,a1,
2018-06-02,,Abu Kamal,,,Liwa Fatemiyoun,2,7,a2,
2018-13-45,,Abu Kamal,,,Liwa Fatemiyoun,1,,a3,
2999-01-01,,Abu Kamal,,,Liwa Fatemiyoun,1,,a4,
1850-06-01,,Abu Kamal,,,Liwa Fatemiyoun,1,,a5,
2018-06-05,2018-06-01,Abu Kamal,,,Liwa Fatemiyoun,1,,a6,
,,Abu Kamal,,,Liwa Fatemiyoun,1,,a7,
2018-06-06,,Abu Kamal,34.4,,Liwa Fatemiyoun,1,,a8,
2018-06-07,,Abu Kamal,0,0,Liwa Fatemiyoun,1,,a9,
2018-06-08,,Abu Kamal,40.92,34.45,Liwa Fatemiyoun,1,,a10,
2018-06-09,,Abu Kamal,51.5,-0.12,Liwa Fatemiyoun,1,,a11,
2018-06-10,,Abu Kamal,,,Liwa Fatemiyoun,1,,a11,
2018-06-11,,Atlantisville,,,Liwa Fatemiyoun,1,,a12,
2018-06-12,,,,,Liwa Fatemiyoun,1,,a13,
2018-06-13,,Abu Kamal,95,40,Liwa Fatemiyoun,1,,a14,
2018-06-14,,Abu Kamal,,,Liwa Fatemiyoun,1,,a15
2018-06-15,,Abu Kamal,,,Liwa Fatemiyoun,1,,a16,,extra
"""
)


def messages(data: bytes, name: str, settings) -> list:
    report, _ = check_bytes(data, name, settings)
    return report.issues


def test_every_validation_message_is_arabic_in_the_arabic_report(settings):
    found = messages(BAD_ROWS.encode(), "bad.csv", settings)
    for path in sorted((DATA / "bad").glob("*.csv")):
        try:
            found += messages(path.read_bytes(), path.name, settings)
        except ConflictmapError:
            continue
    kinds = {i.message.split(" ")[0] for i in found}
    assert len({i.message for i in found}) >= 20 and len(kinds) > 8  # not one message 20 times
    arabic_words = i18n.Wording("ar")
    for issue in found:
        english, arabic = issue.message, issue.render(arabic_words)
        assert arabic != english and ARABIC.search(arabic), english
        # the values the analyst must find stay as the file has them
        for value in re.findall(r"'([^']+)'", english):
            assert value in arabic, (english, arabic)


@pytest.mark.parametrize(
    "data, name",
    [
        (b"", "empty.csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image.csv"),
        (b"\x00\x01\x02binary", "binary.csv"),
        ("عنوان,نص\n1,2\n".encode(), "text.csv"),
    ],
)
def test_file_errors_are_arabic(settings, data, name):
    with pytest.raises(ConflictmapError) as caught:
        check_bytes(data, name, settings)
    said = caught.value.args[0]  # a Message: the English, with its template and values
    assert isinstance(said, i18n.Message) or said in i18n.catalogue("ar"), said
    arabic = i18n.message(caught.value, "ar")  # from its template, not its English
    assert arabic != str(caught.value) and ARABIC.search(arabic)


def test_the_report_table_and_summary_in_arabic(settings):
    report, _ = check_bytes(BAD_ROWS.encode(), "bad.csv", settings)
    words = language.wording("ar", settings)
    table = report.to_frame(words)
    assert list(table.columns) == ["السطر", "العمود", "القيمة", "المشكلة وما العمل", "النوع"]
    assert set(table["النوع"]) == {"خطأ", "تحذير"}
    assert table["السطر"].tolist() == sorted(table["السطر"])
    summary = report.summary(words)
    assert summary.startswith("bad.csv (") and "سيُستورد" in summary and "تحذير" in summary
    assert report.to_csv(words).decode("utf-8-sig").startswith("السطر,العمود")


@pytest.mark.parametrize(
    "day, written",
    [
        (dt.date(2018, 5, 30), "30 أيار 2018 (15 رمضان 1439 هـ)"),
        (dt.date(2018, 6, 15), "15 حزيران 2018 (1 شوال 1439 هـ)"),
        (dt.date(2024, 1, 1), "1 كانون الثاني 2024 (19 جمادى الآخرة 1445 هـ)"),
        (dt.date(1900, 1, 1), "1 كانون الثاني 1900"),  # before the Umm al-Qura tables
    ],
)
def test_dates_in_both_calendars(day, written):
    assert i18n.day(day, "ar") == written
    assert i18n.day(day, "en") == day.isoformat()


def test_names_in_arabic_where_known(settings):
    w = language.wording("ar", settings)
    assert w.name("Iran-backed militias") == "الميليشيات المدعومة من إيران"
    assert w.name("Liwa Fatemiyoun") == "لواء فاطميون"
    assert w.name("Civilians (Syria)") == "مدنيون (سوريا)"
    assert w.name("Military Forces of Syria (2000-)") == "القوات العسكرية السورية (2000-)"
    assert w.name("Abu Kamal") == w.name("Al-Bukamal") == "البوكمال"
    assert w.name("Al Mayadin") == "الميادين"
    assert w.name("Unheard-of Brigade") == "Unheard-of Brigade"  # unknown: as written
    assert w.name("لواء القدس") == "لواء القدس"
    assert language.wording("en").name("Abu Kamal") == "Abu Kamal"


def test_the_filter_sentence_in_arabic(settings):
    filters = Filters(
        dt.date(2018, 6, 1),
        dt.date(2018, 6, 30),
        ("Iran-backed militias", "Syrian government forces"),
        ("Battles",),
        2,
    )
    assert filters.describe(language.wording("ar", settings)) == (
        "الحوادث من 1 حزيران 2018 إلى 30 حزيران 2018 بمشاركة الميليشيات المدعومة من إيران"
        " أو قوات الحكومة السورية من نوع معارك مع قتيلين مبلَّغ عنهما على الأقل."  # the dual
    )
    assert filters.describe().startswith("Incidents from 2018-06-01 to 2018-06-30 involving")


def test_a_message_the_catalogue_lacks_stays_english():
    assert i18n.message("Something new happened.", "ar") == "Something new happened."


def labels(at) -> set[str]:
    return {
        w.label
        for kind in ("toggle", "selectbox", "multiselect", "radio")
        for w in getattr(at.sidebar, kind)
    }


def test_the_dashboard_in_arabic_from_a_link_and_back(env_data):
    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "ar"
    at.run()
    assert not at.exception
    assert {"الفصائل", "أنواع الأحداث", "الخريطة الأساسية", "التشغيل الزمني"} <= labels(at)
    assert any("direction: rtl" in h.proto.body for h in at.get("html"))
    assert [m.label for m in at.metric][:2] == ["الحوادث", "القتلى المبلَّغ عنهم"]
    # both calendars under the date slider; the filter sentence in Arabic
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "هـ" in captions and "كانون الثاني 2018" in captions
    assert any(c.value.startswith("الحوادث من") for c in at.caption)
    # the map: Arabic legend and popups, factions and places by their Arabic names
    from conftest import map_component

    args = json.loads(map_component(at).proto.json_args)
    legend = args["script"]  # the legend is a map control, built by the map's script
    assert "الفصائل" in legend and "الميليشيات المدعومة من إيران" in legend
    assert "البوكمال" in args["feature_group"] and "المعرّف Id" in args["feature_group"]
    assert str(at.query_params["lang"]).strip("[]'") == "ar"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception and "Factions" in labels(at)
    assert not any("direction: rtl" in h.proto.body for h in at.get("html"))
    assert "lang" not in at.query_params


def test_the_pages_and_tables_in_arabic(env_data, settings):
    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "ar"
    at.run()
    assert not at.exception
    assert page_titles(at) == [
        "الخريطة",
        "الاستيراد",
        "أماكن للتحقق",
        "تقرير",
        "الفصائل",
        "الطبقات",
    ]
    headers = [list(d.value.columns) for d in at.dataframe]
    assert headers[0][:4] == ["على الخريطة", "معرّف الحادثة", "تاريخ الحدث", "المكان"]
    on_page(at, "imports")
    headers = [list(d.value.columns) for d in at.dataframe]
    assert any(h[:3] == ["الرقم", "الحالة", "الملف"] for h in headers)  # batches


def test_every_issue_is_data_rendered_from_the_catalogue(settings):
    """Issues carry a template and values: the Arabic report never reads the English
    back (there is no matching of English sentences left to fall back on)."""
    issues = []
    for data, name in [(BAD_ROWS.encode(), "bad.csv")] + [
        (p.read_bytes(), p.name) for p in sorted((DATA / "bad").glob("*.csv"))
    ]:
        try:
            issues += check_bytes(data, name, settings)[0].issues
        except ConflictmapError:
            continue
    catalogue = i18n.catalogue("ar")
    words = language.wording("ar", settings)
    undated = [i for i in issues if i.code not in catalogue]
    assert not undated, {i.code for i in undated}
    for issue in issues:
        assert issue.code.format(**dict(issue.params)) == issue.message
        arabic = issue.render(words)
        assert ARABIC.search(arabic) and "{" not in arabic, issue
        for value in dict(issue.params).values():
            assert value in arabic, (issue.message, arabic)


def test_every_faction_of_the_seed_table_has_an_arabic_name():
    """The Arabic legend and filters show a faction's Arabic name: a seed faction without
    one would appear in English among Arabic words."""
    import csv

    from conflictmap.settings import ROOT

    with open(ROOT / "data" / "factions.csv", encoding="utf-8") as f:
        factions = {row["faction"] for row in csv.DictReader(f)}
    with open(ROOT / "data" / "names-ar.csv", encoding="utf-8") as f:
        named = {row["name"] for row in csv.DictReader(f) if row["kind"] == "faction"}
    assert factions - named == set()
