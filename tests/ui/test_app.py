"""The dashboard through Streamlit's AppTest: no browser, real script, real store."""

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.cli import main as cli
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.settings import Settings
from conflictmap.store import open_store
from conflictmap.views import apply, with_factions
from conftest import ROOT, incident_records, map_component, on_page

IRAN = "Iran-backed militias"


@pytest.fixture
def app(env_data):
    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    return at.run()


def expected(filters: Filters) -> int:
    settings = Settings()
    frame = with_factions(open_store(None, settings).read(), load_factions(settings.factions_file))
    return len(apply(frame, filters))


def metric(at, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def test_loads_the_sample_and_shows_all(app):
    assert not app.exception
    assert metric(app, "Incidents") == 246 == expected(Filters())
    assert metric(app, "Illustrative (not real)") == 240


def test_date_range_and_faction_filters_change_the_counts(app):
    app.sidebar.slider[0].set_value((dt.date(2018, 6, 1), dt.date(2018, 6, 30))).run()
    june = metric(app, "Incidents")
    assert june == expected(Filters(dt.date(2018, 6, 1), dt.date(2018, 6, 30)))
    assert 6 <= june < 246  # the six incidents of the article are in June 2018 or late May
    app.sidebar.multiselect[0].set_value([IRAN]).run()
    both = metric(app, "Incidents")
    assert both == expected(Filters(dt.date(2018, 6, 1), dt.date(2018, 6, 30), (IRAN,)))
    assert 0 < both < june
    sentence = Filters(dt.date(2018, 6, 1), dt.date(2018, 6, 30), (IRAN,)).describe()
    assert any(c.value.replace("\\", "") == sentence for c in app.caption)


def test_map_component_carries_markers_and_local_assets(app):
    args = json.loads(map_component(app).proto.json_args)
    assert all(link.startswith("/app/static/") for link in args["js_links"] + args["css_links"])
    assert len(incident_records(args["feature_group"])) == 246
    # the view (snapshots; hexagons or circles), the clicked incident and the drawn shapes
    # come back; the map sits in a fragment, so panning reruns the map alone, not the app
    assert args["returned_objects"] == [
        "bounds",
        "zoom",
        "last_object_clicked_popup",
        "all_drawings",
        "selected_tags",  # the frame playback is paused on
    ]
    assert "cm-label" in args["script"] and "Deir ez-Zor" in args["script"]  # place names


def test_seed_article_incidents_are_on_the_map(app):
    script = json.loads(map_component(app).proto.json_args)["feature_group"]
    for number in range(1, 7):
        # the id between marks a click reads back and a copy leaves out (not selectable)
        assert re.search(rf"\u2063</span>sheet:seed-{number}<span[^>]*user-select:none", script)
    assert "بقرص" in script  # the place as the analyst wrote it, shown in the popup


def linked_store(env_data) -> None:
    """The default store holding an ACLED event and a news report's incident linked to it
    (the case that once broke every page)."""
    from test_linkage import acled_row, report_rows

    folder = env_data.parent / "files"
    folder.mkdir()
    (folder / "acled.csv").write_bytes(acled_row())
    (folder / "report.csv").write_bytes(report_rows())
    assert cli(["import", str(folder / "acled.csv")]) == 0
    assert cli(["import", str(folder / "report.csv")]) == 0
    assert not open_store(None, Settings()).links().empty


def test_a_report_linked_to_acled_keeps_every_tab_working(env_data):
    linked_store(env_data)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert metric(at, "Incidents") == 1  # the two reports are one event on the map
    on_page(at, "imports")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(b.label == "Undo batch 2" for b in at.button)


def test_a_failing_part_of_the_page_leaves_import_and_undo_usable(env_data, monkeypatch):
    """A bug in the map's code shows a sentence in the map tab alone (no traceback); the
    Import tab still lists the batches and undoes one."""
    from conflictmap import views

    linked_store(env_data)

    def broken(frame):
        raise TypeError("unsupported operand type(s) for +: 'Categorical' and 'str'")

    monkeypatch.setattr(views, "collapse_linked", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    [shown] = [e.value.replace("\\", "") for e in at.error]
    assert "This part of the page (Map) failed: TypeError" in shown
    assert "Traceback" not in shown and ".py" not in shown
    on_page(at, "imports")
    next(b for b in at.button if b.label == "Undo batch 2").click().run()
    next(b for b in at.button if b.label == "Yes, undo batch 2").click().run()
    assert not at.exception
    assert open_store(None, Settings()).links().empty


def test_emptying_the_event_types_keeps_them_empty(app):
    """Removing every event type once brought all six back; now the map is empty and the
    sidebar says why."""
    types = app.sidebar.multiselect[1]
    for chosen in list(types.value)[::-1]:
        types.unselect(chosen).run()
        types = app.sidebar.multiselect[1]
    assert types.value == []
    assert metric(app, "Incidents") == 0
    assert any("No event type chosen" in w.value for w in app.sidebar.warning)


def test_the_date_boxes_and_the_slider_follow_each_other(app):
    boxes = {d.label: d for d in app.sidebar.date_input}
    boxes["From"].set_value(dt.date(2018, 6, 1)).run()
    {d.label: d for d in app.sidebar.date_input}["To"].set_value(dt.date(2018, 6, 30)).run()
    assert app.sidebar.slider[0].value == (dt.date(2018, 6, 1), dt.date(2018, 6, 30))
    assert metric(app, "Incidents") == expected(Filters(dt.date(2018, 6, 1), dt.date(2018, 6, 30)))
    app.sidebar.slider[0].set_value((dt.date(2018, 5, 1), dt.date(2018, 7, 31))).run()
    boxes = {d.label: d.value for d in app.sidebar.date_input}
    assert (boxes["From"], boxes["To"]) == (dt.date(2018, 5, 1), dt.date(2018, 7, 31))


def test_undo_asks_first_and_lists_the_batch_as_undone(app):
    on_page(app, "imports")
    next(b for b in app.button if b.label == "Undo batch 2").click().run()
    assert open_store(None, Settings()).batches()["undone_at"].isna().all()  # not yet
    assert any("Undo batch 2 (" in w.value.replace("\\", "") for w in app.warning)
    next(b for b in app.button if b.label == "Cancel").click().run()
    assert not any("Undo batch 2 (" in w.value.replace("\\", "") for w in app.warning)
    next(b for b in app.button if b.label == "Undo batch 2").click().run()
    next(b for b in app.button if b.label == "Yes, undo batch 2").click().run()
    assert not app.exception
    batches = open_store(None, Settings()).batches()
    assert batches["undone_at"].notna().tolist() == [False, True]
    table = next(d.value for d in app.dataframe if "state" in d.value.columns)
    assert table["state"].iloc[0].startswith("undone ") and table["state"].iloc[1] == "live"


def test_the_work_area_is_shown_and_an_editor_changes_it(app, env_data):
    def shown(at) -> str:
        found = (c.value.replace("\\", "") for c in at.sidebar.caption)
        return next(v for v in found if v.startswith("Work area"))

    assert shown(app).startswith("Work area: Deir ez-Zor; Al Anbar (")
    app.text_input(key="work_area").set_value("Narnia").run()
    next(b for b in app.button if b.label == "Save the work area").click().run()
    assert any("Narnia" in e.value for e in app.error) and not (env_data / "work-area.txt").exists()
    app.text_input(key="work_area").set_value("Deir ez-Zor").run()
    next(b for b in app.button if b.label == "Save the work area").click().run()
    assert not app.exception
    assert (env_data / "work-area.txt").read_text(encoding="utf-8").strip() == "Deir ez-Zor"
    assert shown(app).startswith("Work area: Deir ez-Zor (")
