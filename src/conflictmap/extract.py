"""A first draft of incidents from a news report (Arabic or English).

The analyst pastes a report with its publication date; ``extract`` returns candidate
incidents for them to correct: when (relative expressions resolved against the
publication date, with the precision they imply), where (gazetteer places found in the
text, "east of X" as a region), who (actor names from the faction table), what (ACLED
event type from cue words), how many killed, and the sentences each came from.

The words it knows are data: ``data/extract.toml`` (time expressions, cue words,
number words), ``data/factions.csv`` (actors), ``geo/*.csv`` (places). The method is
deliberately plain and explainable: every value carries the text it was read from.

Sentences are read in order. A sentence with a cue word, a new time expression or a
new place starts a new incident; one that only adds detail (a count, the place of an
incident that had none, "those clashes ...") is merged into the incident before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from conflictmap.csvfile import csv_bytes
from conflictmap.dates import MONTH_NAMES
from conflictmap.errors import InputError
from conflictmap.factions import Factions, load_factions, match_form
from conflictmap.gazetteer import Gazetteer, Place, load_gazetteer
from conflictmap.i18n import N_
from conflictmap.names import fold_with_offsets, is_arabic, name_key, normalise_arabic
from conflictmap.schema import NAMES
from conflictmap.settings import Settings
from conflictmap.text import html_text

DAY, WEEK, MONTH = "day", "week", "month"
_UNIT_DAYS = {DAY: 1, WEEK: 7, MONTH: 30}
_GENERIC_HEADS = {
    "قوات",
    "ميليشيا",
    "ميليشيات",
    "مليشيا",
    "مليشيات",
    "نظام",
    "force",
    "militia",
    "regime",
    "government",
}
EVENT_PRIORITY = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Strategic developments",
    "Protests",
)


def _fold(pattern: str) -> str:
    return normalise_arabic(pattern)


def _alternation(words) -> str:
    return "|".join(re.escape(_fold(w).lower()) for w in sorted(words, key=len, reverse=True))


# --- the rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeRule:
    regex: re.Pattern
    kind: str  # ago | run | span
    unit: str
    count: int | None
    precision: int
    anchor: str  # published | previous


@dataclass(frozen=True)
class EventRule:
    regex: re.Pattern
    event_type: str
    sub_event_type: str


@dataclass(frozen=True)
class Lexicon:
    skip_lines: re.Pattern
    dateline: re.Pattern
    sentence_end: re.Pattern
    numbers: dict[str, int]
    vague: dict[str, int]
    ordinals: dict[str, int]
    number_re: str
    ordinal_re: str
    times: tuple[TimeRule, ...]
    weekdays: dict[str, int]
    weekday_re: re.Pattern
    date_re: re.Pattern
    events: tuple[EventRule, ...]
    killed: re.Pattern
    killed_two: re.Pattern
    killed_unknown: re.Pattern
    killed_none: re.Pattern
    near_before: re.Pattern
    place_before: re.Pattern
    origin_before: re.Pattern
    same_place: re.Pattern
    directions: tuple[tuple[str, re.Pattern, re.Pattern], ...]
    not_places: frozenset[str]
    min_population: int

    def value(self, text: str) -> int | None:
        """The number a digit string or number words (`خمسة وعشرين`, `twenty-five`) say."""
        text = text.strip()
        if text.isdigit():
            return int(text)
        if text in self.numbers:
            return self.numbers[text]
        parts = [p for p in re.split(r"\s*-\s*|\s+و?", text) if p]
        if parts and all(p in self.numbers for p in parts):
            return sum(self.numbers[p] for p in parts)
        return None


def _words_re(words, arabic_prefix: bool = True) -> str:
    """Whole words; Arabic ones may carry a conjunction/preposition/article prefix."""
    prefix = r"(?:[وف]?(?:بال|لل|ال|ب|ل|ك)?)" if arabic_prefix else ""
    return rf"(?<!\w){prefix}(?:{_alternation(words)})(?!\w)"


def _load(path: Path) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    numbers = {_fold(k).lower(): v for lang in data["numbers"].values() for k, v in lang.items()}
    vague = {_fold(k).lower(): v for lang in data["vague"].values() for k, v in lang.items()}
    ordinals = {_fold(k).lower(): v for lang in data["ordinals"].values() for k, v in lang.items()}
    word = f"(?:{_alternation(numbers)})"
    number_re = rf"(?:\d+|{word}(?:\s*(?:و\s*|-|\s)\s*{word})?)"
    ordinal_re = f"(?:{_alternation(ordinals)})"

    def timed(pattern: str) -> re.Pattern:
        pattern = _fold(pattern)
        counter = iter(range(100))
        pattern = re.sub(r"\{n\}", lambda _: rf"(?P<n{next(counter)}>{number_re})", pattern)
        pattern = re.sub(r"\{ord\}", lambda _: rf"(?P<o{next(counter)}>{ordinal_re})", pattern)
        return re.compile(rf"(?<!\w)[وف]?(?:{pattern})(?!\w)")

    times = tuple(
        TimeRule(
            timed(rule["pattern"]),
            rule["kind"],
            rule["unit"],
            rule.get("count"),
            int(rule["precision"]),
            rule.get("anchor", "published"),
        )
        for rule in data["time"]
    )
    weekdays = {
        _fold(name).lower(): i
        for names in data["weekdays"].values()
        for i, name in enumerate(names)
    }
    months = "|".join(re.escape(m) for m in sorted(MONTH_NAMES, key=len, reverse=True))
    killed = data["killed"]
    places = data["places"]
    directions = tuple(
        (
            d["name"],
            re.compile(rf"(?:{_alternation(d['before'])})\s*$"),
            re.compile("|".join(_fold(a).lower() for a in d.get("after", [])) or r"(?!x)x"),
        )
        for d in data["direction"]
    )
    between = r"(?:\s+(?:at least|about|nearly|some|نحو|حوالي|اكثر من|ما لا يقل عن))?"
    return Lexicon(
        dateline=re.compile(data.get("dateline", r"(?!x)x")),
        skip_lines=re.compile("|".join(_fold(s).lower() for s in data["skip_lines"])),
        sentence_end=re.compile(data["sentence_end"]),
        numbers=numbers,
        vague=vague,
        ordinals=ordinals,
        number_re=number_re,
        ordinal_re=ordinal_re,
        times=times,
        weekdays=weekdays,
        weekday_re=re.compile(rf"(?<!\w)(?:يوم |on |last )(?P<day>{_alternation(weekdays)})(?!\w)"),
        date_re=re.compile(
            rf"(?<!\w)(?:(?P<d1>\d{{1,2}}) (?:من )?(?P<m1>{months})"
            rf"|(?P<m2>{months}) (?P<d2>\d{{1,2}}))(?:,? (?P<y>\d{{4}}))?(?!\w)"
        ),
        events=tuple(
            EventRule(re.compile(_words_re(rule["words"])), rule["type"], rule["sub_event_type"])
            for rule in data["event"]
        ),
        killed=re.compile(
            rf"(?<!\w)[وف]?(?:(?P<a>{number_re}|{_alternation(vague)})(?:[\s\-]+\w+){{0,4}}?\s+"
            rf"[وف]?(?:{_alternation(killed['after'])})"
            rf"|[وف]?[بل]?(?:{_alternation(killed['before'])}){between}\s+(?:[^\W\d]+\s+)??(?P<b>{number_re}|{_alternation(vague)}))"
            r"(?!\w)"
        ),
        killed_two=re.compile(_words_re(killed["two"])),
        killed_unknown=re.compile(_words_re(killed["unknown"])),
        killed_none=re.compile(_words_re(killed.get("none", []))),
        near_before=re.compile(
            rf"(?:{_alternation(places.get('near_before', []))})(?:\s+the)?\s*$"
        ),
        place_before=re.compile(rf"(?:{_alternation(places['place_before'])})\s*$"),
        origin_before=re.compile(rf"(?:{_alternation(places['origin_before'])})\s*$"),
        same_place=re.compile(_words_re(places["same_place"], arabic_prefix=False)),
        directions=directions,
        not_places=frozenset(name_key(w) for w in places["not_places"]),
        min_population=int(places.get("min_population", 0)),
    )


@lru_cache(maxsize=4)
def _cached(path: Path, _stamp: int) -> Lexicon:
    try:
        return _load(path)
    except (tomllib.TOMLDecodeError, re.error, KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"{path}: the extraction rules cannot be read ({type(exc).__name__}: {exc}). "
            "Fix the file (it is TOML; patterns are regular expressions)."
        ) from None


def load_lexicon(path: Path) -> Lexicon:
    """The rules in ``path``, re-read when the file changes."""
    return _cached(path, path.stat().st_mtime_ns)


MAX_REPORT_CHARS = 200_000


def draft(text: str, published: dt.date, source: str, settings: Settings) -> list[dict]:
    """Candidate incidents of a report, as rows for the analyst to correct."""
    if len(text) > MAX_REPORT_CHARS:
        raise InputError(
            f"The report is {len(text):,} characters; the limit is {MAX_REPORT_CHARS:,}. "
            "Paste one article at a time."
        )
    gaz = load_gazetteer(settings)
    factions = load_factions(settings.factions_file)
    lex = load_lexicon(settings.lexicon_file)
    return candidate_rows(text, published, source, gaz, factions, lex)


# --- what a sentence says ----------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A piece of the report (offsets into the original text) and what it was read as."""

    kind: str  # time, place, origin, actor, event, killed
    start: int
    end: int
    text: str
    meaning: str

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "meaning": self.meaning,
        }


