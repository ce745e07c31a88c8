"""Geocoding rows that carry no coordinates; rows that do keep them."""

from __future__ import annotations

import json

import pandas as pd

from conflictmap.gazetteer import Gazetteer, Match
from conflictmap.i18n import N_
from conflictmap.ingest.issues import ERROR, WARNING, Report

FILE = "file"


def _describe(places) -> str:
    return "; ".join(
        f"{p.name} ({p.country} {p.admin1}, {p.latitude:.3f}, {p.longitude:.3f})" for p in places
    )


def _word(match: Match) -> tuple[str, str, dict] | None:
    """The issue a match deserves, if any: (template, severity, values)."""
    place = {"place": match.query}
    if match.place is None and match.alternatives:
        return (
            N_(
                "'{place}' was not placed: the close names the gazetteer has lie outside the "
                "row's country or governorate, or far from the file's other places: "
                "{places}. Give latitude and longitude, correct the name, or add the place "
                "to a CSV in geo/."
            ),
            ERROR,
            place | {"places": _describe(match.alternatives)},
        )
    if match.place is None:
        return (
            N_(
                "'{place}' is not in the gazetteer. Check the spelling, give the row latitude "
                "and longitude, or add the place to a CSV in geo/ (name, aliases, latitude, "
                "longitude, country, admin1, precision, source)."
            ),
            ERROR,
            place,
        )
    if match.ambiguous:
        return (
            N_(
                "'{place}' names several places: {places}. The first was used (it is in the "
                "area you work on or the larger place). Give the governorate (admin1) or "
                "coordinates to choose another."
            ),
            WARNING,
            place | {"places": _describe((match.place, *match.alternatives))},
        )
    if match.method == "fuzzy":
        return (
            N_(
                "'{place}' was read as '{name}' (a close spelling, score {score}); check it is "
                "the place you meant."
            ),
            WARNING,
            place | {"name": match.place.name, "score": f"{match.score:.0f}"},
        )
    if match.method == "city-part":
        return (
            N_(
                "'{place}' was placed at {name} (the city), not the named part of it; "
                "precision set to 2."
            ),
            WARNING,
            place | {"name": match.place.name},
        )
    return None


HELD, CHECK = "held", "check"  # a row kept aside for its place; an imported row to check
NOT_FOUND, REFUSED, AMBIGUOUS, CLOSE = "not-found", "refused", "ambiguous", "close-spelling"
REVIEW_COLUMNS = ["state", "problem", "place", "country", "admin1", "admin2", "candidates"]


def _review(match: Match) -> tuple[str, str, tuple] | None:
    """Whether an analyst should look at this row's place: (state, problem, candidates)."""
    if match.place is None:
        return HELD, REFUSED if match.alternatives else NOT_FOUND, match.alternatives
    if match.ambiguous:
        return CHECK, AMBIGUOUS, (match.place, *match.alternatives)
    if match.method == "fuzzy":
        return CHECK, CLOSE, (match.place,)
    return None


def candidates_json(places) -> str:
    """The candidates an analyst chooses among, as stored with a row to check."""
    return json.dumps(
        [
            {
                "name": p.name,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "country": p.country,
                "admin1": p.admin1,
                "admin2": p.admin2,
                "admin3": p.admin3,
                "precision": p.precision,
                "source": p.source,
            }
            for p in places
        ],
        ensure_ascii=False,
    )


def _learned(learned, key: tuple) -> Match | None:
    return learned.lookup(*key) if learned else None


CONTEXT_POINTS = 400  # the file's places that rank and check the others (a sample)
SURE = ("exact", "alias", "learned")  # names read exactly: their points are the file's context


def _context(typed: pd.DataFrame, has_point: pd.Series, matches: dict) -> tuple:
    """Points of the file's places: rows with their own coordinates and names found for
    sure (not by a close spelling), rounded and sampled."""
    points = set(
        zip(
            typed.loc[has_point, "latitude"].round(2),
            typed.loc[has_point, "longitude"].round(2),
            strict=True,
        )
    )
    points |= {
        (round(m.place.latitude, 2), round(m.place.longitude, 2))
        for m in matches.values()
        if m.place is not None and m.method in SURE and not m.ambiguous
    }
    return tuple(sorted(points)[:: max(1, len(points) // CONTEXT_POINTS)])


def geocode(
    typed: pd.DataFrame, gaz: Gazetteer, report: Report, learned=None
) -> tuple[pd.Series, pd.DataFrame]:
    """Fill latitude/longitude/geo_precision/geocoded_by in place; returns the bad mask
    and the rows an analyst should look at (``REVIEW_COLUMNS``, by row: held back because
    their place was not found, or placed by a close spelling or among several).
    Names are looked up twice: once alone, then, for those the first pass found only by
    a close spelling or not at all, or in several places, with the file's other places
    as context. Places learned from stored rows come first (``learned()`` reads them,
    only when some row needs a place)."""
    has_point = typed["latitude"].notna() & typed["longitude"].notna()
    typed.loc[has_point & (typed["geocoded_by"].fillna("") == ""), "geocoded_by"] = FILE
    typed["geo_precision"] = typed["geo_precision"].astype("Int64")
    typed.loc[has_point & typed["geo_precision"].isna(), "geo_precision"] = 1
    bad = pd.Series(False, index=typed.index)
    columns = ["location", "country", "admin1", "admin2"]
    need = typed.loc[~has_point, columns].fillna("").astype(str)
    keys = set(need.itertuples(index=False, name=None))
    taught = learned() if learned is not None and keys else None
    matches = {key: _learned(taught, key) or gaz.lookup(*key) for key in keys}
    context = _context(typed, has_point, matches)
    if context:
        for key, match in matches.items():
            if match.place is None or match.method not in SURE or match.ambiguous:
                matches[key] = gaz.lookup(*key, context=context)
    review: dict = {}
    for row, key in zip(need.index, need.itertuples(index=False, name=None), strict=True):
        match, line = matches[key], typed.at[row, "__line"]
        if not key[0].strip():
            report.add(
                line,
                "location",
                "",
                "No coordinates and no place name: give a place "
                "name (location) or latitude and longitude.",
            )
            bad[row] = True
            continue
        if worded := _word(match):
            template, severity, values = worded
            report.add(line, "location", key[0], template, severity, **values)
        if looked := _review(match):
            state, problem, places = looked
            review[row] = (state, problem, *key, candidates_json(places))
        if match.place is None:
            bad[row] = True
            continue
        given = typed.at[row, "geo_precision"]
        typed.loc[row, ["latitude", "longitude"]] = (match.place.latitude, match.place.longitude)
        typed.at[row, "geo_precision"] = max(match.precision, 0 if pd.isna(given) else given)
        typed.at[row, "geocoded_by"] = match.place.source
    return bad, pd.DataFrame.from_dict(review, orient="index", columns=REVIEW_COLUMNS)
