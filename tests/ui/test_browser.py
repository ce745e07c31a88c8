"""The real app, started as `streamlit run`, driven by headless Chromium (Debian's)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from conflictmap.snapshot import CHROMIUM_FLAGS
from conftest import DATA, ROOT

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = CHROMIUM_FLAGS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir, port: int, **extra_env) -> subprocess.Popen:
    """The dashboard as `make run` serves it: serve.py (app.py behind the upload gate)."""
    env = dict(os.environ, CONFLICTMAP_DATA=str(data_dir), CONFLICTMAP_TILES="none")
    env.update(extra_env)  # e.g. a PMTiles archive instead of no tiles
    env.pop("CONFLICTMAP_STORE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "serve.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the app did not start within 60 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser") / "data"
    env = dict(os.environ, CONFLICTMAP_DATA=str(data))
    subprocess.run(
        [sys.executable, "-m", "conflictmap.cli", "seed"], env=env, check=True, capture_output=True
    )
    port = free_port()
    process = start_app(data, port)
    yield f"http://127.0.0.1:{port}", data, port
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed; `make setup` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).hostname not in (None, "127.0.0.1", "localhost")
            else None
        ),
    )
    page.goto(url)
    frame = page.frame_locator("iframe[title*='streamlit_folium']")
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    # something drawn in view (Leaflet gives a shape outside the view the path "M0 0")
    drawn = ".cm-cluster, path.leaflet-interactive:not([d='M0 0'])"
    frame.locator(drawn).first.wait_for(timeout=30_000)
    return page, frame, outside


def settled_total(page, frame, timeout: float = 30.0) -> int:
    """Incidents drawn (cluster counts + single circles), once the map stops changing:
    the first view the component reports makes the map fragment rerun once."""
    read = """() => [[...document.querySelectorAll('.cm-cluster')].map(e => +e.innerText),
                    document.querySelectorAll('path.leaflet-interactive').length]"""
    element = frame.locator(".leaflet-container")
    last, stable_since, deadline = None, time.time(), time.time() + timeout
    while time.time() < deadline:
        try:
            clusters, single = element.evaluate(read)
        except PlaywrightError as exc:  # a rerun replaced the map's frame under the read
            if "detached" not in str(exc):
                raise
            last = None
            page.wait_for_timeout(250)
            continue
        now = (sum(clusters), single)
        if now != last:
            last, stable_since = now, time.time()
        elif time.time() - stable_since > 2.0:
            return sum(now)
        page.wait_for_timeout(250)
    return sum(last or (0, 0))


def when_idle(page, target, timeout: float = 60.0) -> None:
    """Click `target` once the app has stopped running: a rerun still in flight (the map's
    first view, a page switch) replaces the buttons under the click."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        page.wait_for_timeout(300)
        if page.locator("[data-testid='stStatusWidget']").count():
            continue  # "Running…": the elements are about to be replaced
        try:
            target.click(timeout=5_000)
            return
        except Exception:  # replaced under the click: wait for the next quiet moment
            continue
    pytest.fail(f"{target} could not be clicked within {timeout:.0f} s")


def go_to(page, name: str, shown, tries: int = 3) -> None:
    """Open the page `name` from the navigation and wait until `shown` is there. A click
    that lands while the map's first-view rerun is in flight can leave the new page empty
    (a Streamlit race between a fragment rerun and a page switch); an analyst clicks the
    link again, and so does this."""
    for _ in range(tries):
        when_idle(page, page.get_by_role("link", name=name))
        try:
            shown.first.wait_for(timeout=20_000)
            return
        except Exception:
            continue
    pytest.fail(f"the {name} page did not show {shown} after {tries} clicks")


