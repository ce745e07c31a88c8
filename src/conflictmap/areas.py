"""Incidents counted per administrative unit — governorate, district or sub-district —
when a boundary file is among the reference layers (``geo/layers/``, ``data/layers/``):
counts and a table of counts and fatalities per unit.

A boundary file is any polygon layer with a name field; the common conventions are
recognised (OCHA COD-AB ``ADM2_EN``/``ADM2_AR``/``ADM2_PCODE``, geoBoundaries
``shapeName``, GADM ``NAME_2``/``NL_NAME_2``, plain ``name``/``name_ar``).

The map layer drawn from the counts is ``maps.choropleth``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from conflictmap.counting import numbered
from conflictmap.errors import InputError
from conflictmap.i18n import N_
from conflictmap.layers import RefLayer, find_layers, source_path
from conflictmap.settings import Settings

LEVELS = {
    0: N_("country"),
    1: N_("governorate"),
    2: N_("district"),
    3: N_("sub-district"),
    4: N_("community"),
}


MEASURES = (N_("incidents"), N_("fatalities"))  # Incidents, Fatalities in keys: see i18n

CLASSES = 5  # a choropleth's classes: few enough to tell apart on a map


@dataclass(frozen=True, eq=False)  # one object per file read: hashed by identity
class Units:
    """The polygons of one boundary file, with their names and codes."""

    layer: str
    level: str
    names: tuple[str, ...]
    names_ar: tuple[str, ...]
    codes: tuple[str, ...]
    shapes: np.ndarray  # shapely geometries, EPSG:4326

    def __len__(self) -> int:
        return len(self.names)

    def assign(self, longitude, latitude) -> np.ndarray:
        """The unit each point falls in (its position in ``names``), -1 outside all; a
        point on a shared border goes to the first unit. Each distinct point is looked up
        once, in the prepared polygons whose box holds it."""
        where = np.asarray(longitude, float) + 1j * np.asarray(latitude, float)
        back, places = pd.factorize(where)  # distinct points, as complex numbers
        found = np.full(len(places), -1, dtype=np.int32)
        x, y = np.real(places), np.imag(places)
        for i, (shape, box) in enumerate(zip(self.shapes, _boxes(self), strict=True)):
            todo = np.flatnonzero(
                (found < 0) & (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
            )
            if len(todo):
                found[todo[shapely.intersects_xy(shape, x[todo], y[todo])]] = i
        return found[back]


@lru_cache(maxsize=8)
def _boxes(units: Units) -> np.ndarray:
    shapely.prepare(units.shapes)
    return shapely.bounds(units.shapes)


def _fields(columns: list[str]) -> tuple[int | None, str, str | None, str | None]:
    """(admin level, name field, Arabic name field, code field) of a boundary table."""
    levels = {}
    for column in columns:
        match = re.fullmatch(r"(?i)adm(\d)_(en|ar|pcode)", column) or re.fullmatch(
            r"(?i)(?:nl_)?name_(\d)", column
        )
        if match:
            levels.setdefault(int(match[1]), []).append(column)
    if levels:
        level = max(levels)
        named = {c.lower(): c for c in levels[level]}
        name = named.get(f"adm{level}_en") or named.get(f"name_{level}")
        if name:
            arabic = named.get(f"adm{level}_ar") or named.get(f"nl_name_{level}")
            return level, name, arabic, named.get(f"adm{level}_pcode")
    lower = {c.lower(): c for c in columns}
    for name, arabic in (("shapename", None), ("name_en", "name_ar"), ("name", "name_ar")):
        if name in lower:
            return None, lower[name], lower.get(arabic or ""), lower.get("shapeid")
    raise InputError("no name field (ADM2_EN, NAME_2, shapeName or name)")


def _text(values) -> tuple[str, ...]:
    return tuple("" if pd.isna(v) else str(v).strip() for v in values)


@lru_cache(maxsize=8)
def _read(path: Path, _mtime: int, name: str) -> Units | None:
    import geopandas as gpd

    frame = gpd.read_file(source_path(path), engine="pyogrio")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if frame.empty:
        return None
    level, field, arabic, code = _fields([c for c in frame.columns if c != "geometry"])
    return Units(
        name,
        LEVELS.get(level, N_("area")) if level is not None else N_("area"),
        _text(frame[field]),
        _text(frame[arabic]) if arabic else ("",) * len(frame),
        _text(frame[code]) if code else ("",) * len(frame),
        shapely.make_valid(frame.geometry.to_numpy()),
    )


def read_units(layer: RefLayer) -> Units | None:
    """The units of a boundary layer; None for a layer of lines or points."""
    try:
        return _read(layer.path, layer.path.stat().st_mtime_ns, layer.name)
    except InputError:
        return None
    except Exception:  # an unreadable layer is reported where layers are listed
        return None


def boundary_layers(settings: Settings) -> dict[str, Units]:
    """Every reference layer that is a boundary file, by its display name."""
    found = {}
    for layer in find_layers(settings):
        units = read_units(layer)
        if units is not None and len(units):
            found[layer.name] = units
    return found


def unit_column(units: Units) -> str:
    """The column of a frame that holds each row's unit of ``units`` (see ``count``)."""
    return f"unit of {units.layer}"


