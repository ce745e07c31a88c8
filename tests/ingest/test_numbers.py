"""Number cells: clean columns convert at once, others after folding, with the same
result whichever way a column goes."""

import math

import pandas as pd
import pytest

from conflictmap.ingest.validate import _numbers


@pytest.mark.parametrize(
    "cells, expected",
    [
        (["1", "2.5", "", "-3"], [1, 2.5, None, -3]),
        (["٣", "١٢", "4"], [3, 12, 4]),  # Arabic-Indic digits
        (["۵", "6"], [5, 6]),  # Persian digits
        (["35,5", "36.25"], [35.5, 36.25]),  # a decimal comma
        (["٣٥٫٥", "1"], [35.5, 1]),  # the Arabic decimal separator
        (["12", "twelve", ""], [12, None, None]),  # a bad cell: NaN, the rest read
    ],
)
@pytest.mark.parametrize("dtype", ["string[pyarrow]", "object"])
def test_numbers_are_read_in_every_form_analysts_write(cells, expected, dtype):
    got = _numbers(pd.Series(cells, dtype=dtype)).astype("float64").tolist()
    assert len(got) == len(expected)
    for value, want in zip(got, expected, strict=True):
        assert math.isnan(value) if want is None else value == want
