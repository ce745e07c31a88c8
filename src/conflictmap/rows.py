"""Rows picked out of a million without copying their text.

pyarrow's take joins a text column's chunks before it picks (a copy of the whole column,
even to pick no row), and pandas' row selection of pyarrow-backed text goes through it.
When only a few rows are picked or left out, slices do the same at no cost: a slice
shares the text's memory, and joining slices makes chunks, not copies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

SLICED = 256  # up to this many rows picked or left out: by slices, beyond it by take


def keep_rows(frame: pd.DataFrame, mask) -> pd.DataFrame:
    """The rows of ``mask``: the frame itself when they all stay."""
    mask = np.asarray(mask, dtype=bool)
    if mask.all():
        return frame
    dropped = np.flatnonzero(~mask)
    if len(dropped) <= SLICED:
        edges = zip(np.r_[0, dropped + 1], np.r_[dropped, len(frame)], strict=True)
        return _joined(frame, [(start, stop) for start, stop in edges if stop > start])
    return take_rows(frame, np.flatnonzero(mask))


def take_rows(frame: pd.DataFrame, positions) -> pd.DataFrame:
    """The rows at ``positions``, in their order."""
    positions = np.asarray(positions, dtype=np.int64)
    if len(positions) <= SLICED:
        return _joined(frame, [(p, p + 1) for p in positions.tolist()])
    return frame.take(positions)


def take_table_rows(table: pa.Table, positions) -> pa.Table:
    """``take_rows`` for an Arrow table."""
    positions = [int(p) for p in positions]
    if len(positions) <= SLICED:
        return pa.concat_tables([table.slice(0, 0), *(table.slice(p, 1) for p in positions)])
    return table.take(pa.array(positions, pa.int64()))


def _joined(frame: pd.DataFrame, spans: list[tuple[int, int]]) -> pd.DataFrame:
    if not spans:
        return frame.iloc[:0]
    if len(spans) == 1:
        return frame.iloc[spans[0][0] : spans[0][1]]
    return pd.concat([frame.iloc[start:stop] for start, stop in spans])
