"""Sentences become candidate incidents, in order: a sentence with a cue word, a new time
expression or a new place starts an incident; one that only adds detail (a count, the
place of an incident that had none, "those clashes ...") is merged into the one before.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from conflictmap.extract.lexicon import EVENT_PRIORITY, Lexicon
from conflictmap.extract.reading import (
    AIR,
    GENERIC_WORDS,
    Found,
    Reading,
    ReportText,
    Span,
    actor_patterns,
    actor_word,
    named_actors,
    read_sentence,
    report_context,
    sentences,
)
from conflictmap.factions import UNASSIGNED, Factions, match_form
from conflictmap.gazetteer import Gazetteer, distance_km


@dataclass
class Candidate:
    number: int
    event_date: dt.date
    end_date: dt.date
    time_precision: int
    time_basis: str
    place: Found | None = None
    actors: list[tuple[str, str]] = field(default_factory=list)
    targeted: set[str] = field(default_factory=set)  # factions named as a target
    acting: set[str] = field(default_factory=set)  # factions named otherwise
    flying: set[str] = field(default_factory=set)  # factions named as an air strike's
    victims: str = ""  # the civilians' faction: never the first side
    event_type: str = ""
    sub_event_type: str = ""
    by_state: str = ""  # the sub-event type if the first side is state forces
    fatalities: int | None = None
    fatalities_note: str = ""
    apart: bool = False  # told as another incident than the one before ("on the same day")
    lead: bool = False  # told with no place before any place was named (a report's lead)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    def sides(self) -> tuple[str, str, str, str]:
        """actor1, assoc_actor_1, actor2, assoc_actor_2: one faction per side, the most
        specific name first (a named group before "forces"/"militias"); a faction named
        only as a target is the second side."""
        by_faction: dict[str, list[str]] = {}
        for actor, faction in self.actors:
            names = by_faction.setdefault(faction, [])
            if actor not in names:
                names.append(actor)
        order = sorted(
            by_faction,
            key=lambda f: (f == self.victims, f not in self.flying, self.target_only(f)),
        )
        if self.victims_killed and self.victims in by_faction and len(order) > 2:
            order = [*order[:1], self.victims]  # "strikes on an ISIS-held town killed 23 civilians"
        elif self.event_type == VIOLENCE and self.victims in order[1:]:
            order = [*order[:1], self.victims]  # violence against civilians is done to them
        sides = []
        for names in [by_faction[f] for f in order][:2]:
            ranked = sorted(names, key=lambda n: _is_generic(n))
            sides.append((ranked[0], "; ".join(ranked[1:])))
        while len(sides) < 2:
            sides.append(("", ""))
        return sides[0][0], sides[0][1], sides[1][0], sides[1][1]

    @property
    def victims_killed(self) -> bool:
        """Whether a strike's toll is of civilians: they are then its second side."""
        return self.event_type == REMOTE and _civilians_killed(self, self.victims)

    def target_only(self, faction: str) -> bool:
        return faction in self.targeted and faction not in self.acting

    @property
    def include(self) -> bool:
        """Marked for import: placed, with a side or a toll, and something that happened
        (an event word or deaths; "the arrival of Hezbollah's vehicles" is none)."""
        said = self.fatalities_note not in ("", NO_DEATHS)
        happened = bool(self.event_type or self.fatalities or said)
        return self.place is not None and bool(self.actors or self.fatalities) and happened

    def row(self, text: str, source: str) -> dict:
        actor1, assoc1, actor2, assoc2 = self.sides()
        # a report that repeats a sentence (its lead as its first paragraph) is quoted once
        quotes = " … ".join(dict.fromkeys(" ".join(text[a:b].split()) for a, b in self.sentences))
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
    return bool(words) and actor_word(words[0]) in GENERIC_WORDS


