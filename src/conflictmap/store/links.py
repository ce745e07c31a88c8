"""Record linkage as the store keeps it: candidates for a new batch, links set and split
(a split pair is remembered, so the next import does not link it again).
"""

from __future__ import annotations

import pandas as pd

from conflictmap.errors import StoreError
from conflictmap.i18n.catalogue import msg

# (ordering by an expression keeps SQLite on the small linked_to index, not the date index)
LINKS_SQL = (
    "SELECT m.incident_id, m.linked_to, m.event_date, m.location, p.location AS "
    "linked_location FROM incidents m LEFT JOIN incidents p ON p.incident_id = "
    "m.linked_to WHERE m.linked_to IS NOT NULL ORDER BY m.event_date || ''"
)


LINK_COLUMNS = (
    "incident_id, dataset, event_date, coalesce(end_date, event_date) AS end_date, "
    "latitude, longitude, geo_precision, actor1, assoc_actor_1, actor2, "
    "assoc_actor_2, linked_to"
)


class Links:
    """The store's links (mixed into ``SqlStore``)."""

    def link_candidates(self, first: str, last: str, bbox, skip: list[str]) -> pd.DataFrame:
        """Other datasets' incidents near a batch in time and space."""
        others, params = self.among("dataset", [d for d in self.datasets() if d not in skip])
        box, corners = self.within(bbox)
        return self.frame(
            f"SELECT {LINK_COLUMNS} FROM incidents WHERE {others} AND event_date <= ? AND "
            f"coalesce(end_date, event_date) >= ? AND {box}",
            (*params, last, first, *corners),
        )

    def datasets(self) -> list[str]:
        """The datasets the store holds (read from an index: instant at any size)."""
        return [r[0] for r in self.run("SELECT DISTINCT dataset FROM incidents").fetchall()]

    def set_links(self, links: dict[str, str]) -> None:
        self.run_many(
            "UPDATE incidents SET linked_to = ? WHERE incident_id = ?",
            ((primary, i) for i, primary in links.items()),
        )

    def split_pairs(self) -> set[tuple[str, str]]:
        """The pairs the analyst split, both ways (never linked again)."""
        rows = self.run("SELECT incident_id, other_id FROM unlinked").fetchall()
        return {(a, b) for a, b in rows} | {(b, a) for a, b in rows}

    def primaries(self) -> set[str]:
        """Ids that other reports already link to."""
        rows = self.run("SELECT DISTINCT linked_to FROM incidents WHERE linked_to IS NOT NULL")
        return {r[0] for r in rows.fetchall()}

    def links(self) -> pd.DataFrame:
        return self.frame(LINKS_SQL)

    def linked(self) -> dict[str, str]:
        """incident_id -> the primary it is linked to, for every linked report."""
        rows = self.run("SELECT incident_id, linked_to FROM incidents WHERE linked_to IS NOT NULL")
        return dict(rows.fetchall())

    def split(self, incident_id: str) -> list[str]:
        """Undo a wrong link: the incident (or the members of its group) stand alone again,
        and the pairs are remembered so no later import links them again."""
        with self.transaction():
            pairs = self._pairs_of(incident_id)
            self.run_many("INSERT INTO unlinked VALUES (?, ?) ON CONFLICT DO NOTHING", pairs)
            self.clear_links([a for a, _ in pairs])
        return [a for a, _ in pairs]

    def _pairs_of(self, incident_id: str) -> list[tuple[str, str]]:
        row = self.run(
            "SELECT linked_to FROM incidents WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        if row is None:
            raise StoreError(msg("There is no incident {id}.", id=incident_id))
        if row[0]:
            return [(incident_id, row[0])]
        members = self.run(
            "SELECT incident_id FROM incidents WHERE linked_to = ?", (incident_id,)
        ).fetchall()
        if not members:
            raise StoreError(
                msg(
                    "Incident {incident_id} is not linked to any other; nothing to split.",
                    incident_id=incident_id,
                )
            )
        return [(m[0], incident_id) for m in members]
