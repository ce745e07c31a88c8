"""Showing text that came from files without it acting as Markdown, HTML or a template."""

from __future__ import annotations

import html
import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Escape Markdown and HTML-significant characters so the text shows as typed."""
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", " ")


# around the incident id in a popup: a click reads the id back between two of them
ID_MARK = "\u2063"  # INVISIBLE SEPARATOR
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def html_text(text: object) -> str:
    """Text for HTML: escaped, with braces as character references, so that nothing on
    the way reads `{{ ... }}` from a file as its own syntax (folium's pages are no longer
    compiled, see ``maps.verbatim``, but streamlit-folium still rewrites `{{'name'}}`).
    Browsers show the braces as typed."""
    return html.escape(str(text)).translate(_BRACES)
