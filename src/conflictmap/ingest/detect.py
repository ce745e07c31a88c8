"""What kind of file a header says it is: an ACLED export, a UCDP GED file, or an
analyst's sheet whose columns are recognised by their names in English or Arabic.
"""

from __future__ import annotations

import re

from conflictmap.errors import InputError
from conflictmap.i18n.catalogue import msg
from conflictmap.names import ascii_digits, normalise_arabic

ACLED, ACLED_LEGACY, UCDP, UCDP_CANDIDATE, SHEET, OWN = (
    "acled",
    "acled-legacy",
    "ucdp-ged",
    "ucdp-ged-candidate",
    "sheet",
    "conflictmap",
)


def _norm_header(name: str) -> str:
    name = normalise_arabic(ascii_digits(name)).strip().lower()
    return re.sub(r"[\s_\-.]+", " ", name).strip()


_SHEET_SYNONYMS = {
    "event_date": "date|event date|day|date start|start date|start|التاريخ|تاريخ|تاريخ الحدث|اليوم",
    "end_date": "end date|date end|end|until|to|تاريخ الانتهاء|تاريخ النهايه|الى|حتى",
    "location": "location|place|town|village|city|site|place name|المكان|الموقع|البلده|القريه|"
    "المدينه|المنطقه",
    "actor1": "actor1|actor 1|actor|actors|side a|party 1|perpetrator|الطرف الاول|الطرف 1|"
    "الفاعل|الجهه|الاطراف|الطرف",
    "actor2": "actor2|actor 2|side b|party 2|target|الطرف الثاني|الطرف 2|ضد|الهدف",
    "fatalities": "fatalities|deaths|dead|killed|casualties|القتلى|عدد القتلى|الضحايا|قتلى",
    "notes": "notes|note|description|summary|details|ملاحظات|الملاحظات|الوصف|التفاصيل",
    "source": "source|sources|link|url|المصدر|المصادر|الرابط",
    "latitude": "lat|latitude|y|خط العرض",
    "longitude": "lon|lng|long|longitude|x|خط الطول",
    "country": "country|البلد|الدوله",
    "admin1": "governorate|province|admin1|المحافظه",
    "event_type": "event type|type|نوع الحدث|النوع",
    "sub_event_type": "sub event type|subtype",
    "source_event_id": "id|event id|ref|reference|المعرف|الرقم",
    "time_precision": "time precision|date precision|دقه التاريخ",
    "geo_precision": "geo precision|location precision|دقه الموقع",
    "assoc_actor_1": "assoc actor 1",
    "assoc_actor_2": "assoc actor 2",
}


_SYNONYM_TO_COLUMN = {
    _norm_header(s): col for col, alts in _SHEET_SYNONYMS.items() for s in alts.split("|")
}


def detect_format(header: list[str]) -> str:
    """Which kind of file this is, from its header alone."""
    cols = {h.strip().lower() for h in header}
    if {"incident_id", "dataset", "event_date", "latitude", "longitude"} <= cols:
        return OWN
    if {"event_id_cnty", "event_date", "actor1", "latitude", "longitude"} <= cols:
        return ACLED if "disorder_type" in cols else ACLED_LEGACY
    if {"id", "side_a", "side_b", "date_start", "best"} <= cols:
        return UCDP_CANDIDATE if "code_status" in cols else UCDP
    mapped = set(sheet_mapping(header).values())
    if "event_date" in mapped and ({"location"} <= mapped or {"latitude", "longitude"} <= mapped):
        return SHEET
    shown = ", ".join(_short(h, 30) for h in header[:12]) + (" ..." if len(header) > 12 else "")
    shown = _short(shown, 240)
    raise InputError(
        msg(
            (
                "Cannot tell what kind of file this is from its header ({header}). "
                "conflictmap reads ACLED exports, UCDP GED files and sheets with at "
                "least a date column (date / التاريخ) and a place column (location / "
                "place / المكان) or lat and lon columns."
            ),
            header=shown,
        )
    )


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def sheet_mapping(header: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name in header:
        column = _SYNONYM_TO_COLUMN.get(_norm_header(name))
        if column and column not in mapping.values():
            mapping[name] = column
    return mapping


def unknown_sheet_columns(header: list[str]) -> list[str]:
    known = sheet_mapping(header)
    return [
        h
        for h in header
        if h not in known and not h.startswith(("__", "conflictmap_")) and h.strip()
    ]
