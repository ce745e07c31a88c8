"""Shared fixtures: a fresh data folder per test, the repository's geo/ files, the
fixture files in tests/data, and the real public files in ../shared/data (skipped
with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared" / "data"


def pytest_configure(config):
    # One GeoNames extract per run (building it reads an 80 MB file).
    cache = ROOT / ".pytest_cache" / "conflictmap"
    os.environ.setdefault("CONFLICTMAP_CACHE", str(cache))
    os.environ["CONFLICTMAP_TILES"] = "none"


@pytest.fixture
def settings(tmp_path):
    from conflictmap.settings import Settings

    return Settings(data_dir=tmp_path / "data", geo_dir=ROOT / "geo", tiles="none")


@pytest.fixture
def store(settings):
    from conflictmap.store import open_store

    opened = open_store(None, settings)
    yield opened
    opened.close()


@pytest.fixture
def env_data(tmp_path, monkeypatch):
    """CONFLICTMAP_DATA pointed at a fresh folder (for the CLI and the app)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CONFLICTMAP_DATA", str(folder))
    monkeypatch.delenv("CONFLICTMAP_STORE", raising=False)
    return folder


@pytest.fixture
def shared_data():
    if not SHARED.exists():
        pytest.skip(f"{SHARED} (the shared public data files) is not present")
    return SHARED


def fixture_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()
