"""Showing text that came from files in Streamlit's Markdown without it acting as Markdown."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Escape Markdown and HTML-significant characters so the text shows as typed."""
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", " ")
