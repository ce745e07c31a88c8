"""The ``conflictmap`` command: a thin shell over the library.

Exit codes: 0 done, 1 the input could not be used, 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

from conflictmap import corrections
from conflictmap.auth import ROLES, VIEWER, add_user, load_users, remove_user
from conflictmap.changes import GROUPS, Windows, compare, new_names
from conflictmap.dashboard import collapse_linked
from conflictmap.errors import ConflictmapError, UsageError
from conflictmap.export import FORMATS, export
from conflictmap.extract import accepted_csv, draft
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.formats import decode
from conflictmap.gazetteer import load_gazetteer
from conflictmap.i18n import ENGLISH, LANGUAGES, Wording, wording
from conflictmap.importer import import_files, read_limited, validate_file
from conflictmap.layers import context_layers
from conflictmap.mapview import MapSpec
from conflictmap.playback import STEPS, Playback
from conflictmap.report import issue_order
from conflictmap.settings import ROOT, Settings
from conflictmap.snapshot import SnapshotSpec, animate, render, snapshot_html
from conflictmap.store import open_store
from conflictmap.workspace import Workspace

SAMPLES = ROOT / "data" / "sample"


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _emit(data, as_json: bool, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else text)


def _report_text(report, w: Wording = ENGLISH, every: bool = False) -> str:
    """The summary, then the issues grouped by message (errors first, with how many rows
    and the first lines), or with ``every`` one line per issue."""
    lines = [report.summary(w)]
    if every:
        line = w("line")
        lines += [
            f"  {line} {i.line}, {i.column or '-'} = {i.value!r}: {i.render(w)} "
            f"[{w(i.severity)}]"
            for i in sorted(report.issues, key=issue_order)
        ]
        return "\n".join(lines)
    for severity, rows, message, at, column, example in report.groups(w).itertuples(index=False):
        where = f"{w('lines')} {at}" + (f", {column} = {example!r}" if column else "")
        lines.append(f"  [{severity}] {rows} × {message} ({where})")
    return "\n".join(lines)


def _write_rejected(report, path: str | None) -> None:
    if path and report.rejected:
        Path(path).write_bytes(report.rejected_csv())
        _progress(1.0, f"Wrote the {report.rejected:,} rejected rows to {path}")


def _wording(args, settings: Settings) -> Wording:
    return wording(getattr(args, "lang", "en") or "en", settings)


def cmd_validate(args, settings: Settings) -> int:
    report = validate_file(Path(args.file), settings)
    _emit(report.to_dict(), args.json, _report_text(report, _wording(args, settings), args.all))
    _write_rejected(report, args.rejected)
    return 0


def cmd_import(args, settings: Settings) -> int:
    workspace = Workspace.open(args.store, settings)
    reports = workspace.import_files(args.files, args.user, _progress)  # the index follows
    for note in workspace.notes:
        _progress(1.0, note)
    data = [r.to_dict() for r in reports]
    w = _wording(args, settings)
    _emit(
        data[0] if len(data) == 1 else data,
        args.json,
        "\n".join(_report_text(r, w, args.all) for r in reports),
    )
    if len(reports) == 1:
        _write_rejected(reports[0], args.rejected)
    return 0


def cmd_geocode(args, settings: Settings) -> int:
    if not args.name.strip():
        raise UsageError("Give a place name to look up (Arabic or any Latin spelling).")
    match = load_gazetteer(settings).lookup(args.name, args.country or "", args.admin1 or "")
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
    _emit(data, args.json, text)
    return 0 if match.place else 1


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


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


def _numbers(text: str, count: int, what: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise argparse.ArgumentTypeError(f"'{text}' is not {what}")
    return values


def map_spec_from(args, settings: Settings) -> MapSpec:
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
            words=_wording(args, settings),
        )
    if args.center:
        return MapSpec(
            tiles=settings.tiles,
            center=args.center,
            zoom=args.zoom or 9,
            fit=False,
            cluster=args.cluster,
            uncertain=not args.hide_uncertain,
            words=_wording(args, settings),
        )
    return MapSpec(
        tiles=settings.tiles,
        cluster=args.cluster,
        uncertain=not args.hide_uncertain,
        words=_wording(args, settings),
    )


def cmd_export(args, settings: Settings) -> int:
    folder = Path(args.output).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"The folder {folder} does not exist: create it or give another -o.")
    filters = filters_from(args)
    spec = map_spec_from(args, settings)
    factions = load_factions(settings.factions_file)
    _progress(0.1, "Reading the store")
    frame = Workspace.open(args.store, settings).matching_rows(filters, factions)
    _progress(0.3, f"Writing {len(frame):,} incidents as {args.format}")
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
        _progress(0.5, f"Drawing the map in Chromium ({args.width}×{args.height}, ×{args.scale:g})")
        if args.format == "gif":
            data = animate(
                page, shot, args.frame_ms, lambda f, m: _progress(0.5 + f * 0.45, m)
            ).data
        else:
            data = render(page, shot, args.format).data
    else:
        data = export(frame, args.format, factions, filters, spec, context, words=w)
    out = Path(args.output)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    _progress(
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
    w = _wording(args, settings)
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
    _emit(records, args.json, "\n".join(text))
    return 0


def cmd_batches(args, settings: Settings) -> int:
    table = open_store(args.store, settings).batches()
    rows = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    lines = [
        f"{r['id']:>5}  {r['imported_at']}  {r['user']:<10} {r['format']:<12} "
        f"+{r['added']} ~{r['updated']} ={r['unchanged']} rejected {r['rejected']}  "
        f"{r['file']}  {r['sha256'][:12]}"
        + (f"  UNDONE {r['undone_at']}" if r["undone_at"] else "")
        for r in rows
    ]
    _emit(rows, args.json, "\n".join(lines) or "No batches yet.")
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
    _emit(data, args.json, "\n".join(lines))
    return 0


def cmd_seed(args, settings: Settings) -> int:
    """Load the sample incidents into an empty store (``make run`` calls this)."""
    store = open_store(args.store, settings)
    if store.count() and not args.force:
        print(f"The store already holds {store.count():,} incidents; nothing seeded.")
        return 0
    # no linking: the illustrative rows must not absorb the article's real incidents
    reports = import_files(
        sorted(SAMPLES.glob("*.csv")), store, settings, "sample", _progress, link=False
    )
    print("\n".join(r.summary() for r in reports))
    return 0


def cmd_extract(args, settings: Settings) -> int:
    """Draft incidents from a news report; with --import, store the drafted ones."""
    data = read_limited(Path(args.file), settings)
    text, _ = decode(data)
    source = args.source or Path(args.file).stem
    _progress(0.1, f"Reading {Path(args.file).name}")
    rows = draft(text, args.published, source, settings)
    _progress(1.0, f"{len(rows)} candidate incidents ({sum(r['include'] for r in rows)} ready)")
    if args.do_import:
        data = accepted_csv(rows, text, source)
        name = f"report {args.published:%Y-%m-%d} {source}.csv"
        workspace = Workspace.open(args.store, settings)
        report = workspace.import_bytes(data, name, args.user, _progress)
        _emit(report.to_dict(), args.json, _report_text(report))
        return 0
    lines = [
        f"{r['number']:>2}. {'+' if r['include'] else '-'} {r['event_date']}"
        + (f"..{r['end_date']}" if r["end_date"] != r["event_date"] else "")
        + f" (precision {r['time_precision']}) | {r['place'] or '?'} | "
        f"{r['actor1'] or '?'} / {r['actor2'] or '?'} | {r['event_type'] or '?'} | "
        f'killed: {"?" if r["fatalities"] is None else r["fatalities"]}\n    "{r["evidence"]}"'
        for r in rows
    ]
    _emit(rows, args.json, "\n".join(lines) or "No incidents found.")
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
        _emit(rows, args.json, text)
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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="conflictmap", description="Map conflict incidents.")
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a file and print the report; store nothing")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="the report's language")
    p.add_argument("--all", action="store_true", help="every issue on its own line")
    p.add_argument("--rejected", metavar="CSV", help="write the rejected rows here, to fix")
    p = sub.add_parser("import", help="validate, geocode and store files (one batch each)")
    p.add_argument("files", nargs="+")
    p.add_argument("--store")
    p.add_argument("--user", default="", help="who imports (default: the OS user)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="the report's language")
    p.add_argument("--all", action="store_true", help="every issue on its own line")
    p.add_argument("--rejected", metavar="CSV", help="write the rejected rows here (one file)")
    p = sub.add_parser("geocode", help="look a place name up in the gazetteer")
    p.add_argument("name")
    p.add_argument("--country")
    p.add_argument("--admin1")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("export", help="write the filtered incidents to a file")
    p.add_argument("--format", choices=(*FORMATS, "png", "pdf", "gif"), required=True)
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--from", dest="date_from", type=_date)
    p.add_argument("--to", dest="date_to", type=_date)
    p.add_argument("--faction", action="append")
    p.add_argument("--event-type", action="append")
    p.add_argument("--min-fatalities", type=int, default=0)
    p.add_argument("--store")
    view = p.add_mutually_exclusive_group()
    view.add_argument(
        "--bbox",
        type=lambda t: _numbers(t, 4, "WEST,SOUTH,EAST,NORTH"),
        help="map extent WEST,SOUTH,EAST,NORTH (degrees)",
    )
    view.add_argument(
        "--center",
        type=lambda t: _numbers(t, 2, "LAT,LON"),
        help="map centre LAT,LON (with --zoom)",
    )
    p.add_argument("--zoom", type=int, help="zoom level with --center (default 9)")
    p.add_argument("--width", type=int, default=1600, help="snapshot width in px")
    p.add_argument("--height", type=int, default=1000, help="snapshot height in px")
    p.add_argument("--scale", type=float, default=1.0, help="pixel scale (2 for print)")
    p.add_argument("--title", default="conflictmap: incidents", help="snapshot title")
    p.add_argument("--cluster", action="store_true", help="group dense incidents (png/pdf/html)")
    p.add_argument("--hide-uncertain", action="store_true", help="leave out precision 2-3 places")
    p.add_argument("--play", choices=STEPS, help="gif: one frame per day, week or month")
    p.add_argument("--cumulative", action="store_true", help="gif: frames add up over time")
    p.add_argument("--frame-ms", type=int, default=700, help="gif: milliseconds per frame")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="labels, legend, title")
    p = sub.add_parser("changes", help="the last N days against the N days before")
    p.add_argument("--days", type=int, default=7, help="days in each period (default 7)")
    p.add_argument("--end", type=_date, help="last day of the recent period (default: newest)")
    p.add_argument("--by", choices=tuple(GROUPS), default="admin1")
    p.add_argument("--faction", action="append")
    p.add_argument("--event-type", action="append")
    p.add_argument("--min-fatalities", type=int, default=0)
    p.add_argument("--store")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p = sub.add_parser("extract", help="draft incidents from a news report (Arabic/English)")
    p.add_argument("file", help="the report as a text file")
    p.add_argument("--published", type=_date, required=True, help="publication date YYYY-MM-DD")
    p.add_argument("--source", default="", help="the report's source (default: file name)")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--import",
        dest="do_import",
        action="store_true",
        help="store the incidents marked + as one batch",
    )
    p.add_argument("--store")
    p.add_argument("--user", default="")
    p = sub.add_parser("user", help="who may sign in to a shared dashboard (viewer/editor)")
    p.add_argument("action", choices=("add", "remove", "list"))
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=ROLES, default=VIEWER)
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("batches", help="list the imports (batches) in the store")
    p.add_argument("--store")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("undo", help="remove what a batch added and restore what it changed")
    p.add_argument("batch_id", type=int)
    p.add_argument("--store")
    p = sub.add_parser("split", help="undo a wrong cross-dataset link of an incident")
    p.add_argument("incident_id")
    p.add_argument("--store")
    p = sub.add_parser("correct", help="correct an incident's place, actors or fatalities")
    p.add_argument("incident_id")
    p.add_argument("--place", help="a gazetteer place name (Arabic or any spelling)")
    p.add_argument("--country", help="narrows --place")
    p.add_argument("--lat", type=float)
    p.add_argument("--lon", type=float)
    p.add_argument("--geo-precision", dest="geo_precision", type=int, choices=(1, 2, 3))
    p.add_argument("--actor1")
    p.add_argument("--actor2")
    p.add_argument("--fatalities", help="a whole number, or '' for unknown")
    p.add_argument("--event-type", dest="event_type")
    p.add_argument("--user", default="")
    p.add_argument("--store")
    p = sub.add_parser("history", help="an incident's batches and corrections")
    p.add_argument("incident_id")
    p.add_argument("--store")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("seed", help="load data/sample into an empty store")
    p.add_argument("--store")
    p.add_argument("--force", action="store_true")
    return top


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
    "correct": cmd_correct,
    "history": cmd_history,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    said = f"conflictmap {args.command}:"
    try:
        return COMMANDS[args.command](args, Settings())
    except ConflictmapError as exc:
        print(f"{said} {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{said} interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except OSError as exc:  # a path, a permission, a full disk: the user can act on it
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"{said} {exc.strerror or exc}{where}. Check the path, its rights and the "
            "free space, then run the command again.",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # a bug: one sentence, the details only when asked for
        if os.environ.get("CONFLICTMAP_DEBUG"):
            raise
        print(
            f"{said} failed unexpectedly ({type(exc).__name__}: {exc}). This is a bug in "
            "conflictmap: please report it with the command you ran; CONFLICTMAP_DEBUG=1 "
            "shows the details.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
