"""The timeline chart: whole days, whole events, the interface's language."""

import datetime as dt

import pandas as pd
import pytest


@pytest.mark.parametrize(
    ("days", "interval"), [(3, "day"), (14, "day"), (40, "week"), (200, "month"), (2000, "year")]
)
def test_the_timeline_ticks_whole_days_or_more(days, interval):
    """Never a tick between two days (the day chart once said "12 PM")."""
    from conflictmap.timeline import ticks

    first = dt.date(2020, 5, 1)
    assert ticks(first, first + dt.timedelta(days=days))["interval"] == interval


def test_the_timeline_counts_whole_events_and_writes_arabic_months(settings):
    from conflictmap.language import wording
    from conflictmap.timeline import chart

    data = pd.DataFrame(
        {
            "period": pd.to_datetime(["2018-06-01", "2018-06-02"]),
            "faction": ["A", "A"],
            "events": [1, 2],
            "fatalities": [0, 3],
        }
    )
    spec = chart(data, {"A": "#ff0000"}, w=wording("ar", settings)).to_dict()
    x, y = spec["encoding"]["x"]["axis"], spec["encoding"]["y"]["axis"]
    assert "حزيران" in x["labelExpr"] and x["tickCount"] == {"interval": "day", "step": 1}
    assert y["tickMinStep"] == 1 and y["format"] == "d"  # no half events
    assert spec["encoding"]["color"]["legend"]["direction"] == "vertical"


def test_timeline_counts_agree_with_a_plain_group_by():
    """Counted with one bincount over (period, faction): the same rows, order and types
    as pandas' group-by, with rows lacking a faction left out and unknown tolls as 0."""
    import numpy as np
    import pandas as pd

    from conflictmap.timeline import timeline

    rng = np.random.default_rng(2)
    n = 5000
    frame = pd.DataFrame(
        {
            "event_date": pd.to_datetime("2018-01-01")
            + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
            "faction": pd.Categorical(
                rng.choice(["B", "A", "C", None], n), categories=["C", "B", "A", "Z"]
            ),
            "fatalities": pd.array(
                np.where(rng.random(n) < 0.3, None, rng.integers(0, 9, n)), dtype="Int64"
            ),
        }
    )
    frame.loc[rng.random(n) < 0.05, "event_date"] = pd.NaT  # undated rows count nowhere
    for period in ("day", "week", "month"):
        plain = (
            frame.assign(
                period=pandas_start(frame["event_date"], period),
                killed=frame["fatalities"].fillna(0).astype("int64"),
            )
            .groupby(["period", "faction"], observed=True, sort=True)
            .agg(events=("killed", "size"), fatalities=("killed", "sum"))
            .reset_index()
        )
        plain["faction"] = plain["faction"].astype(str)
        got = timeline(frame, period)
        pd.testing.assert_frame_equal(got, plain[got.columns.tolist()], check_dtype=False)
        assert got["events"].dtype == "int64" and got["fatalities"].dtype == "int64"


def pandas_start(dates: pd.Series, period: str) -> pd.Series:
    """Each date's day, week (Monday to Sunday) or month start, as pandas' periods say."""
    if period == "day":
        return dates.dt.normalize()
    return dates.dt.to_period("W-SUN" if period == "week" else "M").dt.start_time


@pytest.mark.parametrize("early", ["1700-06-15", "1969-12-31"])  # one by one / looked up
@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_periods_start_where_pandas_says_however_far_apart_the_dates(early, period):
    from conflictmap.timeline import period_first_day, period_number

    dates = pd.Series(pd.to_datetime(["1970-01-01", "2024-02-29", "2190-12-31", early]))
    days = dates.to_numpy().astype("datetime64[D]")
    got = period_first_day(period_number(days, period), period)
    assert got.tolist() == pandas_start(dates, period).tolist()