@dataclass
class Found:
    place: Place
    precision: int
    label: str  # how the text named it
    direction: str = ""
    near: bool = False
    written: str = ""  # the words of the report, for the location column

    @property
    def location(self) -> str:
        """A name the gazetteer reads back as this place (the import geocodes it)."""
        if self.direction and self.place.precision == 3:
            return self.place.name  # a region of its own ("Eastern Deir ez-Zor countryside")
        written = self.written or self.place.name
        return f"near {written}" if self.near else written

    @property
    def rank(self) -> int:
        """How specific the place itself is ("near X" is as specific as X)."""
        return self.precision - self.near


@dataclass
class Reading:
    start: int
    end: int
    spans: list[Span] = field(default_factory=list)
    time: tuple[dt.date, dt.date, int, str] | None = None
    places: list[Found] = field(default_factory=list)
    same_place: bool = False
    actors: list[tuple[str, str]] = field(default_factory=list)  # (table form, faction)
    event: EventRule | None = None
    killed: int | None = None
    killed_note: str = ""


class _Text:
    """The report, folded for matching, with a map back to the original offsets."""

    def __init__(self, text: str):
        self.original = text
        self.folded, self.where = fold_with_offsets(text)

    def span(self, kind: str, start: int, end: int, meaning: str) -> Span:
        a, b = self.where[start], self.where[end - 1] + 1 if end > start else self.where[start]
        return Span(kind, a, b, self.original[a:b], meaning)


