"""Text from files never runs and never becomes markup: script-injection payloads in every
text column (and in a faction name and a file name), checked in real headless Chromium on
the dashboard (map popups, tooltips, legend, the import report, the report highlighter) and
on the HTML snapshot that PNG/PDF snapshots are photographed from."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest

from conflictmap.factions import load_factions
from conflictmap.filters import Filters
from conflictmap.maps.base import MapSpec
from conflictmap.settings import Settings
from conflictmap.snapshot import SnapshotSpec, snapshot_html
from conflictmap.store import open_store
from conflictmap.views import with_factions
from conftest import ROOT
from test_browser import (  # noqa: F401
    browser,
    free_port,
    go_to,
    open_page,
    settled_total,
    start_app,
)

pytestmark = pytest.mark.browser

# Each payload, if it ever ran or became markup, would set window.__cmPwned or add an
# element with id cm-injected.
PAYLOADS = [
    "<script>window.__cmPwned = 1</script>",
    '<img src=x onerror="window.__cmPwned = 2"><b id="cm-injected">img</b>',
    '"><svg onload="window.__cmPwned = 3"><b id="cm-injected">svg</b>',
    '\'><iframe srcdoc="<script>parent.__cmPwned = 4</script>"></iframe>',
    '<a id="cm-injected" href="javascript:window.__cmPwned = 5">link</a>',
    "</div></script><script>window.__cmPwned = 6</script>",
    "[click](javascript:window.__cmPwned=7) **bold** <style>*{display:none}</style>",
    "{{constructor.constructor('window.__cmPwned=8')()}}",
]
EVIL_FACTION = '<img src=x onerror="window.__cmPwned = 9"><b id="cm-injected">faction</b>'
PWNED = """() => window.__cmPwned === undefined && !document.getElementById('cm-injected')
          && [...document.querySelectorAll('iframe')].every(f => {
               try { return f.contentWindow.__cmPwned === undefined
                      && !f.contentDocument.getElementById('cm-injected'); }
               catch (e) { return true; } })"""


def hostile_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "date",
            "place",
            "lat",
            "lon",
            "actor 1",
            "actor 2",
            "fatalities",
            "notes",
            "source",
            "event type",
            "id",
        ]
    )
    for i, payload in enumerate(PAYLOADS):
        writer.writerow(
            [
                f"2020-01-{i + 1:02d}",
                f"Hajin {payload}",
                f"{34.60 + i * 0.05:.2f}",
                "40.83",
                f"Evil actor {payload}",
                f"NDF {payload}",
                i,
                f"Notes {payload}",
                f"https://example.org/{payload}",
                f"Battles {payload}",
                f"x{i}",
            ]
        )
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile") / "data"
    data.mkdir()
    factions = (ROOT / "data" / "factions.csv").read_text(encoding="utf-8")
    factions += f'"{EVIL_FACTION.replace(chr(34), chr(34) * 2)}",#123456,Evil actor\n'
    (data / "factions.csv").write_text(factions, encoding="utf-8")
    source = data / "hostile.csv"
    source.write_bytes(hostile_csv())
    env = dict(os.environ, CONFLICTMAP_DATA=str(data))
    done = subprocess.run(
        [sys.executable, "-m", "conflictmap.cli", "import", str(source)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "8 imported" in done.stdout
    port = free_port()
    process = start_app(data, port)
    yield f"http://127.0.0.1:{port}", data
    process.terminate()
    process.wait(timeout=20)


def open_every_popup_and_tooltip(frame_or_page) -> list[str]:
    """Open each incident's popup and tooltip through Leaflet; return their texts."""
    return frame_or_page.evaluate(
        """() => {
        const maps = Object.values(window).filter(v => v instanceof L.Map);
        const texts = [];
        const visit = (layer, map) => {
            if (layer.getLayers) { layer.getLayers().forEach(l => visit(l, map)); return; }
            if (!layer.getLatLng) return;
            for (const part of [layer.getPopup && layer.getPopup(),
                                layer.getTooltip && layer.getTooltip()]) {
                if (!part) continue;
                const box = document.createElement('div');
                const content = part.getContent();
                if (typeof content === 'string') box.innerHTML = content;
                else box.appendChild(content.cloneNode(true));
                map.openPopup(L.popup().setLatLng(layer.getLatLng()).setContent(box));
                texts.push(box.innerText);
            }
        };
        maps.forEach(m => m.eachLayer(l => visit(l, m)));
        return texts;
    }"""
    )


