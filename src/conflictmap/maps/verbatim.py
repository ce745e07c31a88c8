"""folium pages written without a second template pass.

branca renders an element's macros (its header, html and script), then wraps each text
it got in a new ``Element``, which compiles that text as a Jinja template and renders it
once more when the page is written; folium's ``Popup`` does the same with its own text.
That text holds what came from files: notes, sources, place, faction and area names. A
note with ``{{ … }}`` in it would be run as code on the server, one with ``{%`` would
stop the map from being drawn, and the basemap's 450 KB of shapes were compiled again on
every rerun (30 ms of each). ``install`` (run once when ``conflictmap.maps`` is imported)
makes both put each rendered text into the page as it is.

What changes for folium's own classes: an element reference that a style function puts
into a GeoJSON style map (``{{'name'}}``, for fill patterns) is left as written; nothing
here uses one.
"""

from __future__ import annotations

from branca.element import Element, Figure, MacroElement
from folium.map import Popup

PARTS = ("header", "html", "script")  # the macros an element's template may define


class Verbatim(Element):
    """Text that goes into the page as it is (never compiled as a template)."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _figure(element: Element) -> Figure:
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{type(element).__name__} can only be rendered inside a Figure")
    return figure


def render_macros(self: MacroElement, **kwargs) -> None:
    """``MacroElement.render``, each part added verbatim."""
    figure = _figure(self)
    macros = self._template.module.__dict__
    for part in PARTS:
        macro = macros.get(part)
        if macro is not None:
            target = getattr(figure, part)
            target.add_child(Verbatim(str(macro(self, kwargs))), name=self.get_name())
    for child in list(self._children.values()):
        child.render(**kwargs)


def render_popup(self: Popup, **kwargs) -> None:
    """``Popup.render``, its script added verbatim."""
    for child in list(self._children.values()):
        child.render(**kwargs)
    text = self._template.render(this=self, kwargs=kwargs)
    _figure(self).script.add_child(Verbatim(text), name=self.get_name())


def install() -> None:
    """Every folium element renders its parts verbatim from now on (idempotent)."""
    MacroElement.render = render_macros
    Popup.render = render_popup
