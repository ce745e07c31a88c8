"""The place commands: what the store's rows taught, the names to check, the work area."""

from __future__ import annotations

from dataclasses import replace

from conflictmap.cli.output import emit
from conflictmap.errors import UsageError
from conflictmap.gazetteer import load_gazetteer
from conflictmap.gazetteer.chosen import chosen_file
from conflictmap.gazetteer.load import save_work_area
from conflictmap.ingest.geocode import AMBIGUOUS, CLOSE, NOT_FOUND, REFUSED
from conflictmap.ingest.held import (
    from_candidate,
    from_name,
    from_point,
    places_to_check,
    source_name,
)
from conflictmap.settings import Settings
from conflictmap.store import open_store
from conflictmap.workspace import Workspace


def cmd_places(args, settings: Settings) -> int:
    """The places the store's rows taught (``learned``), the names to check
    (``pending``), and the analyst's answer for one (``choose``, ``keep``)."""
    if args.action != "learned":
        return PLACE_ACTIONS[args.action](args, settings)
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


PROBLEMS = {
    NOT_FOUND: "not in the gazetteer",
    REFUSED: "close names lie outside its country, governorate or file",
    AMBIGUOUS: "names several places",
    CLOSE: "read by a close spelling",
}


def _describe(group) -> list[str]:
    where = group.where
    counts = [f"{group.held} held back"] if group.held else []
    counts += [f"{group.imported} imported to check"] if group.imported else []
    batches = ", ".join(
        f"batch {b} line(s) {', '.join(str(n) for n in rows['line'])}"
        for b, rows in group.rows.groupby("batch_id")
    )
    lines = [
        f"{group.place}" + (f" ({where})" if where else "") + f": {PROBLEMS[group.problem]}; "
        f"{' and '.join(counts)} — {batches}"
    ]
    for n, c in enumerate(group.candidates, 1):
        lines.append(
            f"    {n}) {c['name']} ({c['country']} {c['admin1']}"
            f"{' ' + c['admin2'] if c.get('admin2') else ''}, {c['latitude']:.4f}, "
            f"{c['longitude']:.4f}) {source_name(c.get('source', ''))}"
        )
    return lines


def cmd_pending(args, settings: Settings) -> int:
    groups = places_to_check(Workspace.open(args.store, settings).store.pending())
    lines = [line for g in groups for line in _describe(g)]
    if groups:
        lines.append(
            "Answer with `conflictmap places choose NAME --candidate N | --as OTHER | "
            "--point LAT,LON`, or `conflictmap places keep NAME` for a place that is right."
        )
    emit([g.to_dict() for g in groups], args.json, "\n".join(lines) or "No places to check.")
    return 0


def _group(args, groups):
    if not args.name:
        raise UsageError("Give the name as the list writes it: conflictmap places choose NAME …")
    found = [
        g for g in groups if g.place == args.name and (not args.admin1 or g.admin1 == args.admin1)
    ]
    if not found:
        raise UsageError(
            f"'{args.name}' is not in the list of places to check; "
            "`conflictmap places pending` shows it."
        )
    if len(found) > 1:
        raise UsageError(
            f"'{args.name}' is in the list for several governorates "
            f"({', '.join(g.admin1 or '-' for g in found)}); add --admin1."
        )
    return found[0]


def cmd_choose(args, settings: Settings) -> int:
    space = Workspace.open(args.store, settings)
    group = _group(args, places_to_check(space.store.pending()))
    gaz = load_gazetteer(settings)
    if args.candidate is not None:
        if not 1 <= args.candidate <= len(group.candidates):
            raise UsageError(
                f"'{group.place}' has {len(group.candidates)} candidate(s); "
                "give a number from the list, or --as NAME, or --point LAT,LON."
            )
        choice = from_candidate(group.candidates[args.candidate - 1])
    elif args.other:
        choice = from_name(gaz, args.other, group.country, group.admin1)
    elif args.point:
        choice = from_point(gaz, *args.point, group.country)
    else:
        raise UsageError("Say where: --candidate N, --as NAME or --point LAT,LON.")
    done = space.resolve(list(group.ids), choice, args.user)
    said = f"'{group.place}' is now {choice.label} ({choice.latitude:.4f}, {choice.longitude:.4f})"
    parts = [f"{done.imported} held row(s) imported as batch {done.batch}"] if done.batch else []
    parts += [f"{done.corrected} imported row(s) moved"] if done.corrected else []
    print(f"{said}, saved in {chosen_file(settings)}: {'; '.join(parts) or 'nothing else to do'}.")
    for note in space.notes:
        print(note)
    return 0


def cmd_keep(args, settings: Settings) -> int:
    space = Workspace.open(args.store, settings)
    group = _group(args, places_to_check(space.store.pending()))
    kept = space.keep_places(list(group.ids), args.user)
    print(f"'{group.place}': {kept} imported row(s) keep their place and leave the list.")
    if group.held:
        print(f"{group.held} row(s) are still held: choose their place.")
    return 0


PLACE_ACTIONS = {"pending": cmd_pending, "choose": cmd_choose, "keep": cmd_keep}
