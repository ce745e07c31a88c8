"""Typing and checking incident columns, collecting every problem into the report.

Input: the string frame from ``layouts.to_incident_columns``. Output: a typed frame
of the rows with no error (geocoding comes next) and issues added to the report.
Each check is vectorised; only failing rows are visited to word their message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

import numpy as np
import pandas as pd
from pyarrow import ArrowInvalid

from conflictmap import countries
from conflictmap.dates import contradicts, decide_order, read_date
from conflictmap.i18n import N_
from conflictmap.ingest.issues import ERROR, WARNING, Report
from conflictmap.names import ascii_digits
from conflictmap.rows import keep_rows
from conflictmap.schema import BY_NAME, FLOAT, INT, NAMES
from conflictmap.settings import Region

EARLIEST = dt.date(1900, 1, 1)


def _rows(frame: pd.DataFrame, mask, columns) -> pd.DataFrame:
    """The masked rows' ``columns`` (only those are taken: the mask is usually empty)."""
    return frame.loc[np.asarray(mask, dtype=bool), columns]


MAX_WHOLE = 2**53


def _numbers(text: pd.Series) -> pd.Series:
    """The column's numbers (NaN where empty or unreadable). A clean column converts in C
    at once; one with a decimal comma, other digits or a bad cell the careful way (the
    folding changes nothing in a column pyarrow reads as it is)."""
    with contextlib.suppress(ValueError, TypeError, ArrowInvalid):
        return _floats(text)
    other = text.str.contains(r"[^\x00-\x7f]", regex=True)  # only those need folding
    if other.any():
        text = text.where(~other, text[other].map(ascii_digits))
    cleaned = text.str.replace(",", ".", regex=False)  # cells come stripped (``columns``)
    try:
        return _floats(cleaned)
    except (ValueError, TypeError, ArrowInvalid):
        return pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce")


def _floats(text: pd.Series) -> pd.Series:
    arrow = text.where(text != "").astype("float64[pyarrow]")
    return pd.Series(arrow.to_numpy("float64", na_value=np.nan, copy=True), text.index)


def check_numbers(raw: pd.DataFrame, typed: pd.DataFrame, report: Report) -> pd.Series:
    """Numeric columns: readable, whole where needed, within range. Returns bad-row mask."""
    bad = pd.Series(False, index=raw.index)
    for name in NAMES:
        column = BY_NAME[name]
        if column.kind not in (INT, FLOAT):
            continue
        values = _numbers(raw[name])
        given = raw[name] != ""
        wrong = given & values.isna()
        values = values.astype("float64")  # huge digit strings come back as uint64
        if column.kind == INT:
            # whole, and small enough to be exact (and to fit the store's 64-bit integers)
            wrong |= values.notna() & ((values % 1 != 0) | (values.abs() > MAX_WHOLE))
        if column.minimum is not None:
            wrong |= values < column.minimum
        if column.maximum is not None:
            wrong |= values > column.maximum
        if column.choices:
            wrong |= values.notna() & ~values.isin(column.choices)
        for line, value in _rows(raw, wrong, ["__line", name]).itertuples(index=False):
            report.add(line, name, value, *_number_message(column), **_number_values(column))
        bad |= wrong
        typed[name] = values.where(~wrong).astype("Int64" if column.kind == INT else "float64")
    return bad


def _number_message(column) -> tuple[str, str]:
    """(template, severity) with the column's values in ``_number_values``."""
    return _number_template(column), ERROR


def _number_template(column) -> str:
    if column.choices:
        return N_("{column} must be one of {allowed}. Correct the value or leave it empty.")
    if column.kind == INT and column.minimum == 0:
        return N_(
            "{column} must be a whole number of 0 or more (leave it empty when unknown). "
            "Correct the value and import again."
        )
    return N_(
        "{column} must be a number between {minimum} and {maximum} (decimal degrees, "
        "WGS 84). Correct it or leave it empty to geocode the place name."
    )


def _number_values(column) -> dict:
    values = {"column": column.name}
    if column.choices:
        values["allowed"] = ", ".join(map(str, column.choices))
    elif column.minimum is not None and column.maximum is not None:
        values |= {"minimum": f"{column.minimum:g}", "maximum": f"{column.maximum:g}"}
    return values


