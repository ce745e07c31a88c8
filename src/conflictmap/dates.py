"""Reading the dates analysts' files carry, and deciding day/month order per file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from conflictmap.names import ascii_digits, normalise_arabic

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "jan january يناير كانون الثاني",
            "feb february فبراير شباط",
            "mar march مارس آذار اذار",
            "apr april ابريل أبريل نيسان",
            "may مايو أيار ايار",
            "jun june يونيو يونيه حزيران",
            "jul july يوليو يوليه تموز",
            "aug august أغسطس اغسطس آب اب",
            "sep sept september سبتمبر أيلول ايلول",
            "oct october أكتوبر اكتوبر تشرين الأول",
            "nov november نوفمبر تشرين الثاني",
            "dec december ديسمبر كانون الأول",
        ]
    )
    for m in names.split()
}
# Two-word Levantine month names first (تشرين الأول / كانون الثاني).
_TWO_WORD = {
    normalise_arabic("تشرين الأول"): 10,
    normalise_arabic("تشرين الثاني"): 11,
    normalise_arabic("كانون الأول"): 12,
    normalise_arabic("كانون الثاني"): 1,
}
_ONE_WORD = {normalise_arabic(k): v for k, v in _MONTHS.items()}
MONTH_NAMES: dict[str, int] = _ONE_WORD | _TWO_WORD  # normalised name -> month

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][\d:.]+(?:Z|[+-][\d:]+)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: [\d:]+)?$")
_NAMED_DMY = re.compile(
    r"^(\d{1,2})[\s\-/.,]+([^\d\s\-/.,]+(?: [^\d\s\-/.,]+)?)[\s\-/.,]+(\d{2}|\d{4})$"
)
_NAMED_MDY = re.compile(r"^([^\d\s\-/.,]+)[\s\-/.]+(\d{1,2}),?[\s\-/.]+(\d{4})$")

DAY_FIRST, MONTH_FIRST = "day-first", "month-first"


@dataclass(frozen=True)
class ParsedDate:
    """One cell read: the date (None if unreadable) and what order it implies."""

    value: dt.date | None
    numeric: tuple[int, int, int] | None = None  # (a, b, year) of a slashed date

    @property
    def order_evidence(self) -> str | None:
        if self.numeric is None:
            return None
        a, b, _ = self.numeric
        if a > 12 >= b:
            return DAY_FIRST
        if b > 12 >= a:
            return MONTH_FIRST
        return None


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        pivot = dt.date.today().year % 100 + 1
        year += 2000 if year <= pivot else 1900
    return year


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month(word: str) -> int | None:
    word = normalise_arabic(word.strip().lower().rstrip("."))
    return _TWO_WORD.get(word) or _ONE_WORD.get(word)


def read_date(text: str, order: str = DAY_FIRST) -> ParsedDate:
    """Read one date cell. Slashed numeric dates use ``order`` (decided per file)."""
    text = " ".join(ascii_digits(str(text)).strip().split())
    if not text:
        return ParsedDate(None)
    if m := _ISO.match(text):
        return ParsedDate(_safe_date(int(m[1]), int(m[2]), int(m[3])))
    if m := _NUMERIC.match(text):
        a, b, year = int(m[1]), int(m[2]), _year(m[3])
        day, month = (a, b) if order == DAY_FIRST else (b, a)
        return ParsedDate(_safe_date(year, month, day), numeric=(a, b, year))
    if (m := _NAMED_DMY.match(text)) and (month := _month(m[2])):
        return ParsedDate(_safe_date(_year(m[3]), month, int(m[1])))
    if (m := _NAMED_MDY.match(text)) and (month := _month(m[1])):
        return ParsedDate(_safe_date(int(m[3]), month, int(m[2])))
    return ParsedDate(None)


def decide_order(cells: list[str]) -> tuple[str, str | None]:
    """Day/month order for a file's slashed dates, and a warning when it is a guess.

    Evidence is a value whose first part exceeds 12 (day first) or whose second part
    does (month first). No evidence at all: day first, the usual order in the region's
    files, said out loud. Contradictory evidence: the majority wins and the rows that
    contradict it are errors (found by ``contradicts``).
    """
    votes = {DAY_FIRST: 0, MONTH_FIRST: 0}
    ambiguous = 0
    for cell in cells:
        parsed = read_date(cell)
        if parsed.numeric is None:
            continue
        if evidence := parsed.order_evidence:
            votes[evidence] += 1
        else:
            ambiguous += 1
    if votes[MONTH_FIRST] > votes[DAY_FIRST]:
        return MONTH_FIRST, None
    if votes[DAY_FIRST] == 0 and ambiguous:
        return DAY_FIRST, (
            f"{ambiguous} date(s) such as 05/06/2020 could be day/month or month/day and "
            "nothing in the file decides it; they were read day first (5 June). If the file "
            "is month first, write the dates as YYYY-MM-DD and import again."
        )
    return DAY_FIRST, None


def contradicts(parsed: ParsedDate, order: str) -> bool:
    evidence = parsed.order_evidence
    return evidence is not None and evidence != order
