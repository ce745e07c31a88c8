"""Map snapshots exactly as the analyst sees them: PNG (and PDF) from a real headless
Chromium, and a self-contained HTML file.

The snapshot page is the same map as the dashboard's (filters, layers, extent) with a
title box (filter sentence, date range, count, sources, attribution, time made) and the
legend. Rendering waits until Leaflet says the map is ready and the tiles (if any) have
loaded, then takes the picture.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import io
import os
import queue
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from conflictmap import playback as timed
from conflictmap.assets import inline
from conflictmap.errors import ConflictmapError, UsageError
from conflictmap.factions import Factions
from conflictmap.filters import Filters
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.i18n.catalogue import msg
from conflictmap.maps import playback as playback_map
from conflictmap.maps.archive import ARCHIVE_URL, archive_path, is_archive
from conflictmap.maps.base import MapSpec
from conflictmap.maps.compose import full_map
from conflictmap.settings import Settings
from conflictmap.text import html_text

SIZES = {
    "1600 × 1000 (screen)": (1600, 1000),
    "1200 × 800": (1200, 800),
    "2000 × 1250 (poster)": (2000, 1250),
    "1000 × 1000 (square)": (1000, 1000),
}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
READY_TIMEOUT_MS = 30_000
# A picture has no use for buttons: hide the zoom and layer controls.
SNAPSHOT_CSS = (
    "<style>.leaflet-control-zoom,.leaflet-control-layers,.cm-playback{display:none}</style>"
)


class SnapshotError(ConflictmapError):
    """The browser could not make the snapshot (not installed, crashed, timed out)."""


@dataclass(frozen=True)
class SnapshotSpec:
    width: int = 1600
    height: int = 1000
    scale: float = 1.0  # device pixels per CSS pixel: 2 for print
    title: str = "conflictmap: incidents"

    def __post_init__(self):
        if not (200 <= self.width <= 8000 and 200 <= self.height <= 8000):
            raise UsageError(
                msg(
                    "Snapshot size {width}×{height} is outside 200–8000 px.",
                    width=self.width,
                    height=self.height,
                )
            )
        if not 0.5 <= self.scale <= 4:
            raise UsageError(msg("Scale {scale} is outside 0.5–4.", scale=self.scale))


@dataclass
class Rendered:
    data: bytes
    text: str = ""  # the page's visible text (for checks)
    points: list[tuple[float, float]] = field(default_factory=list)  # probed pixel positions
    outside_requests: list[str] = field(default_factory=list)


class ReadySignal(MacroElement):
    """Sets window.__cmReady once the map and its tile layers have finished drawing."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, pending = 0, done = false;
  function ready() { if (!done) { done = true; setTimeout(function () {
    window.__cmMap = map; window.__cmReady = true; }, 300); } }
  map.eachLayer(function (layer) {
    if (layer instanceof L.GridLayer) { pending++; layer.once('load', function () {
      if (--pending === 0) { ready(); } }); }
  });
  map.whenReady(function () { if (pending === 0) { ready(); } });
  setTimeout(function () { window.__cmTilesTimedOut = pending > 0; ready(); }, 15000);
})();
{% endmacro %}""")

    def __init__(self):
        super().__init__()
        self._name = "ReadySignal"


class TitleBox(MacroElement):
    _template = Template("""
{% macro html(this, kwargs) %}
<div class="cm-title" style="position:absolute;z-index:1000;top:10px;left:10px;right:10px;
 background:rgba(255,255,255,.94);padding:8px 12px;border:1px solid #999;border-radius:4px;
 font:13px/1.4 sans-serif;">{{ this.body }}</div>
{% endmacro %}""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "TitleBox"
        self.body = body


def _sources(frame: pd.DataFrame) -> str:
    names = sorted(
        {
            s.strip()
            for v in frame.get("source", pd.Series(dtype=str)).dropna().unique()
            for s in str(v).split(";")
            if s.strip()
        }
    )
    return "; ".join(names[:6]) + (f" (+{len(names) - 6})" if len(names) > 6 else "")


