"""Rows kept or taken without copying the text (``conflictmap.rows``):
the same frame as pandas' own selection, by slices up to ``SLICED`` rows and by a copy
past them, on the chunked text columns the fast reader makes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from conflictmap.rows import SLICED, take_rows, take_table_rows
from conflictmap.rows import keep_rows as keep


def chunked_frame(n: int) -> pd.DataFrame:
    """Text in several Arrow chunks (as pyarrow's reader leaves it), numbers, dates."""
    words = pa.chunked_array(
        [
            pa.array([f"place {i}" for i in range(start, min(n, start + 97))], pa.large_string())
            for start in range(0, n, 97)
        ]
    )
    return pd.DataFrame(
        {
            "place": pd.Series(pd.arrays.ArrowStringArray(words)),
            "killed": pd.array(np.arange(n) % 7, dtype="Int64"),
            "when": pd.date_range("2020-01-01", periods=n, freq="h"),
            "__line": np.arange(2, n + 2),
        },
        index=pd.RangeIndex(10, n + 10),
    )


@pytest.mark.parametrize("drops", [0, 1, 2, SLICED, SLICED + 1, 900])
def test_keep_is_pandas_selection_whatever_the_number_dropped(drops):
    frame = chunked_frame(1000)
    rng = np.random.default_rng(drops)
    mask = np.ones(len(frame), dtype=bool)
    mask[rng.choice(len(frame), drops, replace=False)] = False
    got = keep(frame, pd.Series(mask, index=frame.index))
    pd.testing.assert_frame_equal(got, frame.loc[mask])
    if drops == 0:
        assert got is frame


@pytest.mark.parametrize("taken", [0, 1, 5, SLICED, SLICED + 1])
def test_take_rows_is_pandas_take(taken):
    frame = chunked_frame(700)
    positions = np.sort(np.random.default_rng(taken).choice(len(frame), taken, replace=False))
    pd.testing.assert_frame_equal(take_rows(frame, positions), frame.take(positions))


def test_all_dropped_is_an_empty_frame_of_the_same_columns():
    frame = chunked_frame(50)
    got = keep(frame, np.zeros(len(frame), dtype=bool))
    assert got.empty and list(got.columns) == list(frame.columns)
    assert (got.dtypes == frame.dtypes).all()


@pytest.mark.parametrize("taken", [0, 3, SLICED + 1])
def test_take_table_rows_is_pyarrow_take(taken):
    table = pa.Table.from_pandas(chunked_frame(400), preserve_index=False)
    positions = sorted(np.random.default_rng(taken).choice(400, taken, replace=False).tolist())
    assert take_table_rows(table, positions).equals(table.take(pa.array(positions, pa.int64())))
