"""A team's own basemap: a local PMTiles archive of vector tiles
(``CONFLICTMAP_TILES=/path/region.pmtiles``), drawn by protomaps-leaflet (npm, served by
the app like the other map scripts), over the offline basemap.

The browser reads the archive by range requests. The dashboard serves it from
``static/tiles/`` (a link to the file, git-ignored); a snapshot's Chromium page is given
it by Playwright (``ARCHIVE_URL``); a standalone HTML export cannot carry a whole archive
and keeps the offline basemap only, and says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from conflictmap.assets import STATIC

TILE_DIR = STATIC / "tiles"
SERVED_AT = "/app/static/tiles/"
ARCHIVE_URL = "http://conflictmap.archive/basemap.pmtiles"  # a snapshot's, see snapshot.py


def is_archive(tiles: str) -> bool:
    return str(tiles).lower().endswith(".pmtiles")


def archive_path(tiles: str) -> Path:
    return Path(tiles).expanduser().resolve()


def deepest_zoom(tiles: str) -> int:
    """The archive's last zoom level with data (deeper views enlarge it)."""
    from pmtiles.reader import MmapSource, Reader

    with archive_path(tiles).open("rb") as archive:
        return int(Reader(MmapSource(archive)).header()["max_zoom"])


def served_url(tiles: str) -> str | None:
    """Where the dashboard's browser reads the archive (a link under static/tiles, made
    once); None when the file is not there."""
    path = archive_path(tiles)
    if not path.is_file():
        return None
    name = hashlib.sha1(str(path).encode()).hexdigest()[:12] + ".pmtiles"
    link = TILE_DIR / name
    if not link.exists():
        TILE_DIR.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another session made it meanwhile
            link.symlink_to(path)
    return SERVED_AT + name


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
