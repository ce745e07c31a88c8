"""Context under the incidents: place labels from the gazetteer and the analyst's own
reference layers (GeoJSON, GeoPackage, shapefile) found in ``geo/layers/`` and
``data/layers/`` (dashboard uploads). With no basemap tiles, this is what tells a reader
where things are.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

import folium
import geopandas as gpd
from folium.template import Template

from conflictmap.errors import InputError
from conflictmap.gazetteer import Gazetteer
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.settings import Settings
from conflictmap.text import html_text

SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")
LABEL_POPULATION = 20_000
LABEL_CSS = (
    "<style>.cm-label{font:600 11px/1.1 sans-serif;color:#333;white-space:nowrap;"
    "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;unicode-bidi:plaintext}</style>"
)


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


def _source(path: Path) -> str:
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
            raise InputError(f"{path.name} is not a readable ZIP archive.") from None
        parts = [PurePosixPath(n) for n in names if not n.endswith("/")]
        shapes = [p for p in parts if p.suffix.lower() == ".shp"]
        unsafe = [p for p in parts if p.is_absolute() or ".." in p.parts]
        others = [p for p in parts if p.suffix.lower() not in _SHAPEFILE_PARTS]
        if len(shapes) != 1 or unsafe or others:
            raise InputError(
                f"{path.name}: a zipped layer must hold one shapefile and its parts "
                "(.shp, .shx, .dbf, .prj, .cpg) and nothing else."
            )
        return f"zip://{path}!{shapes[0]}"
    if suffix == ".gpkg" and not head.startswith(b"SQLite format 3\x00"):
        raise InputError(f"{path.name} is not a GeoPackage (an SQLite file).")
    if suffix in (".geojson", ".json") and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise InputError(f"{path.name} is not GeoJSON (a JSON object).")
    return str(path)


@lru_cache(maxsize=16)
def _read(path: Path, _mtime: int) -> str:
    source = _source(path)
    try:
        frame = gpd.read_file(source, engine="pyogrio")
    except Exception as exc:  # pyogrio raises many kinds for unreadable files
        raise InputError(
            f"{path.name} cannot be read as a map layer ({exc}). Give a "
            "GeoJSON, GeoPackage or zipped shapefile."
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


def _style(data: dict) -> dict:
    kinds = {f["geometry"]["type"] for f in data.get("features", []) if f.get("geometry")}
    if kinds and kinds <= {"LineString", "MultiLineString"}:
        return {"color": "#2b7bba", "weight": 2.5, "opacity": 0.8}
    return {"color": "#555555", "weight": 1.3, "opacity": 0.9, "fillOpacity": 0.0}


def reference_layer(layer: RefLayer) -> folium.GeoJson:
    data = read_layer(layer.path)
    style = _style(data)
    return folium.GeoJson(
        data,
        name=html_text(layer.name),
        style_function=lambda _: style,
        interactive=False,
        control=True,
    )


class PlaceLabels(folium.FeatureGroup):
    """One layer of text labels built in the browser from a JSON list: hundreds of
    names cost one element on the server, not three each."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup({{ this.options|tojavascript }});
{{ this.labels }}.forEach(function (p) {
  L.marker([p[0], p[1]], {interactive: false, icon: L.divIcon({className: "empty",
    html: '<div class="cm-label">' + p[2] + "</div>", iconSize: [0, 0],
    iconAnchor: [-4, 6]})}).addTo({{ this.get_name() }});
});
{% endmacro %}""")

    def __init__(self, labels: list[tuple[float, float, str]], name: str = "Place names"):
        super().__init__(name=name, control=True)
        # names are escaped as HTML; json.dumps makes them JS string literals
        self.labels = json.dumps([[lat, lon, html_text(name)] for lat, lon, name in labels])


def place_labels(gaz: Gazetteer, w: Wording = ENGLISH) -> folium.FeatureGroup:
    """Names of the region's towns, drawn as text (offline context for the map); in
    Arabic, each town's Arabic name where the gazetteer has one."""
    labels, shown = [], set()
    for index, place in enumerate(gaz.places):
        major = place.population >= LABEL_POPULATION or place.kind in ("town", "village")
        inside = bool(gaz.region.contains(place.latitude, place.longitude))
        if not (major and inside) or place.name in shown:
            continue
        shown.add(place.name)
        name = gaz.arabic.get(index, place.name) if w.rtl else place.name
        labels.append((place.latitude, place.longitude, name))
    return PlaceLabels(labels, html_text(w("Place names")))


def save_upload(data: bytes, name: str, settings: Settings) -> RefLayer:
    """Store an uploaded layer under a name we choose (never the uploader's)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES or suffix == ".shp":
        raise InputError(f"'{name}': give a .geojson, .gpkg or a .zip holding a shapefile.")
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


def context_layers(settings: Settings, w: Wording = ENGLISH) -> list:
    """Fresh context layers for one map: place names, then every reference layer."""
    from conflictmap.gazetteer import load_gazetteer

    return [
        place_labels(load_gazetteer(settings), w),
        *(reference_layer(layer) for layer in find_layers(settings)),
    ]
