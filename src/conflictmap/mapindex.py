"""The dashboard's index of a store: a dozen columns of every incident, in memory.

Filters, counts, the timeline and the hexagon aggregation run on it with numpy; full rows
(popups, exports) are read from the store only for the incidents that need them. The
index is cached on disk as Parquet, one file per store and store version, so opening a
store of a million incidents reads one file instead of a million rows of SQL. Every
incident carries its H3 cell (resolution ``CELL_RESOLUTION``); coarser cells are derived
from it with bit operations (``parent_cells``), so aggregating at any zoom costs no H3
call per incident.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from h3.api import basic_int as h3
from pandas.api.types import union_categoricals

from conflictmap.factions import Factions
from conflictmap.files import replace_atomically
from conflictmap.i18n.catalogue import msg

LOG = logging.getLogger(__name__)
CELL_RESOLUTION = 9  # about 0.2 km edge: finer than any map cell we draw
COLUMNS = (
    "incident_id",
    "dataset",
    "source_event_id",
    "event_date",
    "end_date",
    "latitude",
    "longitude",
    "geo_precision",
    "location",
    "admin1",
    "fatalities",
    "event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "linked_to",
    "source",
    "illustrative",
)
INDEX_SQL = (
    "SELECT incident_id, dataset, source_event_id, event_date, "
    "coalesce(end_date, event_date) AS end_date, latitude, longitude, geo_precision, "
    "location, admin1, "
    "fatalities, event_type, actor1, assoc_actor_1, actor2, assoc_actor_2, linked_to, "
    "source, upper(notes) LIKE '%[ILLUSTRATIVE%' AS illustrative FROM incidents"
)
CATEGORIES = (
    "dataset",
    "location",
    "admin1",
    "event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "source",
)
_FORMAT = "2"  # bump when the index's columns change: old cache files are then ignored


def build(raw: pd.DataFrame) -> pd.DataFrame:
    """Typed index from the rows of ``INDEX_SQL``."""
    frame = _typed(raw.copy(deep=False))  # columns are replaced, never written into
    frame["cell"] = cells_of(frame["latitude"].to_numpy(), frame["longitude"].to_numpy())
    return frame


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for name in ("event_date", "end_date"):
        frame[name] = pd.to_datetime(frame[name], errors="coerce").astype("datetime64[ns]")
    for name in ("latitude", "longitude"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("geo_precision", "fatalities"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
    for name in CATEGORIES:
        frame[name] = frame[name].fillna("").astype(str).astype("category")
    frame["illustrative"] = frame["illustrative"].fillna(False).astype(bool)
    return frame


def from_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The index of freshly imported rows (the importer's typed frame), as ``build`` makes
    it from the store; their links are set by ``after_batch``."""
    raw = rows[[c for c in COLUMNS if c in rows.columns]].copy(deep=False)  # as in build
    raw["end_date"] = raw["end_date"].fillna(raw["event_date"])
    raw["linked_to"] = None
    raw["illustrative"] = rows["notes"].str.contains(  # na=: no filled copy of the notes
        "[illustrative", case=False, regex=False, na=False
    )
    return build(raw[list(COLUMNS)])