def title_html(
    frame: pd.DataFrame,
    filters: Filters,
    spec: SnapshotSpec,
    tiles: str,
    window=None,
    w: Wording = ENGLISH,
) -> str:
    """The title box, in the language of ``w``. ``window`` (words, label) names a
    playback frame: the label and the count are then updated by the playback control
    as it steps."""
    e = html_text
    made = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    credits = [
        w("place names: GeoNames (CC BY 4.0), OCHA"),
        w(
            "land, borders and governorates: Natural Earth; rivers: WDBII; "
            "lakes © OpenStreetMap contributors"
        ),
        w("map: Leaflet"),
    ]
    if tiles == "osm":
        credits.insert(0, w("basemap © OpenStreetMap contributors"))
    elif is_archive(tiles):
        credits.insert(0, w("basemap: the team's PMTiles archive"))
    count = (
        w("{count} incident", count="1")
        if len(frame) == 1
        else w("{count} incidents", count=f"{len(frame):,}")
    )
    if window:
        count = w("{count} in this window", count=f"<span class='cm-play-count'>{e(count)}</span>")
    else:
        count = e(count)
        if len(frame):
            span = w(
                "{start} to {end}",
                start=w.day(frame["event_date"].min(), hijri=False),
                end=w.day(frame["end_date"].max(), hijri=False),
            )
            count += ", " + e(span)
    sources = e(w("Sources: {sources}", sources=_sources(frame) or w("none")))
    lines = [
        f"<b style='font-size:16px'>{e(spec.title)}</b>",
        e(filters.describe(w)),
        *(
            [f"<b>{e(window[0])}<span class='cm-play-label'>{e(window[1])}</span></b>"]
            if window
            else []
        ),
        f"{count}. {sources}",
        "<span style='color:#555'>"
        + e(w("{credits}. Made {time} with conflictmap.", credits="; ".join(credits), time=made))
        + "</span>",
    ]
    return f"<div dir='{w.dir}'>" + "<br>".join(lines) + "</div>"


def snapshot_html(
    frame: pd.DataFrame,
    factions: Factions,
    filters: Filters,
    map_spec: MapSpec,
    spec: SnapshotSpec,
    context=(),
    fetch=None,
    playback: timed.Playback | None = None,
    units=None,
    words: Wording = ENGLISH,
    overlays=(),
) -> str:
    """One self-contained HTML document: the map, title box, legend; scripts inlined.
    ``frame`` may be the map index, with ``fetch`` reading whole rows (see ``full_map``).
    With ``playback``, the map carries the playback control at its frame (an animation
    steps it, see ``animate``) and the title says which window is shown."""
    if is_archive(map_spec.tiles):  # Chromium reads it through Playwright (_page)
        map_spec = replace(map_spec, archive_url=ARCHIVE_URL)
    fmap = full_map(
        frame,
        factions,
        replace(map_spec, pad_top=110, words=words),
        context=context,
        width_px=spec.width,
        fetch=fetch,
        area=filters.area,
        units=units,
    )
    for layer in overlays:  # e.g. what changed: drawn over the incidents, as on screen
        layer.add_to(fmap)
    window = None
    if playback is not None:  # the title follows the frame (see PlaybackControl)
        _, shown = playback_map.add_playback(
            fmap, filters.date_from, filters.date_to, playback, data=frame, words=words
        )
        window = (playback.describe(shown, words).removesuffix(shown.label), shown.label)
        frame = frame.loc[timed.in_window(frame, shown, playback.mode)]
    fmap.add_child(TitleBox(title_html(frame, filters, spec, map_spec.tiles, window, words)))
    fmap.get_root().header.add_child(Element(SNAPSHOT_CSS), name="cm_snapshot_css")
    fmap.add_child(ReadySignal())
    return inline(fmap.get_root().render())


def _archive_handler(path: Path):
    """Serves the PMTiles archive to the snapshot's page by byte ranges, as a web server
    would (the page itself has no server)."""

    def handle(route) -> None:
        size = path.stat().st_size
        asked = re.match(r"bytes=(\d+)-(\d*)", route.request.headers.get("range", ""))
        start = int(asked[1]) if asked else 0
        end = min(int(asked[2]) if asked and asked[2] else size - 1, size - 1)
        with path.open("rb") as archive:
            archive.seek(start)
            body = archive.read(end - start + 1)
        route.fulfill(
            status=206 if asked else 200,
            body=body,
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Range": f"bytes {start}-{end}/{size}",
                "Accept-Ranges": "bytes",
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Expose-Headers": "Content-Range, Content-Length, ETag",
            },
        )

    return handle


