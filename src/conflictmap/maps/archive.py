"""A team's own basemap: a local PMTiles archive of vector tiles
(``CONFLICTMAP_TILES=/path/region.pmtiles``), drawn by protomaps-leaflet (npm, served by
the app like the other map scripts), over the offline basemap.

The browser reads the archive by range requests. The dashboard's server (serve.py)
answers them at ``SERVED_AT`` (``archive_route``); a snapshot's Chromium page is given it
by Playwright (``ARCHIVE_URL``); a standalone HTML export cannot carry a whole archive and
keeps the offline basemap only, and says so.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

SERVED_AT = "/cm/basemap.pmtiles"
ARCHIVE_URL = "http://conflictmap.archive/basemap.pmtiles"  # a snapshot's, see snapshot.py


def is_archive(tiles: str) -> bool:
    return str(tiles).lower().endswith(".pmtiles")


def archive_path(tiles: str) -> Path:
    return Path(tiles).expanduser().resolve()


def deepest_zoom(tiles: str) -> int:
    """The archive's last zoom level with data (deeper views enlarge it), read once per
    version of the file (each map build asks)."""
    path = archive_path(tiles)
    stat = path.stat()
    return _header_zoom(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _header_zoom(path: Path, _mtime: int, _size: int) -> int:
    from pmtiles.reader import MmapSource, Reader

    with path.open("rb") as archive:
        return int(Reader(MmapSource(archive)).header()["max_zoom"])


def served_url(tiles: str) -> str | None:
    """Where the dashboard's browser reads the archive; None when the file is not there
    (the offline basemap shows alone)."""
    return SERVED_AT if archive_path(tiles).is_file() else None


def archive_route():
    """The dashboard server's route to the archive named by CONFLICTMAP_TILES, with byte
    ranges (Starlette's file response); 404 when no archive is set."""
    from starlette.responses import FileResponse, PlainTextResponse
    from starlette.routing import Route

    from conflictmap.settings import Settings

    def answer(request):
        tiles = Settings().tiles
        if not is_archive(tiles) or not archive_path(tiles).is_file():
            return PlainTextResponse("No PMTiles archive is set (CONFLICTMAP_TILES).", 404)
        return FileResponse(archive_path(tiles), media_type="application/octet-stream")

    return Route(SERVED_AT, answer, methods=["GET", "HEAD"])


class ArchiveLayer(JSCSSMixin, folium.MacroElement):
    """The archive's roads, places and water, in protomaps' light style, labels in the
    map's language."""

    default_js = [("protomaps_leaflet", "")]
    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var layer = protomapsL.leafletLayer({url: {{ this.url }}, flavor: "light",
    lang: {{ this.lang }}, attribution: {{ this.credit }}, maxDataZoom: {{ this.zoom }}});
  layer.backgroundColor = null;  // where the archive has no tile, the offline basemap shows
  layer.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}""")

    def __init__(self, url: str, lang: str = "en", zoom: int = 15):
        super().__init__()
        self._name = "ArchiveLayer"
        self.url, self.lang, self.zoom = json.dumps(url), json.dumps(lang), int(zoom)
        self.credit = json.dumps("Basemap: your PMTiles archive")
