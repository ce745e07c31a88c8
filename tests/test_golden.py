"""The CSV and GeoJSON exports of the sample store, against golden files (tests/golden).

A change to what an export holds shows here as a diff to review; when it is meant,
`CONFLICTMAP_UPDATE_GOLDEN=1 pytest tests/test_golden.py` writes the files again."""

from __future__ import annotations

import json
import os
import re

import pytest

from conflictmap.cli import main as cli
from conflictmap.export import export
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.maps.base import MapSpec
from conflictmap.settings import Settings
from conflictmap.workspace import Workspace
from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
STAMP = re.compile(r"conflictmap export, \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def steady(text: str) -> str:
    """The export without the moment it was made."""
    return STAMP.sub("conflictmap export, (time)", text)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("golden") / "data"
    before = os.environ.get("CONFLICTMAP_DATA")
    os.environ["CONFLICTMAP_DATA"] = str(folder)
    try:
        assert cli(["seed"]) == 0
        settings = Settings()
        space = Workspace.open(None, settings)
        factions = load_factions(settings.factions_file)
        yield space.matching_rows(Filters(), factions), factions
    finally:
        if before is None:
            os.environ.pop("CONFLICTMAP_DATA")
        else:
            os.environ["CONFLICTMAP_DATA"] = before


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_the_sample_exports_match_their_golden_files(fmt, sample):
    rows, factions = sample
    rows = rows.sort_values("incident_id")
    made = steady(export(rows, fmt, factions, Filters(), MapSpec(tiles="none")).decode())
    if fmt == "geojson":  # the same features, key order aside
        made = json.dumps(json.loads(made), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path = GOLDEN / f"sample.{fmt}"
    if os.environ.get("CONFLICTMAP_UPDATE_GOLDEN"):
        path.write_bytes(made.encode("utf-8"))
    assert path.exists(), f"{path} is missing: run with CONFLICTMAP_UPDATE_GOLDEN=1"
    assert made == path.read_bytes().decode("utf-8")  # bytes: the CSV's CRLF included
