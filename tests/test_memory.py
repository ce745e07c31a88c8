"""Freed columns go back to the system (``conflictmap.memory``), measured in processes of
their own: with the fixed threshold, a process that builds and drops 40 rounds of 2 MB
blocks, keeping a small block after each, ends near where it started; without it, it
keeps tens of MB it no longer uses."""

from __future__ import annotations

import subprocess
import sys

PROBE = r"""
import sys
from conflictmap.memory import hand_back_large_blocks
if sys.argv[1] == "fixed":
    assert hand_back_large_blocks()
import numpy as np
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
start = rss()
pinned = []
for size in range(40):  # growing blocks: each raises glibc's own threshold past it
    block = np.ones((2 << 20) + size * 4096, dtype=np.uint8)
    del block
    keep = [np.ones((2 << 20) + size * 4096, dtype=np.uint8) for _ in range(30)]
    pinned.append(np.ones(100 * 1024, dtype=np.uint8))  # a small block that stays, above
    del keep
print(rss() - start)
"""


def grown(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def test_a_fixed_threshold_hands_freed_blocks_back():
    fixed, default = grown("fixed"), grown("default")
    assert fixed < 15
    assert default > fixed + 30  # the case the setting is for: without it, freed blocks stay
