"""What changed: the last N days against the N days before, per area, place or faction,
with the actors and places never reported before, as tables (the map layer is ``maps.changes``).

The comparison runs on the incidents the other filters keep (factions, event types,
fatalities, drawn area) over the whole store, not only the dates on the slider: "new"
means not seen at any earlier date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflictmap.i18n import ENGLISH, N_, Wording

GROUPS = {"admin1": N_("governorate"), "location": N_("place"), "faction": N_("faction")}


MAX_PLACES = 500


@dataclass(frozen=True)
class Windows:
    """The recent window (``days`` ending on ``end``) and the one before it."""

    end: dt.date
    days: int = 7

    def __post_init__(self):
        if not 1 <= self.days <= 366:
            raise ValueError(f"{self.days} days: compare 1 to 366 days.")

    @property
    def recent(self) -> tuple[dt.date, dt.date]:
        return self.end - dt.timedelta(days=self.days - 1), self.end

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        start = self.recent[0]
        return start - dt.timedelta(days=self.days), start - dt.timedelta(days=1)

    def describe(self, w: Wording = ENGLISH) -> str:
        (a, b), (c, d) = self.recent, self.previous
        day = lambda x: w.day(x, hijri=False)  # noqa: E731
        return w("{a} to {b} against {c} to {d}", a=day(a), b=day(b), c=day(c), d=day(d))


def _within(frame: pd.DataFrame, span: tuple[dt.date, dt.date]) -> pd.Series:
    """Incidents begun within the span (an event is counted once, when it began)."""
    start, end = (pd.Timestamp(d) for d in span)
    return frame["event_date"].between(start, end)


def compare(frame: pd.DataFrame, windows: Windows, by: str = "admin1") -> pd.DataFrame:
    """Incidents and fatalities per ``by`` in both windows, biggest change first."""
    if by not in GROUPS:
        raise ValueError(f"compare by {by!r}: use one of {', '.join(GROUPS)}")
    recent, previous = _within(frame, windows.recent), _within(frame, windows.previous)
    both = frame.loc[recent | previous]
    key = both[by].astype(str).replace("", "(unknown)")
    killed = both["fatalities"].fillna(0).astype("int64")
    now = recent[both.index].to_numpy()
    table = (
        pd.DataFrame(
            {
                GROUPS[by]: key.to_numpy(),
                "previous": ~now,
                "recent": now,
                "fatalities_previous": np.where(now, 0, killed),
                "fatalities_recent": np.where(now, killed, 0),
            }
        )
        .groupby(GROUPS[by], sort=False)
        .sum()
        .astype("int64")
        .reset_index()
    )
    table["change"] = table["recent"] - table["previous"]
    table["change_pct"] = pd.array(
        [
            round(100 * c / p) if p else None
            for c, p in zip(table["change"], table["previous"], strict=True)
        ],
        dtype="Int64",
    )  # none where there was nothing before
    order = table["change"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


def _names(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    columns = ["actor1", "actor2"] if kind == "actor" else ["location"]
    parts = [
        pd.DataFrame({"name": frame[c].astype(str).to_numpy(), "event_date": frame["event_date"]})
        for c in columns
    ]
    named = pd.concat(parts, ignore_index=True)
    return named.loc[named["name"].str.strip() != ""]


def new_names(frame: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    """Actors and places reported in the recent window and at no earlier date."""
    start, end = (pd.Timestamp(d) for d in windows.recent)
    rows = []
    for kind in ("actor", "place"):
        named = _names(frame.loc[frame["event_date"] <= end], kind)
        first = named.groupby("name")["event_date"].agg(["min", "size"])
        recent = named.loc[named["event_date"] >= start].groupby("name").size()
        fresh = first.loc[first["min"] >= start]
        for name, row in fresh.iterrows():
            rows.append((kind, name, row["min"].date(), int(recent.get(name, 0))))
    table = pd.DataFrame(rows, columns=["kind", "name", "first_reported", "incidents"])
    return table.sort_values(["kind", "first_reported", "name"]).reset_index(drop=True)


def by_place(frame: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    """The place comparison with each place's position (mean of its incidents)."""
    table = compare(frame, windows, "location")
    both = frame.loc[_within(frame, windows.recent) | _within(frame, windows.previous)]
    where = (
        both.assign(place=both["location"].astype(str).replace("", "(unknown)"))
        .groupby("place")[["latitude", "longitude"]]
        .mean()
    )
    return table.join(where, on="place")