def after_batch(
    store, folder: Path, before: tuple, rows: pd.DataFrame, fresh: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The index after a batch, without reading the whole store again: the index of the
    version before it (cached, or empty for an empty store) with the batch's rows put in
    (``fresh``: their index, ``from_rows(rows)``, when it is already built), and every
    link read again. Falls back to ``load`` when there is no earlier index."""
    previous = cache_path(folder, store_key(store), before)
    if before[2] == 0:
        base = None
    elif previous.exists():
        try:
            base = pd.read_parquet(previous)
        except Exception:  # a damaged cache: build from the store
            return load(store, folder)
    else:
        return load(store, folder)
    if base is not None and not len(rows):  # a batch that changed nothing: the same index
        if not carry_forward(store, folder, before):
            _write(base, folder, cache_path(folder, store_key(store), store.version()))
        return base
    fresh = from_rows(rows) if fresh is None else fresh
    if base is not None:
        kept = base.loc[~base["incident_id"].isin(fresh["incident_id"])]
        merged = pd.concat([kept, fresh], ignore_index=True)
        for name in CATEGORIES:  # one category list for both parts, in the same order
            merged[name] = union_categoricals([kept[name], fresh[name]])
        fresh = merged
    links = store.linked()
    fresh["linked_to"] = fresh["incident_id"].map(links).astype(object)
    fresh["linked_to"] = fresh["linked_to"].where(fresh["linked_to"].notna(), None)
    _write(fresh, folder, cache_path(folder, store_key(store), store.version()))
    return fresh


def carry_forward(store, folder: Path, before: tuple) -> bool:
    """After a batch that changed no row (nor, then, any link): the cache file of the
    version before becomes this version's, unread. False when there is none to move."""
    previous = cache_path(folder, store_key(store), before)
    try:
        previous.replace(cache_path(folder, store_key(store), store.version()))
    except OSError:
        return False
    return True


def cells_of(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """H3 cells at ``CELL_RESOLUTION`` (0 where a coordinate is missing); each distinct
    point (found by hashing it as one complex number) is looked up once."""
    out = np.zeros(len(lat), dtype=np.uint64)
    known = ~(np.isnan(lat) | np.isnan(lon))
    if not known.any():
        return out
    where, points = pd.factorize(lat[known] + 1j * lon[known])
    found = np.fromiter(
        map(
            h3.latlng_to_cell,
            points.real.tolist(),
            points.imag.tolist(),
            [CELL_RESOLUTION] * len(points),
        ),
        dtype=np.uint64,
        count=len(points),
    )
    out[known] = found[where]
    return out


_RES_SHIFT = np.uint64(52)
_RES_MASK = np.uint64(0xF) << _RES_SHIFT


def parent_cells(cells: np.ndarray, resolution: int) -> np.ndarray:
    """The H3 parents of cells at a coarser resolution, by the index's bit layout: the
    resolution field set, the finer digits set to 7 (what ``h3.cell_to_parent`` does)."""
    out = (cells & ~_RES_MASK) | (np.uint64(resolution) << _RES_SHIFT)
    unused = 0
    for digit in range(resolution + 1, 16):
        unused |= 7 << (3 * (15 - digit))
    return out | np.uint64(unused)


def with_factions(index: pd.DataFrame, factions: Factions) -> pd.DataFrame:
    """faction1, faction2 and faction (colour) as categories, for fast filters."""
    names, codes = factions.codes(index)
    out = index.copy()
    for side, positions in codes.items():
        out[side] = pd.Categorical.from_codes(positions, names)
    return out


def cache_path(folder: Path, store_key: str, version) -> Path:
    digest = hashlib.sha256(store_key.encode()).hexdigest()[:16]
    stamp = hashlib.sha256(repr(tuple(version)).encode()).hexdigest()[:16]
    return folder / f"index-{digest}-v{_FORMAT}-{stamp}.parquet"


def store_key(store) -> str:
    """Names a store the same way whichever spelling of its URL opened it."""
    return str(getattr(store, "path", None) or store.url)


def load(store, folder: Path, progress=None) -> pd.DataFrame:
    """The store's index, from the cache file of its current version if there is one;
    else built from the store and written to the cache (older files of this store go)."""
    path = cache_path(folder, store_key(store), store.version())
    if path.exists():
        try:
            return pd.read_parquet(path)
        except Exception:  # a damaged cache file is rebuilt, never trusted
            path.unlink(missing_ok=True)
    if progress:
        progress(0.1, "Indexing the store for the map (once per import)")
    index = build(store.read_index())
    _write(index, folder, path)
    return index


def _write(index: pd.DataFrame, folder: Path, path: Path) -> None:
    """Replace this store's cache file (older versions go); readers see a whole file."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = path.name.rsplit("-v", 1)[0]
    for old in folder.glob(f"{prefix}-v*.parquet"):
        old.unlink(missing_ok=True)
    try:
        replace_atomically(path, lambda temporary: index.to_parquet(temporary, index=False))
    except Exception as exc:  # a full disk, a read-only folder: the cache is only a cache
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        LOG.warning("could not write the map index cache %s: %s", path, reason)
        index.attrs["cache_failed"] = msg(
            "The map index could not be saved ({reason}); the incidents are stored, and the "
            "map index will be rebuilt from the store when the map next opens.",
            reason=reason,
        )
