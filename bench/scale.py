"""A million incidents stay interactive: every measurement of issue 5 in one command.

    python bench/scale.py [--sizes 10000 100000 1000000] [--paint-timeout 180]

For each size: synthetic ACLED-format incidents (bench/synth.py) are imported into a
fresh SQLite store by a real `conflictmap import` process (time, peak memory; the import
ends by writing the map index), then:

- the floors of the import (see bench/run.py: the file read into a GeoDataFrame, a bare
  bulk load of its Arrow table), and the import as a ratio to each;
- the dashboard (Streamlit's AppTest, in its own process): opening time, a full rerun
  after a faction filter change, the switch to counts per area of a 10 x 10 grid (each
  incident's area found, once per store version) and a filter change with them shown,
  the process's peak memory;
- the filter computation alone (mask + linked-report folding + counts), best of 5;
- the map page of the whole store in view, built three ways from the same incidents:
  ours (``maps.compose.full_map``: hexagons above 2,000 incidents in view), folium's
  MarkerCluster of one circle marker with popup per incident (the plain folium way) and
  folium's FastMarkerCluster. For each: build time, page bytes (the HTML the browser
  receives; Leaflet's own files are the same for all and not counted), and the time
  headless Chromium takes from navigation to the first frame after the page has loaded.

MarkerCluster pages beyond --max-plain incidents are not built (a million folium markers
take over 15 minutes and a gigabyte of HTML); the table says so. Prints one table.
Not part of the test suite; tests/test_bench.py runs a small smoke version.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import floors, synthesise, table, timed_import, with_ratios  # noqa: E402
from synth import grid_file  # noqa: E402

APP_PROBE = r"""
import json, os, sys, time
from streamlit.testing.v1 import AppTest
started = time.perf_counter()
at = AppTest.from_file(sys.argv[1], default_timeout=600).run()
opened = time.perf_counter() - started
assert not at.exception, at.exception
factions = at.sidebar.multiselect[0]
started = time.perf_counter()
factions.unselect(factions.value[0]).run()
rerun = time.perf_counter() - started
assert not at.exception, at.exception
started = time.perf_counter()
at.sidebar.selectbox(key="look_aggregate").set_value("grid").run()
areas = time.perf_counter() - started  # the areas of every incident, found once
assert not at.exception, at.exception
started = time.perf_counter()
factions.set_value(factions.value[1:]).run()
area_rerun = time.perf_counter() - started
assert not at.exception, at.exception
assert any("unit" in d.value.columns for d in at.dataframe), "no per-area table"
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({"open s": opened, "rerun s": rerun, "areas s": areas,
                  "areas rerun s": area_rerun, "app peak MB": int(status) / 1024,
                  "metrics": [m.value for m in at.metric]}))
"""


def dashboard(store_url: str, cache: Path) -> dict:
    """Open the real app on the store in a fresh process; time it, a filter change, the
    switch to counts per area (a 10 x 10 grid) and a filter change with them shown."""
    data = cache / "data"
    (data / "layers").mkdir(parents=True, exist_ok=True)
    grid_file(data / "layers" / "grid.geojson")
    env = dict(
        os.environ,
        CONFLICTMAP_STORE=store_url,
        CONFLICTMAP_CACHE=str(cache),
        CONFLICTMAP_DATA=str(data),
        CONFLICTMAP_USERS=str(cache / "no-users.toml"),
    )
    done = subprocess.run(
        [sys.executable, "-c", APP_PROBE, str(ROOT / "app.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    if done.returncode:
        raise RuntimeError(f"dashboard probe failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def filter_seconds(index, factions) -> float:
    """Best of five: the work one filter change costs before anything is drawn."""
    from conflictmap import views
    from conflictmap.filters import Filters

    chosen = Filters(factions=tuple(factions.names[1:]), event_types=("Battles",))
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        shown = views.collapse_linked(views.apply(index, chosen))
        views.summarise(shown)
        best = min(best, time.perf_counter() - started)
    return best


def pages(index, factions, store, max_plain: int) -> dict[str, tuple[float, str | None]]:
    """name -> (build seconds, rendered HTML or None when not built)."""
    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster

    from conflictmap import views
    from conflictmap.assets import localise
    from conflictmap.maps.base import MapSpec
    from conflictmap.maps.compose import full_map

    out = {}
    started = time.perf_counter()
    ours = full_map(
        index,
        factions,
        MapSpec(tiles="none"),
        width_px=1200,
        fetch=lambda chosen: views.full_rows(store, factions, chosen),
    )
    out["conflictmap"] = (time.perf_counter() - started, ours.get_root().render())

    centre = (float(index["latitude"].mean()), float(index["longitude"].mean()))
    if len(index) <= max_plain:
        started = time.perf_counter()
        rows = views.full_rows(store, factions, index)
        plain = folium.Map(location=centre, zoom_start=8, tiles=None)
        cluster = MarkerCluster().add_to(plain)
        for row in rows.itertuples(index=False):
            folium.CircleMarker(
                (row.latitude, row.longitude),
                radius=6,
                fill=True,
                popup=folium.Popup(f"{row.event_date:%Y-%m-%d} {row.location}", max_width=300),
            ).add_to(cluster)
        localise(plain)
        out["folium MarkerCluster"] = (time.perf_counter() - started, plain.get_root().render())
    else:
        out["folium MarkerCluster"] = (float("nan"), None)

    started = time.perf_counter()
    fast = folium.Map(location=centre, zoom_start=8, tiles=None)
    FastMarkerCluster(index[["latitude", "longitude"]].to_numpy().tolist()).add_to(fast)
    localise(fast)
    out["folium FastMarkerCluster"] = (time.perf_counter() - started, fast.get_root().render())
    return out


PAINTED = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
  () => done(performance.now()))))"""


