"""Places analysts chose for names the gazetteer could not settle, kept in
``geo/user/chosen.csv`` (a places file like the others), so the next import finds them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from conflictmap.errors import GazetteerError
from conflictmap.files import replace_atomically
from conflictmap.gazetteer.model import CHOSEN, PLACE_COLUMNS
from conflictmap.i18n.catalogue import msg
from conflictmap.settings import Settings

INTRO = (
    "# Places chosen by analysts in conflictmap (Places to check, or `conflictmap places "
    "choose`): one row per name as the files write it.\n"
)


@dataclass(frozen=True)
class Choice:
    """Where an analyst put a name: a point, the admin units it lies in, and why."""

    latitude: float
    longitude: float
    country: str
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    precision: int = 1
    label: str = ""  # "OCHA: Al Hari", "a point clicked on the map"


def chosen_file(settings: Settings) -> Path:
    return settings.geo_dir / "user" / "chosen.csv"


def save_choice(settings: Settings, name: str, choice: Choice, user: str) -> Path:
    """Add (or replace) the row for ``name`` in the country, atomically."""
    path = chosen_file(settings)
    rows = _rows(path)
    key = (name.strip().casefold(), choice.country)
    rows = [r for r in rows if (r["name"].strip().casefold(), r["country"]) != key]
    said = f"chosen by {user or 'an analyst'} on {date.today():%Y-%m-%d}"
    rows.append(
        {
            "name": name.strip(),
            "aliases": "",
            "latitude": f"{choice.latitude:.5f}",
            "longitude": f"{choice.longitude:.5f}",
            "country": choice.country,
            "admin1": choice.admin1,
            "admin2": choice.admin2,
            "admin3": choice.admin3,
            "pcode": "",
            "precision": str(choice.precision),
            "kind": CHOSEN,  # the lookup puts it first
            "source": f"{said}: {choice.label}" if choice.label else said,
        }
    )
    out = io.StringIO()
    out.write(INTRO)
    writer = csv.DictWriter(out, PLACE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    try:
        replace_atomically(path, lambda tmp: tmp.write_text(out.getvalue(), encoding="utf-8"))
    except OSError as exc:
        raise GazetteerError(
            msg(
                "Cannot save the chosen place in {path}: {reason}. Check that the folder "
                "is writable (setting CONFLICTMAP_GEO).",
                path=path,
                reason=exc.strerror or str(exc),
            )
        ) from None
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [{k: (row.get(k) or "") for k in PLACE_COLUMNS} for row in csv.DictReader(lines)]
