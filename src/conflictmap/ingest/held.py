"""Rows held back for their place, and the analyst's choice of it: a candidate the
gazetteer offered, another name, or a point on the map (see ``Workspace.resolve``)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from conflictmap.errors import InputError
from conflictmap.gazetteer import Gazetteer
from conflictmap.gazetteer.chosen import Choice
from conflictmap.gazetteer.model import Place, distance_km_between
from conflictmap.i18n.catalogue import msg
from conflictmap.ingest.geocode import HELD
from conflictmap.names import name_key
from conflictmap.schema import NAMES
from conflictmap.store import to_geoframe

NEAR_KM = 15.0  # a clicked point takes the admin units of a village this close


def source_name(source: str) -> str:
    """A gazetteer source's short name: "OCHA, via Syrian Archive" is "OCHA"."""
    return re.split(r" \(|[;,]", str(source or ""), maxsplit=1)[0].strip()


def from_candidate(candidate: dict) -> Choice:
    """A candidate as stored with a row to check (``ingest.geocode.candidates_json``)."""
    source = source_name(candidate.get("source"))
    return Choice(
        float(candidate["latitude"]),
        float(candidate["longitude"]),
        str(candidate.get("country") or ""),
        str(candidate.get("admin1") or ""),
        str(candidate.get("admin2") or ""),
        str(candidate.get("admin3") or ""),
        int(candidate.get("precision") or 1),
        f"{source}: {candidate['name']}" if source else str(candidate["name"]),
    )


def from_name(gaz: Gazetteer, name: str, country: str = "", admin1: str = "") -> Choice:
    """The place another name (a spelling the gazetteer knows) stands for."""
    match = gaz.lookup(name, country, admin1)
    if match.place is None:
        raise InputError(
            msg(
                "'{name}' is not in the gazetteer either. Try another spelling, choose a "
                "candidate, or click the place on the map.",
                name=name,
            )
        )
    return _of_place(match.place, f"{source_name(match.place.source)}: {match.place.name}")


def from_point(gaz: Gazetteer, latitude: float, longitude: float, country: str = "") -> Choice:
    """A point clicked or typed; its admin units are those of the nearest place within
    ``NEAR_KM`` (so the name is found again for rows of the same governorate)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # NaN fails it too
        raise InputError(
            msg(
                "{latitude}, {longitude} is not a point on Earth: give latitude (-90 to 90) "
                "then longitude (-180 to 180).",
                latitude=latitude,
                longitude=longitude,
            )
        )
    code = gaz.countries.get(name_key(country), "") if country else ""
    near = _nearest(gaz, latitude, longitude, code)
    label = "a point on the map"
    if near is None:  # far from every village: the country of the nearest place
        far = _nearest(gaz, latitude, longitude, code, math.inf)
        return Choice(latitude, longitude, code or (far.country if far else ""), label=label)
    return Choice(
        latitude,
        longitude,
        near.country,
        near.admin1,
        near.admin2,
        near.admin3,
        1,
        f"{label}, near {near.name}",
    )


def _nearest(
    gaz: Gazetteer, latitude: float, longitude: float, country: str, within: float = NEAR_KM
) -> Place | None:
    """The nearest village (precision 1) of the country within ``within`` km, if any."""
    villages = [p for p in gaz.places if p.precision == 1 and (not country or p.country == country)]
    km = {p: distance_km_between(latitude, longitude, p.latitude, p.longitude) for p in villages}
    best = min(km, key=km.get, default=None)
    return best if best is not None and km[best] < within else None


def _of_place(place: Place, label: str) -> Choice:
    return Choice(
        place.latitude,
        place.longitude,
        place.country,
        place.admin1,
        place.admin2,
        place.admin3,
        place.precision,
        label,
    )


def held_frame(records: pd.Series, choice: Choice, geocoded_by: str) -> pd.DataFrame:
    """The held rows (their stored JSON), typed as an import's rows, placed at the choice;
    a row held by several batches (the same file imported twice) comes once, newest."""
    rows = pd.DataFrame([json.loads(r) for r in records], columns=list(NAMES))
    rows = rows.drop_duplicates("incident_id", keep="last").reset_index(drop=True)
    rows["latitude"], rows["longitude"] = choice.latitude, choice.longitude
    rows["geo_precision"] = [
        max(choice.precision, int(p) if pd.notna(p) else 1) for p in rows["geo_precision"]
    ]
    rows["geocoded_by"] = geocoded_by
    return pd.DataFrame(to_geoframe(rows).drop(columns="geometry"))


@dataclass(frozen=True)
class PlaceToCheck:
    """One name of the list: its rows (pending ids), why, and the candidates offered."""

    place: str
    country: str
    admin1: str
    admin2: str
    problem: str  # ingest.geocode's NOT_FOUND, REFUSED, AMBIGUOUS or CLOSE
    ids: tuple[int, ...]
    held: int  # rows not imported yet
    imported: int  # rows imported at a point to check
    candidates: tuple[dict, ...]
    rows: pd.DataFrame = field(repr=False, compare=False)

    @property
    def where(self) -> str:
        """Its country and admin units as the rows write them ("Syria, Deir ez-Zor")."""
        return ", ".join(x for x in (self.country, self.admin1, self.admin2) if x)

    def to_dict(self) -> dict:
        return {
            "place": self.place,
            "country": self.country,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "problem": self.problem,
            "held": self.held,
            "imported": self.imported,
            "pending_ids": list(self.ids),
            "batches": sorted({int(b) for b in self.rows["batch_id"]}),
            "lines": [int(n) for n in self.rows["line"]],
            "candidates": list(self.candidates),
        }


GROUP = ["place", "country", "admin1", "admin2"]


def places_to_check(pending: pd.DataFrame) -> list[PlaceToCheck]:
    """The store's pending rows by name as written (with its country and admin units),
    the names holding rows back first, then the most rows."""
    if pending.empty:
        return []
    frame = pending.assign(**{c: pending[c].fillna("") for c in GROUP})
    out = []
    for key, rows in frame.groupby(GROUP, sort=False):
        seen, candidates = set(), []
        for text in rows["candidates"].dropna():
            for candidate in json.loads(text):
                point = (round(candidate["latitude"], 4), round(candidate["longitude"], 4))
                if point not in seen:
                    seen.add(point)
                    candidates.append(candidate)
        held = int((rows["state"] == HELD).sum())
        out.append(
            PlaceToCheck(
                *key,
                problem=str(rows["problem"].iloc[0]),
                ids=tuple(int(i) for i in rows["id"]),
                held=held,
                imported=len(rows) - held,
                candidates=tuple(candidates),
                rows=rows.reset_index(drop=True),
            )
        )
    return sorted(out, key=lambda g: (g.held == 0, -len(g.ids), g.place))


def held_records(rows: pd.DataFrame) -> pd.DataFrame:
    """What the held rows say (date, actors, deaths, notes), to recognise the place by."""
    shown = ["event_date", "actor1", "actor2", "fatalities", "notes"]
    records = [json.loads(r) if isinstance(r, str) else {} for r in rows["record"]]
    said = pd.DataFrame(records, columns=list(NAMES)).reindex(columns=shown)
    return pd.concat([rows[["batch_id", "file", "line", "state"]], said], axis=1)
