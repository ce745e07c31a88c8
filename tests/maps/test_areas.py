"""Counts per administrative unit from a boundary file, and the choropleth."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from conflictmap import areas
from conflictmap.cli import main as cli
from conflictmap.factions import load_factions
from conflictmap.layers import RefLayer
from conflictmap.maps import choropleth
from conflictmap.maps.base import MapSpec
from conflictmap.maps.compose import full_map
from conftest import ROOT, map_component


def box(west, south, east, north):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def boundary_file(folder, properties: list[dict], shapes: list[dict], name="units.geojson"):
    folder.mkdir(parents=True, exist_ok=True)
    features = [
        {"type": "Feature", "properties": p, "geometry": g}
        for p, g in zip(properties, shapes, strict=True)
    ]
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


WEST, EAST = box(35.0, 32.0, 40.5, 37.5), box(40.5, 32.0, 42.5, 37.5)


@pytest.mark.parametrize(
    "properties, level, name, arabic, code",
    [
        (
            {
                "ADM2_EN": "Al-Bukamal",
                "ADM2_AR": "البوكمال",
                "ADM2_PCODE": "SY0904",
                "ADM1_EN": "Deir-ez-Zor",
            },
            "district",
            "Al-Bukamal",
            "البوكمال",
            "SY0904",
        ),
        (
            {"ADM1_EN": "Deir-ez-Zor", "ADM1_AR": "دير الزور", "ADM1_PCODE": "SY09"},
            "governorate",
            "Deir-ez-Zor",
            "دير الزور",
            "SY09",
        ),
        (
            {"NAME_1": "Dayr Az Zawr", "NAME_2": "Al Bukamal", "NL_NAME_2": "البوكمال"},
            "district",
            "Al Bukamal",
            "البوكمال",
            "",
        ),
        (
            {"shapeName": "Deir ez-Zor", "shapeID": "SYR-ADM1-3"},
            "area",
            "Deir ez-Zor",
            "",
            "SYR-ADM1-3",
        ),
        ({"name": "Buqrus area", "name_ar": "بقرص"}, "area", "Buqrus area", "بقرص", ""),
    ],
)
def test_name_fields_of_the_usual_boundary_files(tmp_path, properties, level, name, arabic, code):
    path = boundary_file(tmp_path, [properties], [EAST])
    units = areas.read_units(RefLayer("Units", path))
    assert (units.level, units.names, units.names_ar, units.codes) == (
        level,
        (name,),
        (arabic,),
        (code,),
    )


def test_lines_points_or_nameless_polygons_are_not_boundaries(tmp_path):
    line = {"type": "LineString", "coordinates": [[40, 34], [41, 35]]}
    assert (
        areas.read_units(RefLayer("River", boundary_file(tmp_path, [{"name": "Furat"}], [line])))
        is None
    )
    nameless = boundary_file(tmp_path, [{"value": 3}], [EAST], "nameless.geojson")
    assert areas.read_units(RefLayer("X", nameless)) is None


def test_points_are_assigned_to_the_polygon_holding_them(tmp_path):
    path = boundary_file(tmp_path, [{"name": "West"}, {"name": "East"}], [WEST, EAST])
    units = areas.read_units(RefLayer("Halves", path))
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(34, 43, 5000), rng.uniform(31, 38, 5000)
    lon[:3], lat[:3] = [40.92, 40.5, 36.0], [34.45, 34.0, 40.0]  # inside, on the border, outside
    found = units.assign(lon, lat)
    expected = [
        next((i for i, s in enumerate(units.shapes) if s.intersects(shapely.Point(x, y))), -1)
        for x, y in zip(lon, lat, strict=True)
    ]
    assert found.tolist() == expected
    assert found[:3].tolist() == [1, 0, -1]  # a border point goes to the first unit


def test_counts_and_fatalities_per_unit(tmp_path):
    path = boundary_file(
        tmp_path,
        [{"name": "West"}, {"name": "East"}, {"name": "Empty"}],
        [WEST, EAST, box(0, 0, 1, 1)],
    )
    units = areas.read_units(RefLayer("Halves", path))
    frame = pd.DataFrame(
        {
            "longitude": [40.92, 40.93, 40.14, 20.0],
            "latitude": [34.45, 34.46, 35.33, 10.0],
            "fatalities": pd.array([3, None, 5, 9], dtype="Int64"),
            "faction": ["Iran-backed militias", "Iran-backed militias", "Syrian government", "x"],
        }
    )
    table = areas.count(units, frame)
    assert table[["unit", "incidents", "fatalities", "leading_faction"]].values.tolist() == [
        ["West", 1, 5, "Syrian government"],
        ["East", 2, 3, "Iran-backed militias"],
        ["Empty", 0, 0, ""],
    ]
    assert table.attrs["outside"] == 1


@pytest.mark.parametrize(
    "values, bounds",
    [([0, 0], []), ([0, 4], [4]), ([1, 2, 3, 4, 100], [1, 2, 3, 4, 100]), ([5] * 8, [5])],
)
def test_class_breaks(values, bounds):
    assert areas.breaks(np.array(values)) == bounds
    assert choropleth.colour(0, bounds) is None


def test_the_choropleth_escapes_names_and_keys_its_classes(tmp_path):
    hostile = '<img src=x onerror="alert(1)">'
    path = boundary_file(tmp_path, [{"ADM2_EN": hostile, "ADM2_AR": "البوكمال"}], [EAST])
    units = areas.read_units(RefLayer("Districts <b>", path))
    frame = pd.DataFrame(
        {"longitude": [40.92], "latitude": [34.45], "fatalities": [2], "faction": ["f"]}
    )
    frame["incident_id"], frame["geo_precision"] = "a", 1
    factions = load_factions(ROOT / "data" / "factions.csv")
    spec = MapSpec(tiles="none", aggregate="areas")
    html = full_map(frame, factions, spec, units=units).get_root().render()
    decoded = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), html)
    assert hostile not in decoded and "Districts <b>" not in decoded
    assert "&lt;img src=x" in decoded and "البوكمال" in decoded
    assert "Districts &lt;b&gt;" in decoded
    assert "Incidents per district" in html and "cm-area-key" in html


def test_the_real_ocha_governorates(shared_data):
    path = shared_data / "boundaries" / "syr_admin1_ocha_codab_v02_20201217.geojson"
    units = areas.read_units(RefLayer("Governorates", path))
    assert (units.level, len(units)) == ("governorate", 14)
    # Al-Bukamal, Al-Mayadin and Deir ez-Zor city are in SY09; Al-Qaim is in Iraq
    found = units.assign([40.92, 40.45, 40.14, 41.05], [34.45, 35.02, 35.33, 34.37])
    assert [units.codes[i] if i >= 0 else None for i in found] == ["SY09", "SY09", "SY09", None]
    assert units.names_ar[found[0]] == "دير الزور"


def test_the_dashboard_counts_per_area_from_a_boundary_layer(env_data):
    assert cli(["seed"]) == 0
    boundary_file(
        env_data / "layers",
        [{"ADM1_EN": "West", "ADM1_AR": "غرب"}, {"ADM1_EN": "East"}],
        [WEST, EAST],
        "halves.geojson",
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["aggregate"] = "halves"
    at.query_params["measure"] = "fatalities"
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="look_aggregate").value == "halves"
    args = json.loads(map_component(at).proto.json_args)
    assert "Fatalities per governorate" in args["feature_group"]
    table = next(d.value for d in at.dataframe if "unit" in d.value.columns)
    assert table["incidents"].sum() + 0 <= 246 and set(table["unit"]) == {"West", "East"}
    assert str(at.query_params["aggregate"]).strip("[]'") == "halves"


def test_the_areas_of_the_incidents_are_found_once_per_store_version(env_data, monkeypatch):
    """A filter change recounts from the areas found on the first run (a million points
    in polygons cost a second on every rerun before)."""
    from conflictmap import areas

    assert cli(["seed"]) == 0
    boundary_file(env_data / "layers", [{"ADM1_EN": "West"}, {"ADM1_EN": "East"}], [WEST, EAST])
    looked_up = []
    assign = areas.Units.assign

    def counted(units, longitude, latitude):
        looked_up.append(len(longitude))
        return assign(units, longitude, latitude)

    monkeypatch.setattr(areas.Units, "assign", counted)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["aggregate"] = "units"
    at.run()
    before = next(d.value for d in at.dataframe if "unit" in d.value.columns)
    factions = at.sidebar.multiselect[0]
    factions.set_value(["Islamic State"]).run()
    assert not at.exception
    after = next(d.value for d in at.dataframe if "unit" in d.value.columns)
    assert after["incidents"].sum() < before["incidents"].sum()
    assert len(looked_up) == 1  # for every incident of the index, once


def test_snapshots_and_html_exports_show_the_areas_too(tmp_path):
    from conflictmap.export import export
    from conflictmap.filters import Filters
    from conflictmap.snapshot import SnapshotSpec, snapshot_html

    path = boundary_file(tmp_path, [{"ADM1_EN": "West"}, {"ADM1_EN": "East"}], [WEST, EAST])
    units = areas.read_units(RefLayer("Halves", path))
    frame = pd.DataFrame(
        {"longitude": [40.92], "latitude": [34.45], "fatalities": [2], "faction": ["f"]}
    )
    frame["incident_id"], frame["geo_precision"], frame["source"] = "a", 1, "test"
    frame["event_date"] = frame["end_date"] = pd.Timestamp("2018-06-01")
    factions = load_factions(ROOT / "data" / "factions.csv")
    spec = MapSpec(tiles="none", aggregate="areas", measure="fatalities")
    page = snapshot_html(frame, factions, Filters(), spec, SnapshotSpec(), units=units)
    assert "Fatalities per governorate" in page and "cm-area-key" in page
    html = export(frame, "html", factions, Filters(), spec, units=units).decode()
    assert "Fatalities per governorate" in html


def test_the_leading_faction_is_the_most_frequent_with_ties_to_the_first_name():
    """Against pandas' own cross-tabulation (ties to the first column, names sorted), on
    text and on category columns whose categories are not in name order."""
    import numpy as np
    import pandas as pd

    from conflictmap.areas import _leading

    rng = np.random.default_rng(5)
    units = rng.integers(0, 12, 600)
    names = rng.choice(np.array(["Tribal", "ISIS", "SDF", "Gov"], dtype=object), 600)
    units[:8], names[:8] = 12, ["SDF", "ISIS", "SDF", "ISIS", "Gov", "Gov", "Tribal", "x"]
    by = pd.crosstab(units, names)
    expected = pd.Series("", index=range(14), dtype=object)
    expected.loc[by.index] = by.idxmax(axis=1).to_numpy()
    categories = ["x", "Tribal", "SDF", "ISIS", "Gov", "unused"]
    for column in (pd.Series(names), pd.Series(pd.Categorical(names, categories=categories))):
        assert _leading(units, column, 14).tolist() == expected.tolist()
    assert expected[13] == "" and expected[12] == "Gov"
    without = pd.Series(pd.Categorical([None, "Gov", None], categories=["Gov"]))
    assert _leading(np.array([1, 2, 1]), without, 3).tolist() == ["", "", "Gov"]
