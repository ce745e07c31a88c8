"""How the dashboard tells the analyst what happened: one renderer for errors (a
sentence in their language, never a traceback), one for progress, the workspace's
notes, and ``guarded``, which keeps a failing part of a page inside that part.
"""

from __future__ import annotations

import logging

import streamlit as st

from conflictmap.errors import ConflictmapError
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.workspace import Workspace

LOG = logging.getLogger("conflictmap.app")


def failed(ctx, exc: ConflictmapError) -> None:
    """A refusal of the library (bad file, store problem…) as one sentence, rendered in
    the interface's language from the message's template."""
    st.error(plain(ctx.words.message(exc)))


def following(ctx, bar):
    """A progress callback for the library that moves ``bar`` (an ``st.progress``) and
    says, in the interface's language, what is being done."""
    return lambda fraction, said: bar.progress(fraction, plain(ctx.words.message(said)))


def say_notes(space: Workspace) -> None:
    """What the workspace asked to tell the analyst (a map index it could not save),
    kept for the next run, which shows it (``show_notes``)."""
    if space.notes:
        st.session_state[keys.INDEX_NOTE] = list(space.notes)


def show_notes(ctx) -> None:
    for note in st.session_state.pop(keys.INDEX_NOTE, None) or []:
        st.warning(plain(ctx.words.message(note)))


def guarded(ctx, part: str, render, *args) -> None:
    """Runs one part of the page; if it fails, says so in that part alone (a sentence, no
    traceback: that goes to the server's log) and the rest of the page still runs."""
    _ = ctx.words
    try:
        render(ctx, *args)
    except ConflictmapError as exc:
        failed(ctx, exc)
    except Exception as exc:  # a bug: keep the other parts (Import, Undo) usable
        LOG.exception("the %s part of the page failed", part)
        st.error(
            plain(
                _(
                    "This part of the page ({part}) failed: {kind}. The other tabs still "
                    "work; undoing the last import may help. The details are in the "
                    "server's log.",
                    part=_(part),
                    kind=type(exc).__name__,
                )
            )
        )