def _sentences(text: _Text, lex: Lexicon) -> list[tuple[int, int]]:
    """(start, end) of each sentence in the folded text. Headline lines at the top (no
    sentence punctuation) and a dateline before the first sentence are left out."""
    out = []
    body = False
    for line in re.finditer(r"[^\n]+", text.folded):
        if lex.skip_lines.search(line.group().strip()):
            continue
        start = line.start()
        if not body:
            if not lex.sentence_end.search(line.group()):
                continue
            body = True
            if dateline := lex.dateline.match(line.group()):
                start += dateline.end()
        for end in lex.sentence_end.finditer(line.group()):
            out.append((start, line.start() + end.end()))
            start = line.start() + end.end()
        if start < line.end() and line.start() + len(line.group().rstrip()) > start:
            out.append((start, line.end()))
    return [(a, b) for a, b in out if re.search(r"\w", text.folded[a:b])]


def _shift(published: dt.date, rule: TimeRule, n: int, anchor: dt.date) -> tuple:
    base = anchor if rule.anchor == "previous" else published
    step = dt.timedelta(days=_UNIT_DAYS[rule.unit])
    if rule.kind == "ago":
        day = base - n * step
        return day, day
    if rule.kind == "run":
        return base - (n - 1) * step, base
    return base - n * step, base  # span


