"""Every view is a link (issue 8): the query string round trip, and the dashboard
opening a shared link."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from conflictmap.cli import main as cli
from conflictmap.filters import Filters
from conflictmap.viewurl import from_params, to_params
from conftest import ROOT

FIRST, LAST = dt.date(2018, 1, 1), dt.date(2018, 12, 31)
FACTIONS = ["Syrian government forces", "Iran-backed militias", "Unassigned"]
TYPES = ["Battles", "Explosions/Remote violence"]


def test_a_view_survives_the_round_trip_through_its_link():
    filters = Filters(
        dt.date(2018, 6, 1), dt.date(2018, 6, 30), ("Iran-backed militias",), ("Battles",), 2
    )
    view = (34.3, 40.7, 34.6, 41.1)
    params = to_params(filters, FIRST, LAST, view, "acled:SYR1")
    lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    shared = from_params(lists, FIRST, LAST, FACTIONS, TYPES)
    assert shared.dates == (dt.date(2018, 6, 1), dt.date(2018, 6, 30))
    assert shared.factions == ["Iran-backed militias"] and shared.types == ["Battles"]
    assert (shared.least, shared.view, shared.incident) == (2, view, "acled:SYR1")
    assert shared.ignored == []
    assert to_params(Filters(FIRST, LAST), FIRST, LAST) == {}  # everything: a clean link


def test_a_link_asking_for_what_the_store_lacks_keeps_the_rest_and_says_so():
    shared = from_params(
        {
            "from": ["2017-01-01"],
            "to": ["June"],
            "faction": ["<b>Nobody</b>", "Iran-backed militias"],
            "type": ["Riots"],
            "min": ["-4"],
            "view": ["1,2,3"],
        },
        FIRST,
        LAST,
        FACTIONS,
        TYPES,
    )
    assert shared.dates == (FIRST, LAST)
    assert shared.factions == ["Iran-backed militias"] and shared.types == TYPES
    assert shared.least == 0 and shared.view is None
    assert len(shared.ignored) == 6 and any("<b>Nobody</b>" in i for i in shared.ignored)


def test_the_dashboard_opens_a_shared_link_and_writes_its_own(env_data):
    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["from"] = "2018-06-01"
    at.query_params["to"] = "2018-06-30"
    at.query_params["faction"] = "Iran-backed militias"
    at.query_params["view"] = "34.30,40.70,34.60,41.10"
    at.run()
    assert not at.exception
    assert at.sidebar.slider[0].value == (dt.date(2018, 6, 1), dt.date(2018, 6, 30))
    assert at.sidebar.multiselect[0].value == ["Iran-backed militias"]
    caption = " ".join(c.value for c in at.caption)
    assert "2018\\-06\\-01 to 2018\\-06\\-30" in caption or "2018-06-01 to 2018-06-30" in caption
    assert str(at.query_params["view"]).strip("[]'") == "34.3000,40.7000,34.6000,41.1000"
    at.sidebar.number_input[0].set_value(3).run()
    assert str(at.query_params["min"]).strip("[]'") == "3"
    assert str(at.query_params["from"]).strip("[]'") == "2018-06-01"
