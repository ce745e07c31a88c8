"""Linking the same event reported by two datasets, so it is one dot with several sources.

The rule, applied to every incident a batch adds or changes, against the store's
incidents of *other* datasets (never two rows of the same dataset):

1. **Time**: the two date ranges overlap, allowing one day either side (reports lag).
2. **Place**: at most 10 km apart; 25 km when either location is only approximate
   (geo precision 2 or 3).
3. **Actors**: compatible — the factions of the two incidents' sides share at least one
   faction; or, when either incident has no actor in any faction, their actor names share
   a word (of four letters or more, after normalising Arabic and Latin spellings).
4. A pair the analyst split is never linked again.

Among several candidates the closest in time, then in distance, wins. The incident
already in the store is the group's primary; the newcomer records ``linked_to``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from conflictmap.factions import Factions, match_form

LINK_KM, LINK_KM_APPROXIMATE, DAY_SLACK = 10.0, 25.0, 1
MAX_SPAN = 32  # days: longer events (UCDP year-precision spans) are not linked
ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")


def _words(row) -> set[str]:
    text = " ".join(str(getattr(row, c) or "") for c in ACTOR_COLUMNS)
    return {w for w in match_form(text).split() if len(w) >= 4}


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * np.arcsin(np.sqrt(h))


def _sides(frame: pd.DataFrame, factions: Factions) -> pd.Series:
    assigned = factions.assign(frame)
    return assigned[["faction1", "faction2"]].apply(lambda r: {f for f in r if f}, axis=1)


def compatible(a_factions: set, b_factions: set, a_words: set, b_words: set) -> bool:
    if a_factions and b_factions:
        return bool(a_factions & b_factions)
    return bool(a_words & b_words)


def find_links(
    new: pd.DataFrame,
    known: pd.DataFrame,
    factions: Factions,
    split: set[tuple[str, str]],
    primaries: set[str],
) -> dict[str, str]:
    """incident_id of a new row -> the primary it joins. ``known`` holds candidates from
    the store (with ``linked_to``); ``primaries`` the ids others already link to."""
    known = known[~known["dataset"].isin(set(new["dataset"]))]  # never within one dataset
    if new.empty or known.empty:
        return {}
    new = new.reset_index(drop=True)
    known = known.sort_values("event_date").reset_index(drop=True)
    starts = known["event_date"].to_numpy()
    new_sides, known_sides = _sides(new, factions), _sides(known, factions)
    links = {}
    for i, row in enumerate(new.itertuples(index=False)):
        if row.incident_id in primaries:
            continue
        start = pd.Timestamp(row.event_date) - pd.Timedelta(days=DAY_SLACK)
        end = pd.Timestamp(row.end_date) + pd.Timedelta(days=DAY_SLACK)
        # events start at most MAX_SPAN days before they end: a sorted window, not a scan
        low = np.searchsorted(starts, (start - pd.Timedelta(days=MAX_SPAN)).to_datetime64())
        high = np.searchsorted(starts, end.to_datetime64(), side="right")
        window = known.iloc[low:high]
        if window.empty:
            continue
        near = _km(row.latitude, row.longitude, window["latitude"], window["longitude"])
        approximate = (window["geo_precision"].fillna(1) >= 2) | ((row.geo_precision or 1) >= 2)
        limit = np.where(approximate, LINK_KM_APPROXIMATE, LINK_KM)
        hits = window.index[
            (window["end_date"] >= start)
            & (near <= limit)
            & (window["incident_id"] != row.incident_id)
        ]
        best = _best(row, hits, known, near, new_sides[i], known_sides, split)
        if best:
            links[row.incident_id] = best
    return links


def _best(row, hits, known, near, sides, known_sides, split) -> str | None:
    """The primary of the closest compatible candidate (in time, then distance)."""
    best, best_key, words = None, None, _words(row)
    for j in hits:
        other = known.loc[j]
        primary = other["linked_to"] or other["incident_id"]
        if primary == row.incident_id or (row.incident_id, other["incident_id"]) in split:
            continue
        if not compatible(sides, known_sides[j], words, _words(other)):
            continue
        gap = abs((pd.Timestamp(other["event_date"]) - pd.Timestamp(row.event_date)).days)
        key = (gap, float(near[j]))
        if best_key is None or key < best_key:
            best, best_key = primary, key
    return best


def linker(factions: Factions) -> Callable:
    """What the store calls inside a batch's transaction."""

    def link(new, known, split, primaries):
        return find_links(new, known, factions, split, primaries)

    return link


def link_batch(store, changed: pd.DataFrame, link: Callable) -> int:
    """Recompute the links of a batch's added and updated rows (inside its transaction)."""
    if changed.empty:
        return 0
    rows = changed.copy(deep=False)  # its date columns are replaced, never written into
    for name in ("event_date", "end_date"):
        rows[name] = pd.to_datetime(rows[name])
    first = rows["event_date"].min() - pd.Timedelta(days=DAY_SLACK)
    last = rows["end_date"].max() + pd.Timedelta(days=DAY_SLACK)
    margin = 0.3  # degrees, more than the widest link distance
    bbox = (
        rows["longitude"].min() - margin,
        rows["latitude"].min() - margin,
        rows["longitude"].max() + margin,
        rows["latitude"].max() + margin,
    )
    known = store.link_candidates(
        f"{first - pd.Timedelta(days=MAX_SPAN):%Y-%m-%d}",
        f"{last:%Y-%m-%d}",
        bbox,
        sorted(rows["dataset"].unique().tolist()),  # not set(): that makes a str per row
    )
    if known.empty:
        return 0
    for name in ("event_date", "end_date"):
        known[name] = pd.to_datetime(known[name])
    links = link(rows, known, store.split_pairs(), store.primaries())
    store.set_links(links)
    return len(links)
