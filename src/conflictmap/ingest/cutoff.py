"""A file cut off in the middle of its last row (an interrupted download), told apart
from a last row that is merely short."""

from __future__ import annotations

import pandas as pd

from conflictmap.i18n import N_

CUT_OFF_MIN_ROWS = 20  # below this, "every other row fills it" says too little


def _looks_cut(value: str) -> bool:
    """A cell that stops in the middle: a bracket or a quote opened and never closed."""
    return any(value.count(a) > value.count(b) for a, b in ("()", "[]", "{}")) or (
        value.count('"') % 2 == 1
    )


def cut_off_row(frame: pd.DataFrame, ends_in_newline: bool = True):
    """The file's last record when the file seems to end in the middle of it (an
    interrupted download): its trailing columns are empty where (nearly) every other row
    fills them. Returns ((line, column, value, message), sure): ``sure`` when the file
    lacks its last line break, the last cell stops mid-way or a third of the row is
    missing (the row is then not imported); else the row is kept with a warning. None
    when the last row looks whole."""
    columns = [c for c in frame.columns if c != "__line"]
    if len(frame) < CUT_OFF_MIN_ROWS or len(columns) < 3:
        return None
    last = frame.iloc[-1]
    tail = 0
    for column in reversed(columns):
        if str(last[column]).strip():
            break
        tail += 1
    if tail == 0 or tail == len(columns):
        return None
    others = frame.iloc[:-1]
    empty_tail = columns[len(columns) - tail :]
    usually = [c for c in empty_tail if (others[c].astype(str).str.strip() != "").mean() >= 0.99]
    if len(usually) < 2:
        return None
    cut = columns[len(columns) - tail - 1]
    value = str(last[cut])
    sure = not ends_in_newline or _looks_cut(value) or tail * 3 >= len(columns)
    names = f"{', '.join(usually[:3])}{', ...' if len(usually) > 3 else ''}"
    template = CUT_OFF_SURE if sure else CUT_OFF_KEPT
    values = {"column": cut, "count": len(usually), "names": names}
    return (int(last["__line"]), cut, value, template, values), sure


CUT_OFF_SURE = N_(
    "The file seems to end in the middle of this row (an interrupted download?): after "
    "'{column}' it is empty, while the other rows fill {count} of those columns ({names}). "
    "Download the file again or complete the row; it was not imported."
)
CUT_OFF_KEPT = N_(
    "The file seems to end in the middle of this row (an interrupted download?): after "
    "'{column}' it is empty, while the other rows fill {count} of those columns ({names}). "
    "Download the file again or complete the row; it was imported as it is: check it."
)
