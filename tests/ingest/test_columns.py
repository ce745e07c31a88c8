"""Each format's columns mapped onto the model: cells stripped without needless copies."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictmap.ingest.columns import _EDGE_SPACE, stripped


def test_a_column_is_stripped_of_what_str_strip_removes_and_kept_when_clean():
    """Every character up to U+3000 at either end: a cell is found to need stripping
    exactly when pandas' own strip changes it; a clean column is the same object."""
    chars = [chr(code) for code in range(0x3001)]
    cells = pa.array([f"x{c}" for c in chars] + [f"{c}x" for c in chars])
    found = pc.match_substring_regex(cells, _EDGE_SPACE).to_pylist()
    changed = pc.not_equal(pc.utf8_trim_whitespace(cells), cells).to_pylist()
    assert found == changed
    assert stripped(pd.Series(["a", "\u00a0b"], dtype="str")).tolist() == ["a", "b"]
    clean = pd.Series(["a", "b c", ""], dtype="str")
    assert stripped(clean) is clean
