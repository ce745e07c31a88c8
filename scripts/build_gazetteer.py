"""Builds conflictmap's Syrian gazetteer files in geo/ from two public sources:

- OCHA's list of Syrian communities (via the Syrian Archive's ``locations.json``): every
  village, town and neighbourhood with its Arabic and English names, sub-district,
  district, OCHA p-code and point;
- OpenSyria's admin units (``governorates.json``, ``districts.json``,
  ``subdistricts.json``): every governorate, district and sub-district with its aliases
  and centre point, as places of precision 3 (districts) and 2 (sub-districts).

    python scripts/build_gazetteer.py SHARED_DATA_DIR [GEO_DIR]

SHARED_DATA_DIR holds ``gazetteer/syria_communities_ocha_via_syrianarchive.json`` and
``admin/*.json``. The files written start with comment lines naming the source and the
licence; the gazetteer loader skips them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from conflictmap.gazetteer.model import PLACE_COLUMNS as COLUMNS  # noqa: E402
from conflictmap.names import name_key, phonetic_key  # noqa: E402

COMMUNITIES = "gazetteer/syria_communities_ocha_via_syrianarchive.json"
COMMUNITY_HEADER = (
    "# Syrian communities (villages, towns, neighbourhoods) derived by\n"
    "# scripts/build_gazetteer.py from OCHA's community list (HDX, CC BY 3.0 IGO), as\n"
    "# published by the Syrian Archive (Mnemonic), mnemonicorg/syrianarchive-api,\n"
    "# data/locations.json. Attribution: OCHA, via Syrian Archive. admin1 = GeoNames\n"
    "# governorate code, admin2 = district, admin3 = sub-district (OCHA names).\n"
)
ADMIN_HEADER = (
    "# Syrian districts (precision 3) and sub-districts (precision 2) derived by\n"
    "# scripts/build_gazetteer.py from OpenSyria data-geography (CC BY 4.0): names in\n"
    "# English and Arabic, aliases, centre points. Attribution: OpenSyria.\n"
)
_ID = re.compile(r"\s*-{3}\s*\(\(\(\d+\)\)\)\s*$|\s*\(\(\(\d+\)\)\)\s*$")
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")  # "Bahra (Hajin)": the sub-district, not a name


def _parts(text: str) -> list[str]:
    """The pieces of a composite search string, without its id."""
    return [p.strip() for p in re.split(r"\s*-\s+|\s+-\s*", _ID.sub("", text or "")) if p.strip()]


# "Upper Baguz" is also written "Baguz Fawqani" (فوقاني), "Lower Baguz" "Baguz Tahtani"
_PARTS = {
    "Upper": "Fawqani",
    "Lower": "Tahtani",
    "Eastern": "Sharqi",
    "Western": "Gharbi",
    "Northern": "Shamali",
    "Southern": "Janubi",
}


def _part_spellings(name: str) -> list[str]:
    """The other way of naming a part of a village: "Upper X" <-> "X Fawqani"."""
    first, _, rest = name.partition(" ")
    if first in _PARTS and rest:
        return [f"{rest} {_PARTS[first]}"]
    head, _, last = name.rpartition(" ")
    wanted = {v: k for k, v in _PARTS.items()}
    return [f"{wanted[last]} {head}"] if last in wanted and head else []


def _same(a: str, b: str) -> bool:
    return name_key(a) == name_key(b) or phonetic_key(a) == phonetic_key(b)


class Units:
    """Syria's governorates and districts, to read a community's district name and give
    its governorate's code (the GeoNames codes of geo/admin1.csv)."""

    def __init__(self, admin: Path, geo: Path):
        self.codes = {}  # name_key(any governorate name) -> GeoNames code
        with (geo / "admin1.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["country"] == "SY":
                    for n in [row["name"], *row["aliases"].split("|")]:
                        self.codes[name_key(n)] = row["code"]
        self.governorates = {}
        for g in json.loads((admin / "governorates.json").read_text(encoding="utf-8")):
            names = [g["name"]["en"], g["name"]["ar"], *(a["value"] for a in g["aliases"])]
            code = next((self.codes[name_key(n)] for n in names if name_key(n) in self.codes), "")
            self.governorates[g["id"]] = code
        self.districts = json.loads((admin / "districts.json").read_text(encoding="utf-8"))
        self.subdistricts = json.loads((admin / "subdistricts.json").read_text(encoding="utf-8"))
        self.unit_names = {
            phonetic_key(n) for unit in [*self.districts, *self.subdistricts] for n in _names(unit)
        } | {phonetic_key(n) for n in self.codes}
        self._district = {}
        for d in self.districts:
            for n in _names(d):
                self._district.setdefault(phonetic_key(n), self.governorates[d["governorateId"]])

    def governorate_of_district(self, district: str) -> str:
        return self._district.get(phonetic_key(district), "")

    def governorate_named(self, name: str) -> str:
        return self.codes.get(name_key(name), "")


def _names(unit: dict) -> list[str]:
    return [unit["name"]["en"], unit["name"]["ar"], *(a["value"] for a in unit["aliases"])]


def _community(row: dict, units: Units) -> dict | None:
    if row.get("lat") in (None, "") or row.get("lon") in (None, ""):
        return None
    if row.get("sa_loc_only") == "TRUE":
        return _archive_place(row, units)
    en, ar = _parts(row["search_name_en"]), _parts(row["search_name_ar"].replace("_", " - "))
    if len(en) < 3:
        return None
    district, subdistrict = en[-1], en[-2]
    name = _QUALIFIER.sub("", en[0])
    units_named = [subdistrict, district, *ar[-2:], *(f"مركز {a}" for a in ar[-2:])]
    short = row["search_name_ar_short"].replace("_", " - ").replace("-", " - ")
    arabic = list(_parts(short))
    aliases = [*en[1:-2], *arabic]
    aliases = [
        a
        for a in dict.fromkeys(aliases)
        if not any(_same(a, u) for u in units_named) and phonetic_key(a) not in units.unit_names
    ]
    if ar and ar[0] not in aliases and not _same(ar[0], name):
        aliases.insert(0, ar[0])
    aliases += _part_spellings(name)
    return {
        "name": name,
        "aliases": "|".join(a for a in aliases if not _same(a, name)),
        "latitude": f"{float(row['lat']):.5f}",
        "longitude": f"{float(row['lon']):.5f}",
        "country": "SY",
        "admin1": units.governorate_of_district(district),
        "admin2": district,
        "admin3": subdistrict,
        "pcode": row.get("closest_geonames_post_code") or "",
        "precision": 1,
        "kind": "community",
        "source": "OCHA, via Syrian Archive",
    }


def _archive_place(row: dict, units: Units) -> dict | None:
    """The archive's own additions, written "GOVERNORATE : Name" (mostly city quarters)."""
    en = _ID.sub("", row["search_name_en"])
    if " : " not in en:
        return None
    governorate, name = (p.strip() for p in en.split(" : ", 1))
    short = _ID.sub("", row["search_name_ar_short"])
    arabic = short.split(" : ")[-1].strip() if " : " in short else ""
    return {
        "name": name,
        "aliases": arabic if arabic and not _same(arabic, name) else "",
        "latitude": f"{float(row['lat']):.5f}",
        "longitude": f"{float(row['lon']):.5f}",
        "country": "SY",
        "admin1": units.governorate_named(governorate.title()) or units.governorate_named(arabic),
        "admin2": "",
        "admin3": "",
        "pcode": "",
        "precision": 1,
        "kind": "quarter",
        "source": "Syrian Archive",
    }


def _admin_places(units: Units) -> list[dict]:
    out = []
    district_name = {d["id"]: d["name"]["en"] for d in units.districts}
    for kind, precision, rows in (
        ("district", 3, units.districts),
        ("sub-district", 2, units.subdistricts),
    ):
        for unit in rows:
            names = list(dict.fromkeys(n.strip() for n in _names(unit) if n.strip()))
            out.append(
                {
                    "name": f"{unit['name']['en']} {kind}",
                    "aliases": "|".join(names),
                    "latitude": f"{unit['centroid']['latitude']:.5f}",
                    "longitude": f"{unit['centroid']['longitude']:.5f}",
                    "country": "SY",
                    "admin1": units.governorates[unit["governorateId"]],
                    "admin2": unit["name"]["en"]
                    if kind == "district"
                    else district_name.get(unit["districtId"], ""),
                    "admin3": unit["name"]["en"] if kind == "sub-district" else "",
                    "pcode": "",
                    "precision": precision,
                    "kind": kind,
                    "source": "OpenSyria data-geography (CC BY 4.0)",
                }
            )
    return out


def _write(path: Path, header: str, rows: list[dict]) -> None:
    out = io.StringIO()
    out.write(header)
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def main(shared: Path, geo: Path) -> None:
    units = Units(shared / "admin", geo)
    rows = json.loads((shared / COMMUNITIES).read_text(encoding="utf-8"))
    communities = [c for c in (_community(r, units) for r in rows) if c]
    _write(geo / "syria-communities.csv", COMMUNITY_HEADER, communities)
    admin = _admin_places(units)
    _write(geo / "syria-admin.csv", ADMIN_HEADER, admin)
    without = sum(1 for c in communities if not c["admin1"])
    print(
        f"{len(communities):,} communities ({without} without a governorate) and "
        f"{len(admin):,} districts and sub-districts written to {geo}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "geo")
