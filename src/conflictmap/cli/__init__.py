"""The ``conflictmap`` command: a thin shell over the library.

Exit codes: 0 done, 1 the input could not be used, 2 usage.
"""

from __future__ import annotations

import contextlib
import os
import sys

from conflictmap.cli.commands import COMMANDS
from conflictmap.cli.parser import parser
from conflictmap.errors import ConflictmapError
from conflictmap.memory import hand_back_large_blocks
from conflictmap.settings import Settings

__all__ = ["COMMANDS", "main", "parser", "run"]


def main(argv: list[str] | None = None) -> int:
    hand_back_large_blocks()  # a million rows' columns are built and dropped
    args = parser().parse_args(argv)
    said = f"conflictmap {args.command}:"
    try:
        return COMMANDS[args.command](args, Settings())
    except ConflictmapError as exc:
        print(f"{said} {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{said} interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except OSError as exc:  # a path, a permission, a full disk: the user can act on it
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"{said} {exc.strerror or exc}{where}. Check the path, its rights and the "
            "free space, then run the command again.",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # a bug: one sentence, the details only when asked for
        if os.environ.get("CONFLICTMAP_DEBUG"):
            raise
        print(
            f"{said} failed unexpectedly ({type(exc).__name__}: {exc}). This is a bug in "
            "conflictmap: please report it with the command you ran; CONFLICTMAP_DEBUG=1 "
            "shows the details.",
            file=sys.stderr,
        )
        return 1


def run() -> None:
    """The installed command: ``main``, then the process ends without freeing its objects
    one by one (a million-row import's frames took 0.2 s to free; the system takes the
    memory back at once). Everything is finished by then: the store closed, its log
    copied into the file, the output written; only the streams are flushed."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
            stream.flush()
    os._exit(code)
