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