def _read_time(text: _Text, a: int, b: int, lex: Lexicon, published, anchor, reading) -> None:
    chunk = text.folded[a:b]
    for rule in lex.times:
        found = rule.regex.search(chunk)
        if not found:
            continue
        groups = {k: v for k, v in found.groupdict().items() if v}
        n = rule.count
        for name, value in groups.items():
            n = lex.ordinals.get(value) if name.startswith("o") else lex.value(value)
        if n is None:
            continue
        first, last = _shift(published, rule, n, anchor)
        label = f"{first:%Y-%m-%d}" + (f" to {last:%Y-%m-%d}" if last != first else "")
        reading.time = (first, last, rule.precision, found.group())
        reading.spans.append(text.span("time", a + found.start(), a + found.end(), label))
        return
    found = lex.weekday_re.search(chunk)
    if found:
        back = (published.weekday() - lex.weekdays[found["day"]]) % 7
        when = published - dt.timedelta(days=back)
        reading.time = (when, when, 1, found.group())
        reading.spans.append(text.span("time", a + found.start(), a + found.end(), f"{when}"))
        return
    found = lex.date_re.search(chunk)
    if found:
        month = MONTH_NAMES[found["m1"] or found["m2"]]
        day, year = int(found["d1"] or found["d2"]), int(found["y"] or published.year)
        try:
            when = dt.date(year, month, day)
        except ValueError:
            return
        if not found["y"] and when > published:
            when = when.replace(year=year - 1)
        reading.time = (when, when, 1, found.group())
        reading.spans.append(text.span("time", a + found.start(), a + found.end(), f"{when}"))
        return


def _event(text: _Text, a: int, b: int, lex: Lexicon, reading: Reading) -> None:
    chunk = text.folded[a:b]
    for rule in lex.events:
        found = rule.regex.search(chunk)
        if found:
            reading.event = rule
            reading.spans.append(
                text.span("event", a + found.start(), a + found.end(), rule.event_type)
            )
            return


def _killed(text: _Text, a: int, b: int, lex: Lexicon, reading: Reading) -> None:
    chunk = text.folded[a:b]
    best = None
    for found in lex.killed.finditer(chunk):
        said = found["a"] or found["b"]
        if said in lex.vague:
            value, note = lex.vague[said], f"'{said}' counted as {lex.vague[said]} (ACLED)"
        else:
            value, note = lex.value(said), ""
        if value is not None and (best is None or value > best[0]):
            best = (value, note, found)
    if best is None:
        found = lex.killed_two.search(chunk)
        if found:
            best = (2, "", found)
    if best is not None:
        value, note, found = best
        reading.killed, reading.killed_note = value, note
        reading.spans.append(text.span("killed", a + found.start(), a + found.end(), str(value)))
    elif found := lex.killed_none.search(chunk):
        reading.killed = 0
        reading.spans.append(text.span("killed", a + found.start(), a + found.end(), "0"))
    elif found := lex.killed_unknown.search(chunk):
        reading.killed_note = "killed, number not given"
        reading.spans.append(
            text.span("killed", a + found.start(), a + found.end(), "number not given")
        )