def chromium_path() -> str:
    path = os.environ.get("CONFLICTMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise SnapshotError(
            "Chromium is not installed (looked for `chromium`). Run "
            "`make setup`, which installs Debian's chromium package."
        )
    return path


@contextlib.contextmanager
def _page(page_html: str, spec: SnapshotSpec, outside: list[str]):
    """A headless Chromium page showing ``page_html``, once its map is ready (outside
    requests are recorded in ``outside``)."""
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            page = browser.new_page(
                viewport={"width": spec.width, "height": spec.height},
                device_scale_factor=spec.scale,
            )
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if r.url.startswith(("http:", "https:")) and r.url != ARCHIVE_URL
                    else None
                ),
            )
            if ARCHIVE_URL in page_html:
                page.route(ARCHIVE_URL, _archive_handler(archive_path(Settings().tiles)))
            page.set_content(page_html, wait_until="load")
            page.wait_for_function("window.__cmReady === true", timeout=READY_TIMEOUT_MS)
            yield page
            browser.close()
    except Error as exc:
        raise SnapshotError(f"Chromium could not make the snapshot: {exc}") from None


def _render(page_html: str, spec: SnapshotSpec, fmt: str, probe) -> Rendered:
    outside: list[str] = []
    with _page(page_html, spec, outside) as page:
        points = [
            tuple(
                page.evaluate(
                    "([a, b]) => { const p = window.__cmMap.latLngToContainerPoint([a, b]);"
                    " return [p.x, p.y]; }",
                    [lat, lon],
                )
            )
            for lat, lon in probe
        ]
        text = page.inner_text("body")
        data = (
            page.screenshot(type="png")
            if fmt == "png"
            else page.pdf(
                width=f"{spec.width}px",
                height=f"{spec.height}px",
                print_background=True,
                page_ranges="1",
            )
        )
    return Rendered(data, text, points, outside)


def render(page_html: str, spec: SnapshotSpec, fmt: str = "png", probe=()) -> Rendered:
    """PNG or PDF of the page in headless Chromium (in a worker thread: Playwright's sync
    API must not share a thread with an event loop, such as Streamlit's)."""
    if fmt not in ("png", "pdf"):
        raise UsageError(msg("Snapshot format {fmt}: use png or pdf.", fmt=f"{fmt!r}"))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(_render, page_html, spec, fmt, list(probe)).result()


MAX_FRAMES = 400  # an animation longer than this wants a coarser step


def _animate(page_html: str, spec: SnapshotSpec, frame_ms: int, progress) -> Rendered:
    from PIL import Image

    outside: list[str] = []
    with _page(page_html, spec, outside) as page:
        count = page.evaluate("window.cmPlayback ? window.cmPlayback.frames : 0")
        if not count:
            raise UsageError("This page has no playback to animate: turn playback on.")
        if count > MAX_FRAMES:
            raise UsageError(
                msg(
                    (
                        "{count} frames is more than the {most} an animation holds: choose a "
                        "longer step (week or month) or a shorter date range."
                    ),
                    count=count,
                    most=MAX_FRAMES,
                )
            )
        pictures, labels = [], []
        for i in range(count):
            page.evaluate("(i) => window.cmPlayback.go(i)", i)
            page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r)))")
            shot = page.screenshot(type="png")
            pictures.append(Image.open(io.BytesIO(shot)).convert("RGB"))
            labels.append(page.evaluate("window.cmPlayback.state().label"))
            progress(
                (i + 1) / count,
                msg("Frame {at} of {of}: {label}", at=i + 1, of=count, label=labels[-1]),
            )
    out = io.BytesIO()
    pictures[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=[frame_ms] * (count - 1) + [frame_ms * 3],  # hold the last frame
        loop=0,
    )
    return Rendered(out.getvalue(), "\n".join(labels), [], outside)


def animate(
    page_html: str, spec: SnapshotSpec, frame_ms: int = 700, progress=lambda f, m: None
) -> Rendered:
    """An animated GIF of a playback page (``snapshot_html(..., playback=...)``): one
    picture per frame, as the analyst sees it step by step; ``text`` lists the frames."""
    steps: queue.Queue = queue.Queue()  # progress is reported on the caller's thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        job = pool.submit(_animate, page_html, spec, frame_ms, lambda f, m: steps.put((f, m)))
        while not (job.done() and steps.empty()):
            with contextlib.suppress(queue.Empty):
                progress(*steps.get(timeout=0.1))
        return job.result()
