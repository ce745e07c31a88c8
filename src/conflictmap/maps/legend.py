"""The map's legend: factions with their colours, what the precision of a place looks
like, and the caption lines (filters, sources) a snapshot carries.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from conflictmap.factions import Factions
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.maps.incidents import PRECISION_STYLE, UNCERTAIN_RADIUS_M
from conflictmap.text import html_text


class Legend(MacroElement):
    """A fixed box on the map: faction colours, sizes, precision, and optional caption."""

    _template = Template("""
{% macro html(this, kwargs) %}
<div class="cm-legend" style="position:absolute;z-index:1000;bottom:24px;left:10px;
 background:rgba(255,255,255,.93);padding:8px 10px;border:1px solid #999;border-radius:4px;
 font:12px/1.35 sans-serif;max-width:340px;">{{ this.body }}</div>
{% endmacro %}""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "Legend"
        self.body = body


def precision_key(precision: int, uncertain: bool = True, w: Wording = ENGLISH) -> str:
    if precision not in UNCERTAIN_RADIUS_M:
        return w("solid circle")
    if not uncertain:
        return w("hidden (switch: uncertain places)")
    return w("dashed area of {km} km radius", km=UNCERTAIN_RADIUS_M[precision] // 1000)


def legend_html(
    factions: Factions,
    present: list[str],
    caption: list[str] = (),
    hexagons: str = "",
    uncertain: bool = True,
    words: Wording = ENGLISH,
) -> str:
    """The legend, in the chosen language; ``hexagons`` (a sentence) replaces the circle
    key when the view is counted in hexagons."""
    e, w = html_text, words
    rows = [
        f'<div><span style="display:inline-block;width:11px;height:11px;'
        f"border-radius:50%;background:{factions.colours.get(f, '#7f8c8d')};"
        f'margin-inline-end:5px"></span>{e(w.name(f))}</div>'
        for f in present
    ]
    if hexagons:
        rows.append(f"<div class='cm-hex-key' style='margin-top:4px'>{e(hexagons)}</div>")
    else:
        rows.append(
            "<div style='margin-top:4px'>"
            + e(w("Circle size: reported fatalities. Outline colour: the other side's faction."))
            + "</div>"
        )
        rows += [
            f"<div>{e(precision_key(p, uncertain, w))}: {e(w(words_))}</div>"
            for p, (_, _, words_) in PRECISION_STYLE.items()
        ]
    rows += [f"<div style='margin-top:4px'>{e(line)}</div>" for line in caption]
    return f"<div dir='{w.dir}'><b>{e(w('Factions'))}</b>" + "".join(rows) + "</div>"
