"""The ``conflictmap`` command line: every command, option and help text."""

from __future__ import annotations

import argparse
import datetime as dt

from conflictmap.auth import ROLES, VIEWER
from conflictmap.changes import GROUPS
from conflictmap.export import FORMATS
from conflictmap.i18n import LANGUAGES
from conflictmap.playback import STEPS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def _numbers(text: str, count: int, what: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise argparse.ArgumentTypeError(f"'{text}' is not {what}")
    return values


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="conflictmap", description="Map conflict incidents.")
    sub = top.add_subparsers(dest="command", required=True)
    _files(sub)
    _export(sub)
    _analysis(sub)
    _store(sub)
    _places(sub)
    return top


def _files(sub) -> None:
    """Reading files: check one, or store several."""
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


def _export(sub) -> None:
    """Writing the filtered incidents: data files, map snapshots, animations."""
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


def _analysis(sub) -> None:
    """Looking into the data: places, what changed, drafts from news reports."""
    p = sub.add_parser("geocode", help="look a place name up in the gazetteer")
    p.add_argument("name")
    p.add_argument("--country")
    p.add_argument("--admin1")
    p.add_argument("--admin2", help="the district, as the row writes it")
    p.add_argument("--json", action="store_true")
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


def _places(sub) -> None:
    """Places: what the store's rows taught, the names to check, and the work area."""
    p = sub.add_parser(
        "places",
        help="places learned from imported rows; names to check, and the analyst's choice",
    )
    p.add_argument("action", choices=("learned", "pending", "choose", "keep"))
    p.add_argument("name", nargs="?", help="choose/keep: the name as the file writes it")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--candidate", type=int, help="choose: the candidate's number in the list")
    how.add_argument("--as", dest="other", metavar="NAME", help="choose: a name it knows")
    how.add_argument(
        "--point", type=lambda t: _numbers(t, 2, "LAT,LON"), help="choose: LAT,LON of the place"
    )
    p.add_argument("--admin1", help="choose/keep: only the rows of this governorate")
    p.add_argument("--user", default="", help="who chooses (default: the OS user)")
    p.add_argument("--store")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("area", help="the work area the gazetteer prefers (show or set)")
    p.add_argument("action", choices=("show", "set"), nargs="?", default="show")
    p.add_argument("value", nargs="?", help='"Deir ez-Zor; Al Anbar" or WEST,SOUTH,EAST,NORTH')
    p.add_argument("--json", action="store_true")


def _store(sub) -> None:
    """Keeping the store: batches, undo, links, corrections, users, the sample."""
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
    p = sub.add_parser(
        "factions", help="add the region's actors of the seed table that your table lacks"
    )
    p.add_argument("action", choices=["add-seed"])
    p.add_argument("--dry-run", action="store_true", help="say what would be added; save nothing")
    p = sub.add_parser("seed", help="load data/sample into an empty store")
    p.add_argument("--store")
    p.add_argument("--force", action="store_true")