def click_a_visible_marker(page, frame) -> None:
    """Click an incident that no control covers (the legend, the layer control, the
    playback box, the zoom and draw buttons)."""
    area = frame.locator(".leaflet-container").bounding_box()
    covers = [
        b
        for selector in (".cm-legend", ".leaflet-control-layers", ".cm-playback")
        for b in [
            frame.locator(selector).first.bounding_box()
            if frame.locator(selector).count()
            else None
        ]
        if b
    ]

    def covered(x, y) -> bool:
        return any(
            b["x"] - 10 < x < b["x"] + b["width"] + 10
            and b["y"] - 10 < y < b["y"] + b["height"] + 10
            for b in covers
        )

    markers = frame.locator("path.leaflet-interactive")
    for i in range(markers.count()):
        box = markers.nth(i).bounding_box()
        if not box:
            continue
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        inside = (
            area["x"] + 60 < x < area["x"] + area["width"] - 60
            and area["y"] + 80 < y < area["y"] + area["height"] - 40
        )
        if inside and not covered(x, y):
            page.mouse.click(x, y)
            return
    pytest.fail(f"no marker visible on the map to click ({markers.count()} drawn; {covers})")


def open_a_popup(page, frame):
    """Click incidents until one's popup opens (the map may redraw under a click)."""
    popup = frame.locator(".leaflet-popup-content .cm-popup")
    for _ in range(3):
        click_a_visible_marker(page, frame)
        try:
            popup.wait_for(timeout=5_000)
            break
        except Exception:  # the map redrew under the click: try again
            continue
    return popup


def test_map_and_markers_render_with_no_outside_request(server, browser, tmp_path):
    url, _, _ = server
    page, frame, outside = open_page(browser, url)
    assert settled_total(page, frame) == 246
    assert frame.locator(".cm-legend").inner_text().startswith("Factions")
    page.screenshot(path=str(tmp_path / "dashboard.png"))
    assert outside == []
    page.close()


def test_clicking_a_marker_opens_an_escaped_popup(server, browser):
    url, _, _ = server
    page, frame, _ = open_page(browser, url)
    settled_total(page, frame)
    for _ in range(4):  # past the clustering zoom, every incident is its own circle
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(500)
    settled_total(page, frame)
    popup = open_a_popup(page, frame)
    text = popup.inner_text()  # at once: the rerun the click starts redraws the layers
    assert "Date" in text and "Fatalities" in text
    # the click selected that incident by its id: the detail panel under the map has it
    shown = text.split("\u2063")[-2]
    field = page.get_by_label("Incident id")
    deadline = time.time() + 30
    while field.input_value() != shown and time.time() < deadline:
        page.wait_for_timeout(300)
    assert field.input_value() == shown and ":" in shown
    # and the popup is still open: the rerun that selected it did not redraw the layer
    page.wait_for_timeout(1500)
    assert frame.locator(".leaflet-popup-content .cm-popup").count() == 1
    page.close()


