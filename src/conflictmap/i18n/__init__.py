"""The interface in English or Arabic: the catalogue of messages and their rendering
(``catalogue``), and the wording of a language: messages, dates in both calendars,
names (``wording``). The wording with this installation's names is
``conflictmap.language.wording``."""

from conflictmap.i18n.catalogue import (
    COLUMNS,
    LANGUAGES,
    N_,
    RTL,
    VOCABULARY,
    Message,
    catalogue,
    message,
    msg,
    tr,
)
from conflictmap.i18n.wording import ENGLISH, Wording, day, direction, hijri_day, words

__all__ = [
    "COLUMNS",
    "ENGLISH",
    "LANGUAGES",
    "N_",
    "RTL",
    "VOCABULARY",
    "Message",
    "Wording",
    "catalogue",
    "day",
    "direction",
    "hijri_day",
    "message",
    "msg",
    "tr",
    "words",
]
