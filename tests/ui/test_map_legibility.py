"""The dashboard's map with no internet, looked at in screenshots: the built-in basemap's
pixels are there, place names never overlap, controls never overlap at 1000-2000 px,
popups open clear of them, the place search moves the map, and a team's PMTiles archive
is drawn, in English and Arabic. The stores hold the real ACLED world sample."""

from __future__ import annotations

import io
import itertools
import time

import numpy as np
import pytest
from PIL import Image

from archive_maker import make_archive
from conflictmap.maps.basemap import BORDER, LAND, SEA, WATER
from test_browser import (  # noqa: F401 (browser and server are fixtures)
    browser,
    open_a_popup,
    open_page,
    serve,
    server,
    settled_total,
    when_idle,
)

pytestmark = pytest.mark.browser
CONTROLS = (
    ".leaflet-control-layers",
    ".cm-legend",
    ".leaflet-control-zoom",
    ".leaflet-control-scale",
    ".leaflet-draw",
    ".cm-playback",
)


@pytest.fixture(scope="module")
def world_server(tmp_path_factory, shared_data_folder):
    """The sample store plus the real ACLED world export (105 countries)."""
    data = tmp_path_factory.mktemp("world") / "data"
    acled = next((shared_data_folder / "acled").glob("*.csv"))
    yield from serve(data, ["seed"], ["import", str(acled)])


@pytest.fixture(scope="module")
def shared_data_folder():
    from conftest import SHARED

    if not SHARED.exists():
        pytest.fail(f"{SHARED} (the real public files) is missing")
    return SHARED


def one_map(page):
    """The map's frame: a language switch or a toggle leaves for a while a hidden copy of
    the component (width -1) next to the shown one."""
    frames = page.locator("iframe[title*='streamlit_folium']")
    deadline = time.time() + 30
    while time.time() < deadline:
        shown = [
            i
            for i in range(frames.count())
            if (b := frames.nth(i).bounding_box()) and b["width"] > 100
        ]
        if len(shown) == 1:
            frame = frames.nth(shown[0]).content_frame
            frame.locator(".leaflet-container").wait_for(timeout=60_000)
            return frame
        page.wait_for_timeout(300)
    pytest.fail("no single map on the page")


def map_picture(page) -> np.ndarray:
    frames = page.locator("iframe[title*='streamlit_folium']")
    shown = [
        i
        for i in range(frames.count())
        if (frames.nth(i).bounding_box() or {}).get("width", 0) > 100
    ]
    shot = frames.nth(shown[0]).screenshot()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def share_of(picture: np.ndarray, colour: str, tolerance: int = 6) -> float:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(picture - rgb).max(axis=2) <= tolerance).mean())


def the_map(frame):
    """Leaflet's map object of the page, as [centre lat, centre lon, zoom]."""
    return frame.locator(".leaflet-container").evaluate(
        """() => { const m = Object.values(window).find(v => v && v._container && v.getZoom);
                  const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"""
    )


def go_to_place(page, frame, name: str) -> None:
    box = page.get_by_placeholder("a town or village", exact=False)
    if not box.count():
        box = page.get_by_placeholder("مدينة أو قرية", exact=False)
    box.fill(name)
    box.press("Enter")
    deadline = time.time() + 30
    while time.time() < deadline and the_map(frame)[2] < 10:
        page.wait_for_timeout(500)
    page.wait_for_timeout(2500)  # names placed, tiles drawn


def boxes(frame, selector: str) -> list[dict]:
    found = frame.locator(selector)
    return [b for i in range(found.count()) if (b := found.nth(i).bounding_box())]


def overlap(a: dict, b: dict, gap: float = 0.5) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"] + gap
        or b["x"] + b["width"] <= a["x"] + gap
        or a["y"] + a["height"] <= b["y"] + gap
        or b["y"] + b["height"] <= a["y"] + gap
    )


