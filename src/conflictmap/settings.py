"""Settings, with safe defaults, each overridable by an environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


@dataclass(frozen=True)
class Region:
    """The area the analyst works on (lon/lat box): disambiguates places, flags swaps."""

    west: float = 35.5
    south: float = 29.0
    east: float = 48.8
    north: float = 37.4

    def contains(self, lat, lon):
        return (lat >= self.south) & (lat <= self.north) & (lon >= self.west) & (lon <= self.east)

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)


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
    region: Region = field(default_factory=Region)

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
