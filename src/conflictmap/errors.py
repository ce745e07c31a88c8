"""The few named errors of conflictmap. Each message names the value and says what to do."""

from __future__ import annotations


class ConflictmapError(Exception):
    """Base class: everything the library raises on purpose."""

    exit_code = 1


class InputError(ConflictmapError):
    """A file (or text) cannot be used at all: wrong kind, unreadable, unknown layout."""


class StoreError(ConflictmapError):
    """The store cannot be opened or written: not a store, corrupt, unsupported URL."""


class GazetteerError(ConflictmapError):
    """A gazetteer file given by the team or the analyst is malformed."""


class FactionError(ConflictmapError):
    """The faction table is malformed (bad colour, empty name...)."""


class UsageError(ConflictmapError):
    """The caller asked for something that does not make sense (bad option value)."""

    exit_code = 2


class SignInRefused(ConflictmapError):
    """Too many failed sign-ins for a name or from a client, or too many at once."""
