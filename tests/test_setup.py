"""The set-up on a fresh machine: `make system` with Debian packages missing, run with
stand-in apt-get, sudo and id first on PATH (as root and as a normal user), and every
library the code imports declared in pyproject (CI's machine has them all already)."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT

STAND_INS = {
    "apt-get": 'echo "apt-get $* [DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}]" >> "$SETUP_LOG"',
    "sudo": 'echo "sudo $*" >> "$SETUP_LOG"; exec "$@"',
    "id": 'if [ "$1" = -u ]; then echo "$FAKE_UID"; else /usr/bin/id "$@"; fi',
}
PRESENT = ("/usr/bin/npm", "/usr/lib/postgresql/15/bin/initdb")  # on the made-up machine
INSTALL = "install -y -qq --no-install-recommends"
MISSING = "chromium chromium-driver fonts-noto-core postgresql-15-postgis-3"


def run_setup(
    tmp_path: Path, uid: int, present=PRESENT
) -> tuple[subprocess.CompletedProcess, list]:
    machine, bin_dir, log = tmp_path / "machine", tmp_path / "bin", tmp_path / "setup.log"
    bin_dir.mkdir()
    for name, body in STAND_INS.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    for path in present:
        (machine / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (machine / path.lstrip("/")).touch()
    env = os.environ | {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "SETUP_LOG": str(log),
        "FAKE_UID": str(uid),
    }
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "system", f"SYSTEM_ROOT={machine}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, log.read_text().splitlines() if log.exists() else []


def test_as_root_it_calls_apt_get_itself(tmp_path):
    done, calls = run_setup(tmp_path, uid=0)
    assert done.returncode == 0, done.stderr
    assert calls == [
        "apt-get update -qq [DEBIAN_FRONTEND=noninteractive]",
        f"apt-get {INSTALL} {MISSING} [DEBIAN_FRONTEND=noninteractive]",
    ]
    assert f"Installing Debian packages: {MISSING}" in done.stdout


def test_as_a_normal_user_it_goes_through_sudo(tmp_path):
    done, calls = run_setup(tmp_path, uid=1000)
    assert done.returncode == 0, done.stderr
    assert calls == [
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "apt-get update -qq [DEBIAN_FRONTEND=noninteractive]",
        f"sudo env DEBIAN_FRONTEND=noninteractive apt-get {INSTALL} {MISSING}",
        f"apt-get {INSTALL} {MISSING} [DEBIAN_FRONTEND=noninteractive]",
    ]


def test_nothing_missing_installs_nothing(tmp_path):
    everything = (
        *PRESENT,
        "/usr/bin/chromium",
        "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
        "/usr/share/postgresql/15/extension/postgis.control",
    )
    done, calls = run_setup(tmp_path, uid=0, present=everything)
    assert done.returncode == 0 and calls == [] and done.stdout == "", done.stderr


def test_a_failing_apt_get_fails_the_set_up(tmp_path):
    failing = STAND_INS | {"apt-get": "echo no >&2; exit 100"}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in failing.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = os.environ | {"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_UID": "0"}
    done = subprocess.run(
        ["make", "-s", "system", f"SYSTEM_ROOT={tmp_path / 'empty'}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0


def _imported_modules() -> set[str]:
    names: set[str] = set()
    for path in [ROOT / "app.py", *(ROOT / "src" / "conflictmap").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"conflictmap", "__future__"}


def test_every_library_the_code_imports_is_declared():
    """A library installed by hand on CI's machine would pass CI and fail a fresh one."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    wanted = {re.split(r"[\[<>=;! ]", d)[0].lower().replace("_", "-") for d in declared}
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for module in sorted(_imported_modules()):
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [])}
        if not dists & wanted and not any(_requires(w) & dists for w in wanted):
            missing[module] = sorted(dists) or "not installed"
    assert not missing, f"imported but not in pyproject's dependencies: {missing}"


def _requires(distribution: str) -> set[str]:
    """What a declared distribution pulls in (a module may come from one of those)."""
    try:
        requires = importlib.metadata.requires(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{distribution} is declared but not installed: run make setup")
    return {re.split(r"[\[<>=;! (]", r)[0].lower().replace("_", "-") for r in requires}
