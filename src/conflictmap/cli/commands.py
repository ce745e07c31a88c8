"""The commands: each a thin call into the library (mostly the workspace)."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from conflictmap import corrections
from conflictmap.auth import add_user, load_users, remove_user
from conflictmap.changes import Windows, compare, new_names
from conflictmap.cli import places
from conflictmap.cli.output import emit, progress, report_text, words_of, write_rejected
from conflictmap.errors import UsageError
from conflictmap.factions import load_factions, save_factions, with_seed_actors
from conflictmap.filters import Filters
from conflictmap.gazetteer import load_gazetteer
from conflictmap.ingest.encoding import decode
from conflictmap.ingest.pipeline import import_files, read_limited, validate_file
from conflictmap.playback import Playback
from conflictmap.settings import ROOT, Settings
from conflictmap.store import open_store
from conflictmap.views import collapse_linked
from conflictmap.workspace import Workspace

# maps, snapshots and report drafting are imported by the commands that use them: the
# rest (an import above all) start 0.3 s sooner without folium and the report lexicons
if TYPE_CHECKING:
    from conflictmap.maps.base import MapSpec

SAMPLES = ROOT / "data" / "sample"


def cmd_validate(args, settings: Settings) -> int:
    report = validate_file(Path(args.file), settings)
    emit(report.to_dict(), args.json, report_text(report, words_of(args, settings), args.all))
    write_rejected(report, args.rejected)
    return 0


def cmd_import(args, settings: Settings) -> int:
    workspace = Workspace.open(args.store, settings)
    try:
        reports = workspace.import_files(args.files, args.user, progress)  # the index follows
        for note in workspace.notes:
            progress(1.0, note)
        data = [r.to_dict() for r in reports]
        w = words_of(args, settings)
        emit(
            data[0] if len(data) == 1 else data,
            args.json,
            "\n".join(report_text(r, w, args.all) for r in reports),
        )
        if len(reports) == 1:
            write_rejected(reports[0], args.rejected)
    finally:
        workspace.close()  # the store's file is finished before the command returns
    return 0


def cmd_geocode(args, settings: Settings) -> int:
    if not args.name.strip():
        raise UsageError("Give a place name to look up (Arabic or any Latin spelling).")
    match = load_gazetteer(settings).lookup(
        args.name, args.country or "", args.admin1 or "", args.admin2 or ""
    )
    data = match.to_dict()
    if match.place:
        p = match.place
        text = (
            f"{p.name} ({p.country}) {p.latitude:.5f}, {p.longitude:.5f} precision "
            f"{match.precision} [{match.method}; {p.source}]"
        )
        text += "".join(
            f"\n  also: {a.name} ({a.country} {a.admin1}) {a.latitude:.4f}, {a.longitude:.4f}"
            for a in match.alternatives
        )
    else:
        text = f"'{args.name}' is not in the gazetteer."
        text += "".join(
            f"\n  ruled out: {a.name} ({a.country} {a.admin1}) {a.latitude:.4f}, {a.longitude:.4f}"
            for a in match.alternatives
        )
    emit(data, args.json, text)
    return 0 if match.place else 1


def filters_from(args) -> Filters:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(f"--from {args.date_from} is after --to {args.date_to}.")
    return Filters(
        args.date_from,
        args.date_to,
        tuple(args.faction) if args.faction else None,
        tuple(args.event_type) if args.event_type else None,
        args.min_fatalities,
    )


def map_spec_from(args, settings: Settings) -> MapSpec:
    from conflictmap.maps.base import MapSpec

    if args.bbox:
        west, south, east, north = args.bbox
        if not (west < east and south < north):
            raise UsageError(
                f"--bbox {args.bbox}: give WEST,SOUTH,EAST,NORTH with west < east "
                "and south < north."
            )
        return MapSpec(
            tiles=settings.tiles,
            bounds=(south, west, north, east),
            cluster=args.cluster,
            uncertain=not args.hide_uncertain,
            words=words_of(args, settings),
            region=settings.region,
        )
    if args.center:
        return MapSpec(
            tiles=settings.tiles,
            center=args.center,
            zoom=args.zoom or 9,
            fit=False,
            cluster=args.cluster,
            uncertain=not args.hide_uncertain,
            words=words_of(args, settings),
            region=settings.region,
        )
    return MapSpec(
        tiles=settings.tiles,
        cluster=args.cluster,
        uncertain=not args.hide_uncertain,
        words=words_of(args, settings),
        region=settings.region,
    )


def cmd_export(args, settings: Settings) -> int:
    from conflictmap.export import export
    from conflictmap.maps.context import context_layers
    from conflictmap.snapshot import SnapshotSpec, animate, render, snapshot_html

    folder = Path(args.output).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"The folder {folder} does not exist: create it or give another -o.")
    filters = filters_from(args)
    spec = map_spec_from(args, settings)
    factions = load_factions(settings.factions_file)
    progress(0.1, "Reading the store")
    frame = Workspace.open(args.store, settings).matching_rows(filters, factions)
    progress(0.3, f"Writing {len(frame):,} incidents as {args.format}")
    w = spec.words
    mapped = args.format in ("html", "png", "pdf", "gif")
    context = context_layers(settings, w) if mapped else ()
    if args.format == "gif" and not args.play:
        raise UsageError("--format gif animates a playback: give --play day, week or month.")
    if args.play and args.format != "gif":
        raise UsageError("--play makes an animation: use it with --format gif.")
    if args.format in ("png", "pdf", "gif"):
        shot = SnapshotSpec(args.width, args.height, args.scale, args.title)
        played = None
        if args.play:
            first, last = _span(frame, filters)
            filters = replace(filters, date_from=first, date_to=last)
            played = Playback(args.play, "cumulative" if args.cumulative else "window")
        page = snapshot_html(
            frame, factions, filters, spec, shot, context, playback=played, words=w
        )
        progress(0.5, f"Drawing the map in Chromium ({args.width}×{args.height}, ×{args.scale:g})")
        if args.format == "gif":
            data = animate(page, shot, args.frame_ms, lambda f, m: progress(0.5 + f * 0.45, m)).data
        else:
            data = render(page, shot, args.format).data
    else:
        data = export(frame, args.format, factions, filters, spec, context, words=w)
    out = Path(args.output)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    progress(
        1.0, f"Wrote {len(frame):,} incidents to {out} ({len(data):,} bytes). {filters.describe()}"
    )
    return 0


def _span(frame, filters: Filters) -> tuple[dt.date, dt.date]:
    """The dates a playback runs over: the filter's, else the incidents'."""
    if frame.empty and not (filters.date_from and filters.date_to):
        raise UsageError("No incidents to play: widen the filters.")
    first = filters.date_from or frame["event_date"].min().date()
    last = filters.date_to or frame["end_date"].max().date()
    return first, last


def cmd_changes(args, settings: Settings) -> int:
    """What changed: the last N days against the N before, per area, place or faction."""
    filters = Filters(
        factions=tuple(args.faction) if args.faction else None,
        event_types=tuple(args.event_type) if args.event_type else None,
        min_fatalities=args.min_fatalities,
    )  # every date: the two periods are the comparison's own
    frame = collapse_linked(Workspace.open(args.store, settings).matching_rows(filters))
    if frame.empty:
        raise UsageError("No incidents match the filters.")
    end = args.end or frame["event_date"].max().date()
    windows = Windows(end, args.days)
    table = compare(frame, windows, args.by)
    fresh = new_names(frame, windows)
    w = words_of(args, settings)
    records = {
        "periods": windows.describe(),
        "by": args.by,
        "table": table.astype(object).where(table.notna(), None).to_dict(orient="records"),
        "new": fresh.to_dict(orient="records"),
    }
    text = [w("What changed: {periods}", periods=windows.describe(w)), table.to_string(index=False)]
    if len(fresh):
        text += [
            w("New actors and places: {count}", count=len(fresh)),
            fresh.to_string(index=False),
        ]
    emit(records, args.json, "\n".join(text))
    return 0


def cmd_batches(args, settings: Settings) -> int:
    table = open_store(args.store, settings).batches()
    rows = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    lines = [
        f"{r['id']:>5}  {r['imported_at']}  {r['user']:<10} {r['format']:<12} "
        f"+{r['added']} ~{r['updated']} ={r['unchanged']} rejected {r['rejected']}"
        + (f" held {r['held']}" if r["held"] else "")
        + "  "
        f"{r['file']}  {r['sha256'][:12]}"
        + (f"  UNDONE {r['undone_at']}" if r["undone_at"] else "")
        for r in rows
    ]
    emit(rows, args.json, "\n".join(lines) or "No batches yet.")
    return 0


def cmd_undo(args, settings: Settings) -> int:
    outcome = Workspace.open(args.store, settings).undo(args.batch_id)
    print(
        f"Undid batch {args.batch_id}: removed {-outcome.added} incident(s), restored "
        f"{outcome.updated}."
    )
    return 0


def cmd_split(args, settings: Settings) -> int:
    freed = Workspace.open(args.store, settings).split(args.incident_id)
    print(f"Split: {', '.join(freed)} no longer linked; the pair(s) will not be linked again.")
    return 0


def cmd_correct(args, settings: Settings) -> int:
    """Correct fields of a stored incident; kept with who and when, over later imports."""
    changes = {}
    if args.place:
        changes |= corrections.place(load_gazetteer(settings), args.place, args.country or "")
    if (args.lat is None) != (args.lon is None):
        raise UsageError("Give --lat and --lon together.")
    if args.lat is not None:
        changes |= {"latitude": args.lat, "longitude": args.lon, "geocoded_by": "analyst"}
    for field in ("actor1", "actor2", "fatalities", "event_type", "geo_precision"):
        if getattr(args, field) is not None:
            changes[field] = getattr(args, field)
    if not changes:
        raise UsageError("Nothing to correct: give --place, --lat/--lon, --actor1, ... .")
    done = Workspace.open(args.store, settings).correct(args.incident_id, changes, args.user)
    print(f"{args.incident_id}: {done} field(s) corrected.")
    return 0


def cmd_history(args, settings: Settings) -> int:
    """Where an incident came from and how it was corrected."""
    store = open_store(args.store, settings)
    batches = store.provenance(args.incident_id)
    fixed = store.corrections(args.incident_id)
    if batches.empty:
        raise UsageError(f"There is no incident {args.incident_id} in the store.")
    data = {
        "incident_id": args.incident_id,
        "batches": batches.to_dict("records"),
        "corrections": fixed.to_dict("records"),
    }
    lines = [f"{args.incident_id}"]
    lines += [
        f"  batch {b.batch_id} ({b.action}) {b.file} {b.imported_at} {b.user}"
        for b in batches.itertuples()
    ]
    lines += [
        f"  {c.made_at} {c.user}: {c.field} {c.previous!r} -> {c.value!r}"
        for c in fixed.itertuples()
    ]
    emit(data, args.json, "\n".join(lines))
    return 0


def cmd_factions(args, settings: Settings) -> int:
    """Bring an existing faction table up to the seed lexicon (its own rows kept)."""
    table, added = with_seed_actors(load_factions(settings.factions_file).table)
    if added and not args.dry_run:
        save_factions(table, settings.factions_file)
    done = "would be added" if args.dry_run else "added"
    print(f"{added} actor name(s) of the seed table {done} to {settings.factions_file}.")
    return 0


def cmd_seed(args, settings: Settings) -> int:
    """Load the sample incidents into an empty store (``make run`` calls this)."""
    store = open_store(args.store, settings)
    if store.count() and not args.force:
        print(f"The store already holds {store.count():,} incidents; nothing seeded.")
        return 0
    # no linking: the illustrative rows must not absorb the article's real incidents
    reports = import_files(
        sorted(SAMPLES.glob("*.csv")), store, settings, "sample", progress, link=False
    )
    print("\n".join(r.summary() for r in reports))
    return 0


def cmd_extract(args, settings: Settings) -> int:
    """Draft incidents from a news report; with --import, store the drafted ones."""
    from conflictmap.extract import accepted_csv, draft

    data = bytes(read_limited(Path(args.file), settings))
    text, _ = decode(data)
    source = args.source or Path(args.file).stem
    progress(0.1, f"Reading {Path(args.file).name}")
    rows = draft(text, args.published, source, settings)
    progress(1.0, f"{len(rows)} candidate incidents ({sum(r['include'] for r in rows)} ready)")
    if args.do_import:
        data = accepted_csv(rows, text, source)
        name = f"report {args.published:%Y-%m-%d} {source}.csv"
        workspace = Workspace.open(args.store, settings)
        report = workspace.import_bytes(data, name, args.user, progress)
        emit(report.to_dict(), args.json, report_text(report))
        return 0
    lines = [
        f"{r['number']:>2}. {'+' if r['include'] else '-'} {r['event_date']}"
        + (f"..{r['end_date']}" if r["end_date"] != r["event_date"] else "")
        + f" (precision {r['time_precision']}) | {r['place'] or '?'} | "
        f"{r['actor1'] or '?'} / {r['actor2'] or '?'} | {r['event_type'] or '?'} | "
        f'killed: {"?" if r["fatalities"] is None else r["fatalities"]}\n    "{r["evidence"]}"'
        for r in rows
    ]
    emit(rows, args.json, "\n".join(lines) or "No incidents found.")
    return 0


def cmd_user(args, settings: Settings) -> int:
    """Manage who may sign in to a shared dashboard (see README, Access)."""
    path = settings.users_file
    if args.action == "list":
        users = load_users(path)
        rows = [{"name": u.name, "role": u.role} for u in users.values()]
        text = "\n".join(f"{u['name']}\t{u['role']}" for u in rows) or (
            f"No users in {path}: the dashboard is open, on this computer only."
        )
        emit(rows, args.json, text)
        return 0
    if not args.name:
        raise UsageError(f"`conflictmap user {args.action}` needs a user name.")
    if args.action == "remove":
        remove_user(path, args.name)
        print(f"Removed {args.name} from {path}.")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("The two passwords differ; nothing was changed.")
    user = add_user(path, args.name, password, args.role)
    print(f"{user.name} can sign in as {user.role} ({path}).")
    return 0


COMMANDS = {
    "validate": cmd_validate,
    "import": cmd_import,
    "geocode": cmd_geocode,
    "export": cmd_export,
    "changes": cmd_changes,
    "extract": cmd_extract,
    "user": cmd_user,
    "batches": cmd_batches,
    "undo": cmd_undo,
    "split": cmd_split,
    "seed": cmd_seed,
    "factions": cmd_factions,
    "correct": cmd_correct,
    "history": cmd_history,
    "places": places.cmd_places,
    "area": places.cmd_area,
}
