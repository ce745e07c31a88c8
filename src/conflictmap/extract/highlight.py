"""The report shown with what was read in it marked, and the key of the marks. The
report's text is escaped here before it reaches HTML.
"""

from __future__ import annotations

from conflictmap.i18n import N_
from conflictmap.names import is_arabic
from conflictmap.text import html_text

_MARK_COLOURS = {  # kind of span -> colour (the kinds are shown, translated, in the key)
    N_("time"): "#fde68a",
    N_("place"): "#bfdbfe",
    N_("origin"): "#e5e7eb",
    N_("actor"): "#fbcfe8",
    N_("event"): "#fed7aa",
    N_("killed"): "#fecaca",
}


def marked_html(text: str, spans: list[dict]) -> str:
    """The report with what was read highlighted; every piece of it escaped."""
    spans = sorted(
        {(s["start"], s["end"], s["kind"], s["meaning"]) for s in spans}, key=lambda s: s[0]
    )
    out, at = [], 0
    for start, end, kind, meaning in spans:
        if start < at:
            continue
        out.append(html_text(text[at:start]))
        out.append(
            f'<mark style="background:{_MARK_COLOURS.get(kind, "#eee")}" '
            f'title="{html_text(kind)}: {html_text(meaning)}">'
            f"{html_text(text[start:end])}</mark>"
        )
        at = end
    out.append(html_text(text[at:]))
    direction = "rtl" if is_arabic(text[:400]) else "ltr"
    body = "".join(out).replace("\n", "<br>")
    return f'<div dir="{direction}" style="line-height:1.9">{body}</div>'


def legend_html(w=None) -> str:
    """The key of the highlighted spans (our own words, in the language of ``w``)."""
    from conflictmap.i18n import ENGLISH

    w = w or ENGLISH
    return " ".join(
        f'<mark style="background:{colour}">{w(kind)}</mark>'
        for kind, colour in _MARK_COLOURS.items()
    )
