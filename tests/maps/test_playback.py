"""Playback frames, the control on the map, snapshots of a frame and the animated GIF."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re

import pandas as pd
import pytest
from test_incidents import incidents

from conflictmap import playback, snapshot
from conflictmap.errors import UsageError
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.maps import playback as playback_map
from conflictmap.maps.base import MapSpec
from conftest import ROOT

D = dt.date


@pytest.mark.parametrize(
    "step, mode, count, first, last",
    [
        ("day", "window", 3, (D(2018, 6, 1), D(2018, 6, 1), "2018-06-01"), "2018-06-03"),
        # weeks run Monday to Sunday, cut to the range
        (
            "week",
            "window",
            3,
            (D(2018, 5, 30), D(2018, 6, 3), "2018-05-30 to 2018-06-03"),
            "2018-06-11 to 2018-06-12",
        ),
        (
            "month",
            "window",
            3,
            (D(2018, 5, 30), D(2018, 5, 31), "2018-05-30 to 2018-05-31"),
            "2018-07-01 to 2018-07-02",
        ),
        (
            "month",
            "cumulative",
            2,
            (D(2018, 6, 1), D(2018, 6, 30), "2018-06-01 to 2018-06-30"),
            "2018-06-01 to 2018-07-31",
        ),
    ],
)
def test_frames_cover_the_range(step, mode, count, first, last):
    ranges = {
        "day": (D(2018, 6, 1), D(2018, 6, 3)),
        "week": (D(2018, 5, 30), D(2018, 6, 12)),
        "month": (D(2018, 5, 30), D(2018, 7, 2)),
    }
    start, end = ranges[step] if mode == "window" else (D(2018, 6, 1), D(2018, 7, 31))
    frames = playback.frames(start, end, step, mode)
    assert len(frames) == count
    assert (frames[0].start, frames[0].end, frames[0].label) == first
    assert frames[-1].label == last


def test_window_frames_tile_the_range_without_gaps():
    frames = playback.frames(D(2017, 12, 20), D(2018, 3, 9), "week")
    assert frames[0].start == D(2017, 12, 20) and frames[-1].end == D(2018, 3, 9)
    for before, after in itertools.pairwise(frames):
        assert after.start == before.end + dt.timedelta(days=1)
        assert after.start.weekday() == 0
    months = playback.frames(D(2018, 1, 1), D(2018, 12, 31), "month")
    assert [f.label for f in months][:2] == ["January 2018", "February 2018"]
    assert len(months) == 12


def test_bad_step_or_mode_is_refused():
    with pytest.raises(UsageError, match="day, week, month"):
        playback.Playback("fortnight")
    with pytest.raises(UsageError, match="window, cumulative"):
        playback.Playback("week", "sliding")


@pytest.mark.parametrize(
    "tags, frame",
    [
        (None, None),
        ([], None),
        (["playback:4"], 4),
        (["other", "playback:12"], 12),
        (["playback:x"], None),
    ],
)
def test_the_frame_reported_by_the_map(tags, frame):
    assert playback.frame_of(tags) == frame


def test_the_control_carries_frames_and_escapes_labels():
    import folium

    fmap = folium.Map(tiles=None)
    frames = [playback.Frame(D(2018, 6, 1), D(2018, 6, 7), "</script><b>x</b>")]
    fmap.add_child(playback_map.PlaybackControl(frames, playback.Playback(at=9)))
    html = fmap.get_root().render()
    assert "</script><b>" not in html
    found = json.loads(re.search(r"frames = (\[.*?\]);", html)[1])
    assert found == [[17683, 17689, "</script><b>x</b>"]]
    assert "at = 0" in html  # a frame past the end starts at the last one


@pytest.fixture
def factions():
    return load_factions(ROOT / "data" / "factions.csv")


def month_of_clashes() -> pd.DataFrame:
    """An incident every three days of June 2018, each a little further north."""
    days = pd.date_range("2018-06-01", "2018-06-28", freq="3D")
    return pd.concat(
        [
            incidents(
                incident_id=f"sheet:{n}",
                event_date=day,
                end_date=day,
                latitude=34.45 + n * 0.01,
                fatalities=n,
                source="test",
                notes="",
            )
            for n, day in enumerate(days)
        ],
        ignore_index=True,
    )


def page_of(frame, factions, at=1, mode="window"):
    filters = Filters(D(2018, 6, 1), D(2018, 6, 30))
    return snapshot.snapshot_html(
        frame,
        factions,
        filters,
        MapSpec(tiles="none", cluster=False),
        snapshot.SnapshotSpec(800, 600),
        playback=playback.Playback("week", mode, at),
    )


def test_a_snapshot_of_a_frame_says_which_window(factions):
    frame = month_of_clashes()
    html = page_of(frame, factions, at=1)
    label = "<span class='cm-play-label'>2018-06-04 to 2018-06-10</span>"
    assert f"Playback (one week at a time): {label}" in html
    # the title counts the incidents of that week (4, 7, 10 June)
    assert "<span class='cm-play-count'>3 incidents</span> in this window" in html
    cumulative = page_of(frame, factions, at=1, mode="cumulative")
    label = "<span class='cm-play-label'>2018-06-01 to 2018-06-10</span>"
    assert f"Playback (cumulative): {label}" in cumulative
    assert "<span class='cm-play-count'>4 incidents</span> in this window" in cumulative
    assert json.loads(re.search(r"counts = (\[.*?\])[,;]", cumulative)[1]) == [1, 4, 6, 8, 10]


@pytest.mark.browser
def test_the_animation_steps_through_every_frame(factions):
    from PIL import Image, ImageSequence

    frame = month_of_clashes()
    html = page_of(frame, factions, at=0)
    steps = []
    made = snapshot.animate(
        html, snapshot.SnapshotSpec(800, 600), 300, lambda f, m: steps.append(m)
    )
    frames = playback.frames(D(2018, 6, 1), D(2018, 6, 30), "week")
    assert made.text.splitlines() == [f.label for f in frames]
    assert steps[-1] == f"Frame 5 of 5: {frames[-1].label}"
    gif = Image.open(io.BytesIO(made.data))
    pictures = [p.convert("RGB") for p in ImageSequence.Iterator(gif)]
    assert len(pictures) == 5 and pictures[0].size == (800, 600)
    # each frame is its own picture: the incidents move north week by week
    assert len({p.tobytes() for p in pictures}) == 5
    assert made.outside_requests == []
    # the title box follows the frames: the last picture names the last week
    assert made.text.splitlines()[-1] == "2018-06-25 to 2018-06-30"


@pytest.mark.browser
def test_an_animation_needs_a_playback_page(factions):
    html = snapshot.snapshot_html(
        month_of_clashes(),
        factions,
        Filters(),
        MapSpec(tiles="none"),
        snapshot.SnapshotSpec(400, 300),
    )
    with pytest.raises(UsageError, match="no playback"):
        snapshot.animate(html, snapshot.SnapshotSpec(400, 300))
