"""The incident model: one declarative column table.

Every format (ACLED, UCDP GED, an analyst's sheet, our own exports) is mapped onto
these columns. The table drives validation (``validate``), the store's columns
(``store``), the export column order and the README's column list.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT, INT, FLOAT, DATE = "text", "int", "float", "date"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[int, ...] | None = None


COLUMNS: tuple[Column, ...] = (
    Column("incident_id", TEXT, "Our stable id: `dataset:source_event_id`, or a content hash."),
    Column("dataset", TEXT, "Where the row came from: `acled`, `ucdp`, `sheet` or `report`."),
    Column("source_event_id", TEXT, "The source's own id (`event_id_cnty`, UCDP `id`, `id`)."),
    Column("event_date", DATE, "First day of the event (ISO `YYYY-MM-DD`).", required=True),
    Column("end_date", DATE, "Last day when the source gives a range; else = `event_date`."),
    Column(
        "time_precision",
        INT,
        "ACLED scale: 1 day, 2 week or a few days, 3 month.",
        choices=(1, 2, 3),
    ),
    Column("event_type", TEXT, "ACLED event type (Battles, Explosions/Remote violence...)."),
    Column("sub_event_type", TEXT, "ACLED sub-event type, or the UCDP violence type."),
    Column("actor1", TEXT, "First main actor (the order says nothing about who attacked)."),
    Column("assoc_actor_1", TEXT, "Allies or sub-units of actor 1, `;`-separated."),
    Column("actor2", TEXT, "Second main actor."),
    Column("assoc_actor_2", TEXT, "Allies or sub-units of actor 2, `;`-separated."),
    Column("inter1", TEXT, "ACLED actor-1 type (text or the older 1-8 code)."),
    Column("inter2", TEXT, "ACLED actor-2 type."),
    Column("interaction", TEXT, "ACLED interaction (text or two-digit code)."),
    Column("disorder_type", TEXT, "ACLED disorder type (current exports)."),
    Column("civilian_targeting", TEXT, "ACLED civilian targeting flag."),
    Column("country", TEXT, "Country name as the source writes it."),
    Column("iso", TEXT, "ISO 3166 numeric or alpha code when given."),
    Column("region", TEXT, "Source's world region."),
    Column("admin1", TEXT, "Governorate / province."),
    Column("admin2", TEXT, "District."),
    Column("admin3", TEXT, "Sub-district."),
    Column("location", TEXT, "Place name as written in the source (any script)."),
    Column("latitude", FLOAT, "WGS 84 latitude.", required=True, minimum=-90, maximum=90),
    Column("longitude", FLOAT, "WGS 84 longitude.", required=True, minimum=-180, maximum=180),
    Column(
        "geo_precision",
        INT,
        "ACLED scale: 1 the place itself, 2 near it, 3 only a region.",
        choices=(1, 2, 3),
    ),
    Column("geocoded_by", TEXT, "`file` when the source gave coordinates, else the gazetteer."),
    Column("fatalities", INT, "Best (conservative) count; empty when unknown.", minimum=0),
    Column("fatalities_low", INT, "Low estimate when the source gives a range.", minimum=0),
    Column("fatalities_high", INT, "High estimate when the source gives a range.", minimum=0),
    Column("source", TEXT, "Sources, `;`-separated."),
    Column("source_scale", TEXT, "ACLED source scale."),
    Column("notes", TEXT, "Short narrative."),
    Column("tags", TEXT, "ACLED tags."),
    Column("timestamp", INT, "Unix seconds the source last changed the row (ACLED).", minimum=0),
)

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
NUMERIC = tuple(c.name for c in COLUMNS if c.kind in (INT, FLOAT))
TEXTUAL = tuple(c.name for c in COLUMNS if c.kind == TEXT)


def markdown_table() -> str:
    """The column list as a Markdown table (the README embeds it; a test checks)."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.kind} | {c.description} |" for c in COLUMNS]
    return "\n".join(lines)
