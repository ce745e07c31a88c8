import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from conflictmap.factions import UNASSIGNED
from conflictmap.filters import Filters

GOV, IRAN = "Syrian government forces", "Iran-backed militias"


def frame():
    return pd.DataFrame(
        {
            "event_date": pd.to_datetime(["2018-05-30", "2018-06-06", "2018-06-18", "2018-07-01"]),
            "end_date": pd.to_datetime(["2018-05-30", "2018-06-06", "2018-06-20", "2018-07-01"]),
            "faction1": [GOV, "", GOV, ""],
            "faction2": [IRAN, IRAN, "", ""],
            "event_type": ["Battles", "Battles", "Explosions/Remote violence", "Battles"],
            "fatalities": pd.array([5, None, 12, 0], dtype="Int64"),
        }
    )


def test_no_filter_keeps_everything():
    assert Filters().mask(frame()).all()


def test_date_window_keeps_overlapping_ranges():
    kept = Filters(dt.date(2018, 6, 19), dt.date(2018, 6, 30)).apply(frame())
    assert list(kept["fatalities"]) == [12]  # the 18-20 June event overlaps the window


def test_factions_match_either_side_and_unassigned_is_selectable():
    assert len(Filters(factions=(IRAN,)).apply(frame())) == 2
    assert len(Filters(factions=(UNASSIGNED,)).apply(frame())) == 1
    assert len(Filters(factions=()).apply(frame())) == 0


def test_event_type_and_fatalities():
    assert len(Filters(event_types=("Battles",), min_fatalities=1).apply(frame())) == 1


def test_describe_says_every_restriction():
    text = Filters(
        dt.date(2018, 6, 1), dt.date(2018, 6, 30), (GOV, IRAN), ("Battles",), 5
    ).describe()
    assert text == (
        "Incidents from 2018-06-01 to 2018-06-30 involving Syrian government "
        "forces or Iran-backed militias of type Battles with at least 5 reported "
        "fatalities."
    )
    assert Filters().describe() == "Incidents of all dates involving any faction."


@given(
    start=st.none() | st.dates(dt.date(2018, 5, 1), dt.date(2018, 7, 31)),
    days=st.integers(0, 60),
    factions=st.none() | st.lists(st.sampled_from([GOV, IRAN, UNASSIGNED]), unique=True).map(tuple),
    least=st.integers(0, 20),
)
def test_filters_never_add_rows_and_narrowing_only_removes(start, days, factions, least):
    end = start + dt.timedelta(days=days) if start else None
    wide = Filters(start, end, factions)
    narrow = Filters(start, end, factions, min_fatalities=least)
    wide_mask, narrow_mask = wide.mask(frame()), narrow.mask(frame())
    assert wide_mask.sum() <= len(frame())
    assert not (narrow_mask & ~wide_mask).any()


def as_categories(table: pd.DataFrame) -> pd.DataFrame:
    """The map index's kind of columns: categories, empty cells missing, a category no
    row uses."""
    out = table.copy()
    for name in ("faction1", "faction2", "event_type"):
        values = out[name].replace("", None)
        out[name] = pd.Categorical(values, categories=[*values.dropna().unique(), "unused"])
    return out


@given(
    factions=st.none()
    | st.lists(st.sampled_from([GOV, IRAN, UNASSIGNED, "unused"]), unique=True).map(tuple),
    types=st.none()
    | st.lists(st.sampled_from(["Battles", "Explosions/Remote violence", ""]), unique=True).map(
        tuple
    ),
)
def test_category_columns_are_filtered_as_text_columns_are(factions, types):
    chosen = Filters(factions=factions, event_types=types)
    assert chosen.mask(as_categories(frame())).tolist() == chosen.mask(frame()).tolist()