def test_map_popups_tooltips_and_legend_show_payloads_as_text(hostile, browser):  # noqa: F811
    url, _ = hostile
    page, frame, _ = open_page(browser, url)
    assert settled_total(page, frame) == 8
    element = frame.locator(".leaflet-container")
    texts = open_every_popup_and_tooltip(element)
    for payload in PAYLOADS:  # shown exactly as the file had it
        assert any(f"Notes {payload}" in t for t in texts), payload
    legend = frame.locator(".cm-legend").inner_text()
    assert 'onerror="window.__cmPwned = 9"' in legend  # the faction name, as text
    page.wait_for_timeout(1000)
    assert page.evaluate(PWNED) and element.evaluate(PWNED)
    page.close()


def test_import_report_and_file_name_are_text(hostile, browser, tmp_path):  # noqa: F811
    url, _ = hostile
    page, _, _ = open_page(browser, url)
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Incident file")
    go_to(page, "Import", uploader)  # clicked again if the page switch raced a rerun
    bad = tmp_path / '<img src=x onerror="window.__cmPwned=10">.csv'
    bad.write_bytes(hostile_csv().replace(b"2020-01-03", b"<script>window.__cmPwned=11</script>"))
    uploader.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("7 to import").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    shown = page.locator("body").inner_text()
    at = shown.find("to import")
    # the file name, as text (the browser sends its quotes as %22)
    assert "<img src=x onerror=" in shown[at - 200 : at], shown[at - 200 : at]
    assert page.evaluate(PWNED)
    page.close()


def test_report_highlighter_shows_payloads_as_text(hostile, browser):  # noqa: F811
    url, _ = hostile
    page, _, _ = open_page(browser, url)
    go_to(page, "Report", page.get_by_label("Report text"))  # again if the page came empty
    text = " ".join(
        f"Regime forces clashed with Hezbollah in Abu Kamal yesterday {p}." for p in PAYLOADS
    )
    page.get_by_label("Report text").fill(text)
    page.get_by_role("button", name="Draft incidents").click()
    page.locator("mark").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    assert page.get_by_text("<script>window.__cmPwned = 1</script>", exact=False).count() >= 1
    assert page.evaluate(PWNED)
    page.close()


def test_html_snapshot_shows_payloads_as_text(hostile, browser, tmp_path):  # noqa: F811
    _, data = hostile
    settings = Settings(data_dir=data, tiles="none")
    factions = load_factions(data / "factions.csv")
    frame = with_factions(open_store(None, settings).read(), factions)
    assert sorted(frame["notes"]) == sorted(f"Notes {p}" for p in PAYLOADS)
    html = snapshot_html(
        frame,
        factions,
        Filters(),
        MapSpec(tiles="none", cluster=False),
        SnapshotSpec(title="Snapshot <script>window.__cmPwned=12</script>"),
    )
    path = tmp_path / "snapshot.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("window.__cmReady === true")
    texts = open_every_popup_and_tooltip(page)
    for payload in PAYLOADS:  # every popup shows its notes exactly as the file had them
        assert any(f"Notes {payload}" in t for t in texts), payload
    assert "window.__cmPwned=12" in page.locator("body").inner_text()  # the title, as text
    page.wait_for_timeout(500)
    assert page.evaluate(PWNED)
    page.close()
