"""The map's draw toolbar (Leaflet.draw), its buttons and tooltips in the interface's
language: Leaflet.draw reads every word from ``L.drawLocal``, which ``DrawWords`` fills
before the toolbar is made."""

from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from folium.plugins import Draw
from jinja2 import Template

from conflictmap.i18n import ENGLISH, N_, Wording

SHAPES = {  # only areas to filter to: a polygon or a rectangle
    "polyline": False,
    "circle": False,
    "marker": False,
    "circlemarker": False,
    "polygon": {"allowIntersection": False, "showArea": False},
    "rectangle": {"showArea": False},
}
# the path in L.drawLocal -> its English words (Leaflet.draw's own defaults, as we use them)
WORDS = {
    ("draw", "toolbar", "actions", "title"): N_("Cancel drawing"),
    ("draw", "toolbar", "actions", "text"): N_("Cancel"),
    ("draw", "toolbar", "finish", "title"): N_("Finish drawing"),
    ("draw", "toolbar", "finish", "text"): N_("Finish"),
    ("draw", "toolbar", "undo", "title"): N_("Delete last point drawn"),
    ("draw", "toolbar", "undo", "text"): N_("Delete last point"),
    ("draw", "toolbar", "buttons", "polygon"): N_("Draw a polygon"),
    ("draw", "toolbar", "buttons", "rectangle"): N_("Draw a rectangle"),
    ("draw", "handlers", "polygon", "tooltip", "start"): N_("Click to start drawing shape."),
    ("draw", "handlers", "polygon", "tooltip", "cont"): N_("Click to continue drawing shape."),
    ("draw", "handlers", "polygon", "tooltip", "end"): N_("Click first point to close this shape."),
    ("draw", "handlers", "rectangle", "tooltip", "start"): N_("Click and drag to draw rectangle."),
    ("draw", "handlers", "simpleshape", "tooltip", "end"): N_("Release mouse to finish drawing."),
    ("edit", "toolbar", "actions", "save", "title"): N_("Save changes"),
    ("edit", "toolbar", "actions", "save", "text"): N_("Save"),
    ("edit", "toolbar", "actions", "cancel", "title"): N_("Cancel editing, discards all changes"),
    ("edit", "toolbar", "actions", "cancel", "text"): N_("Cancel"),
    ("edit", "toolbar", "actions", "clearAll", "title"): N_("Clear all layers"),
    ("edit", "toolbar", "actions", "clearAll", "text"): N_("Clear All"),
    ("edit", "toolbar", "buttons", "remove"): N_("Delete the drawn area"),
    ("edit", "toolbar", "buttons", "removeDisabled"): N_("No area to delete"),
    ("edit", "handlers", "remove", "tooltip", "text"): N_("Click on an area to remove it."),
}


class DrawWords(MacroElement):
    """Fills ``L.drawLocal`` with the toolbar's words (ours, from the catalogue)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (words) {
  words.forEach(function (pair) {
    var node = L.drawLocal, path = pair[0];
    for (var i = 0; i < path.length - 1; i++) { node = node[path[i]] = node[path[i]] || {}; }
    node[path[path.length - 1]] = pair[1];
  });
})({{ this.words }});
{% endmacro %}""")

    def __init__(self, w: Wording = ENGLISH):
        super().__init__()
        self._name = "DrawWords"
        pairs = [[list(path), w(text)] for path, text in WORDS.items()]
        self.words = json.dumps(pairs, ensure_ascii=False).replace("</", "<\\/")


def add_draw_tools(fmap: folium.Map, w: Wording = ENGLISH) -> None:
    """The toolbar to draw an area to filter to, in the language of ``w``."""
    fmap.add_child(DrawWords(w))
    Draw(draw_options=SHAPES, edit_options={"edit": False}).add_to(fmap)
