"""``python -m conflictmap.cli``: the same as the ``conflictmap`` command."""

from conflictmap.cli import run

run()
