"""What one sentence of a report says: its time, places, actors, event cue and death
toll, each kept with the span of text it was read from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from conflictmap.dates import MONTH_NAMES
from conflictmap.extract.lexicon import GENERIC_HEADS, UNIT_DAYS, EventRule, Lexicon, TimeRule
from conflictmap.factions import Factions, match_form, singular
from conflictmap.gazetteer import Gazetteer, Place
from conflictmap.gazetteer.lookup import nearest_km
from conflictmap.gazetteer.model import distance_km_between
from conflictmap.names import LEADING_ARTICLE, fold_with_offsets, is_arabic, name_key


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
    listed: bool = False  # named in a list after the place before ("X, Y and Z")
    sure: bool = True  # the name has one place only (no namesake)
    beside: Place | None = None  # "between X and Y": the other of the two
    at: int = 0  # where the name starts in the folded sentence

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
    targeted: set[str] = field(default_factory=set)  # factions named as a target
    acting: set[str] = field(default_factory=set)  # factions named otherwise
    flying: set[str] = field(default_factory=set)  # factions named with an air strike's cue
    event: EventRule | None = None
    event_at: tuple[int, int] = (0, 0)  # the cue's offsets in the folded sentence
    first_cue: int = 1 << 30  # where the first event word (of any rule) ends
    killed: int | None = None
    killed_note: str = ""
    apart: bool = False  # "on the same day, …": another incident than the one before
    background: bool = False  # "it is worth mentioning that …": no incident of the report


class ReportText:
    """The report, folded for matching, with a map back to the original offsets."""

    def __init__(self, text: str):
        self.original = text
        self.folded, self.where = fold_with_offsets(text)
        self.lookups: dict = {}  # gazetteer answers for this report's names

    def span(self, kind: str, start: int, end: int, meaning: str) -> Span:
        a, b = self.where[start], self.where[end - 1] + 1 if end > start else self.where[start]
        return Span(kind, a, b, self.original[a:b], meaning)


def sentences(text: ReportText, lex: Lexicon) -> list[tuple[int, int]]:
    """(start, end) of each sentence in the folded text. Headline lines at the top (no
    sentence punctuation) and a dateline at the start of a paragraph are left out."""
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
        if dateline := lex.dateline.match(line.group()):  # a paragraph's dateline
            start += dateline.end()
        for end in lex.sentence_end.finditer(line.group()):
            out.append((start, line.start() + end.end()))
            start = line.start() + end.end()
        if start < line.end() and line.start() + len(line.group().rstrip()) > start:
            out.append((start, line.end()))
    clauses = []
    for a, b in out:
        for cut in lex.clause_break.finditer(text.folded, a, b):
            if cut.start() > a:
                clauses.append((a, cut.start()))
                a = cut.end()
        clauses.append((a, b))
    return [(a, b) for a, b in clauses if re.search(r"\w", text.folded[a:b])]


def _shift(published: dt.date, rule: TimeRule, n: int, anchor: dt.date) -> tuple | None:
    base = anchor if rule.anchor == "previous" else published
    if rule.kind == "day":  # the n-th of this month (of the last month, if that is later)
        month = base.replace(day=1)
        if n > base.day:
            month = (month - dt.timedelta(days=1)).replace(day=1)
        try:
            day = month.replace(day=n)
        except ValueError:
            return None
        return day, day
    step = dt.timedelta(days=UNIT_DAYS[rule.unit])
    if rule.kind == "ago":
        day = base - n * step
        return day, day
    if rule.kind == "run":
        return base - (n - 1) * step, base
    return base - n * step, base  # span


MONTH_LEAD = 12  # a month alone dates a sentence only as its first words (not "… last October")


def _read_time(text: ReportText, a: int, b: int, lex: Lexicon, published, anchor, reading) -> None:
    chunk = text.folded[a:b]
    for rule in lex.times:
        # "وأمس، ذكرت صفحة …": when it was reported, not when it happened
        found = next(
            (m for m in rule.regex.finditer(chunk) if not lex.said_after.match(chunk, m.end())),
            None,
        )
        if not found:
            continue
        groups = {k: v for k, v in found.groupdict().items() if v}
        n = rule.count
        for name, value in groups.items():
            n = lex.ordinals.get(value) if name.startswith("o") else lex.value(value)
        shifted = None if n is None else _shift(published, rule, n, anchor)
        if shifted is None:
            continue
        first, last = shifted
        label = f"{first:%Y-%m-%d}" + (f" to {last:%Y-%m-%d}" if last != first else "")
        reading.time = (first, last, rule.precision, found.group())
        reading.spans.append(text.span("time", a + found.start(), a + found.end(), label))
        return
    found = lex.weekday_re.search(chunk)
    if found:
        day = lex.weekdays[found["day"] or found["late"] or found["alone"]]
        back = (published.weekday() - day) % 7
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
    found = lex.month_re.search(chunk)
    if found and found.start() <= MONTH_LEAD:  # "In February the Iraqi air force …"
        first = dt.date(int(found["y"] or published.year), MONTH_NAMES[found["m"]], 1)
        if not found["y"] and first > published:
            first = first.replace(year=first.year - 1)
        last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        last = min(last, published)
        reading.time = (first, last, 3, found.group())
        label = f"{first} to {last}"
        reading.spans.append(text.span("time", a + found.start(), a + found.end(), label))


def _event(text: ReportText, a: int, b: int, lex: Lexicon, reading: Reading) -> None:
    """The sentence's event: the first rule with a word in it (rules are in priority
    order); ``first_cue`` is where the first event word of any rule ends."""
    chunk = text.folded[a:b]
    chosen = None
    for rule in lex.events:
        # "بهدف السيطرة على", "in a bid to capture": an aim, not what happened
        found = next(
            (
                m
                for m in rule.regex.finditer(chunk)
                if not lex.intent_before.search(chunk[max(0, m.start() - 25) : m.start()])
            ),
            None,
        )
        if found is None:
            continue
        reading.first_cue = min(reading.first_cue, found.end())
        if chosen is None:
            chosen = rule, found
    if chosen is not None:
        rule, found = chosen
        reading.event, reading.event_at = rule, found.span()
        cue = text.span("event", a + found.start(), a + found.end(), rule.event_type)
        reading.spans.append(cue)


def _killed(text: ReportText, a: int, b: int, lex: Lexicon, reading: Reading) -> None:
    chunk = text.folded[a:b]
    if lex.running_total.search(chunk):
        return  # "50 people dead this year": a running total, not this incident's toll
    best = None
    for found in lex.killed.finditer(chunk):
        said = found["a"] or found["b"]
        if said in lex.vague:
            value, note = lex.vague[said], f"'{said}' counted as {lex.vague[said]} (ACLED)"
        else:
            value, note = lex.value(said), ""
            window = chunk[max(0, found.start("a") - 80) : found.start("a")] if found["a"] else ""
            joined = lex.killed_also.search(window)
            total = lex.killed_total.search(window)
            if value is not None and total and (whole := lex.value(total["n"])) is not None:
                value, note = whole, f"{whole} killed, {said} of them named apart"
            elif value is not None and joined and not lex.wounded.search(joined[0]):
                value, note = value + int(joined["n"]), f"{joined['n']} + {said} killed, summed"
        if value is not None and (best is None or value > best[0]):
            best = (value, note, found)
    if best is None:
        found = lex.killed_two.search(chunk)
        if found:
            best = (2, "", found)
    if best is None and (found := lex.killed_one.search(chunk)):
        if found["dual"]:
            best = (2, "", found)  # "قتل مدنيان": two civilians
        else:
            best = (1, "one person named as killed, no number given", found)
    if best is not None:
        value, note, found = best
        reading.killed, reading.killed_note = value, note
        reading.spans.append(text.span("killed", a + found.start(), a + found.end(), str(value)))
        # "أكثر من 15 مدني", "12 women": the toll counts civilians
        counted = lex.civilian_count.search(chunk, found.start(), found.end())
        counted = counted or lex.civilian_count.match(chunk, found.end())
        if value and counted:
            start, end = counted.span()
            reading.spans.append(text.span("victims", a + start, a + end, "civilians"))
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


def _actors(text: ReportText, a: int, b: int, patterns, lex, reading: Reading) -> None:
    """Actor names from the faction table, longest first, each word used once; a name
    right after a target word ("positions of") is a target."""
    chunk = text.folded[a:b]
    tokens = [t for t in _tokens(chunk) if t[0] not in ("al", "el")]
    forms = [{actor_word(f) for _, f in _variants(w)} for w, _, _ in tokens]
    used = [False] * len(tokens)
    found = []  # (pattern's rank, position, pattern, faction, actor) of every match
    for i, starts in enumerate(forms):
        for form in starts:
            for rank, pattern, faction, actor in patterns.starting.get(form, ()):
                size = len(pattern)
                if i + size <= len(tokens) and all(
                    pattern[k] in forms[i + k] for k in range(1, size)
                ):
                    found.append((rank, i, pattern, faction, actor))
    for _, i, pattern, faction, actor in sorted(found, key=lambda m: (m[0], m[1])):
        size = len(pattern)  # longest names first, each word used once
        if any(used[i : i + size]):
            continue
        used[i : i + size] = [True] * size
        start, end = tokens[i][1], tokens[i + size - 1][2]
        before = chunk[max(0, start - 30) : start]
        if lex.not_actor_before.search(before) or lex.place_before.search(before):
            continue  # "المقربة من النظام"; "قرية عشاير" is a village named like the tribes
        reading.actors.append((i, actor, faction))
        target = lex.target_before.search(chunk[max(0, start - 40) : start])
        (reading.targeted if target else reading.acting).add(faction)
        if not target and _flies(chunk, start, end, reading):
            reading.flying.add(faction)
        reading.spans.append(text.span("actor", a + start, a + end, faction))
    reading.actors = [(actor, faction) for _, actor, faction in sorted(reading.actors)]


AIR = "Air/drone strike"
CUE_WORDS = 4  # an actor this many words from an air strike's cue carried it out


def _flies(chunk: str, start: int, end: int, reading: Reading) -> bool:
    """Whether the actor at chunk[start:end] carried out the sentence's air strike: its
    name holds the cue ("Russian warplanes") or is a few words from it ("غارات أمريكية",
    "the coalition carried out an airstrike")."""
    if reading.event is None or reading.event.sub_event_type != AIR:
        return False
    if reading.event.regex.search(chunk[start:end]):
        return True
    cue_start, cue_end = reading.event_at
    gap = chunk[end:cue_start] if end <= cue_start else chunk[cue_end:start]
    return len(re.findall(r"\w+", gap)) <= CUE_WORDS


def actor_word(word: str) -> str:
    return singular(match_form(word).strip())


GENERIC_WORDS = frozenset(actor_word(w) for w in GENERIC_HEADS)


@dataclass(frozen=True)
class ActorPatterns:
    """The faction table's names as word tuples by their first word, each with its rank
    (longest names first: a longer name wins the words it shares with a shorter one)."""

    starting: dict  # first word -> [(rank, words, faction, actor)]


@lru_cache(maxsize=8)
def _patterns_for(rows: tuple[tuple[str, str], ...]) -> ActorPatterns:
    out = {}
    for actor, faction in rows:
        words = tuple(actor_word(w) for w in match_form(actor).split())
        if words:
            out.setdefault(words, (faction, actor))
    ordered = sorted(((w, f, a) for w, (f, a) in out.items()), key=lambda p: -len(p[0]))
    starting: dict = {}
    for rank, (words, faction, actor) in enumerate(ordered):
        starting.setdefault(words[0], []).append((rank, words, faction, actor))
    return ActorPatterns(starting)


def actor_patterns(factions: Factions) -> ActorPatterns:
    rows = tuple(zip(factions.table["actor"], factions.table["faction"], strict=True))
    return _patterns_for(rows)


def _places(
    text: ReportText, a: int, b: int, gaz: Gazetteer, lex: Lexicon, reading: Reading, context=()
) -> None:
    chunk = text.folded[a:b]
    tokens = _tokens(chunk)
    aside = [m.span() for m in lex.aside.finditer(chunk)]
    i, origin_run, last_end, last_cued, after_between = 0, False, None, False, False
    while i < len(tokens):
        # "بلدتي الشحيل وذيبان", "the villages of X, Y and Z": the cue covers the list
        gap = chunk[last_end : tokens[i][1]] if last_end is not None else None
        carried = (
            last_cued
            and gap is not None
            and bool(_LIST_GAP.fullmatch(gap))
            # "X وY" in Arabic (a comma there often ends the phrase: "في بلدة X، على …");
            # "X, Y and Z" in English, where a name has its capital
            and (
                tokens[i][0].startswith("و") or (_SEPARATOR.search(gap) and tokens[i][0].isascii())
            )
        )
        hit = _place_at(text, a, tokens, i, gaz, lex, context, carried)
        if hit is None:
            i += 1
            continue
        size, dropped, place, sure, last_cued = hit
        start, end = tokens[i][1] + dropped, tokens[i + size - 1][2]
        if any(x <= start < y for x, y in aside):  # ", which is battling ISIL in Mosul,"
            i += size
            continue
        before = chunk[max(0, start - 40) : start]
        joined = tokens[i][0].startswith("و")
        found = _with_direction(place, chunk, start, end, before, gaz, lex)
        found.written = text.span("place", a + start, a + end, "").text
        found.sure, found.at = sure, start
        after = chunk[end : end + 12]
        wide = chunk[max(0, start - 60) : start]
        if lex.source_before.search(before) or lex.reporter_before.search(wide):
            # "قناة الميادين": a channel; "مراسل عنب بلدي في دير الزور": the reporter's town
            reading.spans.append(text.span("origin", a + start, a + end, f"source {place.name}"))
            i += size
            continue
        if lex.feature_before.search(before):  # "جبل البشري": a mountain, not the town
            i += size
            continue
        origin = lex.origin_before.search(before) or lex.origin_after.match(after)
        if not found.direction and (origin or (origin_run and joined)):
            origin_run = True
            reading.spans.append(text.span("origin", a + start, a + end, f"from {place.name}"))
            i += size
            continue
        origin_run = False
        between = chunk[last_end:start] if last_end is not None else None
        if between is not None:  # "X ومدينة Y": the cue word is part of the list's gap
            between = lex.place_before.sub("", between)
        # "X, Y", "X وY", "X ومدينة Y"; not "بلدة X بلدة Y" (from X on Y: no separator)
        found.listed = between is not None and bool(
            (joined and not between.strip())
            or (_LIST_GAP.fullmatch(between) and _SEPARATOR.search(between))
        )
        if found.listed and after_between:  # "بين X وY": the place between, not a list
            found.listed = False
            found.beside, reading.places[-1].beside = reading.places[-1].place, found.place
        # "بين X", "between X", or with a cue word between ("بين قرية X")
        after_between = bool(
            lex.between_before.search(before)
            or lex.between_before.search(lex.place_before.sub("", before))
        )
        last_end = end
        reading.places.append(found)
        reading.spans.append(text.span("place", a + start, a + end, found.label))
        i += size
    if lex.same_place.search(chunk):
        reading.same_place = True


# what separates the places of a list: "X, Y and Z", "X و Y", "X وY", "the villages of"
_SEPARATOR = re.compile(r",|،|\band\b|\bor\b|&|(?:^|\s)و")
_LIST_GAP = re.compile(
    r"\s*(?:,|،|and|or|&|و)?\s*(?:في\s+|in\s+)?(?:(?:the\s+)?(?:villages?|towns?)\s+of\s+)?"
)


# kinds of place from the long lists (every village): a one-word name of theirs is a place
# only with a cue ("in", "قرية") or a population, since many are also common words
LISTED = ("community", "quarter", "district", "sub-district")


SPELLED = ("spelling",)  # a cued name not written as the gazetteer writes it, read anyway


def _spelled_cue(cue, after, i: int) -> bool:
    """Whether a name the gazetteer does not write this way is marked as a place strongly
    enough to be read in another spelling: a word after it ("Al-Shably area"), or an
    Arabic cue or an English phrase before it ("قرية", "the village of", "driving from"),
    not a bare "town" (a headline's "… town Deadly air raid"); never the first word of a
    sentence ("Deadly": a capital, not a name)."""
    if i == 0:
        return False
    if after:
        return True
    words = cue.group().strip(" \"“”«'‘’") if cue else ""
    return bool(words) and (is_arabic(words) or " " in words)  # "village of", not "town"


def _article_cue(text: ReportText, start: int, before: str, lex: Lexicon) -> bool:
    """An English name with its article and a capital after "in", "at" ("in Al-Muraiyah"):
    a place, whatever its spelling."""
    original = text.original[text.where[start] :]
    return bool(
        LEADING_ARTICLE.match(original)
        and original[:1].isupper()
        and lex.spelling_before.search(before)
    )


def _place_at(
    text: ReportText, a: int, tokens, i: int, gaz: Gazetteer, lex: Lexicon, context, carried=False
):
    """The longest gazetteer name starting at token i: (tokens, letters dropped, place,
    whether the name has one place only, whether a cue marks it; ``carried``: the place
    before it in a list had one); among namesakes, the one nearest the report's
    other places (``context``). A name marked as a place by a word before or after it
    ("Al-Sokkariya Town", "قرية X") is also read in another spelling of a gazetteer name
    ("Sukkarieh")."""
    for size in (4, 3, 2, 1):
        if i + size > len(tokens):
            continue
        rest = [w for w, _, _ in tokens[i + 1 : i + size]]
        for dropped, form in _variants(tokens[i][0]):
            key = name_key(" ".join([form, *rest]))
            if not key or key in lex.not_places or key in gaz.countries:
                continue
            known = gaz.knows(key)
            if not known and (dropped or size > 2):
                continue
            start = a + tokens[i][1] + dropped
            end = a + tokens[i + size - 1][2]
            chunk_before = text.folded[max(0, start - 30) : start]
            cue = lex.place_before.search(chunk_before)
            after = lex.place_after.match(text.folded[end : end + 20])
            cued = bool(cue or after or carried)
            if not known and not (
                _spelled_cue(cue, after, i) or _article_cue(text, start, chunk_before, lex)
            ):
                continue
            original = text.original[text.where[start] : text.where[end - 1] + 1]
            words = original.split()[: 1 if known else None] or [""]  # a new spelling: all
            if not is_arabic(form) and not all(
                LEADING_ARTICLE.sub("", w)[:1].isupper() for w in words
            ):
                continue
            match = _looked_up(text, gaz, original, context, spelled=not known)
            if match.place is None or (not known and not _spelled(match, context)):
                continue
            place = match.place
            trusted = (
                size > 1
                or (place.team and place.kind not in LISTED)
                or place.population >= lex.min_population
                or place.precision > 1
                or cued
            )
            if trusted and _stray(place, match, context, cued, lex.min_population):
                continue
            if trusted:
                return size, dropped, place, not match.ambiguous, cued
    return None


SPELLED_KM = 40.0  # a typo-close spelling is read as a village this close to the others


def _spelled(match, context) -> bool:
    """Whether a name the gazetteer does not write this way may be read as ``match``: a
    spelling that sounds the same, or a close one ("Al-Muraiyah", Mreiyeh) of a village
    near the report's other places."""
    if match.method in SPELLED:
        return True
    return match.method == "fuzzy" and nearest_km(match.place, context) <= SPELLED_KM


def _looked_up(text: ReportText, gaz, name: str, context, spelled: bool = False):
    """The gazetteer's answer for a name of the report, asked once per report; a name of
    several places, or one not written as the gazetteer writes it (``spelled``), is asked
    again with the report's other places."""
    plain = text.lookups.get(name)
    if plain is None:
        plain = text.lookups[name] = gaz.lookup(name)
    if not (context and (plain.ambiguous or spelled)):
        return plain
    key = (name, context)
    if key not in text.lookups:
        text.lookups[key] = gaz.lookup(name, context=context)
    return text.lookups[key]


STRAY_KM = 100.0  # a village this far from all the report's other places is a namesake
LONE_KM = 200.0  # and an unmarked small one of a single place, this far, is no place


def _stray(place: Place, match, context, cued: bool, small: int) -> bool:
    """A village name of several places, all far from every other place the report names
    (an "Al-Sukkariyah" near Al-Bukamal that the gazetteer lacks, read as one of five
    others in Raqqa or Hama): a namesake, not the place meant. So is a small village no
    word marks as a place, far from all the others ("بالشيخ إبراهيم الهفل" is a tribal
    sheikh, not the village in Al-Hasakah). A name of one place, marked, stands."""
    if not context or place.precision != 1:
        return False
    if not match.ambiguous and (cued or place.population >= small):
        return False
    others = [
        distance_km_between(place.latitude, place.longitude, lat, lon) for lat, lon in context
    ]
    others = [d for d in others if d > 1.0]  # not the place itself
    far = STRAY_KM if match.ambiguous else LONE_KM
    return bool(others) and min(others) > far


def _with_direction(place: Place, chunk: str, start: int, end: int, before: str, gaz, lex):
    after = chunk[end : end + 30]
    trimmed = lex.place_before.sub("", before.rstrip()).rstrip() + " "
    for direction, before_re, after_re in lex.directions:
        if before_re.search(trimmed) or before_re.search(before) or after_re.match(after):
            region = gaz.lookup(f"{direction} of {place.name}")
            if region.place is not None and region.method == "exact":
                return Found(region.place, region.precision, region.place.name, direction)
            return Found(place, 3, f"{direction} of {place.name}", direction)
    desert = lex.desert_before.search(before)
    if desert or lex.countryside_before.search(before):
        for unit in ("governorate", "district"):
            area = gaz.lookup(f"{place.name} {unit}", place.country)
            if area.place is not None and area.method == "exact" and area.place.precision == 3:
                return Found(area.place, 3, area.place.name)
        if not desert:
            return Found(place, max(2, place.precision), f"near {place.name}", near=True)
    if lex.near_before.search(trimmed) or lex.near_before.search(before):
        return Found(place, max(2, place.precision), f"near {place.name}", near=True)
    return Found(place, place.precision, place.name)


def named_actors(text: ReportText, lex, patterns) -> list[tuple[str, str]]:
    """Every actor the report names, headline included, in order."""
    reading = Reading(0, len(text.original))
    _actors(text, 0, len(text.folded), patterns, lex, reading)
    return reading.actors


def report_context(text: ReportText, lex, gaz) -> tuple[tuple[float, float], ...]:
    """Points of the towns and villages the report names that have no namesake: they
    choose among the namesakes of its other names (the Jalaa near Al-Bukamal, not the
    one in Hama)."""
    reading = Reading(0, len(text.original))
    _places(text, 0, len(text.folded), gaz, lex, reading)
    return tuple(
        (f.place.latitude, f.place.longitude)
        for f in reading.places
        if f.sure and f.place.precision == 1
    )


def read_sentence(
    text: ReportText, a: int, b: int, lex, gaz, patterns, published, anchor, context=()
) -> Reading:
    reading = Reading(text.where[a], text.where[b - 1] + 1)
    _read_time(text, a, b, lex, published, anchor, reading)
    _event(text, a, b, lex, reading)
    _killed(text, a, b, lex, reading)
    _actors(text, a, b, patterns, lex, reading)
    _places(text, a, b, gaz, lex, reading, context)
    reading.apart = bool(lex.apart.search(text.folded[a:b]))
    reading.background = bool(lex.background.search(text.folded[a:b]))
    if reading.places and lex.aftermath.search(text.folded[a:b]):
        reading.places = []  # the funeral's city, not the strike's
    return reading
