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


def test_the_byte_look_up_never_calls_a_spaced_column_clean():
    """Each white-space character at either end, alone, among clean cells, in a sliced
    array and in both string widths: the quick look-up says "may be" every time (a column
    it calls clean is never searched again), and says clean for clean text in both
    scripts."""
    from conflictmap.ingest.columns import SPACES, _edges_may_be_space

    assert not [c for c in map(chr, range(0x3001, 0x110000)) if c.isspace()]
    for kind in (pa.string(), pa.large_string()):
        for space in SPACES:
            for cell in (f"{space}x", f"x{space}", space, f"دير{space}"):
                cells = pa.chunked_array([pa.array(["a", "", cell, "b"], kind)[1:]])
                assert _edges_may_be_space(cells), (kind, hex(ord(space)), cell)
        clean = pa.chunked_array([pa.array(["Deir ez-Zor", "", "x y", "abc"], kind)])
        assert not _edges_may_be_space(clean)
        sliced = pa.chunked_array([pa.array([" a", "b", "c"], kind).slice(1)])
        assert not _edges_may_be_space(sliced)
    assert stripped(pd.Series(["دير الزور", "ok"], dtype="str")).tolist() == ["دير الزور", "ok"]