def test_zooming_keeps_the_map_and_snapshot_downloads_a_png(server, browser, tmp_path):
    from PIL import Image

    url, _, _ = server
    page, frame, outside = open_page(browser, url)
    settled_total(page, frame)
    frame.locator(".leaflet-container").evaluate("() => { window.__sameMap = true; }")
    for _ in range(2):
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(1200)
    # the component was not rebuilt: no flash, no full reload of the map
    assert frame.locator(".leaflet-container").evaluate("() => window.__sameMap === true")
    page.get_by_text("Snapshot: this view").click()
    page.get_by_role("button", name="Snapshot", exact=True).click()
    page.get_by_text("Snapshot made").wait_for(timeout=90_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PNG").click()
    path = tmp_path / "snapshot.png"
    download.value.save_as(path)
    assert Image.open(path).size == (1600, 1000)
    assert outside == []
    page.close()


def test_upload_validate_confirm_and_survive_a_restart(server, browser, tmp_path):
    url, data, _ = server
    page, frame, _ = open_page(browser, url)
    settled_total(page, frame)
    go_to(page, "Import", page.locator("[data-testid='stFileUploader']"))
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Incident file")
    uploader.locator("input[type=file]").set_input_files(str(DATA / "acled-current.csv"))
    page.get_by_text("3 to import").wait_for(timeout=60_000)
    page.get_by_role("button", name="Import 3 incidents").click()
    page.get_by_text("3 imported").first.wait_for(timeout=60_000)
    # the same file again: said at the check step, before any Import button
    page.wait_for_timeout(2000)  # the rerun after the import puts a fresh uploader
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Incident file")
    uploader.locator("input[type=file]").set_input_files(str(DATA / "acled-current.csv"))
    page.get_by_text("This file was already imported as batch 3").wait_for(timeout=60_000)
    page.close()
    port = free_port()
    restarted = start_app(data, port)
    try:
        page, _, _ = open_page(browser, f"http://127.0.0.1:{port}")
        page.get_by_text("249 incidents").first.wait_for(timeout=30_000)
        page.close()
    finally:
        restarted.terminate()
        restarted.wait(timeout=20)


def serve(data, *calls, **extra_env):
    """Run CLI calls on a data folder, then serve the dashboard on it (a fixture body);
    ``extra_env`` is given to both."""
    env = dict(os.environ, CONFLICTMAP_DATA=str(data), **extra_env)
    env.pop("CONFLICTMAP_STORE", None)
    for call in calls:
        subprocess.run(
            [sys.executable, "-m", "conflictmap.cli", *call],
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    process = start_app(data, port, **extra_env)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    """The app on a store of 3,000 synthetic incidents: more than it draws one by one."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import generate

    folder = tmp_path_factory.mktemp("big")
    data, source = folder / "data", folder / "big.csv"
    generate(3000, seed=4, start="2018-01-01", end="2019-12-31", illustrative=False).to_csv(
        source, index=False
    )
    yield from serve(data, ["import", str(source)])


def test_a_full_view_shows_hexagons_and_zooming_in_shows_single_incidents(
    big_server, browser, tmp_path
):
    page, frame, outside = open_page(browser, big_server)
    page.get_by_text("3,000 incidents in and around the view, more than the 1,000").wait_for(
        timeout=30_000
    )
    hexagons = frame.locator("path.leaflet-interactive")
    assert hexagons.count() > 20
    legend = frame.locator(".cm-legend")
    assert "more than the 1,000 drawn one by one" in legend.inner_text()
    page.screenshot(path=str(tmp_path / "hexagons.png"))
    click_a_visible_marker(page, frame)  # a hexagon: its popup gives the figures
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert "incidents" in popup.inner_text() and "fatalities" in popup.inner_text()
    frame.locator(".leaflet-container").evaluate("() => { window.__sameMap = true; }")
    drawn_one_by_one = page.get_by_text("each drawn as a circle")
    for _ in range(6):
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(1500)
        if drawn_one_by_one.count():
            break
    drawn_one_by_one.wait_for(timeout=30_000)
    assert frame.locator(".leaflet-container").evaluate("() => window.__sameMap === true")
    # the legend says what this view draws: circles now, no hexagons
    assert "Circle size" in legend.inner_text() and "hexagon" not in legend.inner_text()
    assert outside == []
    page.close()


def test_drawing_a_rectangle_filters_to_it_and_the_link_keeps_it(server, browser):
    url, _, _ = server
    page, frame, outside = open_page(browser, url)
    settled_total(page, frame)
    frame.locator(".leaflet-draw-draw-rectangle").click()
    box = frame.locator(".leaflet-container").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.3
    x1, y1 = box["x"] + box["width"] * 0.65, box["y"] + box["height"] * 0.7
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=10)
    page.mouse.up()
    page.get_by_text("inside the drawn area").first.wait_for(timeout=30_000)
    assert "area=" in page.url
    link = page.url
    page.close()
    again, frame, _ = open_page(browser, link)  # the link opens the same cut
    again.get_by_text("inside the drawn area").first.wait_for(timeout=30_000)
    assert outside == []
    again.close()


def test_a_visit_to_another_page_keeps_the_maps_filters_and_only_that_page_runs(server, browser):
    """Pages, not tabs: the Import page shows no map and no filters, and coming back to
    the map finds the filters and the count as the analyst left them."""
    url, _, _ = server
    page, frame, _ = open_page(browser, url)
    settled_total(page, frame)
    least = page.get_by_label("Minimum fatalities")
    least.fill("5")
    least.press("Enter")
    page.get_by_text("with at least 5 reported fatalities").first.wait_for(timeout=30_000)
    shown = page.get_by_test_id("stMetricValue").first.inner_text()
    go_to(page, "Import", page.get_by_text("Batches"))
    assert page.locator("iframe[title*='streamlit_folium']").count() == 0
    assert page.get_by_label("Minimum fatalities").count() == 0  # the map's sidebar is not run
    go_to(page, "Map", page.locator("iframe[title*='streamlit_folium']"))
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    page.get_by_text("with at least 5 reported fatalities").first.wait_for(timeout=30_000)
    assert page.get_by_label("Minimum fatalities").input_value() == "5"
    assert page.get_by_test_id("stMetricValue").first.inner_text() == shown
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_playback_steps_the_map_in_place_and_the_link_keeps_the_frame(server, browser, tmp_path):
    from PIL import Image, ImageChops

    url, _, _ = server
    link = f"{url}/?from=2018-06-01&to=2018-06-30&play=week&cluster=0&uncertain=0"
    page, frame, outside = open_page(browser, link)
    control = frame.locator(".cm-playback")
    control.wait_for(timeout=30_000)
    settled_total(page, frame)
    window, count = control.locator(".cm-window"), control.locator(".cm-count")
    assert window.inner_text() == "2018-06-01 to 2018-06-03"
    frame.locator(".leaflet-container").evaluate("() => { window.__sameMap = true; }")

    def drawn() -> int:  # circles on the map now, against the control's count
        circles = frame.locator("path.leaflet-interactive").count()
        assert count.inner_text().startswith(f"{circles} incident")
        return circles

    first = drawn()
    shot = tmp_path / "first.png"
    frame.locator(".leaflet-container").screenshot(path=str(shot))
    control.locator(".cm-play").click()
    seen = set()
    for _ in range(60):
        seen.add(window.inner_text())
        if control.locator(".cm-play").inner_text() == "▶" and len(seen) > 1:
            break
        page.wait_for_timeout(200)
    assert window.inner_text() == "2018-06-25 to 2018-06-30"  # played to the end, paused
    assert len(seen) >= 4
    last = drawn()
    frame.locator(".leaflet-container").screenshot(path=str(tmp_path / "last.png"))
    before, after = Image.open(shot).convert("RGB"), Image.open(tmp_path / "last.png")
    assert ImageChops.difference(before, after.convert("RGB")).getbbox() is not None
    assert (first, last) != (0, 0)
    # the map was stepped in place (not rebuilt), and the paused frame is in the link
    assert frame.locator(".leaflet-container").evaluate("() => window.__sameMap === true")
    page.wait_for_url(lambda u: "at=4" in u, timeout=30_000)
    shared = page.url
    page.close()
    again, frame, _ = open_page(browser, shared)
    frame.locator(".cm-playback .cm-window").wait_for(timeout=30_000)
    assert frame.locator(".cm-window").inner_text() == "2018-06-25 to 2018-06-30"
    assert outside == []
    again.close()


def test_the_arabic_interface_is_right_to_left_with_an_arabic_map(server, browser, tmp_path):
    from PIL import Image

    url, _, _ = server
    page, frame, outside = open_page(
        browser, f"{url}/?lang=ar&from=2018-06-01&to=2018-06-30&play=week"
    )
    heading = page.get_by_text("المرشِّحات", exact=True)
    heading.wait_for(timeout=30_000)
    for test_id in ("stMain", "stSidebar"):
        direction = page.locator(f"[data-testid='{test_id}']").first.evaluate(
            "e => getComputedStyle(e).direction"
        )
        assert direction == "rtl", test_id
    # the sidebar's headings sit against its right edge (the picture is checked, not the CSS)
    sidebar = page.locator("[data-testid='stSidebar']").first.bounding_box()
    box = heading.bounding_box()
    shot = tmp_path / "arabic.png"
    page.screenshot(path=str(shot))
    picture = Image.open(shot).convert("L")
    row = picture.crop(
        (
            int(sidebar["x"]),
            int(box["y"]),
            int(sidebar["x"] + sidebar["width"]),
            int(box["y"] + box["height"]),
        )
    )
    ink = row.point(lambda v: 255 if v < 110 else 0).getbbox()  # dark glyph pixels
    assert ink is not None, "no heading drawn"
    assert ink[2] > row.width * 0.75 and ink[0] > row.width * 0.4, ink  # right-aligned
    # the map speaks Arabic: legend, playback window in Levantine month names, popups
    assert frame.locator(".cm-legend").inner_text().startswith("الفصائل")
    assert "حزيران 2018" in frame.locator(".cm-playback .cm-window").inner_text()
    page.close()
    # each incident on its own (no clusters, no areas) to click one
    page, frame, _ = open_page(browser, f"{url}/?lang=ar&from=2018-06-01&to=2018-06-30&cluster=0")
    settled_total(page, frame)
    labels = frame.locator(".cm-label").all_inner_texts()
    assert "البوكمال" in labels and "الميادين" in labels  # towns by their Arabic names
    popup = open_a_popup(page, frame)
    # the click selects the incident and the app reruns: wait for the detail panel, then
    # read the popup (opened again should anything have closed it meanwhile)
    chosen = popup.evaluate("e => e.innerText").split("\u2063")[-2]
    field = page.get_by_label("معرّف الحادثة")
    deadline = time.time() + 30
    while field.input_value() != chosen and time.time() < deadline:
        page.wait_for_timeout(300)
    page.wait_for_timeout(1000)
    popup = open_a_popup(page, frame)
    text, direction = popup.evaluate("e => [e.innerText, getComputedStyle(e).direction]")
    assert "التاريخ" in text and "هـ" in text and "المعرّف Id" in text
    assert direction == "rtl"
    assert outside == []
    page.close()


def test_rows_selected_in_the_table_are_ringed_on_the_map(server, browser):
    url, _, _ = server
    page, frame, outside = open_page(browser, f"{url}/?from=2018-06-01&to=2018-06-30&cluster=0")
    settled_total(page, frame)
    rings = frame.locator("path.leaflet-interactive[stroke='#000000'][stroke-width='3']")
    assert rings.count() == 0
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    grid.wait_for(timeout=30_000)
    box = grid.bounding_box()
    # the grid is a canvas: the row-selection boxes are its first column
    for row in (0, 1):
        page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 * row + 17)
        page.wait_for_timeout(700)
    deadline = time.time() + 30
    while rings.count() < 2 and time.time() < deadline:
        page.wait_for_timeout(300)
    assert rings.count() == 2
    assert outside == []
    page.close()


def test_the_analysts_day_replay_draw_and_send_the_view_in_arabic(server, browser):
    """Issue 8's "done": replay a month around Al-Bukamal, draw the river crossing area,
    send the link, and the colleague opens the same view, in Arabic."""
    url, _, _ = server
    start = (
        f"{url}/?lang=ar&from=2018-06-01&to=2018-06-30&play=week&cluster=0"
        "&view=34.2000,40.5000,34.7000,41.3000"
    )
    page, frame, outside = open_page(browser, start)
    control = frame.locator(".cm-playback")
    control.wait_for(timeout=30_000)
    settled_total(page, frame)
    frame.locator(".leaflet-draw-draw-rectangle").click()
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.8, steps=10)
    page.mouse.up()
    page.get_by_text("داخل المنطقة المرسومة").first.wait_for(timeout=30_000)
    control.wait_for(timeout=30_000)
    control.locator(".cm-play").click()  # replay the month, week by week, to its end
    window = control.locator(".cm-window")
    for _ in range(80):
        if control.locator(".cm-play").inner_text() == "▶" and "30 حزيران" in window.inner_text():
            break
        page.wait_for_timeout(250)
    assert "30 حزيران 2018" in window.inner_text()
    page.wait_for_url(lambda u: "at=4" in u and "area=" in u, timeout=30_000)
    link = page.url
    assert all(part in link for part in ("lang=ar", "play=week", "from=2018-06-01", "view="))
    page.close()
    colleague, frame, _ = open_page(browser, link)
    colleague.get_by_text("داخل المنطقة المرسومة").first.wait_for(timeout=30_000)
    assert "30 حزيران 2018" in frame.locator(".cm-playback .cm-window").inner_text()
    assert frame.locator(".cm-legend").inner_text().startswith("الفصائل")
    assert outside == []
    colleague.close()


ACLED_MAYADIN = (
    "SYR77001,08 May 2020,2020,1,Political violence,Battles,Armed clash,"
    "Military Forces of Syria (2000-),,State forces,Islamic State (Syria),,Rebel group,,,760,"
    "Middle East,Syria,Deir-ez-Zor,Al Mayadin,Al Mayadin,Al Mayadin,35.0198,40.4515,1,SOHR,"
    "National,ISIS attacked regime positions near Al Mayadin.,2,,1589000000"
)
MAYADIN_REPORT = (
    "Two members of the Syrian regime forces were killed and three wounded yesterday when "
    "ISIS fighters attacked their positions near Al-Mayadin in the eastern countryside of "
    "Deir ez-Zor."
)


@pytest.fixture(scope="module")
def acled_server(tmp_path_factory):
    """The sample store plus an ACLED event near Al-Mayadin (2020-05-08)."""
    folder = tmp_path_factory.mktemp("acled")
    data, source = folder / "data", folder / "acled.csv"
    header = (DATA / "acled-current.csv").read_text().splitlines()[0]
    source.write_text(f"{header}\n{ACLED_MAYADIN}\n")
    yield from serve(data, ["seed"], ["import", str(source)])


def test_a_report_linked_to_acled_leaves_every_tab_working(acled_server, browser):
    """Issue 14's "done": a news report's incident links to an ACLED event, and the map,
    the Import tab and its Undo (which asks first) keep working."""
    page, frame, outside = open_page(browser, acled_server)
    settled_total(page, frame)
    go_to(page, "Report", page.get_by_label("Report text"))
    page.get_by_label("Report text").fill(MAYADIN_REPORT)
    for part, value in (("year", "2020"), ("month", "05"), ("day", "09")):
        segment = page.get_by_role("spinbutton", name=f"{part}, Published on")
        segment.click()
        page.keyboard.type(value)
    page.keyboard.press("Escape")  # the calendar the click opened
    page.get_by_role("button", name="Draft incidents").click()
    page.get_by_role("button", name="Import 1 incidents").click()
    page.get_by_text("1 linked to another dataset").wait_for(timeout=60_000)
    go_to(page, "Map", page.get_by_text("248 incidents"))  # 246 + ACLED + report
    settled_total(page, page.frame_locator("iframe[title*='streamlit_folium']"))
    assert page.locator("[data-testid='stException']").count() == 0
    assert "failed" not in page.locator("[data-testid='stAlert']").all_inner_texts().__str__()
    go_to(page, "Import", page.get_by_role("button", name="Undo batch 4"))
    when_idle(page, page.get_by_role("button", name="Undo batch 4"))
    page.get_by_text("Undo batch 4 (").wait_for(timeout=30_000)  # it asks first
    when_idle(page, page.get_by_role("button", name="Yes, undo batch 4"))
    page.get_by_text("Undid batch 4").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside == []
    page.close()


def key_swatches(picture) -> list[tuple[float, float]]:
    """Where the timeline's key draws each faction's colour swatch (x, y centres), in the
    right quarter of the chart, where the bars do not reach."""
    from conflictmap.factions import load_factions
    from conflictmap.settings import Settings

    colours = load_factions(Settings().factions_file).colours.values()
    left = int(picture.width * 0.78)
    found = []
    for colour in colours:
        rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        spots = [
            (x, y)
            for x in range(left, picture.width)
            for y in range(picture.height)
            if sum(abs(a - b) for a, b in zip(picture.getpixel((x, y)), rgb, strict=True)) < 30
        ]
        if spots:  # the swatch is the leftmost patch of its colour (grey text lies right)
            first = min(x for x, _ in spots)
            spots = [(x, y) for x, y in spots if x <= first + 10]
        if len(spots) >= 20:
            xs, ys = sorted(x for x, _ in spots), sorted(y for _, y in spots)
            found.append((xs[len(xs) // 2], ys[len(ys) // 2]))  # medians: anti-aliasing aside
    return found


def test_arabic_page_language_timeline_table_and_draw_tools(server, browser, tmp_path):
    """The Arabic interface's gaps: the page says lang="ar", the timeline's key has one
    faction a line (not one unreadable line), the draw tools speak Arabic, icons are the
    bundled icon font (no empty boxes) and a copied popup id carries no invisible marks."""
    from PIL import Image

    url, _, _ = server
    view = "lang=ar&from=2018-05-01&to=2018-07-31&cluster=0"
    page, frame, outside = open_page(browser, f"{url}/?{view}")
    page.get_by_text("المرشِّحات", exact=True).wait_for(timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "ar"
    settled_total(page, frame)
    popup = open_a_popup(page, frame)
    copied = popup.evaluate(
        """e => { const cell = [...e.querySelectorAll('td')].pop();
                  const range = document.createRange(); range.selectNodeContents(cell);
                  const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);
                  return [s.toString(), cell.innerText]; }"""
    )
    assert "\u2063" not in copied[0] and copied[0].strip() and "\u2063" in copied[1]
    assert frame.locator(".leaflet-draw-draw-polygon").get_attribute("title") == "ارسم مضلعاً"
    icons = page.locator("[data-testid='stExpanderIcon']")
    assert icons.count() >= 2
    assert "Material" in icons.first.evaluate("e => getComputedStyle(e).fontFamily")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(1500)
    shot = tmp_path / "timeline-ar.png"
    chart.screenshot(path=str(shot))
    swatches = key_swatches(Image.open(shot).convert("RGB"))
    assert len(swatches) >= 3, swatches  # the factions in view, each with its swatch
    ys = sorted(y for _, y in swatches)
    assert all(b - a >= 10 for a, b in itertools.pairwise(ys)), swatches  # one line each
    assert max(x for x, _ in swatches) - min(x for x, _ in swatches) <= 3, swatches
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(1000)
    grid.screenshot(path=str(tmp_path / "table-ar.png"))
    assert outside == []
    page.close()


UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PUT_FILE = """async ([session, size]) => {
  const token = document.cookie.split('; ').find(c => c.startsWith('_streamlit_xsrf='));
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(size)]), 'big.csv');
  const answer = await fetch(`/_stcore/upload_file/${session}/attack-1`, {
    method: 'PUT', body: form, headers: {'X-Xsrftoken': token ? token.split('=')[1] : 'x'}});
  return [answer.status, await answer.text()];
}"""


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    """The dashboard with sign-in configured (one editor), as a team would serve it."""
    folder = tmp_path_factory.mktemp("signed")
    data, users = folder / "data", folder / "users.toml"
    env = dict(os.environ, CONFLICTMAP_DATA=str(data), CONFLICTMAP_USERS=str(users))
    env.pop("CONFLICTMAP_STORE", None)
    for call, given in (
        (["seed"], None),
        (["user", "add", "ed", "--role", "editor", "--password-stdin"], "a long pass phrase\n"),
    ):
        subprocess.run(
            [sys.executable, "-m", "conflictmap.cli", *call],
            env=env,
            input=given,
            text=True,
            check=True,
            capture_output=True,
        )
    port = free_port()
    process = start_app(data, port, CONFLICTMAP_USERS=str(users))
    yield f"http://127.0.0.1:{port}", process
    process.terminate()
    process.wait(timeout=20)


def test_a_client_not_signed_in_cannot_make_the_server_hold_uploads(signed_server, browser):
    """The attack: open the page, read the session id off the websocket, send a token of
    one's own as cookie and header, PUT 48 MB. Each try is refused from its headers and
    the server's memory does not grow; an editor's upload still works."""
    url, process = signed_server
    page = browser.new_page()
    seen: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda data: seen.extend(
                UUID.findall(data if isinstance(data, bytes) else data.encode())
            ),
        ),
    )
    page.goto(url)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    before = resident_mb(process.pid)
    sessions = list(dict.fromkeys(s.decode() for s in seen))
    assert sessions, "no session id on the websocket"
    for session in sessions[:4]:
        for _ in range(3):
            status, text = page.evaluate(PUT_FILE, [session, 48 * 2**20])
            assert status == 403 and "editor signed in" in text, (status, text)
    page.wait_for_timeout(1000)
    grown = resident_mb(process.pid) - before
    assert grown < 24, f"the server grew by {grown:.0f} MB"
    # an editor, signed in, uploads as usual
    page.get_by_role("textbox", name="Name").fill("ed")
    page.get_by_role("textbox", name="Password").fill("a long pass phrase")
    page.get_by_role("button", name="Sign in").click()
    go_to(page, "Import", page.locator("[data-testid='stFileUploader']"))
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Incident file")
    uploader.locator("input[type=file]").set_input_files(str(DATA / "acled-current.csv"))
    page.get_by_text("3 to import").wait_for(timeout=60_000)
    page.close()


PLACES_SHEET = (
    "date,place,country,governorate,actor 1,fatalities,notes\n"
    "2024-05-01,Hajin,Syria,Deir ez-Zor,ISIS,2,good\n"
    "2024-05-02,Zuwayrat Qadim,Syria,Deir ez-Zor,ISIS,1,first of two\n"
    "2024-05-03,Zuwayrat Qadim,Syria,Deir ez-Zor,SDF,0,second of two\n"
    "2024-05-03,Shheel,Syria,,SDF,0,a close spelling\n"
)


@pytest.fixture
def places_server(tmp_path):
    from conftest import own_geo

    data, geo, sheet = tmp_path / "data", own_geo(tmp_path / "geo"), tmp_path / "week.csv"
    sheet.write_text(PLACES_SHEET, encoding="utf-8")
    for url in serve(data, ["seed"], ["import", str(sheet)], CONFLICTMAP_GEO=str(geo)):
        yield url, geo


def test_a_name_is_placed_by_a_click_on_the_small_map(places_server, browser):
    """Places to check in a browser: the small map stays drawn after a click (a map drawn
    again in place was left 0 px high), the click is the point, the rows are placed."""
    url, geo = places_server
    page, frame, outside = open_page(browser, f"{url}/places")
    page.get_by_text("Not in the gazetteer").wait_for(timeout=30_000)
    chosen = page.locator("[data-testid='stSelectbox'] input")  # the name in view
    assert "Zuwayrat Qadim (Syria, Deir ez-Zor) — 2 held back" in chosen.input_value()
    settled_total(page, frame)
    when_idle(page, page.get_by_text("The point clicked on the map"))
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    page.get_by_text("Clicked:").wait_for(timeout=30_000)
    frame.locator("path.cm-clicked").wait_for(timeout=30_000)  # the point, drawn
    assert page.locator("iframe[title*='streamlit_folium']").bounding_box()["height"] > 300
    when_idle(page, page.get_by_role("button", name="Place 2 row(s) there"))
    page.get_by_text("'Zuwayrat Qadim' is now at a point on the map").wait_for(timeout=30_000)
    assert "Zuwayrat Qadim" in (geo / "user" / "chosen.csv").read_text(encoding="utf-8")
    # the close spelling is next: its candidate is numbered on the map
    page.get_by_text("Read by a close spelling").wait_for(timeout=30_000)
    for _ in range(80):  # the box shows the new list's first name once the run ends
        boxes = chosen.evaluate_all("inputs => inputs.map(i => i.value)")  # the old one too,
        if len(boxes) == 1 and "Shheel (Syria) — 1 to check" in boxes[0]:  # until it ends
            break
        page.wait_for_timeout(250)
    assert "Shheel (Syria) — 1 to check" in chosen.input_value()  # one box, the new name
    frame.locator(".cm-candidate").first.wait_for(timeout=30_000)
    assert frame.locator(".cm-candidate").first.inner_text() == "1"
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside == []
    page.close()
