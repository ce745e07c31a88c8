"""Everything language-dependent the map and the dashboard write (``Wording``): messages,
dates in both calendars, and names in the chosen language.

Dates in Arabic are written as in the region's press: the Gregorian date with the
Levantine month names (Babel's ar_SY: "30 أيار 2018") and the Hijri date (Umm al-Qura,
hijridate: "15 رمضان 1439 هـ").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from conflictmap.i18n.catalogue import RTL, catalogue, message, tr
from conflictmap.names import is_arabic, name_key

GREGORIAN_LOCALE = "ar_SY"  # كانون الثاني، شباط، آذار… as written in Syria and Iraq


def day(value, lang: str = "en", hijri: bool = True) -> str:
    """A date as the language writes it: ISO in English; in Arabic the Gregorian date
    with its month's name and, unless ``hijri`` is False, the Hijri date after it."""
    if value is None or (not isinstance(value, dt.date) and _missing(value)):
        return "?"
    when = value.date() if isinstance(value, dt.datetime) else value
    if lang != "ar":
        return f"{when:%Y-%m-%d}"
    from babel.dates import format_date

    text = format_date(when, "d MMMM y", locale=GREGORIAN_LOCALE)
    if hijri and (islamic := hijri_day(when)):
        text += f" ({islamic})"
    return text


def hijri_day(when: dt.date) -> str:
    """The Hijri date in Arabic ("15 رمضان 1439 هـ"); empty outside the calendar's
    range (Umm al-Qura tables cover 1343-1500 AH, 1924-2077 CE)."""
    from hijridate import Gregorian

    try:
        h = Gregorian(when.year, when.month, when.day).to_hijri()
    except (ValueError, OverflowError):
        return ""
    return f"{h.day} {h.month_name('ar')} {h.year} {h.notation('ar')}"


def _missing(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def words(items, lang: str = "en") -> str:
    """'a, b or c' in the language."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if lang == "ar":
        return "، ".join(items[:-1]) + " أو " + items[-1]
    return ", ".join(items[:-1]) + " or " + items[-1]


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


@dataclass(frozen=True, eq=False)
class Wording:
    """Everything language-dependent the map and the dashboard write: messages, dates,
    and names (factions, actors, event types, places) in the chosen language where the
    Arabic is known. English is the identity."""

    lang: str = "en"
    known: dict[str, str] = field(default_factory=dict)  # name_key(English) -> Arabic
    gazetteer: object = None  # a Gazetteer: places' Arabic names

    def __call__(self, text: str, **values) -> str:
        return tr(text, self.lang, **values)

    @property
    def rtl(self) -> bool:
        return self.lang in RTL

    @property
    def dir(self) -> str:
        return direction(self.lang)

    def message(self, said) -> str:
        """What the library said (a ``Message``, or an error carrying one) in this
        language."""
        return message(said, self.lang)

    def issue(self, code: str, params: dict, english: str) -> str:
        """A report issue from its template and values: the catalogue's translation of
        the template with the values put in; a template it lacks stays English."""
        translated = catalogue(self.lang).get(code)
        if translated is None:
            return english
        try:
            return translated.format(**params)
        except (KeyError, IndexError, ValueError):
            return english

    def day(self, value, hijri: bool = True) -> str:
        return day(value, self.lang, hijri)

    def words(self, items) -> str:
        return words(items, self.lang)

    def headed(self, frame):
        """A table with its column names in the language (those the catalogue knows)."""
        if self.lang == "en":
            return frame
        return frame.rename(columns={c: tr(c, self.lang) for c in frame.columns})

    def month(self, value: dt.date) -> str:
        """A calendar month: "June 2018", "حزيران 2018"."""
        if self.lang != "ar":
            return f"{value:%B %Y}"
        from babel.dates import format_date

        return format_date(value, "MMMM y", locale=GREGORIAN_LOCALE)

    def name(self, text) -> str:
        """A faction, actor, event type or place in the chosen language, if known. ACLED
        qualifiers in brackets are kept ("Civilians (Syria)" -> "مدنيون (سوريا)")."""
        if self.lang != "ar" or not isinstance(text, str) or not text or is_arabic(text):
            return text
        whole = self._one(text)
        if whole is not None:
            return whole
        parts = [p.strip() for p in re.split(r"(\([^)]*\))", text) if p.strip()]
        done = []
        for part in parts:
            inner = part[1:-1] if part.startswith("(") else part
            found = self._one(inner)
            shown = found if found is not None else inner
            done.append(f"({shown})" if part.startswith("(") else shown)
        return " ".join(done) if done != parts else text

    def _one(self, text: str) -> str | None:
        found = self.known.get(name_key(text))
        if found is None and self.gazetteer is not None:
            found = self.gazetteer.arabic_name(text)
        return found


ENGLISH = Wording()


def read_names(path: Path) -> dict[str, str]:
    """name -> Arabic from a names CSV (name, arabic, kind)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            name_key(row["name"]): row["arabic"].strip()
            for row in csv.DictReader(handle)
            if row.get("name") and row.get("arabic")
        }