def arabic(page) -> None:
    when_idle(page, page.get_by_text("العربية"))
    page.get_by_text("الفصائل").first.wait_for(timeout=30_000)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_with_no_internet_the_map_shows_land_sea_borders_and_the_euphrates(
    world_server, browser, tmp_path, lang
):
    page, frame, outside = open_page(browser, world_server)
    settled_total(page, frame)
    if lang == "ar":
        arabic(page)
        frame = one_map(page)
        settled_total(page, frame)
    world = map_picture(page)
    Image.fromarray(world.astype("uint8")).save(tmp_path / f"world-{lang}.png")
    assert share_of(world, LAND) > 0.15, "land"
    assert share_of(world, SEA) > 0.10, "sea"
    assert share_of(world, BORDER, tolerance=30) > 0.002, "borders and coasts"
    go_to_place(page, frame, "دير الزور" if lang == "ar" else "Deir ez-Zor")
    frame = one_map(page)
    valley = map_picture(page)
    Image.fromarray(valley.astype("uint8")).save(tmp_path / f"valley-{lang}.png")
    assert share_of(valley, WATER, tolerance=25) > 0.0003, "the Euphrates"  # a 1.4 px line
    lat, lon, zoom = the_map(frame)
    assert abs(lat - 35.33) < 0.05 and abs(lon - 40.14) < 0.05 and zoom >= 10
    go_to_place(page, frame, "Al-Tabqa")  # on Lake Assad, which GSHHG does not have
    frame = one_map(page)
    lake = map_picture(page)
    Image.fromarray(lake.astype("uint8")).save(tmp_path / f"lake-{lang}.png")
    assert share_of(lake, SEA) > 0.1, "Lake Assad"  # lakes are filled with the sea's colour
    assert outside == []
    page.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_place_names_never_overlap_at_any_zoom(world_server, browser, lang):
    page, frame, _ = open_page(browser, world_server)
    settled_total(page, frame)
    if lang == "ar":
        arabic(page)
        frame = one_map(page)
    go_to_place(page, frame, "Al Mayadin")
    counts = []
    for _ in range(4):  # from the town out to the whole region
        labels = boxes(frame, ".cm-label")
        counts.append(len(labels))
        for a, b in itertools.combinations(labels, 2):
            assert not overlap(a, b), (a, b)
        frame.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(1500)
    assert min(counts) >= 1 and max(counts) >= 5  # names are drawn, not all hidden
    page.close()


@pytest.mark.parametrize(("width", "lang"), [(1000, "en"), (2000, "en"), (1000, "ar")])
def test_controls_never_overlap_and_the_scale_is_in_km(server, browser, width, lang):
    url, _, _ = server
    page = browser.new_page(viewport={"width": width, "height": 1100})
    page.goto(url)
    frame = page.frame_locator("iframe[title*='streamlit_folium']")
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    settled_total(page, frame)
    if lang == "ar":
        arabic(page)
        frame = one_map(page)
        settled_total(page, frame)
    when_idle(page, page.get_by_text("Playback" if lang == "en" else "التشغيل الزمني").first)
    frame = one_map(page)
    frame.locator(".cm-playback").wait_for(timeout=30_000)
    (area,) = boxes(frame, ".leaflet-container")
    placed = {s: b for s in CONTROLS for b in boxes(frame, s)[:1]}
    assert set(placed) == set(CONTROLS), set(CONTROLS) - set(placed)
    for (one, a), (other, b) in itertools.combinations(placed.items(), 2):
        assert not overlap(a, b), (one, other, a, b)
    for name, b in placed.items():  # all inside the map
        assert area["x"] <= b["x"] and b["x"] + b["width"] <= area["x"] + area["width"], name
        assert area["y"] <= b["y"] and b["y"] + b["height"] <= area["y"] + area["height"], name
    scale = frame.locator(".leaflet-control-scale-line")
    assert scale.count() == 1 and scale.inner_text().strip().endswith("km")
    page.close()


def test_a_popup_opens_clear_of_the_controls(server, browser):
    url, _, _ = server
    page, frame, _ = open_page(browser, url)
    settled_total(page, frame)
    popup = open_a_popup(page, frame)
    controls = (".leaflet-control-layers", ".cm-legend", ".leaflet-control-zoom")

    def clashes() -> list[str]:
        (shown,) = boxes(frame, ".leaflet-popup-content-wrapper")
        return [s for s in controls for b in boxes(frame, s) if overlap(shown, b)]

    deadline = time.time() + 10  # its pan, then its move clear of the legend
    while clashes() and time.time() < deadline:
        page.wait_for_timeout(250)
    assert clashes() == []
    assert popup.inner_text()
    page.close()


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    archive = folder / "region.pmtiles"
    make_archive(archive)
    yield from serve(folder / "data", ["seed"], CONFLICTMAP_TILES=str(archive))


def test_a_teams_pmtiles_archive_is_drawn_from_the_apps_own_server(archive_server, browser):
    page, frame, outside = open_page(browser, archive_server)
    ranges = []
    page.on(
        "response",
        lambda r: ranges.append(r.status) if r.url.endswith("/cm/basemap.pmtiles") else None,
    )
    settled_total(page, frame)
    frame.locator(".leaflet-control-zoom-in").click()  # new tiles: new range requests
    page.wait_for_timeout(3000)
    assert ranges and set(ranges) == {206}
    picture = map_picture(page)
    r, g, b = picture[..., 0], picture[..., 1], picture[..., 2]
    assert ((b > 200) & (g > 190) & (r < 160)).mean() > 0.02  # the archive's water
    assert outside == []
    page.close()