def paint_seconds(html: str, folder: Path, name: str, timeout_s: float) -> float | str:
    """Navigation to the first frame after load, in headless Chromium, offline."""
    from playwright.sync_api import Error, sync_playwright

    from conflictmap.assets import inline
    from conflictmap.snapshot import CHROMIUM_FLAGS, chromium_path

    path = folder / f"{name}.html"
    path.write_text(inline(html), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 700})
        page.set_default_timeout(timeout_s * 1000)
        try:
            page.goto(path.as_uri(), wait_until="load")
            milliseconds = page.evaluate(PAINTED)
        except Error:
            return f"> {timeout_s:.0f}"
        finally:
            browser.close()
    return milliseconds / 1000


def measure(size: int, folder: Path, args) -> list[dict]:
    from conflictmap import mapindex
    from conflictmap.factions import load_factions
    from conflictmap.settings import Settings
    from conflictmap.store import open_store

    source = folder / f"acled-{size}.csv"
    synthesise(size, source)
    url = f"sqlite:///{folder / f'store-{size}.sqlite'}"
    cache = folder / f"cache-{size}"
    os.environ["CONFLICTMAP_CACHE"] = str(cache)
    seconds, peak, _ = timed_import(source, url)
    store = open_store(url)
    started = time.perf_counter()
    mapindex.load(store, cache)  # written by the import: this is the dashboard's read
    index_read = time.perf_counter() - started
    app = dashboard(url, cache)
    factions = load_factions(Settings().factions_file)
    index = mapindex.with_factions(mapindex.load(store, cache), factions)
    common = with_ratios(
        {
            "incidents": size,
            "import s": seconds,
            "import peak MB": peak,
            **floors(source, url),
            "index read s": index_read,
            "open s": app["open s"],
            "filter ms": filter_seconds(index, factions) * 1000,
            "rerun s": app["rerun s"],
            "areas s": app["areas s"],
            "areas rerun s": app["areas rerun s"],
            "app peak MB": app["app peak MB"],
        }
    )
    print(table([common]), file=sys.stderr, flush=True)
    rows = []
    for name, (build, html) in pages(index, factions, store, args.max_plain).items():
        paint = (
            paint_seconds(html, folder, f"{name.split()[-1]}-{size}", args.paint_timeout)
            if html is not None
            else "not built"
        )
        rows.append(
            {
                "incidents": size,
                "map": name,
                "build s": build,
                "page MB": len(html.encode()) / 2**20 if html is not None else float("nan"),
                "paint s": paint,
            }
        )
        print(table(rows[-1:]), file=sys.stderr, flush=True)
    return [common], rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--paint-timeout", type=float, default=180)
    parser.add_argument("--max-plain", type=int, default=100_000)
    args = parser.parse_args()
    store_rows, map_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            a, b = measure(size, Path(tmp), args)
            store_rows += a
            map_rows += b
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}\n"
    )
    print(table(store_rows))
    print()
    print(table(map_rows))


if __name__ == "__main__":
    main()
