"""How good are the drafts? Precision and recall of ``extract`` against hand-coded reports.

A test set is a folder of report texts and an ``expected.json`` coding each report's
incidents as an analyst would (see ``tests/data/reports``). Drafted incidents are paired
with expected ones at the same place (within 10 km), preferring the same event type
and the closest date; then each field is scored:

- places: a drafted incident paired with an expected one;
- dates: paired, and the date within the expected precision (same day; 7 days for
  precision 2; 31 for 3), and the last day too when the expected one has a range;
- actors: the factions of the two sides, counted per side;
- fatalities: paired and the same count, over incidents that state a count.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from conflictmap.extract.candidates import Candidate, extract
from conflictmap.gazetteer import Place, distance_km
from conflictmap.names import is_arabic

PAIR_KM = 10.0
_DAYS = {1: 0, 2: 7, 3: 31}
FIELDS = ("places", "dates", "actors", "fatalities", "event types")


@dataclass
class Tally:
    hits: Counter = field(default_factory=Counter)
    drafted: Counter = field(default_factory=Counter)
    expected: Counter = field(default_factory=Counter)
    reports: int = 0
    words: int = 0
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.hits += other.hits
        self.drafted += other.drafted
        self.expected += other.expected
        self.reports += other.reports
        self.words += other.words
        self.seconds += other.seconds

    def precision(self, name: str) -> float:
        return self.hits[name] / self.drafted[name] if self.drafted[name] else 1.0

    def recall(self, name: str) -> float:
        return self.hits[name] / self.expected[name] if self.expected[name] else 1.0


def _sides(c: Candidate, factions) -> list[str]:
    actor1, _, actor2, _ = c.sides()
    return [factions.of_actor(a) for a in (actor1, actor2) if a]


def _pairs(drafted: list[Candidate], expected: list[dict], places: list[Place]):
    options = []
    for i, c in enumerate(drafted):
        for j, (e, place) in enumerate(zip(expected, places, strict=True)):
            if c.place is None or distance_km(c.place.place, place) > PAIR_KM:
                continue
            days = abs((c.event_date - dt.date.fromisoformat(e["date"])).days)
            options.append((c.event_type != e["event_type"], days, i, j))
    used_i, used_j, out = set(), set(), []
    for _, _, i, j in sorted(options):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((drafted[i], expected[j]))
    return out


def score_report(text: str, coded: dict, gaz, factions, lex) -> Tally:
    published = dt.date.fromisoformat(coded["published"])
    started = time.perf_counter()
    drafted = [c for c in extract(text, published, gaz, factions, lex) if c.include]
    tally = Tally(reports=1, words=len(text.split()), seconds=time.perf_counter() - started)
    expected = coded["incidents"]
    places = []
    for e in expected:
        match = gaz.lookup(e["place"])
        if match.place is None:
            raise ValueError(f"expected place {e['place']!r} is not in the gazetteer")
        places.append(match.place)
    for name in ("places", "dates", "event types"):
        tally.drafted[name] += len(drafted)
        tally.expected[name] += len(expected)
    tally.drafted["actors"] += sum(len(_sides(c, factions)) for c in drafted)
    tally.expected["actors"] += sum(len(e["sides"]) for e in expected)
    tally.drafted["fatalities"] += sum(c.fatalities is not None for c in drafted)
    tally.expected["fatalities"] += sum(e["fatalities"] is not None for e in expected)
    for c, e in _pairs(drafted, expected, places):
        tally.hits["places"] += 1
        tolerance = _DAYS[e.get("precision", 1)]
        first_ok = abs((c.event_date - dt.date.fromisoformat(e["date"])).days) <= tolerance
        last = dt.date.fromisoformat(e.get("end", e["date"]))
        last_ok = "end" not in e or abs((c.end_date - last).days) <= tolerance
        tally.hits["dates"] += first_ok and last_ok
        tally.hits["actors"] += sum((Counter(_sides(c, factions)) & Counter(e["sides"])).values())
        tally.hits["event types"] += c.event_type == e["event_type"]
        tally.hits["fatalities"] += e["fatalities"] is not None and c.fatalities == e["fatalities"]
    return tally


def score_folder(folder: Path, gaz, factions, lex, seed: Path | None = None) -> dict[str, Tally]:
    """Tallies by language ('ar', 'en'), 'all' of those, and 'held-out' (reports written
    after the rules were last tuned, kept apart). ``seed:`` entries read from ``seed``."""
    coded = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    out = {"all": Tally()}
    for name, expected in coded.items():
        if name.startswith("_"):
            continue
        if name.startswith("seed:"):
            if seed is None or not (seed / name[5:]).exists():
                continue
            path = seed / name[5:]
        else:
            path = folder / name
        text = path.read_text(encoding="utf-8")
        tally = score_report(text, expected, gaz, factions, lex)
        if expected.get("held_out"):
            out.setdefault("held-out", Tally()).add(tally)
            continue
        language = "ar" if is_arabic(text) else "en"
        out.setdefault(language, Tally()).add(tally)
        out["all"].add(tally)
    return out


def table(tallies: dict[str, Tally]) -> str:
    lines = [
        "| set | reports | field | precision | recall | hits | drafted | expected |",
        "|-----|--------:|-------|----------:|-------:|-----:|--------:|---------:|",
    ]
    for name, tally in tallies.items():
        for f in FIELDS:
            lines.append(
                f"| {name} | {tally.reports} | {f} | {tally.precision(f):.2f} | "
                f"{tally.recall(f):.2f} | {tally.hits[f]} | {tally.drafted[f]} | "
                f"{tally.expected[f]} |"
            )
    return "\n".join(lines)


# -- real reports coded by hand (``../shared/data/reports``: a list, one entry a report) --

SAME_DAYS = 1  # a drafted incident is a coded one at the same place, within a day


@dataclass
class RealTally:
    """Incidents found in real reports, and how right the found ones are."""

    reports: int = 0
    expected: int = 0
    drafted: int = 0
    matched: int = 0
    unplaced: int = 0  # coded incidents whose place the gazetteer does not know
    right: Counter = field(default_factory=Counter)  # per field, over matched incidents

    def add(self, other: RealTally) -> None:
        for name in ("reports", "expected", "drafted", "matched", "unplaced"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.right += other.right

    @property
    def precision(self) -> float:
        return self.matched / self.drafted if self.drafted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def share(self, name: str) -> float:
        return self.right[name] / self.matched if self.matched else 0.0


REAL_FIELDS = ("date", "groups", "event type", "fatalities")


def _coded_place(gaz, incident: dict, context=()) -> Place | None:
    """The coded place: the name (English or Arabic) the gazetteer knows as written
    before one it only reads as another spelling ("Al-Suwai'ah" is not Aş Şuwayrah when
    "السويعية" is Sweiyeh)."""
    found = [
        gaz.lookup(name, context=context)
        for name in (incident.get("location"), incident.get("location_ar"))
        if name
    ]
    found = [f for f in found if f.place is not None]
    chosen = [f for f in found if f.method in ("exact", "alias")] or found
    return chosen[0].place if chosen else None


def _coded_places(gaz, incidents: list[dict]) -> list[Place | None]:
    """The coded places; a name with namesakes, or only close to a gazetteer name, is the
    one nearest the report's other coded places, as a coder reading the report would
    place it (a close spelling does not place the others: "Al-Muraiyah" is not Jordan's
    Al Murayghah because nothing else is near it)."""
    sure = []
    for incident in incidents:
        for name in (incident.get("location"), incident.get("location_ar")):
            found = gaz.lookup(name or "")
            if (
                found.place is not None
                and not found.ambiguous
                and found.place.precision == 1
                and found.method != "fuzzy"
            ):
                sure.append((found.place.latitude, found.place.longitude))
    return [_coded_place(gaz, incident, tuple(sure)) for incident in incidents]


def _groups(names, factions) -> Counter:
    return Counter(factions.of_actor(n) or "?" for n in names if n)


def score_real(text: str, coded: dict, gaz, factions, lex) -> RealTally:
    published = dt.date.fromisoformat(coded["published"])
    drafted = [c for c in extract(text, published, gaz, factions, lex) if c.include]
    expected = coded["incidents"]
    tally = RealTally(reports=1, expected=len(expected), drafted=len(drafted))
    places = _coded_places(gaz, expected)
    tally.unplaced = sum(p is None for p in places)
    options = []
    for i, c in enumerate(drafted):
        for j, (e, place) in enumerate(zip(expected, places, strict=True)):
            if c.place is None or place is None or distance_km(c.place.place, place) > PAIR_KM:
                continue
            days = abs((c.event_date - dt.date.fromisoformat(e["date"])).days)
            if days <= SAME_DAYS:
                options.append((days, i, j))
    used_i, used_j = set(), set()
    for _, i, j in sorted(options):
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        c, e = drafted[i], expected[j]
        actor1, _, actor2, _ = c.sides()
        tally.matched += 1
        tally.right["date"] += c.event_date == dt.date.fromisoformat(e["date"])
        wanted = _groups((e.get("actor1"), e.get("actor2")), factions)
        tally.right["groups"] += _groups((actor1, actor2), factions) == wanted
        tally.right["event type"] += c.event_type == e.get("event_type")
        tally.right["fatalities"] += c.fatalities == e.get("fatalities")
    return tally


def score_real_folder(folder: Path, gaz, factions, lex) -> dict[str, RealTally]:
    """Tallies by the reports' language and over all of them."""
    coded = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    out = {"all": RealTally()}
    for entry in coded:
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        tally = score_real(text, entry, gaz, factions, lex)
        language = entry.get("language") or ("ar" if is_arabic(text) else "en")
        out.setdefault(language, RealTally()).add(tally)
        out["all"].add(tally)
    return out


def real_table(tallies: dict[str, RealTally]) -> str:
    lines = [
        "| set | reports | coded | drafted | matched | precision | recall | "
        + " | ".join(f"right {f}" for f in REAL_FIELDS)
        + " |",
        "|-----|--------:|------:|--------:|--------:|----------:|-------:|"
        + "---------:|" * len(REAL_FIELDS),
    ]
    for name, t in sorted(tallies.items(), key=lambda kv: kv[0] == "all"):
        lines.append(
            f"| {name} | {t.reports} | {t.expected} | {t.drafted} | {t.matched} | "
            f"{t.precision:.2f} | {t.recall:.2f} | "
            + " | ".join(f"{t.share(f):.2f}" for f in REAL_FIELDS)
            + " |"
        )
    return "\n".join(lines)
