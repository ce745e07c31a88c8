"""The Places to check page through AppTest: the names an import could not settle, the
rows they hold back, and placing them at a candidate or keeping a close spelling."""

from __future__ import annotations

import pytest

from conflictmap.settings import Settings
from conflictmap.store import open_store
from conftest import dashboard_on_sheet, on_page, page_titles

SHEET = (
    "date,place,country,governorate,actor 1,fatalities,notes\n"
    "2024-05-02,Zuwayrat Qadim,Syria,Deir ez-Zor,ISIS,1,first of two\n"
    "2024-05-03,Zuwayrat Qadim,Syria,Deir ez-Zor,SDF,0,second of two\n"
    "2024-05-03,Shheel,Syria,,SDF,0,<b>a close spelling</b>\n"
)


@pytest.fixture
def waiting(env_data, tmp_path, monkeypatch):
    return dashboard_on_sheet(SHEET, tmp_path, monkeypatch)


def test_the_page_lists_the_names_and_their_rows(waiting):
    at = on_page(waiting, "places")
    assert not at.exception and "Places to check" in page_titles(at)
    names = at.selectbox[0].options
    assert names[0].startswith("Zuwayrat Qadim (Syria, Deir ez-Zor) — 2 held back")
    assert any(n.startswith("Shheel") and "1 to check" in n for n in names)
    rows = at.dataframe[0].value
    assert rows["notes"].tolist() == ["first of two", "second of two"]
    assert any("Not in the gazetteer" in c.value for c in at.caption)


def test_another_name_places_the_held_rows_and_the_import_page_says_so(waiting):
    at = on_page(waiting, "imports")
    assert any(
        "2 row(s) wait for their place" in i.value or "wait for you" in i.value for i in at.info
    )
    at = on_page(at, "places")
    at.radio[0].set_value("another").run()
    at.text_input[0].set_value("بقرص").run()
    next(b for b in at.button if b.label == "Place 2 row(s) there").click().run()
    assert not at.exception
    assert any("'Zuwayrat Qadim' is now at" in s.value.replace("\\", "") for s in at.success)
    store = open_store(None, Settings())
    assert store.count() == 3 and store.batches()["format"].tolist() == ["sheet", "places"]
    # the close spelling is left: keep it
    assert at.selectbox[0].options[0].startswith("Shheel")
    next(b for b in at.button if b.label == "Keep the place they were given").click().run()
    assert any("No places to check" in i.value for i in at.info)
    assert store.pending().empty


def test_a_name_not_found_again_is_one_sentence(waiting):
    at = on_page(waiting, "places")
    at.radio[0].set_value("another").run()
    at.text_input[0].set_value("Qqqxxzz").run()
    next(b for b in at.button if b.label == "Place 2 row(s) there").click().run()
    assert not at.exception
    assert any("not in the gazetteer either" in e.value for e in at.error)
    assert open_store(None, Settings()).count() == 1  # nothing placed