def _absorb(c: Candidate, r: Reading, sentence: tuple[int, int]) -> None:
    c.sentences.append(sentence)
    c.spans += r.spans
    c.actors += [a for a in r.actors if a not in c.actors]
    c.targeted |= r.targeted
    c.acting |= r.acting
    c.flying |= r.flying
    if r.event and (not c.event_type or _priority(r.event.event_type) < _priority(c.event_type)):
        c.event_type, c.sub_event_type = r.event.event_type, r.event.sub_event_type
        c.by_state = r.event.by_state
    if r.killed is not None and (c.fatalities is None or r.killed > c.fatalities):
        c.fatalities, c.fatalities_note = r.killed, r.killed_note
    elif r.killed_note and c.fatalities is None:
        c.fatalities_note = r.killed_note
    deaths = bool(c.fatalities or c.fatalities_note)
    if deaths and c.event_type == "Strategic developments" and len({f for _, f in c.actors}) > 1:
        # Armed groups and deaths: ACLED codes that as a battle, not a development.
        c.event_type, c.sub_event_type = "Battles", "Armed clash"
    if c.place is None and r.places:
        c.place = _where(r)
    if c.time_precision == 3 and r.time:
        c.event_date, c.end_date, c.time_precision, c.time_basis = r.time


def _priority(event_type: str) -> int:
    known = event_type in EVENT_PRIORITY
    return EVENT_PRIORITY.index(event_type) if known else len(EVENT_PRIORITY)


def _best(places: list[Found]) -> Found:
    return min(places, key=lambda f: f.rank)


def _where(r: Reading) -> Found | None:
    """The sentence's place: the most specific one named after its event word, if any
    ("وتزامناً مع سيطرة قسد على البصيرة …، نفّذت حملة دهم في بلدة الصور": Al-Sur), else the
    most specific one."""
    if not r.places:
        return None
    after = [f for f in r.places if f.at >= r.first_cue]
    return _best(after or r.places)


def _same(a: Found | None, b: Found | None) -> bool:
    return a is not None and b is not None and a.place == b.place and a.direction == b.direction


def _moved(place: Found | None, current: Candidate) -> bool:
    """Whether a sentence's place is another than the incident's ("between X and Y" is
    not, when the incident was at X or Y)."""
    if place is None or current.place is None or _same(place, current.place):
        return False
    return place.beside is None or place.beside != current.place.place


_SKIP, _MERGE, _NEW = "skip", "merge", "new"
UNDATED = "not stated; the publication date"
AFTER_BEFORE = "not stated; after the incident before"
NO_DEATHS = "no death reported (ACLED codes 0)"


