"""The catalogue: messages in English with ``{name}`` placeholders, and their translations
in ``locale/<lang>.po`` (gettext PO files: translators use the usual tools; Babel reads
them).

A message is rendered from its template and values, never by reading a finished English
sentence back: ``tr("{count} incidents in view", "ar", count="1,204")``. Messages made
in the library (errors, progress) are ``Message`` strings, which are English text that
also carry their template and values (``msg(...)``); validation issues carry a code and
parameters (``ingest.issues``). ``message`` renders either kind in a language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LANGUAGES = {"en": "English", "ar": "العربية"}


def N_(text: str) -> str:
    """Marks a message written here but translated where it is shown (extraction)."""
    return text


# Words the code shows from variables (measures as axis titles, progress messages the
# importer and the GIF renderer write in English, kinds of names): marked here so the
# catalogue test knows they must be translated; ``message`` and ``tr`` translate them.
VOCABULARY = (
    N_("vs"),
    N_("events"),
    N_("Events"),
    N_("Incidents"),
    N_("Fatalities"),
    N_("actor"),
    N_("Reading {name}"),
    N_("Checking {count} rows"),
    N_("Geocoding place names"),
    N_("Storing {count} incidents"),
    N_("Stored {done} of {total} incidents"),
    N_("Writing {total} incidents into the store in one transaction"),
    N_("Frame {at} of {of}: {label}"),
)


# Column names of the tables the dashboard shows (``Wording.headed``).
COLUMNS = (
    N_("id"),
    N_("file"),
    N_("sha256"),
    N_("format"),
    N_("rows_read"),
    N_("imported"),
    N_("rejected"),
    N_("added"),
    N_("updated"),
    N_("unchanged"),
    N_("imported_at"),
    N_("user"),
    N_("undone_at"),
    N_("incident_id"),
    N_("linked_to"),
    N_("event_date"),
    N_("location"),
    N_("linked_location"),
    N_("batch_id"),
    N_("action"),
    N_("made_at"),
    N_("previous"),
    N_("on map"),
    N_("actor1"),
    N_("actor2"),
    N_("event_type"),
    N_("source"),
    N_("notes"),
    N_("recent"),
    N_("change"),
    N_("change_pct"),
    N_("fatalities_previous"),
    N_("fatalities_recent"),
    N_("kind"),
    N_("name"),
    N_("first_reported"),
    N_("unit"),
    N_("unit_ar"),
    N_("code"),
    N_("leading_faction"),
)


RTL = {"ar"}
LOCALE = Path(__file__).parent / "locale"


class Message(str):
    """A message made in the library: its English text (what ``str`` and logs show), with
    the catalogue template and the values it was made from, so that any language renders
    it from the template (``message``), not by reading the English back."""

    template: str
    values: dict

    def __new__(cls, template: str, **values):
        made = super().__new__(cls, template.format(**values) if values else template)
        made.template, made.values = template, values
        return made

    def __reduce__(self):  # pickled (Streamlit's session state) with its template
        return (_remade, (self.template, self.values))


def _remade(template: str, values: dict) -> Message:
    return Message(template, **values)


def msg(template: str, **values) -> Message:
    """A message to show later, in whatever language: ``msg("Reading {name}", name=n)``
    (the extractor marks ``msg`` like ``N_``)."""
    return Message(template, **values)


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[str, str]:
    """English message -> translation (empty for English)."""
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    with (LOCALE / f"{lang}.po").open("rb") as handle:
        po = read_po(handle, locale=lang)
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}


def tr(text: str, lang: str = "en", **values) -> str:
    """``text`` (a catalogue message) in ``lang``, with ``values`` put in; a translation
    that lost a placeholder falls back to the English template."""
    template = catalogue(lang).get(text, text)
    if not values:
        return template
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return text.format(**values)


def message(text, lang: str = "en") -> str:
    """What the library said (a ``Message``, an error carrying one, or a plain catalogue
    message) in ``lang``. Text the catalogue lacks stays English."""
    if isinstance(text, BaseException):
        text = text.args[0] if text.args and isinstance(text.args[0], str) else str(text)
    if isinstance(text, Message):
        return tr(text.template, lang, **text.values)
    if lang == "en" or not text:
        return str(text)
    return catalogue(lang).get(text, text)
