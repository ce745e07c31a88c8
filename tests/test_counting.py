import numpy as np

from conflictmap import mapindex
from conflictmap.counting import numbered


def test_values_are_numbered_as_numpy_numbers_them():
    """The distinct values sorted and each one's place among them, as ``np.unique`` gives:
    H3 cells (hexagons) and names (the leading faction per area)."""
    rng = np.random.default_rng(9)
    cells = mapindex.parent_cells(
        mapindex.cells_of(rng.uniform(30, 38, 4000), rng.uniform(35, 45, 4000)), 5
    )
    names = np.array(["SDF", "ISIS", "SDF", "Gov"], dtype=object)
    for values in (cells, cells[:0], np.array([7, 7, 3], dtype=np.uint64), names):
        got, where = numbered(values)
        expected, inverse = np.unique(values, return_inverse=True)
        assert got.tolist() == expected.tolist() and where.tolist() == inverse.ravel().tolist()
