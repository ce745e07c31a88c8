"""Freed memory goes back to the system.

glibc's allocator serves blocks below its mmap threshold from the heap, and raises that
threshold (up to 32 MB) each time a large mapped block is freed. A process that builds
and drops columns of a million rows then keeps every freed column in its heap, where it
counts as its own memory until the process ends. A fixed threshold of 1 MiB maps each
larger block on its own, so freeing it hands it back. Elsewhere than glibc: nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
THRESHOLD = 1 << 20


def hand_back_large_blocks() -> bool:
    """Fix the mmap threshold at 1 MiB for this process; True when it was set."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD))
    except (OSError, AttributeError):
        return False
