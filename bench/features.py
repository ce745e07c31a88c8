"""The analyst's-day features at scale: counts per area, what changed, playback, the
Arabic report, the animated GIF. Prints a table.

    python bench/features.py [--sizes 10000,100000,1000000] [--gif-frames 5]

Areas need a boundary file: by default the OCHA governorates in ../shared/data (when
present), else a 10 x 10 grid of squares over the valley.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from run import table  # noqa: E402

from conflictmap import language  # noqa: E402
from conflictmap.maps import choropleth  # noqa: E402

OCHA = ROOT.parent / "shared" / "data" / "boundaries" / "syr_admin1_ocha_codab_v02_20201217.geojson"


def incidents(size: int) -> pd.DataFrame:
    from synth import generate

    from conflictmap.factions import load_factions

    frame = generate(size, seed=3, start="2018-01-01", end="2019-12-31", illustrative=False)
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["end_date"] = frame["event_date"]
    frame["fatalities"] = pd.to_numeric(frame["fatalities"]).astype("Int64")
    frame["geo_precision"] = pd.to_numeric(frame["geo_precision"]).astype("Int64")
    return load_factions(ROOT / "data" / "factions.csv").assign(frame)


def boundaries(folder: Path):
    from synth import grid_file

    from conflictmap.areas import read_units
    from conflictmap.layers import RefLayer

    if OCHA.exists():
        return read_units(RefLayer("OCHA governorates", OCHA))
    return read_units(RefLayer("grid", grid_file(folder / "grid.geojson")))


def timed(action) -> tuple[float, object]:
    """Milliseconds an action takes, and its result."""
    start = time.perf_counter()
    out = action()
    return 1000 * (time.perf_counter() - start), out


def measure(frame: pd.DataFrame, units) -> dict:
    from conflictmap import areas, changes, playback
    from conflictmap.filters import Filters

    row = {"incidents": len(frame)}
    row["per area ms"], counted = timed(lambda: areas.count(units, frame))
    row["choropleth ms"], _ = timed(
        lambda: choropleth.choropleth_layer(units, counted, "incidents")
    )
    end = frame["event_date"].max().date()
    windows = changes.Windows(end, 7)
    row["what changed ms"], _ = timed(lambda: changes.compare(frame, windows, "admin1"))
    row["new names ms"], _ = timed(lambda: changes.new_names(frame, windows))
    first, last = frame["event_date"].min().date(), end
    steps = playback.frames(first, last, "week")
    row["frame counts ms"], _ = timed(
        lambda: [int(playback.in_window(frame, f, "window").sum()) for f in steps]
    )
    row["weeks"] = len(steps)
    words = language.wording("ar")
    row["ar sentence ms"] = timed(lambda: Filters(first, last).describe(words))[0]
    return row


def gif_seconds(frames: int) -> tuple[float, float]:
    """An animated GIF of a playback of ``frames`` weeks over 1,000 incidents, 1200x800."""
    from conflictmap import playback, snapshot
    from conflictmap.factions import load_factions
    from conflictmap.filters import Filters
    from conflictmap.maps.base import MapSpec

    frame = incidents(1000)
    frame["incident_id"] = [f"acled:{n}" for n in range(len(frame))]
    for name in ("fatalities_low", "fatalities_high"):
        frame[name] = pd.NA
    first = frame["event_date"].max().date() - dt.timedelta(days=7 * frames - 1)
    filters = Filters(first, frame["event_date"].max().date())
    shown = filters.apply(frame)
    shot = snapshot.SnapshotSpec(1200, 800)
    page = snapshot.snapshot_html(
        shown,
        load_factions(ROOT / "data" / "factions.csv"),
        filters,
        MapSpec(tiles="none"),
        shot,
        playback=playback.Playback("week"),
    )
    ms, made = timed(lambda: snapshot.animate(page, shot, 500))
    return ms / 1000, len(made.data) / 1e6


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--gif-frames", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        units = boundaries(Path(folder))
        rows = [measure(incidents(int(n)), units) for n in args.sizes.split(",")]
    print(f"Areas: {units.layer} ({len(units)} units)")
    print(table(rows))
    if args.gif_frames:
        seconds, size = gif_seconds(args.gif_frames)
        print(f"\nGIF: {args.gif_frames} weekly frames, 1200x800: {seconds:.1f} s, {size:.1f} MB")


if __name__ == "__main__":
    main()
