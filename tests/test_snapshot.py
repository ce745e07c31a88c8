"""Snapshots rendered by the real headless Chromium: size, colours where the incidents
are, the words on the page, no request leaving the machine."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from conflictmap.errors import InputError, UsageError
from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.layers import find_layers, save_upload
from conflictmap.maps.base import MapSpec
from conflictmap.maps.context import context_layers
from conflictmap.snapshot import SnapshotSpec, render, snapshot_html
from conftest import ROOT

pytestmark = pytest.mark.browser
GOV, IRAN = ("#c0392b", "Syrian government forces"), ("#27ae60", "Iran-backed militias")
BACKGROUND = (221, 221, 221)  # Leaflet's map background with no tiles
FILTERS = Filters(pd.Timestamp("2018-05-01").date(), pd.Timestamp("2018-06-30").date())


@pytest.fixture
def factions():
    return load_factions(ROOT / "data" / "factions.csv")


def incidents() -> pd.DataFrame:
    rows = [
        ("a", 34.452, 40.918, "Military Forces of Syria", GOV[1], "Abu Kamal"),
        ("b", 35.020, 40.452, "Liwa Fatemiyoun", IRAN[1], "Al Mayadin"),
        ("c", 35.336, 40.141, "Military Forces of Syria", GOV[1], "Deir ez-Zor"),
    ]
    return pd.DataFrame(
        [
            dict(
                incident_id=f"sheet:{i}",
                event_date=pd.Timestamp("2018-06-01"),
                end_date=pd.Timestamp("2018-06-01"),
                event_type="Battles",
                sub_event_type="",
                actor1=actor,
                actor2="",
                location=place,
                admin1="",
                country="Syria",
                latitude=lat,
                longitude=lon,
                geo_precision=1,
                fatalities=25,
                fatalities_low=None,
                fatalities_high=None,
                source="Test source",
                notes="n",
                faction=faction,
                faction1=faction,
                faction2="",
            )
            for i, lat, lon, actor, faction, place in rows
        ]
    )


def hex_rgb(colour: str) -> tuple[int, ...]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def blended(colour: str, opacity: float = 0.85) -> tuple[float, ...]:
    return tuple(
        opacity * c + (1 - opacity) * b for c, b in zip(hex_rgb(colour), BACKGROUND, strict=True)
    )


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_png_has_the_size_the_colours_and_the_words(factions, scale):
    shot = SnapshotSpec(900, 700, scale, "Test snapshot")
    spec = MapSpec(tiles="none", cluster=False)
    page = snapshot_html(incidents(), factions, FILTERS, spec, shot)
    frame = incidents()
    done = render(page, shot, "png", probe=list(zip(frame.latitude, frame.longitude, strict=True)))
    image = Image.open(io.BytesIO(done.data)).convert("RGB")
    assert image.size == (900 * scale, 700 * scale)
    assert len(np.unique(np.asarray(image).reshape(-1, 3), axis=0)) > 50  # not blank
    for (x, y), colour in zip(done.points, [GOV[0], IRAN[0], GOV[0]], strict=True):
        pixel = image.getpixel((int(x * scale), int(y * scale)))
        assert all(abs(p - e) < 30 for p, e in zip(pixel, blended(colour), strict=True)), (
            pixel,
            colour,
        )
    for words in (
        "Test snapshot",
        FILTERS.describe(),
        "3 incidents",
        "Test source",
        "Syrian government forces",
        "Iran-backed militias",
        "GeoNames",
        "Made ",
    ):
        assert words in done.text, words
    assert done.outside_requests == []


def test_pdf_is_a_pdf(factions):
    shot = SnapshotSpec(800, 600)
    page = snapshot_html(incidents(), factions, FILTERS, MapSpec(tiles="none"), shot)
    assert render(page, shot, "pdf").data.startswith(b"%PDF")


def test_html_snapshot_opens_from_a_file_and_shows_the_markers(factions, tmp_path):
    from playwright.sync_api import sync_playwright

    from conflictmap.snapshot import CHROMIUM_FLAGS, chromium_path

    path = tmp_path / "snapshot.html"
    path.write_text(
        snapshot_html(
            incidents(), factions, FILTERS, MapSpec(tiles="none", cluster=False), SnapshotSpec()
        ),
        encoding="utf-8",
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        outside = []
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None,
        )
        page.goto(path.as_uri())
        page.wait_for_function("window.__cmReady === true")
        assert page.locator("path.leaflet-interactive").count() == 3
        page.locator("path.leaflet-interactive").first.click(force=True)
        assert page.locator(".cm-popup").count() == 1
        browser.close()
    assert outside == []


def test_reference_layers_are_drawn_with_escaped_names(factions, settings, shared_data, tmp_path):
    layers = settings.geo_dir  # the repository's geo/ has no layers/ folder of its own
    assert not (layers / "layers").exists()
    folder = settings.data_dir / "layers"
    folder.mkdir(parents=True)
    river = folder / "euphrates.geojson"
    shutil.copy(shared_data / "boundaries" / "ne_50m_euphrates_tigris_extract.geojson", river)
    river.with_suffix(".geojson.name").write_text("Euphrates <script>alert(1)</script>")
    found = find_layers(settings)
    assert [layer.path for layer in found] == [river]
    shot = SnapshotSpec(900, 700)
    page = snapshot_html(
        incidents(), factions, FILTERS, MapSpec(tiles="none"), shot, context_layers(settings)
    )
    assert "<script>alert(1)</script>" not in page
    done = render(page, shot)
    image = Image.open(io.BytesIO(done.data)).convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3).astype(int)
    river_blue = int((np.abs(pixels - (0x2B, 0x7B, 0xBA)) < 40).all(axis=1).sum())
    assert river_blue > 200  # the Euphrates is drawn


def test_uploaded_layers_get_our_name_and_bad_ones_are_refused(settings, shared_data):
    data = (shared_data / "boundaries" / "ne_50m_euphrates_tigris_extract.geojson").read_bytes()
    layer = save_upload(data, "../../etc/evil name.geojson", settings)
    assert layer.path.parent == settings.data_dir / "layers"
    assert layer.path.name.startswith("layer-") and "evil" not in layer.path.name
    with pytest.raises(InputError):
        save_upload(b"not json at all", "bad.geojson", settings)
    assert len(list((settings.data_dir / "layers").glob("layer-*.geojson"))) == 1


def test_sizes_are_checked():
    with pytest.raises(UsageError):
        SnapshotSpec(50, 50)
    with pytest.raises(UsageError):
        replace(SnapshotSpec(), scale=10)
