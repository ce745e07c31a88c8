"""The words the drafting knows, read from ``data/extract.toml``: time expressions,
cue words of each event type, number words, place words; cached per file version.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictmap.dates import MONTH_NAMES
from conflictmap.errors import InputError
from conflictmap.factions import match_form
from conflictmap.names import is_arabic, name_key, normalise_arabic

DAY, WEEK, MONTH = "day", "week", "month"


UNIT_DAYS = {DAY: 1, WEEK: 7, MONTH: 30}


GENERIC_HEADS = {
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


_QUOTE = r"\s*[\"“”«'‘’]?\s*"  # a cue word, then perhaps the quote the name opens with


def _alternation(words) -> str:
    """The words as one regex alternative, longest first; no words: a pattern that never
    matches (an empty one would match everywhere)."""
    found = [re.escape(_fold(w).lower()) for w in sorted(words, key=len, reverse=True)]
    return "|".join(found) or r"(?!x)x"


@dataclass(frozen=True)
class TimeRule:
    regex: re.Pattern
    kind: str  # ago | run | span | day (of the month)
    unit: str
    count: int | None
    precision: int
    anchor: str  # published | previous


@dataclass(frozen=True)
class EventRule:
    regex: re.Pattern
    event_type: str
    sub_event_type: str
    by_state: str = ""  # the sub-event type when state forces did it ("Government regains")


@dataclass(frozen=True)
class Lexicon:
    skip_lines: re.Pattern
    dateline: re.Pattern
    sentence_end: re.Pattern
    clause_break: re.Pattern
    numbers: dict[str, int]
    vague: dict[str, int]
    ordinals: dict[str, int]
    number_re: str
    ordinal_re: str
    times: tuple[TimeRule, ...]
    weekdays: dict[str, int]
    weekday_re: re.Pattern
    date_re: re.Pattern
    month_re: re.Pattern
    events: tuple[EventRule, ...]
    killed: re.Pattern
    killed_two: re.Pattern
    killed_one: re.Pattern
    civilian_count: re.Pattern
    killed_unknown: re.Pattern
    killed_none: re.Pattern
    running_total: re.Pattern
    killed_also: re.Pattern
    killed_total: re.Pattern
    wounded: re.Pattern
    aftermath: re.Pattern
    near_before: re.Pattern
    countryside_before: re.Pattern
    desert_before: re.Pattern
    place_before: re.Pattern
    place_after: re.Pattern
    spelling_before: re.Pattern
    intent_before: re.Pattern
    apart: re.Pattern
    said_after: re.Pattern
    background: re.Pattern
    aside: re.Pattern
    between_before: re.Pattern
    origin_before: re.Pattern
    source_before: re.Pattern
    feature_before: re.Pattern
    origin_after: re.Pattern
    same_place: re.Pattern
    directions: tuple[tuple[str, re.Pattern, re.Pattern], ...]
    not_places: frozenset[str]
    min_population: int
    target_before: re.Pattern
    not_actor_before: re.Pattern
    reporter_before: re.Pattern
    unknown_air: str
    unknown_words: tuple[str, ...]

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

    times = _time_rules(data["time"], number_re, ordinal_re)
    weekdays = {
        _fold(name).lower(): i
        for lang, names in data["weekdays"].items()
        if lang not in ("before", "after")
        for i, name in enumerate(names)
    }
    before_weekday = data["weekdays"].get("before", ["يوم", "on", "last"])
    after_weekday = data["weekdays"].get("after", [])
    months = "|".join(re.escape(m) for m in sorted(MONTH_NAMES, key=len, reverse=True))
    killed = data["killed"]
    places = data["places"]
    roles = data.get("roles", {})
    return Lexicon(
        dateline=re.compile(data.get("dateline", r"(?!x)x")),
        skip_lines=re.compile("|".join(_fold(s).lower() for s in data["skip_lines"])),
        sentence_end=re.compile(data["sentence_end"]),
        # a clause of its own starts at these words ("…، فيما وقعت اشتباكات …")
        clause_break=re.compile(
            rf"(?:\s|[،,;]\s*)(?=[وف]?(?:{_alternation(data.get('clause_break', []))})\s)"
            rf"|[،,;]\s*(?=[وف]?(?:{_alternation(data.get('clause_break_after_comma', []))})\s)"
        ),
        numbers=numbers,
        vague=vague,
        ordinals=ordinals,
        number_re=number_re,
        ordinal_re=ordinal_re,
        times=times,
        weekdays=weekdays,
        # "يوم الخميس", "on Thursday"; an English day name stands alone too ("killed
        # eight people Thursday night"): unlike الجمعة (also "Friday prayers") it is no
        # other word
        weekday_re=re.compile(
            rf"(?<!\w)(?:(?:{_alternation(before_weekday)})\s+"
            rf"(?P<day>{_alternation(weekdays)})"
            rf"|(?P<late>{_alternation(weekdays)})\s+(?:{_alternation(after_weekday)})"
            rf"|(?P<alone>{_alternation([w for w in weekdays if w.isascii()])}))(?!\w)"
        ),
        # "21 October", "the 21st of October 2019", "October 21", "5 من أيلول"
        date_re=re.compile(
            rf"(?<!\w)(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? (?:من )?(?P<m1>{months})"
            rf"|(?P<m2>{months}) (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)(?:,? (?P<y>\d{{4}}))?(?!\w)"
        ),
        # "In February", "خلال شهر شباط": the month, precision 3
        month_re=re.compile(
            rf"(?<!\w)(?:in|during|early|late|في|خلال|مطلع|أواخر) (?:شهر )?(?P<m>{months})"
            rf"(?:,? (?P<y>\d{{4}}))?(?!\w)"
        ),
        apart=re.compile(_words_re(data.get("apart", []))),
        said_after=re.compile(
            rf"[\s,،]+(?:\S+\s+)?[وف]?(?:{_alternation(data.get('said_after', []))})(?!\w)"
        ),
        background=re.compile(_words_re(data.get("background", []))),
        # ", which is battling ISIL across the border in Mosul,": an aside
        aside=re.compile(rf",\s+(?:{_alternation(data.get('aside_after_comma', []))})\s[^,.;]*,"),
        intent_before=re.compile(
            rf"(?:^|\s)[وف]?(?:{_alternation(data.get('intent_before', []))})\s*$"
        ),
        events=tuple(
            EventRule(
                re.compile(_words_re(rule["words"])),
                rule["type"],
                rule["sub_event_type"],
                rule.get("by_state", ""),
            )
            for rule in data["event"]
        ),
        killed=_killed_re(killed, number_re, vague),
        # "12 soldiers and 20 fighters were killed": the count before the toll's, joined
        killed_also=re.compile(r"(?<!\w)(?P<n>\d+)(?:\s+\S+){1,7}?\s+(?:و|and\s+)$"),
        wounded=re.compile(_stems(killed.get("wounded", []))),
        # "26 family members, including 14 children and 9 women, were killed": the total
        killed_total=re.compile(
            rf"(?<!\w)(?P<n>{number_re})(?:[\s\-]+\S+){{0,5}}?[\s,،]+"
            rf"(?:{_alternation(killed.get('including', []))})(?!\w)"
        ),
        killed_two=re.compile(_words_re(killed["two"])),
        killed_one=_killed_one_re(killed),
        civilian_count=re.compile(
            rf"\s*(?:[\w-]+\s+)?{_words_re(killed.get('civilian_count', []))}"
        ),
        killed_unknown=re.compile(_words_re(killed["unknown"])),
        killed_none=re.compile(_words_re(killed.get("none", []))),
        running_total=re.compile(_words_re(killed.get("running_total", []))),
        aftermath=re.compile(_words_re(places.get("aftermath", []))),
        near_before=re.compile(
            rf"(?:{_alternation(places.get('near_before', []))})(?:\s+the)?{_QUOTE}$"
        ),
        countryside_before=re.compile(
            rf"(?:^|\s)(?:{_alternation(places.get('countryside_before', []))}){_QUOTE}$"
        ),
        desert_before=re.compile(
            rf"(?:^|\s)(?:{_alternation(places.get('desert_before', []))}){_QUOTE}$"
        ),
        place_before=re.compile(rf"(?:{_alternation(places['place_before'])}){_QUOTE}$"),
        place_after=re.compile(rf"^\s+(?:{_alternation(places.get('place_after', []))})\b"),
        between_before=re.compile(
            rf"(?:^|\s)[وف]?(?:{_alternation(places.get('between_before', []))})\s+$"
        ),
        spelling_before=re.compile(
            rf"(?:^|\s)(?:{_alternation(places.get('spelling_before', []))})\s+$"
        ),
        origin_before=re.compile(rf"(?:{_alternation(places['origin_before'])})\s*$"),
        feature_before=re.compile(
            rf"(?:^|\s)(?:{_alternation(places.get('feature_before', []))})\s*$"
        ),
        source_before=re.compile(
            rf"(?:^|\s)(?:{_alternation(places.get('source_before', []))}){_QUOTE}$"
        ),
        origin_after=re.compile(rf"^(?:{_alternation(places.get('origin_after', []))})\b"),
        same_place=re.compile(_words_re(places["same_place"], arabic_prefix=False)),
        directions=_directions(data["direction"]),
        not_places=frozenset(name_key(w) for w in places["not_places"]),
        min_population=int(places.get("min_population", 0)),
        # "قناة الميادين المقربة من النظام": who a source is close to is no side
        not_actor_before=re.compile(
            rf"(?:^|\s)[وف]?(?:{_alternation(roles.get('not_actor_before', []))})\s*$"
        ),
        # "مراسل عنب بلدي في دير الزور": where the reporter sits, not the incident
        reporter_before=re.compile(
            rf"(?:^|\s)[وف]?[لب]?(?:{_alternation(places.get('reporter', []))})"
            r"(?:\s+[^\s.،,]+){0,3}?\s+(?:في|ب|من|in|from|at)\s*$"
        ),
        target_before=re.compile(
            rf"(?<!\w)(?:{_alternation(roles.get('target_before', []))})"
            r"(?:\s+(?:the|of|لـ?|تابعه|التابعه|تابع|التابع|belonging to|affiliated with))*"
            r"[\s\W]*$"
        ),
        unknown_air=roles.get("unknown_air", ""),
        unknown_words=tuple(match_form(w) for w in roles.get("unknown_words", [])),
    )


def _time_rules(rules: list[dict], number_re: str, ordinal_re: str) -> tuple[TimeRule, ...]:
    """The time expressions, their ``{n}`` and ``{ord}`` holes made number patterns."""

    def timed(pattern: str) -> re.Pattern:
        pattern = _fold(pattern)
        counter = iter(range(100))
        pattern = re.sub(r"\{n\}", lambda _: rf"(?P<n{next(counter)}>{number_re})", pattern)
        pattern = re.sub(r"\{ord\}", lambda _: rf"(?P<o{next(counter)}>{ordinal_re})", pattern)
        return re.compile(rf"(?<!\w)[وف]?(?:{pattern})(?!\w)")

    return tuple(
        TimeRule(
            timed(rule["pattern"]),
            rule["kind"],
            rule["unit"],
            rule.get("count"),
            int(rule["precision"]),
            rule.get("anchor", "published"),
        )
        for rule in rules
    )


def _directions(rules: list[dict]) -> tuple:
    """(name, words before a place, words after it) of each compass direction."""
    return tuple(
        (
            d["name"],
            re.compile(rf"(?:{_alternation(d['before'])})\s*$"),
            re.compile("|".join(_fold(a).lower() for a in d.get("after", [])) or r"(?!x)x"),
        )
        for d in rules
    )


def _stems(words) -> str:
    """Word beginnings as one regex alternative (they match inside longer words)."""
    return "|".join(re.escape(_fold(w).lower()) for w in words) or r"(?!x)x"


def _killed_re(killed: dict, number_re: str, vague: dict) -> re.Pattern:
    """A death toll: a number (or "dozens") before a killed-word, or after one."""
    between = r"(?:\s+(?:at least|about|nearly|some|نحو|حوالي|اكثر من|ما لا يقل عن))?"
    count = f"{number_re}|{_alternation(vague)}"
    # "27 people, fighters of the group and their families, were killed": up to 8 words
    # between, but not another number or the wounded, and not after a span of time ("two
    # days later, ... killed")
    not_time = rf"(?![\s\-]+(?:{_alternation(killed.get('not_after_number', []))})(?!\w))"
    return re.compile(
        rf"(?<!\w)[وف]?(?:(?P<a>{count}){not_time}"
        rf"(?:[\s\-\"“”«»']+(?!\d|{_stems(killed.get('wounded', []))})\w+){{0,8}}?[\"“”«»']?\s+"
        rf"[وف]?(?:{_alternation(killed['after'])})"
        rf"|[وف]?[بل]?(?:{_alternation(killed['before'])}){between}\s+(?:[^\W\d]+\s+)??"
        rf"(?P<b>{count}))"
        r"(?!\w)"
    )


def _killed_one_re(killed: dict) -> re.Pattern:
    """One person killed, said without a number: a killed-word before one of them ("مقتل
    عنصر", "مقتل أحد عناصر", "killing a civilian"), or "a/an/one/the" and one of them,
    then "was killed" ("a militia leader was killed", "the driver of a truck was killed")."""
    singular = killed.get("singular", [])
    one = _alternation(singular)
    # the Arabic dual of each ("مدنيان", "عنصرين"); a word ending in ي takes only -ان, its
    # -ين being the plural too ("مدنيين": civilians)
    dual = _alternation(
        [w + "ان" for w in singular if is_arabic(w) and w != "أحد"]
        + [w + "ين" for w in singular if is_arabic(w) and w != "أحد" and not w.endswith("ي")]
    )
    before = _alternation(killed.get("before", []))
    passive = _alternation(killed.get("one_passive", []))
    return re.compile(
        rf"(?<!\w)[وف]?[بل]?(?:{before})\s+(?:ال)?(?P<dual>{dual})(?!\w)"
        rf"|(?<!\w)[وف]?[بل]?(?:{before})\s+(?:(?:a|an|one|the)\s+(?:[\w-]+\s+){{0,2}}?)?"
        rf"(?:ال)?(?:{one})(?!\w)"
        rf"|(?<!\w)(?:a|an|one|the)\s+(?:[\w-]+\s+){{0,3}}?(?:{one})(?:\s+[\w-]+){{0,8}}?\s+"
        rf"(?:{passive})(?!\w)"
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
