"""Properties of the importer over generated tables and random bytes, and a seeded
fuzzing run (10,000 files with `python bench/fuzz.py`; a slice of it here)."""

import contextlib
import datetime as dt
import sys
import uuid

import pandas as pd
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from conflictmap.errors import ConflictmapError
from conflictmap.ingest.pipeline import import_bytes
from conflictmap.store import open_store
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from fuzz import fuzz

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=25)
_arabic = st.text(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=15)
_number = (
    st.none()
    | st.integers(-10, 10**6).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(str)
    | st.sampled_from(["", "many", "١٢", "3.0", " 7 ", "1e9", "-0"])
)
_date = (
    st.dates(dt.date(1850, 1, 1), dt.date(2100, 1, 1)).map(str)
    | st.dates(dt.date(1990, 1, 1), dt.date(2024, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y"))
    | st.sampled_from(["", "2020-02-30", "٢٠٢٠-٠٥-٠٩", "9 حزيران 2020", "yesterday"])
    | _text
)
_row = st.fixed_dictionaries(
    {
        "date": _date,
        "place": st.sampled_from(["Hajin", "البوكمال", "Atlantis", "", "Sinjar", "بقرص"]) | _arabic,
        "latitude": _number,
        "longitude": _number,
        "actor 1": _text | _arabic,
        "fatalities": _number,
        "notes": _text,
    }
)


COLUMNS = ["date", "place", "latitude", "longitude", "actor 1", "fatalities", "notes"]


@hyp_settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking imports is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(_row, min_size=0, max_size=12))
def test_what_the_report_says_is_what_the_store_holds(rows, settings):
    store = open_store(f"sqlite:///{settings.data_dir / f'prop-{uuid.uuid4().hex}.sqlite'}")
    sheet = pd.DataFrame(rows, columns=COLUMNS)
    sheet["id"] = [f"r{i}" for i in range(len(sheet))]  # row i is on line i + 2
    try:
        # CRLF rows: a lone CR inside a cell is then quoted (with "\n" rows pandas leaves it
        # bare, and a bare CR is a line break, so the file would really hold more records)
        data = sheet.to_csv(index=False, lineterminator="\r\n").encode()
        report = import_bytes(data, "gen.csv", store, settings)
    except ConflictmapError:
        assert store.count() == 0  # refused as a whole: nothing written
        return
    bad_lines = {i.line for i in report.errors}
    good = {f"sheet:r{i}" for i in range(len(sheet)) if i + 2 not in bad_lines}
    stored = set(store.read()["incident_id"]) if store.count() else set()
    assert stored == good  # nothing rejected is stored, nothing imported is lost
    waiting = store.pending()
    waiting = waiting.loc[waiting["state"] == "held"]
    held_lines = set(waiting["line"])
    assert held_lines <= bad_lines  # a row waiting for its place was reported
    assert set(waiting["incident_id"]) == {f"sheet:r{n - 2}" for n in held_lines}
    assert report.imported == len(good) and report.held == len(held_lines)
    assert report.rejected == len(sheet) - len(good) - len(held_lines)


@hyp_settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=600))
def test_random_bytes_raise_only_our_errors(data):
    from conflictmap.ingest.pipeline import check_bytes

    with contextlib.suppress(ConflictmapError):
        check_bytes(data, "random.csv")


def test_fuzzing_slice_is_clean():
    done, failures = fuzz(200, seed=7)
    assert done == 200 and not failures, failures[0][1] if failures else ""
