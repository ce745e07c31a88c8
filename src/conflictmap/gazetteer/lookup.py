"""Finding a place name in the gazetteer: exact, then spelling variants, then typos."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from conflictmap.gazetteer.model import SAME_PLACE_KM, Match, Place, distance_km
from conflictmap.names import name_key, phonetic_key, skeleton_key

if TYPE_CHECKING:
    from conflictmap.gazetteer.index import Gazetteer

FUZZY_CUTOFF = 85.0
_NEAR = re.compile(
    r"^(?:near|outskirts of|around|قرب|بالقرب من|محيط|أطراف|اطراف|ضواحي)\s+", re.IGNORECASE
)
_GENERIC = re.compile(
    r"^(?:village of|town of|city of|قرية|بلدة|مدينة|بلدتي|قريتي)\s+", re.IGNORECASE
)


def _strip_qualifiers(text: str) -> tuple[str, bool]:
    near = bool(_NEAR.match(text))
    text = _NEAR.sub("", text)
    return _GENERIC.sub("", text).strip(), near


def _candidates(gaz: Gazetteer, text: str):
    """(method, indices, score) from strictest to loosest."""
    key = name_key(text)
    if not key:
        return
    yield "exact", gaz.exact(key), 100.0
    pkey = phonetic_key(text)
    yield "spelling", gaz.same_spelling(pkey), 95.0
    skel = skeleton_key(text)
    if len(skel) >= 3:
        near = [
            i
            for i in gaz.same_skeleton(skel)
            if fuzz.ratio(pkey, phonetic_key(gaz.places[i].name)) >= 60
        ]
        yield "spelling", near, 90.0
    if len(pkey) >= 4:
        for found, score, _ in process.extract(
            pkey, gaz.phonetic_keys(), scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF
        ):
            yield "fuzzy", gaz.same_spelling(found), score


def _rank(gaz: Gazetteer, place: Place, admin_code: str | None) -> tuple:
    inside = bool(gaz.region.contains(place.latitude, place.longitude))
    return (
        admin_code is not None and place.admin1 == admin_code,
        inside,
        place.precision == 1,
        place.team,
        place.population,
    )


def _distinct(places: list[Place]) -> list[Place]:
    kept: list[Place] = []
    for place in places:
        if all(distance_km(place, other) > SAME_PLACE_KM for other in kept):
            kept.append(place)
    return kept


def _narrow(gaz: Gazetteer, indices, country: str | None, admin_code: str | None):
    places = [gaz.places[i] for i in dict.fromkeys(indices)]
    if country:
        places = [p for p in places if p.country == country]
    if admin_code and any(p.admin1 == admin_code for p in places):
        places = [p for p in places if p.admin1 == admin_code]
    return sorted(places, key=lambda p: _rank(gaz, p, admin_code), reverse=True)


def lookup(gaz: Gazetteer, name: str, country: str = "", admin1: str = "") -> Match:
    query = str(name or "").strip()
    text, near = _strip_qualifiers(query)
    code = gaz.countries.get(name_key(country)) if country else None
    admin_code = _admin_code(gaz, admin1, code)
    for method, indices, score in _candidates(gaz, text):
        places = _distinct(_narrow(gaz, indices, code, admin_code))
        if places:
            top = places[0]
            precision = min(3, top.precision + (1 if near else 0))
            return Match(query, top, method, precision, tuple(places[1:]), score)
    if " - " in text:  # ACLED writes "Aleppo - Sheikh Maqsoud" for a city's district
        city = lookup(gaz, text.split(" - ")[0], country, admin1)
        if city.place:
            return Match(
                query,
                city.place,
                "city-part",
                max(2, city.precision),
                city.alternatives,
                city.score,
            )
    return Match(query, None)


def _admin_code(gaz: Gazetteer, admin1: str, country: str | None) -> str | None:
    if not admin1:
        return None
    key = name_key(admin1)
    if country:
        return gaz.admin1.get((country, key))
    codes = {code for (_, k), code in gaz.admin1.items() if k == key}
    return codes.pop() if len(codes) == 1 else None
