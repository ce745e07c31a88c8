"""The place commands: what the store's rows taught, and the work area."""

from __future__ import annotations

from dataclasses import replace

from conflictmap.cli.output import emit
from conflictmap.errors import UsageError
from conflictmap.gazetteer import load_gazetteer
from conflictmap.gazetteer.load import save_work_area
from conflictmap.settings import Settings
from conflictmap.store import open_store


def cmd_places(args, settings: Settings) -> int:
    """The places the store's rows taught (``learned``)."""
    learned = open_store(args.store, settings).learned_places()
    rows = [p.to_dict() for p in sorted(learned.places, key=lambda p: (-p.events, p.name))]
    lines = [
        f"{r['name']:<28} {r['country']:<8} {r['admin1']:<16} {r['admin2']:<16} "
        f"{r['latitude']:9.4f} {r['longitude']:9.4f}  {r['events']:>5} {'/'.join(r['datasets'])}"
        for r in rows
    ]
    emit(
        rows,
        args.json,
        "\n".join(lines) or "No places learned yet: import a file with coordinates.",
    )
    return 0


def cmd_area(args, settings: Settings) -> int:
    """The work area: shown, or set (kept in data/work-area.txt)."""
    if args.action == "set":
        if not args.value:
            raise UsageError(
                'Give the work area: governorates ("Deir ez-Zor; Al Anbar") or a box '
                "WEST,SOUTH,EAST,NORTH."
            )
        save_work_area(settings, args.value)
        settings = replace(settings, region_text="")
    region = load_gazetteer(settings).region
    source = (
        "CONFLICTMAP_REGION"
        if settings.region_text
        else str(settings.region_file)
        if settings.region_file.exists()
        else "the default"
    )
    data = {
        "governorates": list(region.governorates),
        "box": [region.west, region.south, region.east, region.north],
        "from": source,
    }
    emit(data, args.json, f"Work area: {region.describe()} (from {source})")
    return 0
