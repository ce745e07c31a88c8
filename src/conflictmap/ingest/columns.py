"""Each format's columns mapped onto the incident model (still as strings)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictmap.ingest.detect import (
    ACLED,
    ACLED_LEGACY,
    OWN,
    SHEET,
    UCDP,
    UCDP_CANDIDATE,
    sheet_mapping,
)
from conflictmap.schema import NAMES

DATASET = {
    ACLED: "acled",
    ACLED_LEGACY: "acled",
    UCDP: "ucdp",
    UCDP_CANDIDATE: "ucdp",
    SHEET: "sheet",
    OWN: None,
}

_ACLED_SAME = [
    n
    for n in NAMES
    if n
    not in (
        "incident_id",
        "dataset",
        "source_event_id",
        "end_date",
        "geocoded_by",
        "fatalities_low",
        "fatalities_high",
    )
]
_UCDP_VIOLENCE = {
    "1": ("Battles", "State-based conflict"),
    "2": ("Battles", "Non-state conflict"),
    "3": ("Violence against civilians", "One-sided violence"),
}
_UCDP_TIME = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3"}
_UCDP_GEO = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "6": "3", "7": "3"}
_ACTOR_SPLIT = re.compile(r"\s+(?:vs\.?|v\.?|versus|against|ضد|مقابل)\s+", re.IGNORECASE)


def _lower_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={c: c.strip().lower() for c in frame.columns if c != "__line"})


def _pick(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column].astype(str)
    return pd.Series("", index=frame.index, dtype=object)


_SPACE = r"[\s\x0b\x1c-\x1f\x85\p{Z}]"  # what str.strip removes (a test pins it)
_EDGE_SPACE = f"^{_SPACE}|{_SPACE}$"


SPACES = [c for c in map(chr, range(0x3001)) if c.isspace()]  # none lies above U+3000
_FIRST_BYTE = np.zeros(256, dtype=bool)  # bytes a white-space character's UTF-8 starts with
_LAST_BYTE = np.zeros(256, dtype=bool)  # and ends with
for _space in SPACES:
    _FIRST_BYTE[_space.encode()[0]] = _LAST_BYTE[_space.encode()[-1]] = True


def stripped(column: pd.Series) -> pd.Series:
    """The cells without surrounding white space; a column that has none is kept as it
    is (not copied: a million cells of notes are hundreds of MB). Most columns are told
    clean by their cells' first and last bytes alone (a look-up per cell in the Arrow
    buffers); only a column where one of those bytes could belong to a space is searched
    character by character."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        cells = column.array.__arrow_array__()
        if not _edges_may_be_space(cells):
            return column
        if not pc.any(pc.match_substring_regex(cells, _EDGE_SPACE)).as_py():
            return column
    return column.str.strip()


def _edges_may_be_space(cells: pa.ChunkedArray) -> bool:
    """Could a cell start or end with white space? False is sure; True may be wrong (an
    Arabic letter can end with a byte a space also ends with)."""
    for chunk in cells.chunks:
        if not len(chunk) or chunk.buffers()[2] is None:
            continue
        wide = pa.types.is_large_string(chunk.type)
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if wide else np.int32)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        text = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        if _FIRST_BYTE[text[starts[filled]]].any() or _LAST_BYTE[text[ends[filled] - 1]].any():
            return True
    return False


def _from_acled(frame: pd.DataFrame) -> dict[str, pd.Series]:
    out = {name: _pick(frame, name) for name in _ACLED_SAME}
    out["source_event_id"] = _pick(frame, "event_id_cnty")
    if "iso" not in frame.columns:
        out["iso"] = _pick(frame, "iso3")
    return out


def _from_ucdp(frame: pd.DataFrame) -> dict[str, pd.Series]:
    violence = _pick(frame, "type_of_violence").str.strip()
    return {
        "source_event_id": _pick(frame, "id"),
        "event_date": _pick(frame, "date_start"),
        "end_date": _pick(frame, "date_end"),
        "time_precision": _pick(frame, "date_prec").str.strip().map(_UCDP_TIME).fillna(""),
        "event_type": violence.map(lambda v: _UCDP_VIOLENCE.get(v, ("", ""))[0]),
        "sub_event_type": violence.map(lambda v: _UCDP_VIOLENCE.get(v, ("", ""))[1]),
        "actor1": _pick(frame, "side_a"),
        "actor2": _pick(frame, "side_b"),
        "country": _pick(frame, "country"),
        "region": _pick(frame, "region"),
        "admin1": _pick(frame, "adm_1"),
        "admin2": _pick(frame, "adm_2"),
        "location": _pick(frame, "where_coordinates"),
        "latitude": _pick(frame, "latitude"),
        "longitude": _pick(frame, "longitude"),
        "geo_precision": _pick(frame, "where_prec").str.strip().map(_UCDP_GEO).fillna(""),
        "fatalities": _pick(frame, "best"),
        "fatalities_low": _pick(frame, "low"),
        "fatalities_high": _pick(frame, "high"),
        "source": _pick(frame, "source_office"),
        "notes": _pick(frame, "source_headline").where(
            _pick(frame, "source_headline").str.strip() != "", _pick(frame, "where_description")
        ),
    }


def _from_sheet(frame: pd.DataFrame) -> dict[str, pd.Series]:
    mapping = sheet_mapping([c for c in frame.columns if c != "__line"])
    out = {column: frame[name].astype(str) for name, column in mapping.items()}
    if "actor1" in out and "actor2" not in out:
        parts = out["actor1"].str.split(_ACTOR_SPLIT, n=1, expand=True, regex=True)
        if parts.shape[1] == 2:
            out["actor1"], out["actor2"] = parts[0].fillna(""), parts[1].fillna("")
    return out


def to_incident_columns(frame: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """A frame with exactly the model's columns (strings, '' when absent) plus ``__line``."""
    if fmt == SHEET:
        columns = _from_sheet(frame)
    else:
        lowered = _lower_columns(frame)
        if fmt == OWN:
            from conflictmap.csvfile import restore

            columns = {n: _pick(lowered, n).map(restore) for n in NAMES}
        elif fmt in (UCDP, UCDP_CANDIDATE):
            columns = _from_ucdp(lowered)
        else:
            columns = _from_acled(lowered)
    out = pd.DataFrame(index=frame.index)
    for name in NAMES:
        series = columns.get(name)
        out[name] = "" if series is None else stripped(series.fillna(""))
    if DATASET[fmt]:
        out["dataset"] = DATASET[fmt]
    out["__line"] = frame["__line"]
    return out