def _tokens(chunk: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in re.finditer(r"\w+", chunk)]


def _variants(word: str) -> list[tuple[int, str]]:
    """(letters dropped, form) for an Arabic word that may carry proclitics."""
    out = [(0, word)]
    if not is_arabic(word):
        return out
    if word[0] in "وف" and len(word) > 3:
        out.append((1, word[1:]))
    for dropped, form in list(out):
        if form.startswith("لل") and len(form) > 4:
            out.append((dropped + 2, "ال" + form[2:]))
        elif form[0] in "بلك" and len(form) > 3:
            out.append((dropped + 1, form[1:]))
    return out


def _actors(text: _Text, a: int, b: int, patterns, reading: Reading) -> None:
    """Actor names from the faction table, longest first, each word used once."""
    tokens = [t for t in _tokens(text.folded[a:b]) if t[0] not in ("al", "el")]
    forms = [{_actor_word(f) for _, f in _variants(w)} for w, _, _ in tokens]
    used = [False] * len(tokens)
    for pattern, faction, actor in patterns:
        size = len(pattern)
        for i in range(len(tokens) - size + 1):
            if any(used[i : i + size]):
                continue
            if all(pattern[k] in forms[i + k] for k in range(size)):
                used[i : i + size] = [True] * size
                reading.actors.append((i, actor, faction))
                reading.spans.append(
                    text.span("actor", a + tokens[i][1], a + tokens[i + size - 1][2], faction)
                )
    reading.actors = [(actor, faction) for _, actor, faction in sorted(reading.actors)]


def _actor_word(word: str) -> str:
    word = match_form(word).strip()
    if not is_arabic(word) and len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    return word


_GENERIC_WORDS = frozenset(_actor_word(w) for w in _GENERIC_HEADS)


@lru_cache(maxsize=8)
def _patterns_for(rows: tuple[tuple[str, str], ...]) -> list[tuple[tuple[str, ...], str, str]]:
    out = {}
    for actor, faction in rows:
        words = tuple(_actor_word(w) for w in match_form(actor).split())
        if words:
            out.setdefault(words, (faction, actor))
    return sorted(((w, f, a) for w, (f, a) in out.items()), key=lambda p: -len(p[0]))


def _actor_patterns(factions: Factions):
    rows = tuple(zip(factions.table["actor"], factions.table["faction"], strict=True))
    return _patterns_for(rows)


def _places(text: _Text, a: int, b: int, gaz: Gazetteer, lex: Lexicon, reading: Reading) -> None:
    chunk = text.folded[a:b]
    tokens = _tokens(chunk)
    i, origin_run = 0, False
    while i < len(tokens):
        hit = _place_at(text, a, tokens, i, gaz, lex)
        if hit is None:
            i += 1
            continue
        size, dropped, place = hit
        start, end = tokens[i][1] + dropped, tokens[i + size - 1][2]
        before = chunk[max(0, start - 40) : start]
        joined = tokens[i][0].startswith("و")
        found = _with_direction(place, chunk, start, end, before, gaz, lex)
        found.written = text.span("place", a + start, a + end, "").text
        if not found.direction and (lex.origin_before.search(before) or (origin_run and joined)):
            origin_run = True
            reading.spans.append(text.span("origin", a + start, a + end, f"from {place.name}"))
            i += size
            continue
        origin_run = False
        reading.places.append(found)
        reading.spans.append(text.span("place", a + start, a + end, found.label))
        i += size
    if lex.same_place.search(chunk):
        reading.same_place = True


