"""Files written whole or not at all, by any number of processes at once."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace_atomically(
    path: Path, write: Callable[[Path], object], mode: int | None = None
) -> None:
    """Write ``path`` through ``write(temporary)`` and move it into place: readers see the
    old file or the new one, never half of one. The temporary file is the writer's own
    (two processes writing the same file at once both succeed, and the last one wins)
    and goes if ``write`` fails; it ends as ``path`` does (writers such as GDAL's choose
    the format by it). ``mode``: the file's permissions (default: what a new file gets
    under this process's umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix or ".tmp"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        os.chmod(temporary, _default_mode() if mode is None else mode)
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _default_mode() -> int:
    """0o666 under the umask, read where Linux shows it (setting and restoring the umask
    to learn it would race with other threads' new files)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    return 0o644
