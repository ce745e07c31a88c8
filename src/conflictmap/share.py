"""A view as a link: the filters, the map's extent and the chosen incident live in the
query string, so an analyst can send a URL that opens the same view.

    ?from=2018-06-01&to=2018-06-30&faction=Iran-backed+militias&type=Battles&min=1
     &view=34.30,40.70,34.60,41.10&incident=acled:SYR123&area=34.4,40.9;34.5,40.9;...
     &basemap=none&heat=1&cluster=0&uncertain=0&play=week&mode=cumulative&at=2&lang=ar

Only what differs from "everything" is written. A link naming something this store does
not know (a faction, an event type, a date outside the data) keeps the rest and says
what it ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from conflictmap.filters import Filters


@dataclass(frozen=True)
class Look:
    """How the map draws: basemap, layers, playback, language (defaults are not written)."""

    basemap: str = ""  # "" = the configured default
    heat: bool = False
    cluster: bool = True
    uncertain: bool = True
    play: str = ""  # "", or the playback step: day, week, month
    mode: str = "window"  # or cumulative
    at: int = 0  # the playback frame
    lang: str = "en"
    aggregate: str = "auto"  # auto, hexagons, or the name of a boundary layer (areas)
    measure: str = "incidents"  # what areas are coloured by: incidents or fatalities


SWITCHES = ("heat", "cluster", "uncertain")
CHOICES = {
    "play": ("day", "week", "month"),
    "mode": ("window", "cumulative"),
    "lang": ("en", "ar"),
    "measure": ("incidents", "fatalities"),
}


def _look(params: dict[str, list[str]], ignored: list[str]) -> Look:
    values = {}
    for key in SWITCHES:
        text = (params.get(key) or [""])[-1]
        if text in ("0", "1"):
            values[key] = text == "1"
        elif text:
            ignored.append(f"{key}={text} (use 0 or 1)")
    for key, allowed in CHOICES.items():
        text = (params.get(key) or [""])[-1]
        if text in allowed:
            values[key] = text
        elif text:
            ignored.append(f"{key}={text} (use {' or '.join(allowed)})")
    for key in ("basemap", "aggregate"):  # checked against what exists by the app
        if text := (params.get(key) or [""])[-1]:
            values[key] = text[:200]
    if text := (params.get("at") or [""])[-1]:
        if text.isdigit():
            values["at"] = int(text)
        else:
            ignored.append(f"at={text} (a playback frame number)")
    return Look(**values)


def look_params(look: Look, basemap_default: str) -> dict[str, str]:
    """The query-string part of a ``Look`` (only what differs from the defaults)."""
    out = {}
    if look.basemap and look.basemap != basemap_default:
        out["basemap"] = look.basemap
    for key in SWITCHES:
        if getattr(look, key) != getattr(Look, key):
            out[key] = "1" if getattr(look, key) else "0"
    if look.play:
        out["play"] = look.play
        if look.mode != Look.mode:
            out["mode"] = look.mode
        if look.at:
            out["at"] = str(look.at)
    if look.lang != Look.lang:
        out["lang"] = look.lang
    if look.aggregate != Look.aggregate:
        out["aggregate"] = look.aggregate
        if look.measure != Look.measure:
            out["measure"] = look.measure
    return out


@dataclass
class Shared:
    """The widget values a link asks for, and what it asked for that could not be used."""

    dates: tuple[dt.date, dt.date]
    factions: list[str]
    types: list[str]
    least: int = 0
    view: tuple[float, float, float, float] | None = None
    incident: str = ""
    area: tuple[tuple[float, float], ...] | None = None
    ignored: list[str] = field(default_factory=list)
    look: Look = Look()


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


class _Reader:
    """Reads a query string's values, noting each one it cannot use (and why)."""

    def __init__(self, params: dict[str, list[str]]):
        self.params, self.ignored = params, []

    def one(self, key: str) -> str:
        values = self.params.get(key) or [""]
        return values[-1]

    def day(self, key: str, default: dt.date, first: dt.date, last: dt.date) -> dt.date:
        text = self.one(key)
        if not text:
            return default
        value = _date(text)
        if value is None:
            self.ignored.append(f"{key}={text} (not a YYYY-MM-DD date)")
            return default
        if not first <= value <= last:
            self.ignored.append(f"{key}={text} (the data runs from {first} to {last})")
            return min(max(value, first), last)
        return value

    def chosen(self, key: str, known: list[str]) -> list[str]:
        asked = self.params.get(key) or []
        for value in asked:
            if value not in known:
                self.ignored.append(f"{key}={value} (not in this store)")
        kept = [v for v in known if v in asked]
        return kept if asked and kept else list(known)

    def least(self) -> int:
        text = self.one("min")
        if text and not text.isdigit():
            self.ignored.append(f"min={text} (not a whole number)")
        return int(text) if text.isdigit() else 0

    def view(self) -> tuple[float, float, float, float] | None:
        if not (text := self.one("view")):
            return None
        try:
            south, west, north, east = (float(v) for v in text.split(","))
            if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
                raise ValueError
            return (south, west, north, east)
        except ValueError:
            self.ignored.append(f"view={text} (give south,west,north,east in degrees)")
            return None

    def area(self) -> tuple[tuple[float, float], ...] | None:
        if not (text := self.one("area")):
            return None
        try:
            ring = tuple(
                (float(lon), float(lat))
                for lat, lon in (pair.split(",") for pair in text.split(";"))
            )
            if len(ring) < 4 or any(abs(y) > 90 or abs(x) > 180 for x, y in ring):
                raise ValueError
            return ring
        except ValueError:
            self.ignored.append(f"area={text[:60]} (give lat,lon;lat,lon;... around the area)")
            return None


def from_params(
    params: dict[str, list[str]],
    first: dt.date,
    last: dt.date,
    factions: list[str],
    types: list[str],
) -> Shared:
    """Widget values from a query string (``key -> all its values``)."""
    read = _Reader(params)
    start, end = read.day("from", first, first, last), read.day("to", last, first, last)
    if end < start:
        read.ignored.append(f"from={start} is after to={end}; the two were swapped")
        start, end = end, start
    return Shared(
        (start, end),
        read.chosen("faction", factions),
        read.chosen("type", types),
        read.least(),
        read.view(),
        read.one("incident").strip(),
        read.area(),
        read.ignored,
        _look(params, read.ignored),
    )


def to_params(
    filters: Filters,
    first: dt.date,
    last: dt.date,
    view: tuple[float, float, float, float] | None = None,
    incident: str = "",
) -> dict[str, str | list[str]]:
    """The query string of a view (only what narrows it)."""
    out: dict[str, str | list[str]] = {}
    if filters.date_from and filters.date_from != first:
        out["from"] = filters.date_from.isoformat()
    if filters.date_to and filters.date_to != last:
        out["to"] = filters.date_to.isoformat()
    if filters.factions is not None:
        out["faction"] = list(filters.factions)
    if filters.event_types is not None:
        out["type"] = list(filters.event_types)
    if filters.min_fatalities:
        out["min"] = str(filters.min_fatalities)
    if filters.area:
        out["area"] = ";".join(f"{lat:.5f},{lon:.5f}" for lon, lat in filters.area)
    if view:
        out["view"] = ",".join(f"{v:.4f}" for v in view)
    if incident:
        out["incident"] = incident
    return out