def check_dates(raw: pd.DataFrame, typed: pd.DataFrame, report: Report) -> pd.Series:
    """event_date required; end_date optional and not before it; 1900..today."""
    cells = pd.concat([raw["event_date"], raw["end_date"]]).unique().tolist()
    order, warning = decide_order(cells)
    if warning:
        report.add(1, "event_date", "", warning, WARNING)
    parsed = {cell: read_date(cell, order) for cell in cells}
    bad = pd.Series(False, index=raw.index)
    today = dt.date.today()
    for name in DATE_COLUMNS:  # each distinct cell is judged and converted once
        codes, distinct = pd.factorize(raw[name], use_na_sentinel=False)
        distinct = distinct.tolist()
        problems = [
            _date_problem(name, cell, parsed[cell].value, parsed[cell], order, today)
            if cell or name == "event_date"
            else None
            for cell in distinct
        ]
        wrong = np.array([p is not None for p in problems], bool)[codes]
        for line, code in zip(raw.loc[wrong, "__line"], codes[wrong], strict=True):
            template, values = problems[code]
            report.add(line, name, distinct[code], template, **values)
        bad |= wrong
        dates = pd.to_datetime(
            pd.Series([parsed[c].value for c in distinct], dtype=object), errors="coerce"
        )
        typed[name] = pd.Series(dates.to_numpy()[codes], raw.index).where(~bad)
    typed["end_date"] = typed["end_date"].fillna(typed["event_date"])
    reversed_ = typed["end_date"] < typed["event_date"]
    for line, a, b in _rows(raw, reversed_, ["__line", "event_date", "end_date"]).itertuples(
        index=False
    ):
        report.add(
            line,
            "end_date",
            b,
            N_("end_date {end} is before event_date {start}; swap them."),
            end=b,
            start=a,
        )
    return bad | reversed_


DATE_COLUMNS = ("event_date", "end_date")


def _date_problem(name, cell, value, parsed, order, today) -> tuple[str, dict] | None:
    """(template, values) of what is wrong with a date cell, or None."""
    if not cell:
        return N_("event_date is empty; every incident needs the day it happened (YYYY-MM-DD)."), {}
    if value is None:
        return N_(
            "'{cell}' is not a date conflictmap can read; write it as YYYY-MM-DD "
            "(2020-05-09), 09 May 2020 or 09/05/2020 (day first)."
        ), {"cell": cell}
    if contradicts(parsed, order):
        return N_(
            "'{cell}' can only be month/day but the rest of the file is {order}; write "
            "the file's dates in one order (best: YYYY-MM-DD)."
        ), {"cell": cell, "order": order}
    if value > today:
        return N_("{date} is in the future; check the year."), {"date": value.isoformat()}
    if value < EARLIEST:
        return N_("{date} is before 1900; check the year."), {"date": value.isoformat()}
    return None


