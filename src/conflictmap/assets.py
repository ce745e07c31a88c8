"""The map's JavaScript and CSS, served by the app itself (installed from npm at set-up).

folium points every element at a CDN. ``localise`` rewrites each element's asset list
to files under ``static/node_modules`` (served by Streamlit's static serving at
``/app/static/``), and refuses any asset it does not know, so no CDN URL can reach a
browser. ``inline`` embeds the same files into a standalone HTML document.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin

from conflictmap.settings import MODULES

URL_PREFIX = "/app/static/node_modules/"

# folium asset name -> file under node_modules (None: not needed by our maps, dropped).
LOCAL: dict[str, str | None] = {
    "leaflet": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "markerclusterjs": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/dist/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "leaflet-heat.js": "leaflet.heat/dist/leaflet-heat.js",
    "jquery": "jquery/dist/jquery.min.js",  # folium popups use $(...)
    "leaflet_draw_js": "leaflet-draw/dist/leaflet.draw.js",  # drawing an area to filter
    "leaflet_draw_css": "leaflet-draw/dist/leaflet.draw.css",
    "protomaps_leaflet": "protomaps-leaflet/dist/protomaps-leaflet.js",  # a PMTiles basemap
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "awesome_rotate_css": None,
}


class MissingAssets(RuntimeError):
    """static/node_modules is not installed: run the set-up (make setup)."""


def check_installed() -> None:
    missing = [p for p in LOCAL.values() if p and not (MODULES / p).exists()]
    if missing:
        raise MissingAssets(
            f"Map assets missing under {MODULES} ({missing[0]}...). Run "
            "`make setup` (it runs npm ci in static/)."
        )


def _local(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, url in pairs:
        if name not in LOCAL:
            raise KeyError(
                f"Map asset '{name}' ({url}) has no local copy; add it to "
                "static/package.json and assets.LOCAL."
            )
        if LOCAL[name]:
            out.append((name, URL_PREFIX + LOCAL[name]))
    return out


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localise(fmap: folium.Map) -> folium.Map:
    """Point every asset of every element at our own server; drop what we do not use."""
    for element in _walk(fmap):
        if isinstance(element, JSCSSMixin):
            element.default_js = _local(list(element.default_js))
            element.default_css = _local(list(element.default_css))
    return fmap


class PluginAssets(JSCSSMixin, MacroElement):
    """Loads the plugins' files with the base map, so layers added later can use them."""

    default_js = [("markerclusterjs", ""), ("leaflet-heat.js", "")]
    default_css = [("markerclustercss", ""), ("markerclusterdefaultcss", "")]

    def __init__(self):
        super().__init__()
        self._name = "PluginAssets"


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _inline_css(path: Path) -> str:
    css = path.read_text(encoding="utf-8")
    return re.sub(
        r"url\((['\"]?)(?!data:)([^)'\"]+)\1\)",
        lambda m: (
            f"url({_data_uri(path.parent / m[2])})" if (path.parent / m[2]).exists() else m[0]
        ),
        css,
    )


def inline(html: str) -> str:
    """Replace links to our static files by the files' content: one offline document."""

    def script(match: re.Match) -> str:
        code = (MODULES / match[1]).read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match: re.Match) -> str:
        return f"<style>{_inline_css(MODULES / match[1])}</style>"

    prefix = re.escape(URL_PREFIX)
    html = re.sub(rf'<script src="{prefix}([^"]+)"></script>', script, html)
    return re.sub(rf'<link rel="stylesheet" href="{prefix}([^"]+)"\s*/>', style, html)
