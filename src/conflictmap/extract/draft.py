"""The drafting's two ends: a pasted report in (``draft``: candidates as rows for the
analyst to correct) and the accepted rows out (``accepted_csv``: a CSV the importer
reads like any sheet, with the report's id in the source).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd

from conflictmap.csvfile import csv_bytes
from conflictmap.errors import InputError
from conflictmap.extract.candidates import extract
from conflictmap.extract.lexicon import load_lexicon
from conflictmap.factions import load_factions
from conflictmap.gazetteer import load_gazetteer
from conflictmap.schema import NAMES
from conflictmap.settings import Settings

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


def candidate_rows(text: str, published: dt.date, source: str, gaz, factions, lex) -> list[dict]:
    return [c.row(text, source) for c in extract(text, published, gaz, factions, lex)]


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
