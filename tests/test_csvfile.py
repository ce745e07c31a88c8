"""The one CSV writer: formulas defused, line breaks inside cells quoted, round trips exact."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictmap.csvfile import csv_bytes, defuse, restore
from conflictmap.filters import Filters
from conflictmap.ingest.pipeline import check_bytes, import_bytes


@given(st.text())
def test_restore_undoes_defuse(value):
    assert restore(defuse(value)) == value


@pytest.mark.parametrize("value", ["Battles\r=1+2", "a\nb", "a\r\nb", "=SUM(A1)", "'=kept"])
def test_no_cell_starts_a_row_or_runs_as_a_formula(value):
    text = csv_bytes(pd.DataFrame({"event_type": [value], "n": [1]})).decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2 and rows[1][1] == "1"
    assert not rows[1][0].startswith(("=", "+", "-", "@"))
    assert restore(rows[1][0]) == value


@pytest.mark.parametrize("value", ["Battles\r=1+2", "'=literally", "-5 killed", "x\ny"])
def test_an_export_comes_back_exactly(value, settings, store):
    from conflictmap.export import to_csv

    sheet = f'date,location,latitude,longitude,event type\n2020-01-01,Hajin,34.69,40.83,"{value}"\n'
    import_bytes(sheet.encode(), "s.csv", store, settings)
    exported = to_csv(store.read(), Filters())
    report, good = check_bytes(exported, "export.csv", settings)
    assert report.rejected == 0, report.errors
    assert good["event_type"].tolist() == [value]


def test_the_rejected_rows_import_once_fixed(settings, store):
    sheet = "date,location,fatalities\n2020-01-01,Hajin,2\n2020-13-45,Al Mayadin,3\n"
    report = import_bytes(sheet.encode(), "s.csv", store, settings)
    assert report.rejected == 1
    rejected = pd.read_csv(io.BytesIO(report.rejected_csv()), dtype=str)
    assert rejected["conflictmap_line"].tolist() == ["3"] and "date" in rejected.columns
    rejected["date"] = "2020-01-13"
    again = import_bytes(csv_bytes(rejected), "s-fixed.csv", store, settings)
    assert (again.imported, again.rejected) == (1, 0)
    assert not again.issues  # the two added columns are not "unknown columns"


def test_every_csv_the_app_and_the_library_write_goes_through_the_one_writer():
    """No other to_csv for downloads: what changed and counts per area once skipped it."""
    from conftest import ROOT

    sources = [ROOT / "app.py", *(ROOT / "src" / "conflictmap").rglob("*.py")]
    writers = [p.name for p in sources if re.search(r"\.to_csv\((index|tmp|path)", p.read_text())]
    assert sorted(writers) == ["csvfile.py", "factions.py"]  # factions.py: the settings file
