"""Settings, with safe defaults, each overridable by an environment variable."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "static" / "node_modules"  # the npm packages the set-up installs


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


# The mission's valley: Syria's Deir ez-Zor and Iraq's Al Anbar, Deir ez-Zor to Al-Qaim.
DEFAULT_REGION = "Deir ez-Zor; Al Anbar"
_BOX = re.compile(r"^\s*(-?[\d.]+)\s*[, ]\s*(-?[\d.]+)\s*[, ]\s*(-?[\d.]+)\s*[, ]\s*(-?[\d.]+)\s*$")


@dataclass(frozen=True)
class Region:
    """The area the analyst works on: a lon/lat box, and the governorates it was made of
    (if named so). The gazetteer prefers places inside it; the checks flag points outside
    it and coordinates that look swapped."""

    west: float = 38.0
    south: float = 30.5
    east: float = 44.5
    north: float = 36.5
    governorates: tuple[str, ...] = ()  # as the analyst wrote them; the gazetteer reads them

    def contains(self, lat, lon):
        return (lat >= self.south) & (lat <= self.north) & (lon >= self.west) & (lon <= self.east)

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)

    def describe(self) -> str:
        box = ",".join(f"{v:.2f}" for v in (self.west, self.south, self.east, self.north))
        return f"{'; '.join(self.governorates)} ({box})" if self.governorates else box


def parse_region(text: str) -> Region:
    """A work area from a box ``WEST,SOUTH,EAST,NORTH`` (degrees) or governorate names
    separated by ``;`` or ``،`` ("Deir ez-Zor; Al Anbar", "دير الزور")."""
    from conflictmap.errors import UsageError
    from conflictmap.i18n.catalogue import msg

    if match := _BOX.match(text):
        west, south, east, north = (float(v) for v in match.groups())
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise UsageError(
                msg(
                    "The work area {area} is not a box: give WEST,SOUTH,EAST,NORTH in "
                    "degrees with west < east and south < north.",
                    area=text,
                )
            )
        return Region(west, south, east, north)
    names = tuple(n.strip() for n in re.split(r"[;،\n]", text) if n.strip())
    if not names:
        return parse_region(DEFAULT_REGION)
    return Region(governorates=names)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: _env_path("CONFLICTMAP_DATA", ROOT / "data"))
    geo_dir: Path = field(default_factory=lambda: _env_path("CONFLICTMAP_GEO", ROOT / "geo"))
    store_url: str = field(default_factory=lambda: os.environ.get("CONFLICTMAP_STORE", ""))
    tiles: str = field(default_factory=lambda: os.environ.get("CONFLICTMAP_TILES", "osm"))
    max_file_bytes: int = field(
        default_factory=lambda: int(os.environ.get("CONFLICTMAP_MAX_FILE_MB", "1024")) * 2**20
    )
    max_rows: int = field(
        default_factory=lambda: int(os.environ.get("CONFLICTMAP_MAX_ROWS", "2000000"))
    )
    countries: tuple[str, ...] = ("SY", "IQ", "LB", "JO")
    region_text: str = field(default_factory=lambda: os.environ.get("CONFLICTMAP_REGION", ""))

    @property
    def region_file(self) -> Path:
        """Where the dashboard keeps the analyst's work area (the setting wins over it)."""
        return self.data_dir / "work-area.txt"

    @property
    def region(self) -> Region:
        """The work area: CONFLICTMAP_REGION, else data/work-area.txt, else the valley."""
        text = self.region_text
        if not text and self.region_file.exists():
            text = self.region_file.read_text(encoding="utf-8").strip()
        return parse_region(text or DEFAULT_REGION)

    @property
    def default_store_url(self) -> str:
        return self.store_url or f"sqlite:///{self.data_dir / 'conflictmap.sqlite'}"

    @property
    def factions_file(self) -> Path:
        return self.data_dir / "factions.csv"

    @property
    def users_file(self) -> Path:
        """Who may sign in (empty or absent: open, on this computer only)."""
        return _env_path("CONFLICTMAP_USERS", self.data_dir / "users.toml")

    @property
    def lexicon_file(self) -> Path:
        """Rules for drafting incidents from reports (falls back to the project's own)."""
        own = self.data_dir / "extract.toml"
        return own if own.exists() else ROOT / "data" / "extract.toml"

    @property
    def names_file(self) -> Path:
        """Arabic names of factions, actors and event types (falls back to the project's)."""
        own = self.data_dir / "names-ar.csv"
        return own if own.exists() else ROOT / "data" / "names-ar.csv"

    @property
    def cache_dir(self) -> Path:
        return _env_path("CONFLICTMAP_CACHE", self.data_dir / "cache")


def get_settings() -> Settings:
    return Settings()
