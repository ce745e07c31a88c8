"""Every view is a link (issue 8): the query string round trip, and the dashboard
opening a shared link."""

from __future__ import annotations

import datetime as dt
import json

from streamlit.testing.v1 import AppTest

from conflictmap.cli import main as cli
from conflictmap.filters import Filters
from conflictmap.share import Look, from_params, look_params, to_params
from conftest import ROOT, map_component

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


def test_layers_playback_and_language_survive_the_link():
    look = Look("none", True, False, False, "month", "cumulative", 3, "ar")
    params = look_params(look, "osm")
    assert params == {
        "basemap": "none",
        "heat": "1",
        "cluster": "0",
        "uncertain": "0",
        "play": "month",
        "mode": "cumulative",
        "at": "3",
        "lang": "ar",
    }
    shared = from_params({k: [v] for k, v in params.items()}, FIRST, LAST, FACTIONS, TYPES)
    assert shared.look == look and not shared.ignored
    assert look_params(Look(), "osm") == {}  # the defaults write nothing


def test_a_bad_layer_value_is_ignored_and_named():
    params = {"heat": ["yes"], "play": ["fortnight"], "at": ["x"], "lang": ["fr"]}
    shared = from_params(params, FIRST, LAST, FACTIONS, TYPES)
    assert shared.look == Look()
    assert shared.ignored == [
        "heat=yes (use 0 or 1)",
        "play=fortnight (use day or week or month)",
        "lang=fr (use en or ar)",
        "at=x (a playback frame number)",
    ]


def test_the_dashboard_opens_a_link_with_layers_and_playback(env_data):
    assert cli(["seed"]) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {
        "from": "2018-06-01",
        "to": "2018-06-30",
        "heat": "1",
        "uncertain": "0",
        "play": "week",
        "at": "2",
    }.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    toggles = {t.label: t.value for t in at.sidebar.toggle}
    assert toggles["Heat map layer (weighted by fatalities)"] is True
    assert toggles["Uncertain places as areas"] is False and toggles["Playback"] is True
    assert at.sidebar.selectbox(key="play_step").value == "week"
    script = json.loads(map_component(at).proto.json_args)["script"]
    assert "PlaybackControl" in script or "cm-playback" in script
    assert "at = 2" in script  # the link's frame
    heat = "L.heatLayer("
    assert heat in json.loads(map_component(at).proto.json_args)["feature_group"]
    at.sidebar.toggle(key="look_heat").set_value(False).run()
    assert heat not in json.loads(map_component(at).proto.json_args)["feature_group"]
    at.sidebar.toggle(key="look_heat").set_value(True).run()
    assert str(at.query_params["at"]).strip("[]'") == "2"
    assert str(at.query_params["play"]).strip("[]'") == "week"
    at.sidebar.toggle(key="play_on").set_value(False).run()
    assert (
        "play" not in at.query_params
        and "cm-playback" not in json.loads(map_component(at).proto.json_args)["script"]
    )