def _row_codes(typed: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """The ISO numeric code of each masked row's country (from its code or its name)."""
    rows = typed.loc[mask]
    iso = rows["iso"] if "iso" in rows.columns else pd.Series(None, index=rows.index)
    name = rows["country"] if "country" in rows.columns else pd.Series(None, index=rows.index)
    return pd.Series(
        [countries.code_of(i, n) for i, n in zip(iso, name, strict=True)], index=rows.index
    ).dropna()


def _in_stated_country(typed, candidates: pd.Series, lat, lon, swap: bool) -> pd.Series:
    """Among ``candidates``, the rows their own country vouches for: their point lies in
    the country the row names. For a point outside the work area, that is all (a
    Damascus event of a Syria file is not doubtful). For a point that looks swapped
    (``swap``), a point whose swapped form is not in that country counts too: not
    swapped. Rows with no known country keep the work-area rule."""
    vouched = pd.Series(False, index=typed.index)
    if not candidates.any():
        return vouched
    codes = _row_codes(typed, candidates)
    if codes.empty:
        return vouched
    as_given = countries.inside(codes, lat.loc[codes.index], lon.loc[codes.index])
    fine = as_given.fillna(False)
    if swap:
        turned = countries.inside(codes, lon.loc[codes.index], lat.loc[codes.index])
        fine = (fine | ~turned.fillna(False)) & as_given.notna()
    vouched.loc[fine[fine].index] = True
    return vouched


def check_coordinates(
    raw: pd.DataFrame, typed: pd.DataFrame, region: Region, report: Report, already_bad: pd.Series
) -> pd.Series:
    """Half-given, (0, 0), swapped and out-of-area points. Returns bad-row mask."""
    lat = typed["latitude"].where(~already_bad)
    lon = typed["longitude"].where(~already_bad)
    half = (lat.isna() ^ lon.isna()) & ~already_bad
    zero = (lat == 0) & (lon == 0)
    inside = region.contains(lat, lon)
    swapped = lat.notna() & lon.notna() & ~inside & region.contains(lon, lat)
    swapped &= ~_in_stated_country(typed, swapped, lat, lon, swap=True)
    elsewhere = lat.notna() & lon.notna() & ~zero & ~inside & ~swapped
    elsewhere &= ~_in_stated_country(typed, elsewhere, lat, lon, swap=False)
    for line, a, b in _rows(raw, half, ["__line", "latitude", "longitude"]).itertuples(index=False):
        report.add(
            line,
            "latitude" if not a else "longitude",
            a or b,
            "Only one of latitude/longitude is given; give both or neither "
            "(then the place name is geocoded).",
        )
    for line in _rows(raw, zero, "__line"):
        report.add(
            line,
            "latitude",
            "0, 0",
            "(0, 0) is a placeholder, not a place (it lies "
            "in the Atlantic); the place name is geocoded instead.",
            WARNING,
        )
    for line, a, b in _rows(raw, swapped, ["__line", "latitude", "longitude"]).itertuples(
        index=False
    ):
        report.add(
            line,
            "latitude",
            f"{a}, {b}",
            N_(
                "Latitude and longitude look swapped: ({lat}, {lon}) falls in the area you "
                "work on. Swap the two columns' values."
            ),
            lat=b,
            lon=a,
        )
    for line, a, b in _rows(raw, elsewhere, ["__line", "latitude", "longitude"]).itertuples(
        index=False
    ):
        report.add(
            line,
            "latitude",
            f"{a}, {b}",
            "This point is outside the area you work "
            "on; it was kept, check it is the place you meant.",
            WARNING,
        )
    typed.loc[zero | half, ["latitude", "longitude"]] = np.nan
    return half | swapped


def assign_ids(typed: pd.DataFrame, report: Report) -> pd.Series:
    """incident_id = dataset:source_event_id, else a hash of the row's content."""
    given = typed["incident_id"].fillna("").astype(str)
    source = typed["source_event_id"].fillna("").astype(str)
    dataset = typed["dataset"].fillna("").astype(str)
    ids = (dataset + ":" + source).where(source != "", "")
    if (stated := given != "").all():  # only where needed: a column-wide where copies it
        ids = given
    elif stated.any():
        ids = given.where(stated, ids)
    missing = ids == ""
    if missing.any():
        content = dataset[missing]
        for name in CONTENT:
            content = content + "|" + typed.loc[missing, name].astype("string").fillna("")
        ids[missing] = (
            dataset[missing]
            + ":h"
            + content.map(lambda s: hashlib.sha256(s.encode()).hexdigest()[:16])
        )
    typed["incident_id"] = ids
    if ids.is_unique:  # the usual case (pyarrow's unique: 0.1 s at a million ids)
        return pd.Series(False, index=ids.index)
    dup = ids.duplicated(keep="first")
    first_line = dict(zip(ids[~dup], typed.loc[~dup, "__line"], strict=True))
    for row in ids.index[dup]:
        report.add(
            typed.at[row, "__line"],
            "source_event_id",
            ids[row],
            N_("The same incident (id {id}) is already at line {line}; this copy was skipped."),
            id=ids[row],
            line=first_line[ids[row]],
        )
    return dup


CONTENT = (
    "event_date",
    "location",
    "actor1",
    "actor2",
    "fatalities",
    "notes",
    "latitude",
    "longitude",
)


def validate(raw: pd.DataFrame, region: Region, report: Report) -> pd.DataFrame:
    """Typed, checked rows (errors removed); every issue in ``report``."""
    typed = raw.copy(deep=False)  # columns are replaced, never written into
    bad = check_numbers(raw, typed, report)
    bad |= check_dates(raw, typed, report)
    bad |= check_coordinates(raw, typed, region, report, bad)
    for name in ("time_precision",):
        typed[name] = typed[name].fillna(1).astype("Int64")
    kept = keep_rows(typed, ~bad)
    dup = assign_ids(kept, report)
    return keep_rows(kept, ~dup)
