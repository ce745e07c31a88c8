"""Playback: the map stepped through time, by day, week or month, as a moving window or
cumulatively.

The frames are computed here; the stepping happens in the browser
(``maps.playback.PlaybackControl``), so playing never reruns the app: the incidents
drawn one by one (``IncidentMarkers``) register their dates with the control, which
shows and hides them per frame. folium's
time plugins rebuild the map inside streamlit-folium and lose their state; this control
is part of the map's own page and keeps it. When paused, it reports the frame to the
app (through streamlit-folium's ``selected_tags`` return value), so the link and the
snapshot show the window the analyst is looking at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from conflictmap.errors import UsageError
from conflictmap.i18n import ENGLISH, N_, Wording
from conflictmap.i18n.catalogue import msg

STEPS = (N_("day"), N_("week"), N_("month"))


MODES = ("window", "cumulative")


MODE_NAMES = {"window": N_("moving window"), "cumulative": N_("cumulative")}


EPOCH = dt.date(1970, 1, 1)


TAG = "playback:"  # the prefix of the frame number the map reports


ONE_AT_A_TIME = {
    "day": N_("one day at a time"),
    "week": N_("one week at a time"),
    "month": N_("one month at a time"),
}


@dataclass(frozen=True)
class Frame:
    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class Playback:
    step: str = "week"
    mode: str = "window"
    at: int = 0  # the frame shown (paused) or played from

    def __post_init__(self):
        if self.step not in STEPS:
            raise UsageError(
                msg(
                    "Playback step {step}: use one of {steps}.",
                    step=f"{self.step!r}",
                    steps=", ".join(STEPS),
                )
            )
        if self.mode not in MODES:
            raise UsageError(
                msg(
                    "Playback mode {mode}: use one of {modes}.",
                    mode=f"{self.mode!r}",
                    modes=", ".join(MODES),
                )
            )

    def describe(self, frame: Frame, w: Wording = ENGLISH) -> str:
        how = w("cumulative") if self.mode == "cumulative" else w(ONE_AT_A_TIME[self.step])
        return w("Playback ({how}): {window}", how=how, window=frame.label)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def _period_start(day: dt.date, step: str) -> dt.date:
    if step == "week":
        return day - dt.timedelta(days=day.weekday())
    if step == "month":
        return day.replace(day=1)
    return day


def _period_end(start: dt.date, step: str) -> dt.date:
    if step == "week":
        return start + dt.timedelta(days=6)
    if step == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return start


def _label(start, end, step: str, first, mode: str, w: Wording = ENGLISH) -> str:
    day = lambda d: w.day(d, hijri=False)  # noqa: E731
    if mode == "cumulative":
        return w("{start} to {end}", start=day(first), end=day(end))
    if step == "day":
        return w.day(start)  # in Arabic with the Hijri date too
    if step == "month" and start.day == 1 and _period_end(start, step) == end:
        return w.month(start)
    return w("{start} to {end}", start=day(start), end=day(end))


def frames(
    first: dt.date, last: dt.date, step: str, mode: str = "window", w: Wording = ENGLISH
) -> list[Frame]:
    """The windows from ``first`` to ``last``: calendar days, weeks (Monday to Sunday) or
    months, cut to the range; cumulative frames all start at ``first``."""
    out = []
    start = _period_start(first, step)
    while start <= last:
        end = _period_end(start, step)
        window = (max(start, first), min(end, last))
        shown = (first, window[1]) if mode == "cumulative" else window
        out.append(Frame(*shown, _label(*window, step, first, mode, w)))
        start = end + dt.timedelta(days=1)
    return out


def frame_of(tags) -> int | None:
    """The frame number the map reported (``selected_tags``), if any."""
    for tag in tags or []:
        if isinstance(tag, str) and tag.startswith(TAG) and tag[len(TAG) :].isdigit():
            return int(tag[len(TAG) :])
    return None


def in_window(frame, shown: Frame, mode: str):
    """The incidents a frame shows (as the control in the page decides): those
    overlapping its days, or, cumulative, those begun by its last day."""
    import pandas as pd

    keep = frame["event_date"] <= pd.Timestamp(shown.end)
    if mode == "cumulative":
        return keep
    return keep & (frame["end_date"].fillna(frame["event_date"]) >= pd.Timestamp(shown.start))
