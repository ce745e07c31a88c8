"""The analyst's reference layers (GeoJSON, GeoPackage, shapefile) found in ``geo/layers/``
and ``data/layers/`` (dashboard uploads): finding, reading and saving them. They are
drawn by ``maps.context``.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

import geopandas as gpd

from conflictmap.errors import InputError
from conflictmap.i18n.catalogue import msg
from conflictmap.settings import Settings

SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")


@dataclass(frozen=True)
class RefLayer:
    name: str
    path: Path


def _display_name(path: Path) -> str:
    sidecar = path.with_suffix(path.suffix + ".name")
    if sidecar.exists():
        return sidecar.read_text(encoding="utf-8").strip()[:80] or path.stem
    return path.stem.replace("_", " ").replace("-", " ")


def find_layers(settings: Settings) -> list[RefLayer]:
    """Every readable layer file in the layer folders, sorted by name."""
    found = []
    for folder in (settings.geo_dir / "layers", settings.data_dir / "layers"):
        if folder.is_dir():
            found += [
                RefLayer(_display_name(p), p)
                for p in sorted(folder.iterdir())
                if p.suffix.lower() in SUFFIXES and p.is_file()
            ]
    return found


_SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml"}


def source_path(path: Path) -> str:
    """What GDAL may open, checked first: a file that only claims to be a layer (a VRT or
    a link to other files in disguise) could make GDAL read outside the data folder."""
    with path.open("rb") as handle:
        head = handle.read(16)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise InputError(
                msg(("{name} is not a readable ZIP archive."), name=path.name)
            ) from None
        parts = [PurePosixPath(n) for n in names if not n.endswith("/")]
        shapes = [p for p in parts if p.suffix.lower() == ".shp"]
        unsafe = [p for p in parts if p.is_absolute() or ".." in p.parts]
        others = [p for p in parts if p.suffix.lower() not in _SHAPEFILE_PARTS]
        if len(shapes) != 1 or unsafe or others:
            raise InputError(
                msg(
                    (
                        "{name}: a zipped layer must hold one shapefile and its parts (.shp, "
                        ".shx, .dbf, .prj, .cpg) and nothing else."
                    ),
                    name=path.name,
                )
            )
        return f"zip://{path}!{shapes[0]}"
    if suffix == ".gpkg" and not head.startswith(b"SQLite format 3\x00"):
        raise InputError(msg("{name} is not a GeoPackage (an SQLite file).", name=path.name))
    if suffix in (".geojson", ".json") and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise InputError(msg("{name} is not GeoJSON (a JSON object).", name=path.name))
    return str(path)


@lru_cache(maxsize=16)
def _read(path: Path, _mtime: int) -> str:
    source = source_path(path)
    try:
        frame = gpd.read_file(source, engine="pyogrio")
    except Exception as exc:  # pyogrio raises many kinds for unreadable files
        raise InputError(
            msg(
                (
                    "{name} cannot be read as a map layer ({exc}). Give a GeoJSON, "
                    "GeoPackage or zipped shapefile."
                ),
                name=path.name,
                exc=exc,
            )
        ) from None
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame[["geometry"]].copy()
    if sum(len(g.wkb) for g in frame.geometry) > 2_000_000:  # keep pages light
        frame["geometry"] = frame.geometry.simplify(0.005, preserve_topology=True)
    return frame.to_json(drop_id=True)


def read_layer(path: Path) -> dict:
    """The layer as GeoJSON (EPSG:4326, geometry only: no file text reaches the page)."""
    return json.loads(_read(path, path.stat().st_mtime_ns))


def save_upload(data: bytes, name: str, settings: Settings) -> RefLayer:
    """Store an uploaded layer under a name we choose (never the uploader's)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES or suffix == ".shp":
        raise InputError(
            msg("'{name}': give a .geojson, .gpkg or a .zip holding a shapefile.", name=name)
        )
    folder = settings.data_dir / "layers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"layer-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    path.write_bytes(data)
    try:
        read_layer(path)
    except InputError:
        path.unlink()
        raise
    display = Path(name).stem[:80]
    path.with_suffix(suffix + ".name").write_text(display, encoding="utf-8")
    return RefLayer(display, path)
