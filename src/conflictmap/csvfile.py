"""The one CSV writer: every CSV the app and the CLI write goes through ``csv_bytes``.

Two things make a CSV safe to hand to an analyst's spreadsheet and to read back:
- a text cell that a spreadsheet would run as a formula (``=`` ``+`` ``-`` ``@``, a tab or
  a carriage return first) is prefixed with a quote (``defuse``); a cell that really
  starts with a quote and one of those gets a second quote, so ``restore`` gives it back
  exactly;
- records end in CRLF (RFC 4180), so a cell holding a carriage return or a line feed is
  quoted: no spreadsheet or csv reader starts a new row inside it.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """Keep a spreadsheet from running a cell as a formula: prefix a quote."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_START) or (value[:1] == "'" and value[1:2] in FORMULA_START)
    ):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The inverse of ``defuse`` (used when our own CSV comes back)."""
    if value[:1] == "'" and value[1:2] != "" and value[1:2] in (*FORMULA_START, "'"):
        return value[1:]
    return value


def csv_bytes(frame: pd.DataFrame, comment: str = "", bom: bool = False) -> bytes:
    """``frame`` as CSV bytes (UTF-8, with a BOM for Excel when ``bom``): text cells
    defused, every line-breaking character inside a cell quoted. ``comment`` becomes a
    first line starting with '#'."""
    out = frame.copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name]) and not pd.api.types.is_bool_dtype(
            out[name]
        ):
            out[name] = out[name].map(defuse)
    head = ("# " + " ".join(comment.split()) + "\r\n") if comment else ""
    text = head + out.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")