def _place_at(text: _Text, a: int, tokens, i: int, gaz: Gazetteer, lex: Lexicon):
    """The longest gazetteer name starting at token i: (tokens, letters dropped, place)."""
    for size in (4, 3, 2, 1):
        if i + size > len(tokens):
            continue
        rest = [w for w, _, _ in tokens[i + 1 : i + size]]
        for dropped, form in _variants(tokens[i][0]):
            key = name_key(" ".join([form, *rest]))
            if not key or key in lex.not_places or key in gaz.countries:
                continue
            if not gaz.knows(key):
                continue
            start = a + tokens[i][1] + dropped
            original = text.original[
                text.where[start] : text.where[a + tokens[i + size - 1][2] - 1] + 1
            ]
            if not is_arabic(form) and not original[:1].isupper():
                continue
            match = gaz.lookup(original)
            if match.place is None:
                continue
            place = match.place
            chunk_before = text.folded[max(0, start - 30) : start]
            trusted = (
                size > 1
                or place.team
                or place.population >= lex.min_population
                or place.precision > 1
                or lex.place_before.search(chunk_before)
            )
            if trusted:
                return size, dropped, place
    return None


def _with_direction(place: Place, chunk: str, start: int, end: int, before: str, gaz, lex):
    after = chunk[end : end + 30]
    trimmed = lex.place_before.sub("", before.rstrip()).rstrip() + " "
    for direction, before_re, after_re in lex.directions:
        if before_re.search(trimmed) or before_re.search(before) or after_re.match(after):
            region = gaz.lookup(f"{direction} of {place.name}")
            if region.place is not None and region.method == "exact":
                return Found(region.place, region.precision, region.place.name, direction)
            return Found(place, 3, f"{direction} of {place.name}", direction)
    if lex.near_before.search(trimmed) or lex.near_before.search(before):
        return Found(place, max(2, place.precision), f"near {place.name}", near=True)
    return Found(place, place.precision, place.name)


def read_sentence(text: _Text, a: int, b: int, lex, gaz, patterns, published, anchor) -> Reading:
    reading = Reading(text.where[a], text.where[b - 1] + 1)
    _read_time(text, a, b, lex, published, anchor, reading)
    _event(text, a, b, lex, reading)
    _killed(text, a, b, lex, reading)
    _actors(text, a, b, patterns, reading)
    _places(text, a, b, gaz, lex, reading)
    return reading


# --- from sentences to incidents ---------------------------------------------------------


@dataclass
class Candidate:
    number: int
    event_date: dt.date
    end_date: dt.date
    time_precision: int
    time_basis: str
    place: Found | None = None
    actors: list[tuple[str, str]] = field(default_factory=list)
    event_type: str = ""
    sub_event_type: str = ""
    fatalities: int | None = None
    fatalities_note: str = ""
    sentences: list[tuple[int, int]] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    def sides(self) -> tuple[str, str, str, str]:
        """actor1, assoc_actor_1, actor2, assoc_actor_2: one faction per side, the most
        specific name first (a named group before "forces"/"militias")."""
        by_faction: dict[str, list[str]] = {}
        for actor, faction in self.actors:
            names = by_faction.setdefault(faction, [])
            if actor not in names:
                names.append(actor)
        sides = []
        for names in list(by_faction.values())[:2]:
            ranked = sorted(names, key=lambda n: _is_generic(n))
            sides.append((ranked[0], "; ".join(ranked[1:])))
        while len(sides) < 2:
            sides.append(("", ""))
        return sides[0][0], sides[0][1], sides[1][0], sides[1][1]

    @property
    def include(self) -> bool:
        return self.place is not None and bool(self.actors or self.fatalities)

    def row(self, text: str, source: str) -> dict:
        actor1, assoc1, actor2, assoc2 = self.sides()
        quotes = " … ".join(" ".join(text[a:b].split()) for a, b in self.sentences)
        place = self.place
        return {
            "number": self.number,
            "include": self.include,
            "event_date": self.event_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "time_precision": self.time_precision,
            "when_basis": self.time_basis,
            "location": place.location if place else "",
            "place": place.label if place else "",
            "latitude": place.place.latitude if place else None,
            "longitude": place.place.longitude if place else None,
            "geo_precision": place.precision if place else None,
            "actor1": actor1,
            "assoc_actor_1": assoc1,
            "actor2": actor2,
            "assoc_actor_2": assoc2,
            "factions": "; ".join(dict.fromkeys(f for _, f in self.actors)),
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "fatalities": self.fatalities,
            "fatalities_note": self.fatalities_note,
            "source": source,
            "evidence": quotes,
            "notes": quotes,
            "spans": [s.to_dict() for s in self.spans],
        }


