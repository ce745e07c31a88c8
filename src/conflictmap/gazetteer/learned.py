"""Places learned from imports: every stored row whose coordinates came from its source
(an ACLED or UCDP export, a sheet with coordinates) at the precision of the place itself
teaches that name, in its country and admin units, at the median of its rows' points.

A later row without coordinates uses a learned place first when its name and admin units
agree; its ``geocoded_by`` says where the point came from ("learned from 14 ACLED
events"). The places are read from the store's live rows, so every batch adds to them and
its undo takes them back, on both backends.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from conflictmap.gazetteer.lookup import unit_key
from conflictmap.gazetteer.model import SAME_PLACE_KM, Match, Place, distance_km
from conflictmap.names import name_key

_KEYS = ("location", "country", "admin1", "admin2")
_TAUGHT = (  # the rows that teach a place, with their keys as the lookup compares them
    "SELECT "
    + ", ".join(f"trim(coalesce({k}, '')) AS {k}" for k in _KEYS)
    + ", latitude, longitude, dataset FROM incidents WHERE geocoded_by = 'file' "
    "AND geo_precision = 1 AND location <> '' AND latitude IS NOT NULL "
    "AND longitude IS NOT NULL"
)
_BY = ", ".join(_KEYS)
_MIDDLE = "IN ((n + 1) / 2, (n + 2) / 2)"  # the middle row, or the two middle rows
LEARN_SQL = (  # each place's median point and events, worked out by the database
    f"WITH taught AS ({_TAUGHT}), ranked AS (SELECT {_BY}, latitude, longitude, "
    f"row_number() OVER (PARTITION BY {_BY} ORDER BY latitude) AS at_latitude, "
    f"row_number() OVER (PARTITION BY {_BY} ORDER BY longitude) AS at_longitude, "
    f"count(*) OVER (PARTITION BY {_BY}) AS n FROM taught) "
    f"SELECT {_BY}, avg(CASE WHEN at_latitude {_MIDDLE} THEN latitude END) AS latitude, "
    f"avg(CASE WHEN at_longitude {_MIDDLE} THEN longitude END) AS longitude, n AS events "
    f"FROM ranked GROUP BY {_BY}, n"
)
LEARN_DATASETS_SQL = f"SELECT DISTINCT {_BY}, dataset FROM ({_TAUGHT}) taught"
DATASET_NAMES = {"acled": "ACLED", "ucdp": "UCDP", "sheet": "sheet", "report": "report"}
DOMINANT = 2.0  # a name learned at two points: the one with twice the events wins


@dataclass(frozen=True)
class LearnedPlace:
    name: str
    country: str
    admin1: str
    admin2: str
    latitude: float
    longitude: float
    events: int
    datasets: tuple[str, ...]

    @property
    def source(self) -> str:
        kinds = "/".join(DATASET_NAMES.get(d, d) for d in self.datasets)
        return f"learned from {self.events:,} {kinds} event{'s' if self.events != 1 else ''}"

    def as_place(self) -> Place:
        return Place(
            self.name,
            self.latitude,
            self.longitude,
            self.country,
            self.admin1,
            1,
            self.source,
            kind="learned",
            admin2=self.admin2,
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "latitude": round(self.latitude, 5),
            "longitude": round(self.longitude, 5),
            "events": self.events,
            "datasets": list(self.datasets),
        }


def learn(places: pd.DataFrame, datasets: pd.DataFrame) -> list[LearnedPlace]:
    """The places the store's rows teach: one per name as written, country and admin
    units, from the rows of ``LEARN_SQL`` (``places``) and ``LEARN_DATASETS_SQL``
    (``datasets``); the database reduces a million rows to a row per place."""
    if places.empty:
        return []
    keys = list(_KEYS)
    kinds = datasets.groupby(keys)["dataset"].agg(lambda d: tuple(sorted(set(d))))
    places = places.sort_values(keys, kind="stable")
    return [
        LearnedPlace(
            row.location,
            row.country,
            row.admin1,
            row.admin2,
            float(row.latitude),
            float(row.longitude),
            int(row.events),
            kinds.get((row.location, row.country, row.admin1, row.admin2), ()),
        )
        for row in places.itertuples(index=False)
    ]


def _agrees(asked: str, learned: str) -> bool:
    """The row's admin unit (or country) and the learned one name the same (either
    unknown is no objection)."""
    return not asked or not learned or unit_key(asked) == unit_key(learned)


class Learned:
    """The learned places, under their names' keys."""

    def __init__(self, places: list[LearnedPlace]):
        self.places = places
        self._by_name: dict[str, list[LearnedPlace]] = {}
        for place in places:
            self._by_name.setdefault(name_key(place.name), []).append(place)

    def __len__(self) -> int:
        return len(self.places)

    def lookup(self, name: str, country: str = "", admin1: str = "", admin2: str = ""):
        """A ``Match`` from the learned places, or None (the gazetteer decides)."""
        found = [
            p
            for p in self._by_name.get(name_key(name), [])
            if _agrees(country, p.country) and _agrees(admin1, p.admin1)
            if _agrees(admin2, p.admin2)
        ]
        if not found:
            return None
        found.sort(key=lambda p: -p.events)
        top = found[0]
        rivals = [p for p in found[1:] if distance_km(p.as_place(), top.as_place()) > SAME_PLACE_KM]
        if rivals and top.events < DOMINANT * rivals[0].events:
            return None  # two places of that name, neither clearly the one: not learned
        return Match(name, top.as_place(), "learned", 1, (), 100.0)
