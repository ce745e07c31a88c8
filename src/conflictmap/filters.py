"""Filters are data: each applies itself and describes itself in plain words.

The description appears under the map and inside every export and snapshot, so a
file always says how it was cut.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflictmap.factions import UNASSIGNED
from conflictmap.i18n import ENGLISH, N_, Wording


@dataclass(frozen=True)
class Filters:
    """None (or empty) means 'no restriction' for that field."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    factions: tuple[str, ...] | None = None
    event_types: tuple[str, ...] | None = None
    min_fatalities: int = 0
    area: tuple[tuple[float, float], ...] | None = None  # a drawn polygon: (lon, lat) ring

    def polygon(self):
        """The drawn area as a shapely polygon (None when no area is drawn)."""
        if not self.area:
            return None
        from shapely.geometry import Polygon

        return Polygon(self.area)

    def bbox(self) -> tuple[float, float, float, float] | None:
        """west, south, east, north of the drawn area (a store can narrow by it)."""
        shape = self.polygon()
        return tuple(shape.bounds) if shape is not None else None

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        keep = np.ones(len(frame), dtype=bool)
        if self.date_from:  # an event overlapping the window is in it
            ends = frame["end_date"].fillna(frame["event_date"])
            keep &= (ends >= pd.Timestamp(self.date_from)).to_numpy()
        if self.date_to:
            keep &= (frame["event_date"] <= pd.Timestamp(self.date_to)).to_numpy()
        if self.factions is not None:
            chosen = set(self.factions)
            first, second = frame["faction1"], frame["faction2"]
            unassigned = _among(first, {""}) & _among(second, {""})
            keep &= (
                _among(first, chosen)
                | _among(second, chosen)
                | (unassigned & (UNASSIGNED in chosen))
            )
        if self.event_types is not None:
            keep &= _among(frame["event_type"], set(self.event_types))
        if self.min_fatalities:
            keep &= (frame["fatalities"].fillna(0) >= self.min_fatalities).to_numpy()
        if self.area:
            import shapely

            shape = self.polygon()
            shapely.prepare(shape)
            keep &= shapely.intersects_xy(
                shape, frame["longitude"].to_numpy(), frame["latitude"].to_numpy()
            )
        return pd.Series(keep, index=frame.index)

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[self.mask(frame)]

    def describe(self, w: Wording = ENGLISH) -> str:
        """One sentence, e.g. 'Incidents from 2018-05-01 to 2018-06-30 involving ...', in
        the language of ``w`` (dates in Arabic as the region's press writes them)."""
        day = lambda d: w.day(d, hijri=False)  # noqa: E731
        names = lambda items: w.words([w.name(i) for i in items])  # noqa: E731
        parts = [w("Incidents")]
        if self.date_from and self.date_to:
            parts.append(
                w("from {start} to {end}", start=day(self.date_from), end=day(self.date_to))
            )
        elif self.date_from:
            parts.append(w("from {start}", start=day(self.date_from)))
        elif self.date_to:
            parts.append(w("up to {end}", end=day(self.date_to)))
        else:
            parts.append(w("of all dates"))
        if self.factions is None:
            parts.append(w("involving any faction"))
        elif self.factions:
            parts.append(w("involving {factions}", factions=names(self.factions)))
        else:
            parts.append(w("involving no faction (none selected)"))
        if self.event_types is not None:
            parts.append(
                w("of type {types}", types=names(self.event_types))
                if self.event_types
                else w("of no event type (none selected)")
            )
        if self.min_fatalities:
            parts.append(fatality_words(self.min_fatalities, w))
        if self.area:
            west, south, east, north = self.bbox()
            parts.append(
                w(
                    "inside the drawn area ({south}–{north} N, {west}–{east} E)",
                    south=f"{south:.3f}",
                    north=f"{north:.3f}",
                    west=f"{west:.3f}",
                    east=f"{east:.3f}",
                )
            )
        return " ".join(parts) + "."

    def to_dict(self) -> dict:
        return {
            "from": self.date_from and self.date_from.isoformat(),
            "to": self.date_to and self.date_to.isoformat(),
            "factions": list(self.factions) if self.factions is not None else None,
            "event_types": list(self.event_types) if self.event_types is not None else None,
            "min_fatalities": self.min_fatalities,
            "area": (
                {"type": "Polygon", "coordinates": [[list(p) for p in self.area]]}
                if self.area
                else None
            ),
            "description": self.describe(),
        }


_FEW = {  # the numbers whose words differ (English "fatality"; Arabic singular and dual)
    1: N_("with at least 1 reported fatality"),
    2: N_("with at least 2 reported fatalities"),
}


def _among(column: pd.Series, chosen: set[str]) -> np.ndarray:
    """Which cells hold one of ``chosen`` ('' stands for an empty cell). A categorical
    column (the map index's) is judged once per category, not once per incident."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        per_code = np.append(column.cat.categories.isin(chosen), "" in chosen)
        return per_code[column.cat.codes.to_numpy()]  # code -1, an empty cell: the last
    return column.fillna("").isin(chosen).to_numpy()


def fatality_words(count: int, w) -> str:
    return (
        w(_FEW[count])
        if count in _FEW
        else w("with at least {count} reported fatalities", count=count)
    )