def _is_generic(actor: str) -> bool:
    words = match_form(actor).split()
    return bool(words) and _actor_word(words[0]) in _GENERIC_WORDS


def _absorb(c: Candidate, r: Reading, sentence: tuple[int, int]) -> None:
    c.sentences.append(sentence)
    c.spans += r.spans
    c.actors += [a for a in r.actors if a not in c.actors]
    if r.event and (not c.event_type or _priority(r.event.event_type) < _priority(c.event_type)):
        c.event_type, c.sub_event_type = r.event.event_type, r.event.sub_event_type
    if r.killed is not None and (c.fatalities is None or r.killed > c.fatalities):
        c.fatalities, c.fatalities_note = r.killed, r.killed_note
    elif r.killed_note and c.fatalities is None:
        c.fatalities_note = r.killed_note
    deaths = bool(c.fatalities or c.fatalities_note)
    if deaths and c.event_type == "Strategic developments" and len({f for _, f in c.actors}) > 1:
        # Armed groups and deaths: ACLED codes that as a battle, not a development.
        c.event_type, c.sub_event_type = "Battles", "Armed clash"
    if c.place is None and r.places:
        c.place = _best(r.places)
    if c.time_precision == 3 and r.time:
        c.event_date, c.end_date, c.time_precision, c.time_basis = r.time


def _priority(event_type: str) -> int:
    known = event_type in EVENT_PRIORITY
    return EVENT_PRIORITY.index(event_type) if known else len(EVENT_PRIORITY)


def _best(places: list[Found]) -> Found:
    return min(places, key=lambda f: f.rank)


def _same(a: Found | None, b: Found | None) -> bool:
    return a is not None and b is not None and a.place == b.place and a.direction == b.direction


_SKIP, _MERGE, _NEW = "skip", "merge", "new"


def _decide(current: Candidate | None, r: Reading, place: Found | None) -> str:
    """Whether a sentence starts an incident, adds to the one before, or says nothing."""
    news = r.event is not None or r.killed is not None or bool(r.killed_note)
    if not news and not r.time:
        # no cue word: it can only tell where the incident before happened
        placed = current is not None and place is not None and current.place is None
        return _MERGE if placed else _SKIP
    said = r.time or r.actors or r.places or r.same_place or r.killed_note
    if not said and r.killed is None:
        return _SKIP  # a bare "the clashes ..." adds nothing to any incident
    if current is not None and not r.time:
        moved = place is not None and current.place is not None and not _same(place, current.place)
        other_kind = (
            r.event is not None
            and current.event_type
            and r.event.event_type != current.event_type
            and r.actors
            and not (r.killed or r.killed_note)
        )
        if not moved and not other_kind:
            return _MERGE
    return _NEW if news or r.actors else _SKIP


