"""An analyst's corrections to stored incidents: checked here, kept by the store with who
and when, and put back over every later import of the same incident.

A correction never touches the row's fingerprint (``row_hash``), which stays the source's:
re-importing the same export finds the incident unchanged, and a real update from the
source (a newer ACLED ``timestamp``) is stored and then corrected again.
"""

from __future__ import annotations

import math

from conflictmap.errors import InputError
from conflictmap.i18n.catalogue import msg
from conflictmap.schema import BY_NAME, FLOAT, INT

FIELDS = (
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "geocoded_by",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "fatalities",
    "event_type",
)
ANALYST = "analyst"  # geocoded_by of a place the analyst set


def checked(changes: dict) -> dict[str, str | None]:
    """Field -> value as stored in the corrections table (text, None to empty a field).
    Raises InputError naming the field, the value and what to write instead."""
    out: dict[str, str | None] = {}
    for field, value in changes.items():
        if field not in FIELDS:
            raise InputError(
                msg(
                    "'{field}' cannot be corrected here; correctable fields: {fields}.",
                    field=field,
                    fields=", ".join(FIELDS),
                )
            )
        text = "" if value is None else str(value).strip()
        column = BY_NAME[field]
        if column.kind not in (INT, FLOAT):
            out[field] = text
            continue
        if text == "":
            if field in ("latitude", "longitude"):
                raise InputError(msg("{field} cannot be emptied; give a number.", field=field))
            out[field] = None
            continue
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        whole = column.kind != INT or number.is_integer()
        low = column.minimum if column.minimum is not None else -math.inf
        high = column.maximum if column.maximum is not None else math.inf
        allowed = not column.choices or number in column.choices
        if math.isnan(number) or not whole or not low <= number <= high or not allowed:
            raise InputError(
                msg(
                    "{field} = {value} is not valid: {column}",
                    field=field,
                    value=f"{value!r}",
                    column=_rule(column),
                )
            )
        out[field] = str(int(number)) if column.kind == INT else repr(number)
    if ("latitude" in out) != ("longitude" in out):
        raise InputError("Correct latitude and longitude together (the place is a point).")
    return out


def _rule(column) -> str:
    if column.choices:
        return f"use one of {', '.join(map(str, column.choices))}."
    if column.kind == INT:
        return "use a whole number of 0 or more, or leave it empty when unknown."
    return f"use a number from {column.minimum:g} to {column.maximum:g} (decimal degrees)."


def place(gazetteer, name: str, country: str = "", admin1: str = "") -> dict[str, str]:
    """The changes that move an incident to a gazetteer place (name as the analyst wrote
    it, the place's point and precision)."""
    match = gazetteer.lookup(name, country, admin1)
    if match.place is None:
        raise InputError(
            msg(
                (
                    "'{name}' is not in the gazetteer; give latitude and longitude "
                    "instead, or add the place to a CSV in geo/."
                ),
                name=name,
            )
        )
    return {
        "location": name.strip(),
        "latitude": repr(match.place.latitude),
        "longitude": repr(match.place.longitude),
        "geo_precision": str(match.precision),
        "geocoded_by": ANALYST,
    }
