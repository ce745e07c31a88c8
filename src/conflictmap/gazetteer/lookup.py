"""Finding a place name in the gazetteer: exact, then spelling variants, then typos."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from conflictmap.gazetteer.model import (
    CHOSEN,
    EARTH_KM,
    SAME_PLACE_KM,
    Match,
    Place,
    distance_km,
)
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


# UCDP names a place with its kind: "Khan Shaykhun town", "Jabal al Hass mountain"
_KIND = re.compile(
    r"\s+(?:city|town|village|hamlet|neighbou?rhood|quarter|area|camp|mountain|hill|"
    r"oil ?field|dam|airport|base|border crossing|crossing)$",
    re.IGNORECASE,
)


def _strip_qualifiers(text: str) -> tuple[str, bool]:
    near = bool(_NEAR.match(text))
    text = _NEAR.sub("", text)
    return _GENERIC.sub("", text).strip(), near


def bare_name(text: str) -> str:
    """A name as the lookup searches it ("near Hajin" is "Hajin")."""
    return _strip_qualifiers(str(text or "").strip())[0]


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
        yield "skeleton", near, 90.0
    if len(pkey) >= 4:
        for found, score, _ in process.extract(
            pkey, gaz.phonetic_keys(), scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF
        ):
            yield "fuzzy", gaz.same_spelling(found), score


UNIT_SIMILAR = 85  # rapidfuzz ratio of two admin units' keys that name the same unit
FAR_KM = 100.0  # a close spelling this far from every other place of its file is not used
LOOSE = ("spelling", "skeleton", "fuzzy")  # methods that may read another village's name


_UNIT_WORDS = re.compile(
    r"\b(?:governorate|province|district|sub-?district|nahiya|qada|muhafazah|"
    r"mintaqat|markaz|center|centre)\b|(?:محافظة|منطقة|ناحية|قضاء|مركز)\s*",
    re.IGNORECASE,
)


def unit_key(name: str) -> str:
    """An admin unit's name without its kind ("Al Bab district" = "Al Bab")."""
    return phonetic_key(_UNIT_WORDS.sub(" ", name or "").strip())


def _same_unit(a: str, b: str) -> bool:
    """Two spellings of an admin unit's name (sources spell districts their own way)."""
    if not a or not b:
        return False
    a, b = unit_key(a), unit_key(b)
    return a == b or fuzz.ratio(a, b) >= UNIT_SIMILAR


def _in_district(place: Place, district: str) -> bool:
    """The row's district is the place's, or its sub-district (sources draw and name
    districts differently: UCDP's "Atarib district" is OCHA's Atareb sub-district)."""
    return _same_unit(place.admin2, district) or _same_unit(place.admin3, district)


def nearest_km(place: Place, context) -> float:
    """Distance to the nearest of the file's other places (inf without any)."""
    if not context:
        return math.inf
    points = np.radians(np.asarray(context, dtype=float))
    lat, lon = math.radians(place.latitude), math.radians(place.longitude)
    h = (
        np.sin((points[:, 0] - lat) / 2) ** 2
        + math.cos(lat) * np.cos(points[:, 0]) * np.sin((points[:, 1] - lon) / 2) ** 2
    )
    return float(2 * EARTH_KM * np.arcsin(np.sqrt(h.min())))


def _rank(gaz: Gazetteer, place: Place, want: _Want) -> tuple:
    inside = bool(gaz.region.contains(place.latitude, place.longitude))
    near = nearest_km(place, want.context)
    return (
        place.kind == CHOSEN,  # an analyst settled this name (among what the row allows)
        want.admin1 is not None and place.admin1 == want.admin1,
        place.precision == 1,  # the town itself before its district of the same name
        _in_district(place, want.admin2),
        -min(near, FAR_KM) // 25,  # close to the file's other places, in 25 km steps
        (place.country, place.admin1) in gaz.work,
        inside,
        place.team,
        place.population,
    )


def _distinct(places: list[Place]) -> list[Place]:
    """The candidates that are other places: not the same one from another source, and
    not the districts of a town that was found (the town is the answer, not a rival)."""
    kept: list[Place] = []
    for place in places:
        if kept and (place.precision > 1) != (kept[0].precision > 1):
            continue
        if all(distance_km(place, other) > SAME_PLACE_KM for other in kept):
            kept.append(place)
    return kept


@dataclass(frozen=True)
class _Want:
    country: str | None
    admin1: str | None
    admin2: str
    context: tuple


def _fits(place: Place, want: _Want, method: str) -> bool:
    """A candidate the row's own columns (and, for a close spelling, its file) allow."""
    if want.country and place.country != want.country:
        return False
    if want.admin1 and place.admin1 and place.admin1 != want.admin1:
        return False
    if method not in LOOSE:
        return True
    if want.admin2 and place.admin2 and not _in_district(place, want.admin2):
        return False
    return not (want.context and nearest_km(place, want.context) > FAR_KM)


def lookup(
    gaz: Gazetteer, name: str, country: str = "", admin1: str = "", admin2: str = "", context=()
) -> Match:
    """The row's place: its country and governorate rule candidates out, then its
    district, the file's other places (``context``: their points) and the work area rank
    them. A close spelling that its row or file rules out is not used: the row is not
    found, and the candidates are given for the analyst to decide."""
    query = str(name or "").strip()
    text, near = _strip_qualifiers(query)
    code = gaz.countries.get(name_key(country)) if country else None
    want = _Want(code, _admin_code(gaz, admin1, code), str(admin2 or "").strip(), tuple(context))
    refused: list[Place] = []
    for method, indices, score in _candidates(gaz, text):
        found = [gaz.places[i] for i in dict.fromkeys(indices)]
        fitting = [p for p in found if _fits(p, want, method)]
        refused += [p for p in found if p not in fitting and p not in refused]
        places = _distinct(sorted(fitting, key=lambda p: _rank(gaz, p, want), reverse=True))
        if places:
            top = places[0]
            precision = min(3, top.precision + (1 if near else 0))
            shown = "spelling" if method == "skeleton" else method
            others = () if top.kind == CHOSEN and method == "exact" else tuple(places[1:])
            return Match(query, top, shown, precision, others, score)
    if _KIND.search(text):  # "Khan Shaykhun town": the name without its kind
        bare = lookup(gaz, _KIND.sub("", text), country, admin1, admin2, context)
        if bare.place is not None or bare.alternatives:
            return replace(bare, query=query)
    if " - " in text:  # ACLED writes "Aleppo - Sheikh Maqsoud" for a city's district
        city = lookup(gaz, text.split(" - ")[0], country, admin1, admin2, context)
        if city.place:
            return Match(
                query,
                city.place,
                "city-part",
                max(2, city.precision),
                city.alternatives,
                city.score,
            )
    return Match(query, None, alternatives=tuple(_distinct(refused))[:5])


def _admin_code(gaz: Gazetteer, admin1: str, country: str | None) -> str | None:
    if not admin1:
        return None
    key = name_key(admin1)
    if country:
        return gaz.admin1.get((country, key))
    codes = {code for (_, k), code in gaz.admin1.items() if k == key}
    return codes.pop() if len(codes) == 1 else None