def extract(
    text: str,
    published: dt.date,
    gaz: Gazetteer,
    factions: Factions,
    lex: Lexicon,
) -> list[Candidate]:
    folded = _Text(text)
    out: list[Candidate] = []
    current: Candidate | None = None
    anchor = published
    patterns = _actor_patterns(factions)
    for a, b in _sentences(folded, lex):
        r = read_sentence(folded, a, b, lex, gaz, patterns, published, anchor)
        sentence = (r.start, r.end)
        place = _best(r.places) if r.places else None
        step = _decide(current, r, place)
        if step == _MERGE:
            _absorb(current, r, sentence)
        if step != _NEW:
            continue
        if r.time:
            first, last, precision, basis = r.time
        elif current is not None:
            first, last = current.event_date, current.end_date
            precision = max(current.time_precision, 2)
            basis = f"not stated; after the incident before ({current.time_basis})"
        else:
            first = last = published
            precision, basis = 2, "not stated; the publication date"
        current = Candidate(len(out) + 1, first, last, precision, basis)
        if place is None and r.same_place and out:
            current.place = out[-1].place  # "in the area": where the incident before was
        _absorb(current, r, sentence)
        out.append(current)
        anchor = first
    kept = [c for c in out if c.place is not None or c.actors]
    for i, c in enumerate(kept, 1):
        c.number = i
    return kept


def candidate_rows(text: str, published: dt.date, source: str, gaz, factions, lex) -> list[dict]:
    return [c.row(text, source) for c in extract(text, published, gaz, factions, lex)]


# --- accepting a draft -------------------------------------------------------------------

EDITABLE = (
    "include",
    "event_date",
    "end_date",
    "time_precision",
    "location",
    "geo_precision",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "event_type",
    "sub_event_type",
    "fatalities",
    "notes",
)


def report_id(text: str) -> str:
    """A short stable id for a report's text (re-accepting it updates, never duplicates)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def accepted_csv(rows: list[dict], text: str, source: str) -> bytes:
    """The rows the analyst kept, as a CSV in conflictmap's own layout, so that they go
    through the same validation and geocoding as any file. The location is geocoded
    again from its name (the analyst may have changed it)."""
    rid = report_id(text)
    records = []
    for i, row in enumerate(rows, 1):
        if not row.get("include", True):
            continue
        record = {name: "" for name in NAMES}
        for name in EDITABLE[1:]:
            value = row.get(name)
            record[name] = "" if value is None or value != value else value
        record["dataset"] = "report"
        record["source_event_id"] = f"{rid}-{row.get('number', i)}"
        record["source"] = source or "news report"
        record["notes"] = row.get("notes") or row.get("evidence") or ""
        records.append(record)
    frame = pd.DataFrame(records, columns=list(NAMES))
    return csv_bytes(frame)  # line n+1 is the n-th kept row


_MARK_COLOURS = {  # kind of span -> colour (the kinds are shown, translated, in the key)
    N_("time"): "#fde68a",
    N_("place"): "#bfdbfe",
    N_("origin"): "#e5e7eb",
    N_("actor"): "#fbcfe8",
    N_("event"): "#fed7aa",
    N_("killed"): "#fecaca",
}


def marked_html(text: str, spans: list[dict]) -> str:
    """The report with what was read highlighted; every piece of it escaped."""
    spans = sorted(
        {(s["start"], s["end"], s["kind"], s["meaning"]) for s in spans}, key=lambda s: s[0]
    )
    out, at = [], 0
    for start, end, kind, meaning in spans:
        if start < at:
            continue
        out.append(html_text(text[at:start]))
        out.append(
            f'<mark style="background:{_MARK_COLOURS.get(kind, "#eee")}" '
            f'title="{html_text(kind)}: {html_text(meaning)}">'
            f"{html_text(text[start:end])}</mark>"
        )
        at = end
    out.append(html_text(text[at:]))
    direction = "rtl" if is_arabic(text[:400]) else "ltr"
    body = "".join(out).replace("\n", "<br>")
    return f'<div dir="{direction}" style="line-height:1.9">{body}</div>'


def legend_html(w=None) -> str:
    """The key of the highlighted spans (our own words, in the language of ``w``)."""
    from conflictmap.i18n import ENGLISH

    w = w or ENGLISH
    return " ".join(
        f'<mark style="background:{colour}">{w(kind)}</mark>'
        for kind, colour in _MARK_COLOURS.items()
    )