def _decide(current: Candidate | None, r: Reading, place: Found | None) -> str:
    """Whether a sentence starts an incident, adds to the one before, or says nothing."""
    if r.background:
        return _SKIP
    news = r.event is not None or r.killed is not None or bool(r.killed_note)
    placed = current is not None and place is not None and current.place is None
    if not news and (not r.time or (placed and not r.actors)):
        # no cue word: it can only tell where the incident before happened ("… was
        # targeted last night in Al-Hari town")
        return _MERGE if placed else _SKIP
    said = r.time or r.actors or r.places or r.same_place or r.killed_note
    if not said and r.killed is None:
        return _SKIP  # a bare "the clashes ..." adds nothing to any incident
    if current is not None and not r.apart and (not r.time or r.time[0] == current.event_date):
        moved = _moved(place, current)
        others = {f for _, f in r.actors} - {f for _, f in current.actors}
        other_kind = (
            r.event is not None
            # a lead with no place is placed by what follows
            and not (current.lead and current.place is None)
            and current.event_type
            and r.event.event_type != current.event_type
            and r.actors
            # "the clashes killed 5" adds a toll; "coalition jets killed 15" is a strike
            and (not (r.killed or r.killed_note) or bool(others))
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
    folded = ReportText(text)
    out: list[Candidate] = []
    current: Candidate | None = None
    anchor = published
    patterns = actor_patterns(factions)
    context = report_context(folded, lex, gaz)
    last_named: tuple | None = None  # the last place named, incident or not: (place, reading)
    for a, b in sentences(folded, lex):
        r = read_sentence(folded, a, b, lex, gaz, patterns, published, anchor, context)
        sentence = (r.start, r.end)
        place = _where(r)
        there, last_named = last_named, (r.places[-1], r) if r.places else last_named
        step = _decide(current, r, place)
        if step == _MERGE:
            placeless = current.place is None
            _absorb(current, r, sentence)
            if placeless and current is out[-1]:  # "… on the towns of X and Y"
                for other in _listed_with(r.places, current.place):
                    out.append(_sibling(current, other, len(out) + 1))
        if step != _NEW:
            continue
        if r.time:
            first, last, precision, basis = r.time
        elif current is not None:
            first, last = current.event_date, current.end_date
            precision = max(current.time_precision, 2)
            basis = current.time_basis  # one level: "… before (ليل الاحد)", not nested
            if not basis.startswith(AFTER_BEFORE):
                basis = f"{AFTER_BEFORE} ({basis})"
        else:
            first = last = published
            precision, basis = 2, UNDATED
        before = current
        current = Candidate(
            len(out) + 1,
            first,
            last,
            precision,
            basis,
            apart=r.apart,
            lead=place is None and there is None,
        )
        if place is None and r.same_place and there is not None:
            current.place, told = there  # "in the city": the place named last, and where
            if out and out[-1].place is None and not out[-1].lead:
                out[-1].place = there[0]  # "… attacked its HQ, and it shelled them there"
            where_told = (told.start, told.end)
            if not any(where_told in c.sentences for c in out):
                current.sentences.append(where_told)
                current.spans += [s for s in told.spans if s.kind in ("place", "origin")]
        _absorb(current, r, sentence)
        if before is not None and not r.actors and not r.time and _same_kind(before, r):
            _inherit_sides(current, before)  # "... and the strikes also hit X"
        out.append(current)
        for other in _listed_with(r.places, current.place):  # "strikes on X and Y"
            out.append(_sibling(current, other, len(out) + 1))
        anchor = first
    civilians = factions.civilians
    found = [c for c in out if c.place is not None or c.actors]
    for c in found:
        c.victims = civilians  # the sides compared when folding are the armed ones
        counted = next((s for s in c.spans if s.kind == "victims"), None)
        if counted and civilians and civilians not in {f for _, f in c.actors}:
            c.actors.append((civilians, civilians))  # "more than 15 مدني" killed
            c.targeted.add(civilians)
    found = _fold_placeless(_fold_repeats(found))
    kept = _fold_undated(_fold_areas(found, _seats(found, gaz), lex.unknown_words))
    named = named_actors(folded, lex, patterns)
    for i, c in enumerate(kept, 1):
        c.number = i
        _unnamed_aircraft(c, lex, factions)
        _two_sides(c, named)
        _by_state(c, factions)
        if c.fatalities is None and not c.fatalities_note:
            c.fatalities, c.fatalities_note = 0, NO_DEATHS
    return kept


REMOTE = "Explosions/Remote violence"
VIOLENCE = "Violence against civilians"
VICTIMS_NEAR_TOLL = 60  # characters between a toll and the civilians it counts


def _civilians_killed(c: Candidate, civilians: str) -> bool:
    """Whether the incident's toll counts civilians ("killed 23 civilians", "مقتل 4
    مدنيين"): ACLED then codes a strike's second side as the civilians, not the armed
    group the strike was aimed at."""
    if not civilians or not c.fatalities:
        return False
    if any(s.kind == "victims" for s in c.spans):
        return True  # "أكثر من 15 مدني": the count is of civilians
    tolls = [s.start for s in c.spans if s.kind == "killed"]
    named = [s.start for s in c.spans if s.kind == "actor" and s.meaning == civilians]
    return any(abs(a - k) <= VICTIMS_NEAR_TOLL for a in named for k in tolls)


def _two_sides(c: Candidate, named: list[tuple[str, str]]) -> None:
    """Sides the sentence does not name but the incident has: violence against civilians
    is done to civilians; a battle that names one armed side is fought against the armed
    group the report names most often besides it (its headline included)."""
    factions = {f for _, f in c.actors}
    if c.event_type == VIOLENCE and c.victims and c.victims not in factions:
        name = next((a for a, f in named if f == c.victims), c.victims)
        c.actors.append((name, c.victims))
        c.targeted.add(c.victims)
    if c.event_type != "Battles" or len(factions - {c.victims}) != 1:
        return
    others = Counter(f for _, f in named if f not in factions and f != c.victims)
    if others:
        faction = others.most_common(1)[0][0]
        c.actors.append((next(a for a, f in named if f == faction), faction))
        c.targeted.add(faction)


def _by_state(c: Candidate, factions: Factions) -> None:
    """Ground taken by state forces is ACLED's "Government regains territory"."""
    if not c.by_state:
        return
    if factions.of_actor(c.sides()[0]) in factions.state_forces:
        c.sub_event_type = c.by_state


def _unnamed_aircraft(c: Candidate, lex: Lexicon, factions: Factions) -> None:
    """An air or drone strike that names no one as flying it, only who it hit: the
    aircraft are unidentified (ACLED's "Unidentified Military Forces"), the first side."""
    if c.sub_event_type != AIR or not lex.unknown_air or c.flying:
        return
    if not (c.actors or c.fatalities):
        return
    faction = factions.of_actor(lex.unknown_air) or UNASSIGNED
    if faction in {f for _, f in c.actors}:
        c.flying.add(faction)  # "a drone of unknown origin": named, first
        return
    c.actors.insert(0, (lex.unknown_air, faction))
    c.flying.add(faction)


AREA_KM = 75.0  # an area's incident this close to a village's, the same day, is that one
AROUND_KM = 15.0  # "north of X" and a village this close, the same day: one incident


def _fold_areas(
    found: list[Candidate], seats: set[str] = frozenset(), unknown: tuple[str, ...] = ()
) -> list[Candidate]:
    """A report that says "in the countryside of Deir ez-Zor" in one sentence and names
    the village in another tells one incident: an incident placed only at an area (a
    governorate, a district, a countryside) on the day of an incident at a village near
    it is folded into that one (its sides and words added; the village's own toll
    stands) when their sides agree (one's factions are among the other's). A city that
    gives its governorate its name (``seats``: "in Deir ez-Zor") counts as the area when
    the report places the same incident at another village."""
    exact = [c for c in found if c.place is not None and c.place.place.precision == 1]

    def into(c: Candidate, d: Candidate) -> bool:
        if c.place is None or c.apart:
            return False
        seat = c.place.place.name in seats and not _same(c.place, d.place)
        region = _region(c.place)
        wide = seat or region or _governorate(c.place)
        # "the attack centres north of Hajin": around a village, the same day's at one near
        around = (
            bool(c.place.direction)
            and c.place.place.precision == 1
            and c.event_date == d.event_date
            and distance_km(c.place.place, d.place.place) <= AROUND_KM
        )
        # "in the eastern countryside": the same event unless other units are named
        sides = (
            _two_sides_at_most(c, d) and not _named_apart(c, d, unknown)
            if region or around
            else _same_sides(c, d)
        )
        return (
            (_broad(c.place) or wide or around)
            and abs((d.event_date - c.event_date).days) <= 1
            and (_close(c, d) or (wide and _same_governorate(c, d)))
            and sides
        )

    return _fold(found, exact, into, keep_toll=True)


def _governorate(place: Found) -> bool:
    """A governorate (province) named alone: no district, no direction."""
    unit = place.place
    return (
        place.precision == 3
        and not place.direction
        and unit.precision == 3
        and (not unit.kind and not unit.admin2)
    )


def _same_governorate(a: Candidate, b: Candidate) -> bool:
    one, other = a.place.place, b.place.place
    return bool(one.admin1) and (one.country, one.admin1) == (other.country, other.admin1)


def _region(place: Found) -> bool:
    """A part of a governorate the gazetteer knows as a region of its own ("Eastern Deir
    ez-Zor countryside"), read from "east of", "الريف الشرقي"."""
    return bool(place.direction) and place.place.precision == 3 and place.place.kind == "region"


def _named_apart(a: Candidate, b: Candidate, unknown: tuple[str, ...] = ()) -> bool:
    """Whether the two name different groups' units of one side ("Liwa Fatemiyoun" in one,
    "Liwa al-Quds" in the other): two events, though the groups are the same."""
    for faction in {f for _, f in a.actors} & {f for _, f in b.actors}:
        one = {n for n, f in a.actors if f == faction and _a_unit(n, unknown)}
        other = {n for n, f in b.actors if f == faction and _a_unit(n, unknown)}
        if one and other and not one & other:
            return True
    return False


def _a_unit(name: str, unknown: tuple[str, ...] = ()) -> bool:
    """A name that picks out one unit ("Liwa al-Quds"), not a kind ("militias") or the
    unknown ("طيران مجهول" and "طائرات مجهولة" are the same nobody)."""
    form = match_form(name)
    return not _is_generic(name) and not any(word in form for word in unknown)


def _seats(found: list[Candidate], gaz: Gazetteer) -> set[str]:
    """The report's cities named like their governorate (Deir ez-Zor, Raqqa, Hasakah): a
    report's "in Deir ez-Zor" is as often the governorate as the city."""
    cities = {
        c.place.place
        for c in found
        if c.place is not None and c.place.precision == 1 and not c.place.direction
    }
    seats = set()
    for city in cities:
        area = gaz.lookup(f"{city.name} governorate", city.country)
        if area.place is not None and area.method == "exact" and area.place.precision == 3:
            seats.add(city.name)
    return seats


def _fold_placeless(found: list[Candidate]) -> list[Candidate]:
    """A lead that names who and when but not where ("Beirut: US-led coalition air strikes
    killed 26 civilians Friday") is the incident the next sentences place ("… on the town
    of Hajin"): an incident with no place is folded into the first placed one of its day
    and kind whose sides and its own make two at most."""
    placed = [c for c in found if c.place is not None]

    def into(c: Candidate, d: Candidate) -> bool:
        return c.place is None and _one_event(c, d)

    return _fold(found, placed, into, keep_toll=True)


def _fold_repeats(found: list[Candidate]) -> list[Candidate]:
    """Reports tell one incident again and again, each source in its own sentence ("a
    drone hit a car near Al-Bukamal" … "the strike hit a weapons shipment"): an incident
    at the place and on the day of an earlier one, of the same kind, whose sides and the
    earlier one's make two at most, is that one (ACLED: one event per place, day and pair
    of sides)."""
    kept: list[Candidate] = []

    def into(c: Candidate, d: Candidate) -> bool:
        return _same(c.place, d.place) and _one_event(c, d)

    for c in found:
        earlier = next((d for d in kept if into(c, d)), None)
        if earlier is None:
            kept.append(c)
        else:
            _merge_into(earlier, c)
    return kept


def _fold(found: list[Candidate], targets, belongs, keep_toll: bool = False):
    """``found`` without the incidents that ``belongs`` to one of ``targets``, each merged
    into the first it belongs to (``keep_toll``: that one's toll, when it has one)."""
    kept = []
    for c in found:
        into = next((d for d in targets if d is not c and belongs(c, d)), None)
        if into is None:
            kept.append(c)
            continue
        if keep_toll and into.fatalities is not None:
            c.fatalities = None
        _merge_into(into, c)
    return kept


def _same_kind(c: Candidate, r: Reading) -> bool:
    return r.event is not None and r.event.event_type == c.event_type


def _inherit_sides(c: Candidate, before: Candidate) -> None:
    """The sides of the incident before: a sentence that tells the same kind of incident,
    the same day, at another place, without naming anyone; a place of the same list."""
    c.actors = list(before.actors)
    c.targeted, c.acting, c.flying = set(before.targeted), set(before.acting), set(before.flying)


def _fold_undated(found: list[Candidate]) -> list[Candidate]:
    """A report's lead often tells an incident with no date ("26 killed in a US strike on
    Al-Bukamal") that a later sentence dates ("on Wednesday night"): an undated incident
    is folded into a dated one at the same place (or an area around it) whose sides
    agree."""
    dated = [c for c in found if c.time_basis != UNDATED and c.place is not None]

    def into(c: Candidate, d: Candidate) -> bool:
        return (
            c.time_basis == UNDATED and c.place is not None and _within(c, d) and _same_sides(c, d)
        )

    return _fold(found, dated, into)


def _within(a: Candidate, b: Candidate) -> bool:
    """Whether a's place is b's, or an area (not a region apart, "east of X") around b's
    village."""
    if _same(a.place, b.place):
        return True
    return _broad(a.place) and b.place.precision == 1 and _close(a, b)


def _broad(place: Found) -> bool:
    """A governorate or district named alone (not "east of the city": a region apart)."""
    return place.precision > 1 and not place.direction and not place.near


def _close(a: Candidate, b: Candidate) -> bool:
    return distance_km(a.place.place, b.place.place) <= AREA_KM


def _merge_into(into: Candidate, c: Candidate) -> None:
    if not into.event_type and c.event_type:  # "the operation was at Raghib" + "claimed"
        into.event_type, into.sub_event_type, into.by_state = (
            c.event_type,
            c.sub_event_type,
            c.by_state,
        )
    into.actors += [a for a in c.actors if a not in into.actors]
    into.targeted |= c.targeted
    into.acting |= c.acting
    into.flying |= c.flying
    if c.fatalities is not None and (into.fatalities is None or c.fatalities > into.fatalities):
        into.fatalities, into.fatalities_note = c.fatalities, c.fatalities_note
    # a list's sibling shares its sentences: each is quoted and highlighted once
    into.sentences += [x for x in c.sentences if x not in into.sentences]
    into.spans += [x for x in c.spans if x not in into.spans]


def _armed(c: Candidate) -> set[str]:
    """The groups an incident names, without the civilians (named as victims or
    bystanders, they do not tell two incidents apart)."""
    return {f for _, f in c.actors if f != c.victims}


def _one_event(a: Candidate, b: Candidate) -> bool:
    """Whether two tellings can be one event: the same day, the same kind (or one says
    none), and sides that make two at most."""
    kinds = {a.event_type, b.event_type} - {""}
    return a.event_date == b.event_date and len(kinds) <= 1 and _two_sides_at_most(a, b)


def _two_sides_at_most(a: Candidate, b: Candidate) -> bool:
    """Sides that one incident can have: between them, two groups at most ("a drone hit a
    car" and "two militiamen were killed" are the drone against the militia)."""
    return len(_armed(a) | _armed(b)) <= 2


def _same_sides(a: Candidate, b: Candidate) -> bool:
    one, other = _armed(a), _armed(b)
    return one <= other or other <= one


def _listed_with(places: list[Found], chosen: Found | None) -> list[Found]:
    """The other villages of a list the chosen place belongs to ("on Hajin and Al-Shaafa"):
    each is an incident of its own, as ACLED codes one event per place."""
    if chosen is None or chosen.place.precision != 1:
        return []
    runs, run = [], []
    for found in places:
        if run and not found.listed:
            runs.append(run)
            run = []
        run.append(found)
    runs.append(run)
    for members in runs:
        if len(members) > 1 and any(m is chosen for m in members):
            return [m for m in members if m is not chosen and m.place.precision == 1]
    return []


def _sibling(c: Candidate, place: Found, number: int) -> Candidate:
    """The same incident at another place of its list; a toll given for the whole list
    is not repeated (it says so)."""
    twin = Candidate(number, c.event_date, c.end_date, c.time_precision, c.time_basis, place)
    _inherit_sides(twin, c)
    twin.event_type, twin.sub_event_type = c.event_type, c.sub_event_type
    twin.by_state = c.by_state
    twin.sentences, twin.spans = list(c.sentences), list(c.spans)
    if c.fatalities is not None:
        twin.fatalities_note = f"{c.fatalities} killed over the places of one list"
    return twin
