"""What every part of the dashboard works with, passed explicitly (``Context``): the
settings, the interface's words, the signed-in user, the store and the faction table.
``app.py`` makes one on each run; the pages and components take it as their first
argument instead of reading module globals.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from conflictmap import auth, mapindex
from conflictmap.factions import Factions, load_factions
from conflictmap.i18n import Wording
from conflictmap.settings import Settings
from conflictmap.store import open_store
from conflictmap.ui.keys import CONTEXT
from conflictmap.workspace import Workspace


@dataclass(frozen=True)
class Context:
    settings: Settings
    words: Wording
    user: auth.User
    url: str
    store: object  # a conflictmap.store.SqlStore, shared by every session
    factions: Factions

    def workspace(self) -> Workspace:
        """The store with the settings: imports and corrections keep the map index in step."""
        return Workspace(self.store, self.settings)

    def index(self):
        """The store's map index with the factions (cached per store version)."""
        return load_index(self.url, self.store.version(), self.factions.table.to_json(), self)

    def kept(self, name: str, key, make):
        """``make()``, worked out once per store version, faction table and ``key`` and
        shared by every session (for what is slow at a million incidents and changes only
        with the store: which area each incident lies in, the names first reported)."""
        version = (self.url, self.store.version(), self.factions.table.to_json())
        return _kept(repr(version), name, repr(key), make)


def current() -> Context:
    """The context ``app.py`` made for this run (a page script reads it)."""
    return st.session_state[CONTEXT]


@st.cache_resource
def get_store(url: str, _settings: Settings):
    return open_store(url, _settings)


@st.cache_resource(show_spinner=False, max_entries=16)
def _kept(version: str, name: str, key: str, _make):
    return _make()


@st.cache_resource(show_spinner="Loading the map index…", max_entries=1)
def load_index(url: str, version: tuple, factions_key: str, _ctx: Context):
    """The store's map index with factions (shared by all sessions, never copied)."""
    index = mapindex.load(_ctx.store, _ctx.settings.cache_dir)
    return mapindex.with_factions(index, load_factions(_ctx.settings.factions_file))
