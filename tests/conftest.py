"""Shared fixtures: a fresh data folder per test, the repository's geo/ files, the
fixture files in tests/data, and the real public files in ../shared/data (skipped
with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def _shared() -> Path:
    """The shared folder of real files: $CONFLICTMAP_SHARED, else beside the checkout."""
    if os.environ.get("CONFLICTMAP_SHARED"):
        return Path(os.environ["CONFLICTMAP_SHARED"])
    for folder in (ROOT.parent / "shared", Path("/work/shared")):
        if (folder / "data").exists():
            return folder
    return ROOT.parent / "shared"


SHARED_ROOT = _shared()
SHARED = SHARED_ROOT / "data"


def pytest_configure(config):
    # One GeoNames extract per run (building it reads an 80 MB file).
    cache = ROOT / ".pytest_cache" / "conflictmap"
    os.environ.setdefault("CONFLICTMAP_CACHE", str(cache))
    os.environ["CONFLICTMAP_TILES"] = "none"
    # no sign-in unless a test configures users (a developer's own users file is not read)
    os.environ["CONFLICTMAP_USERS"] = str(cache / "no-users.toml")


@pytest.fixture
def settings(tmp_path):
    from conflictmap.settings import Settings

    return Settings(data_dir=tmp_path / "data", geo_dir=ROOT / "geo", tiles="none")


def own_geo(folder: Path) -> Path:
    """A geo/ folder of links to the project's files, with room for an analyst's own
    (``geo/user/``), so a test that saves a chosen place leaves the project untouched."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "geo").glob("*.csv"):
        (folder / path.name).symlink_to(path)
    return folder


def dashboard_on_sheet(text: str, tmp_path: Path, monkeypatch):
    """The dashboard, run, on a fresh store (``env_data``) holding one analyst's sheet
    imported by the CLI, with its own ``geo/`` folder (see ``own_geo``)."""
    from conflictmap.cli import main as cli

    monkeypatch.setenv("CONFLICTMAP_GEO", str(own_geo(tmp_path / "geo")))
    sheet = tmp_path / "week.csv"
    sheet.write_text(text, encoding="utf-8")
    assert cli(["import", str(sheet)]) == 0
    return dashboard().run()


@pytest.fixture
def geo_settings(settings, tmp_path):
    """``settings`` with a geo/ folder of the test's own (see ``own_geo``)."""
    from dataclasses import replace

    return replace(settings, geo_dir=own_geo(tmp_path / "geo"))


def _postgis_database(request):
    """A fresh database (from the PostGIS template of scripts/pg) for one test."""
    template = os.environ.get("CONFLICTMAP_TEST_PG")
    if not template:
        if os.environ.get("CI"):
            pytest.fail(
                "CONFLICTMAP_TEST_PG is not set: CI must run the PostGIS tests "
                "(make test starts the server with scripts/pg)."
            )
        pytest.skip("no PostGIS test server (run `make test`, which starts one)")
    import uuid

    import psycopg

    server, _, template_db = template.rpartition("/")
    name = f"cm_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template_db}")

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    request.addfinalizer(drop)
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request, settings):
    """Each store test runs against both backends."""
    if request.param == "sqlite":
        return f"sqlite:///{settings.data_dir / 'conflictmap.sqlite'}"
    return _postgis_database(request)


@pytest.fixture
def store(store_url, settings):
    from conflictmap.store import open_store

    opened = open_store(store_url, settings)
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


def incident_records(script: str) -> list[list]:
    """The incidents a map script draws one by one (every maps.incidents.IncidentMarkers'
    array: lat, lon, radius, outline, weight, dash, fill, fill opacity, popup, tooltip,
    first day, last day (days since 1970), area radius in metres or 0)."""
    import json
    import re

    found = re.findall(r"records = (\[.*?\]);\n  var markers = records", script, re.S)
    return [record for array in found for record in json.loads(array)]


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle():
    """Failed sign-ins are counted per process: each test starts with none."""
    from conflictmap import auth

    auth.THROTTLE.failures.clear()


def dashboard():
    """The dashboard as Streamlit's AppTest runs it (not yet run): real script, real store."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def on_page(at, page: str):
    """``at`` switched to one of the dashboard's pages (map, imports, report, factions,
    layers) and run; only that page runs, as in a browser."""
    return at.switch_page(f"src/conflictmap/ui/pages/{page}.py").run()


def page_titles(at) -> list[str]:
    """The pages the dashboard's navigation offered in ``at``'s last run (AppTest keeps
    them as it registered them; a run stopped before the navigation offers none)."""
    return [
        page["page_name"]
        for page in at._registered_pages.values()
        if "/ui/pages/" in str(page.get("script_path", ""))
    ]


def map_component(at):
    """The map (streamlit-folium's component) in an AppTest run."""
    return next(
        e for e in at.get("component_instance") if "streamlit_folium" in e.proto.component_name
    )


@pytest.fixture(scope="module")
def tools():
    """The drafting's tools (gazetteer, faction table, reading rules) as the app loads
    them."""
    from conflictmap.extract import load_lexicon
    from conflictmap.factions import load_factions
    from conflictmap.gazetteer import load_gazetteer
    from conflictmap.settings import Settings

    settings = Settings()
    return (
        load_gazetteer(settings),
        load_factions(settings.factions_file),
        load_lexicon(settings.lexicon_file),
    )