def count(units: Units, frame: pd.DataFrame, assigned: np.ndarray | None = None) -> pd.DataFrame:
    """Incidents and reported fatalities per unit (every unit, zero included), the
    faction with most incidents there; ``assigned`` (from ``Units.assign``), or the
    frame's ``unit_column``, saves the point-in-polygon step when it is known."""
    if assigned is None and unit_column(units) in frame.columns:
        assigned = frame[unit_column(units)].to_numpy()
    if assigned is None:
        assigned = units.assign(frame["longitude"], frame["latitude"])
    inside = assigned >= 0
    n = len(units)
    killed = frame["fatalities"].fillna(0).to_numpy(dtype="float64")
    table = pd.DataFrame(
        {
            "unit": list(units.names),
            "unit_ar": list(units.names_ar),
            "code": list(units.codes),
            "incidents": np.bincount(assigned[inside], minlength=n),
            "fatalities": np.bincount(assigned[inside], killed[inside], minlength=n).astype(int),
        }
    )
    table["leading_faction"] = _leading(assigned[inside], frame["faction"][inside], n)
    table.attrs["outside"] = int((~inside).sum())
    return table


def _leading(units: np.ndarray, factions: pd.Series, n: int) -> np.ndarray:
    """Per unit, the faction with most of its incidents ('' where none; a tie goes to the
    faction first in alphabetical order): one count over (unit, faction) codes. A
    categorical column is counted by its codes (no text made per incident)."""
    out = np.full(n, "", dtype=object)
    codes, uniques = pd.factorize(factions)
    known = codes >= 0  # an incident without a faction leads nowhere
    if not known.any():
        return out
    # the factions in alphabetical order, and each one's place in it
    names, rank = numbered(np.asarray(uniques.astype(str), dtype=object))
    cells = units[known] * len(names) + rank[codes[known]]
    counts = np.bincount(cells, minlength=n * len(names)).reshape(n, len(names))
    held = counts.sum(axis=1) > 0
    out[held] = names[counts[held].argmax(axis=1)]
    return out


def breaks(values: np.ndarray, classes: int = CLASSES) -> list[int]:
    """Upper bounds of up to five classes of the non-zero values (quantiles, rounded to
    whole numbers, distinct), so one busy unit does not wash out the rest."""
    positive = np.asarray(values, float)
    positive = positive[positive > 0]
    if not len(positive):
        return []
    ranked, n = np.sort(positive), len(positive)
    cuts = [ranked[(k * n + classes - 1) // classes - 1] for k in range(1, classes + 1)]
    return sorted({int(np.ceil(c)) for c in cuts})  # each k-th fifth's largest value
