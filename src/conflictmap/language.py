"""The wording of a language with the names this installation knows: the names file of
``data/`` and the gazetteer's Arabic names (above both ``i18n`` and ``gazetteer``, which
itself writes its messages through the catalogue)."""

from __future__ import annotations

from conflictmap.gazetteer import load_gazetteer
from conflictmap.i18n.catalogue import LANGUAGES
from conflictmap.i18n.wording import ENGLISH, Wording, read_names
from conflictmap.settings import Settings

_WORDINGS: dict[tuple, Wording] = {}


def wording(lang: str, settings: Settings | None = None) -> Wording:
    """The wording of a language, with the names known to this installation."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return ENGLISH
    settings = settings or Settings()
    path = settings.names_file
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    gazetteer = load_gazetteer(settings)  # cached: the same object while files are unchanged
    key = (lang, path, stamp, id(gazetteer))
    if key not in _WORDINGS:
        _WORDINGS.clear()
        _WORDINGS[key] = Wording(lang, read_names(path), gazetteer)
    return _WORDINGS[key]
